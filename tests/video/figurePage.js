// In-page program (bundled with three by esbuild, run in headless Chromium): draws human-like
// figures around given world-space joints and reports every joint projected to image pixels.
// Like scripts/make-rendered-humanoid.ts it gives the figures skin, clothes, hair and a face so a
// pose model trained on photos sees people; unlike it, every part follows the joints (heads, feet),
// since these figures move. Units: metres, y up, x to the viewer's right, z towards the camera.
import * as THREE from 'three';

function mat(color, roughness = 0.8) {
  return new THREE.MeshStandardMaterial({ color, roughness, metalness: 0 });
}

function v3(a) {
  return new THREE.Vector3(a[0], a[1], a[2]);
}

function limb(a, b, r, material, scale = [1, 1, 1]) {
  const va = v3(a);
  const vb = v3(b);
  const len = va.distanceTo(vb);
  const m = new THREE.Mesh(new THREE.CapsuleGeometry(r, Math.max(len, 1e-4), 6, 16), material);
  m.position.copy(va).add(vb).multiplyScalar(0.5);
  m.quaternion.setFromUnitVectors(new THREE.Vector3(0, 1, 0), vb.clone().sub(va).normalize());
  m.scale.set(...scale);
  return m;
}

function ball(c, r, material, scale = [1, 1, 1]) {
  const m = new THREE.Mesh(new THREE.SphereGeometry(r, 24, 16), material);
  m.position.set(c[0], c[1], c[2]);
  m.scale.set(...scale);
  return m;
}

const PALETTES = [
  { skin: 0xe0ac8a, shirt: 0x2f6db5, trousers: 0x39404a, shoes: 0x3b2a20, hair: 0x3a2616 },
  { skin: 0xc68a64, shirt: 0xb83b3b, trousers: 0x2f3a2a, shoes: 0x222222, hair: 0x1a1410 },
];

/**
 * One figure. Built in its local frame (facing +z, left on +x, joints given in world space are
 * turned back by its yaw), then placed: the torso and head are rigid, limbs follow the joints.
 */
function figure(state, paletteIndex) {
  const p = PALETTES[paletteIndex % PALETTES.length];
  const skin = mat(p.skin);
  const shirt = mat(p.shirt);
  const trousers = mat(p.trousers);
  const shoes = mat(p.shoes, 0.6);
  const hair = mat(p.hair, 0.9);
  const white = mat(0xf6f6f6, 0.4);
  const iris = mat(0x3a4a2a, 0.3);
  const lips = mat(0xb25a5a, 0.6);
  const H = state.heightM;
  const f = (v) => v * H;
  const [rx, , rz] = state.rootWorld;
  const c = Math.cos(state.yawRad);
  const s = Math.sin(state.yawRad);
  // World -> local (inverse yaw, root at the origin).
  const j = {};
  for (const [name, w] of Object.entries(state.joints)) {
    const x = w[0] - rx;
    const z = w[2] - rz;
    j[name] = [c * x - s * z, w[1], s * x + c * z];
  }
  const g = new THREE.Group();
  const add = (m) => g.add(m);
  const up = j.Hips[1] - f(0.52);
  const y = (v) => f(v) + up;
  // Head and face, in a group turning about the Head joint (the top of the neck) by the head's own
  // pitch, yaw and roll (figureMotions.ts FigureState.head: R = roll · yaw · pitch).
  const headGroup = new THREE.Group();
  const pivot = [0, y(0.875), 0];
  headGroup.position.set(...pivot);
  if (state.head) headGroup.rotation.set(state.head.pitchRad, state.head.yawRad, state.head.rollRad, 'ZYX');
  g.add(headGroup);
  const addHead = (m) => {
    m.position.set(m.position.x - pivot[0], m.position.y - pivot[1], m.position.z - pivot[2]);
    headGroup.add(m);
  };
  addHead(ball([0, y(0.933), 0], f(0.062), skin, [0.9, 1.1, 1]));
  addHead(ball([0, y(0.95), f(-0.008)], f(0.063), hair, [0.93, 0.93, 0.95]));
  for (const side of [1, -1]) {
    addHead(ball([side * f(0.02), y(0.94), f(0.05)], f(0.0085), white));
    addHead(ball([side * f(0.02), y(0.94), f(0.057)], f(0.0042), iris));
    addHead(ball([side * f(0.056), y(0.932), 0], f(0.012), skin, [0.5, 1, 0.8]));
  }
  addHead(limb([0, y(0.935), f(0.056)], [0, y(0.915), f(0.064)], f(0.007), skin));
  addHead(limb([f(-0.014), y(0.896), f(0.053)], [f(0.014), y(0.896), f(0.053)], f(0.0045), lips));
  add(limb([0, y(0.8), 0], [0, y(0.875), f(0.005)], f(0.027), skin));
  // Torso.
  add(limb([0, y(0.55), 0], [0, y(0.77), 0], f(0.085), shirt, [1.05, 1, 0.62]));
  add(limb([f(0.058), y(0.79), 0], [f(-0.058), y(0.79), 0], f(0.045), shirt, [1, 1, 0.85]));
  add(limb([0, y(0.5), 0], [0, y(0.56), 0], f(0.085), trousers, [1.05, 1, 0.62]));
  for (const side of ['Left', 'Right']) {
    const sh = j[`${side}Arm`];
    const el = j[`${side}ForeArm`];
    const wr = j[`${side}Hand`];
    add(ball(sh, f(0.04), shirt));
    const sleeveEnd = sh.map((v, i) => v + (el[i] - v) * 0.55);
    add(limb(sh, sleeveEnd, f(0.036), shirt));
    add(limb(sleeveEnd, el, f(0.029), skin));
    add(limb(el, wr, f(0.021), skin));
    const len = Math.hypot(wr[0] - el[0], wr[1] - el[1], wr[2] - el[2]);
    const dir = wr.map((v, i) => (v - el[i]) / len);
    add(
      limb(
        wr.map((v, i) => v + dir[i] * f(0.022)),
        wr.map((v, i) => v + dir[i] * f(0.08)),
        f(0.022),
        skin,
        [1, 1, 0.5],
      ),
    );
    const hip = j[`${side}UpLeg`];
    const knee = j[`${side}Leg`];
    const ankle = j[`${side}Foot`];
    add(limb(hip, knee, f(0.052), trousers));
    add(limb(knee, ankle, f(0.038), trousers));
    // Shoe under the ankle, pointing forwards (the figure's +z).
    const sole = ankle[1] - f(0.025);
    add(
      limb(
        [ankle[0], sole, ankle[2] - f(0.02)],
        [ankle[0], sole, ankle[2] + f(0.11)],
        f(0.024),
        shoes,
        [1.3, 1, 1],
      ),
    );
    add(ball(ankle, f(0.03), shoes));
  }
  g.rotation.y = state.yawRad;
  g.position.set(rx, 0, rz);
  return g;
}

