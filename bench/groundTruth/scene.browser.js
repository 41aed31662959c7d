// Browser side of the ground-truth renderer (bench/groundTruth/truth.ts serves this module to
// Debian's Chromium with three.js behind an import map). It builds a three.js SkinnedMesh from
// the character data made in node (character.ts), poses its bones and renders with an
// orthographic camera into an offscreen render target, supersampled and box-filtered here, so
// the node side gets straight RGBA frames with anti-aliased edges. Plain JS: the bench project
// is typechecked without DOM types.
import * as THREE from 'three';

const decode = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

function encode(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

let state = null;

function init(spec) {
  THREE.ColorManagement.enabled = false;
  const renderer = new THREE.WebGLRenderer({ antialias: false, alpha: true, preserveDrawingBuffer: false });
  renderer.outputColorSpace = THREE.LinearSRGBColorSpace;
  renderer.setClearColor(0x000000, 0);
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.Float32BufferAttribute(spec.positions, 3));
  geometry.setAttribute('uv', new THREE.Float32BufferAttribute(spec.uvs, 2));
  geometry.setAttribute('skinIndex', new THREE.Uint16BufferAttribute(spec.skinIndices, 4));
  geometry.setAttribute('skinWeight', new THREE.Float32BufferAttribute(spec.skinWeights, 4));
  geometry.setIndex(spec.indices);
  const texture = new THREE.DataTexture(
    decode(spec.texture.base64),
    spec.texture.width,
    spec.texture.height,
    THREE.RGBAFormat,
  );
  texture.wrapS = THREE.RepeatWrapping;
  texture.wrapT = THREE.ClampToEdgeWrapping;
  texture.magFilter = THREE.LinearFilter;
  texture.minFilter = THREE.LinearFilter;
  texture.generateMipmaps = false;
  texture.colorSpace = THREE.NoColorSpace;
  texture.needsUpdate = true;
  const material = new THREE.MeshBasicMaterial({ map: texture, side: THREE.DoubleSide });
  const mesh = new THREE.SkinnedMesh(geometry, material);
  mesh.frustumCulled = false;
  const bones = spec.bones.map((b) => {
    const bone = new THREE.Bone();
    bone.name = b.name;
    bone.position.set(b.offset[0], b.offset[1], b.offset[2]);
    return bone;
  });
  spec.bones.forEach((b, i) => {
    if (b.parent >= 0) bones[b.parent].add(bones[i]);
    else mesh.add(bones[i]);
  });
  mesh.updateMatrixWorld(true);
  mesh.bind(new THREE.Skeleton(bones));
  const scene = new THREE.Scene();
  scene.add(mesh);
  state = {
    renderer,
    scene,
    mesh,
    bones,
    rest: spec.bones.map((b) => b.offset),
    names: spec.bones.map((b) => b.name),
  };
}

/**
 * Renders one pose. view: the character-space rectangle [left, right] x [bottom, top] shown on a
 * width x height frame; ss: supersampling factor per axis. Returns base64 straight RGBA, rows top down.
 */
function render({ pose, view, ss }) {
  const { renderer, scene, bones, rest, names } = state;
  bones.forEach((bone, i) => {
    const q = pose.rotations[names[i]];
    if (q) bone.quaternion.set(q[0], q[1], q[2], q[3]);
    else bone.quaternion.identity();
  });
  const root = bones.findIndex((_, i) => state.mesh.children.includes(bones[i]));
  const t = pose.rootTranslation;
  bones[root].position.set(rest[root][0] + t[0], rest[root][1] + t[1], rest[root][2] + t[2]);
  scene.updateMatrixWorld(true);
  const camera = new THREE.OrthographicCamera(view.left, view.right, view.top, view.bottom, 0.1, 4000);
  camera.position.set(0, 0, 2000);
  camera.lookAt(0, 0, 0);
  const W = view.width * ss;
  const H = view.height * ss;
  const target = new THREE.WebGLRenderTarget(W, H, { depthBuffer: true });
  renderer.setRenderTarget(target);
  renderer.clear();
  renderer.render(scene, camera);
  const big = new Uint8Array(W * H * 4);
  renderer.readRenderTargetPixels(target, 0, 0, W, H, big);
  renderer.setRenderTarget(null);
  target.dispose();
  // Box filter (premultiplied: the clear colour is transparent black), rows flipped to top-down.
  const out = new Uint8Array(view.width * view.height * 4);
  const n = ss * ss;
  for (let y = 0; y < view.height; y++) {
    for (let x = 0; x < view.width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < ss; sy++) {
        const row = H - 1 - (y * ss + sy);
        for (let sx = 0; sx < ss; sx++) {
          const o = (row * W + x * ss + sx) * 4;
          const al = big[o + 3];
          r += big[o] * al;
          g += big[o + 1] * al;
          b += big[o + 2] * al;
          a += al;
        }
      }
      const o = (y * view.width + x) * 4;
      if (a > 0) {
        out[o] = Math.round(r / a);
        out[o + 1] = Math.round(g / a);
        out[o + 2] = Math.round(b / a);
      }
      out[o + 3] = Math.round(a / n);
    }
  }
  return encode(out);
}

window.groundTruth = { init, render };
window.groundTruthReady = true;