let renderer = null;
let canvas = null;

window.renderFigures = ({ widthPx, heightPx, background, camera: cam, figures }) => {
  if (!renderer) {
    canvas = document.createElement('canvas');
    canvas.width = widthPx;
    canvas.height = heightPx;
    document.body.appendChild(canvas);
    renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    renderer.setPixelRatio(1);
    renderer.setSize(widthPx, heightPx, false);
    renderer.outputColorSpace = THREE.SRGBColorSpace;
  }
  renderer.setClearColor(new THREE.Color(background), 1);
  const scene = new THREE.Scene();
  scene.add(new THREE.HemisphereLight(0xffffff, 0x8a7f70, 1.6));
  const key = new THREE.DirectionalLight(0xffffff, 1.6);
  key.position.set(1.5, 3, 4);
  scene.add(key);
  const fill = new THREE.DirectionalLight(0xffffff, 0.5);
  fill.position.set(-3, 1, 2);
  scene.add(fill);
  // A floor, so the figures stand on something.
  const floor = new THREE.Mesh(new THREE.PlaneGeometry(20, 20), mat(0xb9b2a5, 1));
  floor.rotation.x = -Math.PI / 2;
  scene.add(floor);
  figures.forEach((state, i) => {
    scene.add(figure(state, state.palette ?? i));
  });
  const camera = new THREE.PerspectiveCamera(cam.fovDeg, widthPx / heightPx, 0.1, 50);
  camera.position.set(...cam.position);
  camera.lookAt(...cam.target);
  camera.updateMatrixWorld();
  camera.updateProjectionMatrix();
  renderer.render(scene, camera);
  const png = canvas.toDataURL('image/png');
  scene.traverse((o) => {
    if (o.geometry) o.geometry.dispose();
  });
  const toPx = (p) => {
    const v = v3(p).project(camera);
    return [((v.x + 1) / 2) * widthPx, ((1 - v.y) / 2) * heightPx];
  };
  const projected = figures.map((state) => {
    const joints = {};
    for (const [name, p] of Object.entries(state.joints)) joints[name] = toPx(p);
    const [rx, , rz] = state.rootWorld;
    const top = toPx([rx, state.heightM, rz]);
    const bottom = toPx([rx, 0, rz]);
    return { joints, figureHeightPx: Math.hypot(top[0] - bottom[0], top[1] - bottom[1]) };
  });
  return { png, projected };
};
