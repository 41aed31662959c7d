// In-page program (bundled with three by esbuild, run in headless Chromium): a human-like head in
// close-up, turned by given yaw/pitch/roll, with eyelids that close, a jaw that opens, brows that
// rise and lip corners that lift, so a face landmark model trained on photos reads it as a face.
// Units: metres, y up, x to the viewer's right, z towards the camera (the character-space axes).
// The head turns about a pivot in the neck, like a real one (the rotation is what is measured; the
// pivot only moves the face in the picture).
import * as THREE from 'three';

function mat(color, roughness = 0.7) {
  return new THREE.MeshStandardMaterial({ color, roughness, metalness: 0 });
}

function ball(parent, c, r, material, scale = [1, 1, 1]) {
  const m = new THREE.Mesh(new THREE.SphereGeometry(r, 40, 28), material);
  m.position.set(c[0], c[1], c[2]);
  m.scale.set(...scale);
  parent.add(m);
  return m;
}

function capsule(parent, a, b, r, material, scale = [1, 1, 1]) {
  const va = new THREE.Vector3(...a);
  const vb = new THREE.Vector3(...b);
  const m = new THREE.Mesh(new THREE.CapsuleGeometry(r, Math.max(va.distanceTo(vb), 1e-4), 8, 20), material);
  m.position.copy(va).add(vb).multiplyScalar(0.5);
  m.quaternion.setFromUnitVectors(new THREE.Vector3(0, 1, 0), vb.clone().sub(va).normalize());
  m.scale.set(...scale);
  parent.add(m);
  return m;
}

const SKIN = 0xe2b08e;
/** Pivot of the head's turn: in the neck, below and behind the face's centre. */
const PIVOT = [0, -0.1, -0.02];

/**
 * One head, in its own frame (face towards +z). `face`: blinkL, blinkR (0 open..1 closed; L is the
 * head's own left, on +x), jawOpen (0..1), browRaise (-1..1), smile (0..1).
 */
function head(face) {
  const skin = mat(SKIN, 0.65);
  const lipsMat = mat(0xb4605c, 0.5);
  const hairMat = mat(0x3b2718, 0.9);
  const white = mat(0xf4f1ec, 0.35);
  const irisMat = mat(0x4a3322, 0.3);
  const pupilMat = mat(0x111111, 0.2);
  const browMat = mat(0x2e1f14, 0.9);
  const cavity = mat(0x3a1214, 0.9);
  const g = new THREE.Group();
  // Skull and face (an egg: narrower at the jaw).
  ball(g, [0, 0.01, 0], 0.1, skin, [0.74, 1.0, 0.86]);
  ball(g, [0, -0.045, 0.012], 0.075, skin, [0.82, 0.95, 0.95]);
  // Cheeks.
  // Hair: a cap over the top and back.
  const hair = new THREE.Mesh(
    new THREE.SphereGeometry(0.104, 40, 28, 0, Math.PI * 2, 0, Math.PI * 0.42),
    hairMat,
  );
  hair.scale.set(0.76, 1.0, 0.9);
  hair.position.set(0, 0.014, -0.006);
  hair.rotation.x = -0.35;
  g.add(hair);
  // Ears.
  for (const s of [1, -1]) ball(g, [s * 0.074, 0.0, -0.005], 0.022, skin, [0.35, 1, 0.7]);
  // Neck.
  capsule(g, [0, -0.2, -0.02], [0, -0.09, -0.02], 0.042, skin);
  // Eyes: a white eyeball with iris and pupil, an upper lid (a skin shell over the eyeball) that
  // closes downwards, a lower lid.
  const blinks = { 1: face.blinkL ?? 0, [-1]: face.blinkR ?? 0 };
  for (const s of [1, -1]) {
    const c = [s * 0.031, 0.018, 0.066];
    ball(g, c, 0.0125, white);
    // Gaze turns the iris and pupil about the eyeball's centre: gazeX to the person's left (+x),
    // gazeY up; 1 = 0.35 rad across, 0.3 rad up.
    const a = 0.35 * (face.gazeX ?? 0);
    const b = 0.3 * (face.gazeY ?? 0);
    const onBall = (r) => [
      c[0] + r * Math.sin(a) * Math.cos(b),
      c[1] + r * Math.sin(b),
      c[2] + r * Math.cos(a) * Math.cos(b),
    ];
    const iris = ball(g, onBall(0.0095), 0.0062, irisMat, [1, 1, 0.5]);
    const pupil = ball(g, onBall(0.0118), 0.0029, pupilMat, [1, 1, 0.4]);
    for (const m of [iris, pupil]) m.rotation.set(-b, a, 0, 'YXZ');
    // Upper lid: the top of a skin shell over the eyeball; its edge comes down as the eye closes.
    const edge = Math.PI * (0.36 + 0.64 * blinks[s]);
    const lid = new THREE.Mesh(new THREE.SphereGeometry(0.0136, 32, 20, 0, Math.PI * 2, 0, edge), skin);
    lid.position.set(...c);
    g.add(lid);
    // A lash line along the lid's edge.
    const lash = new THREE.Mesh(
      new THREE.TorusGeometry(Math.max(0.0138 * Math.sin(edge), 0.002), 0.0008, 6, 32, Math.PI),
      browMat,
    );
    lash.position.set(c[0], c[1] + 0.0138 * Math.cos(edge), c[2]);
    lash.rotation.x = Math.PI / 2;
    lash.rotation.z = Math.PI;
    g.add(lash);
    const lower = new THREE.Mesh(
      new THREE.SphereGeometry(0.0133, 32, 20, 0, Math.PI * 2, Math.PI * 0.78, Math.PI * 0.22),
      skin,
    );
    lower.position.set(...c);
    g.add(lower);
    // Brow: a short dark bar above the eye, raised by browRaise.
    const by = 0.04 + 0.008 * (face.browRaise ?? 0);
    capsule(g, [s * 0.016, by - 0.001, 0.077], [s * 0.046, by + 0.002, 0.068], 0.0042, browMat, [1, 1, 0.6]);
  }
  // Nose: a ridge and a tip with nostrils' wings.
  capsule(g, [0, 0.012, 0.074], [0, -0.022, 0.088], 0.0075, skin);
  ball(g, [0, -0.026, 0.087], 0.011, skin, [1.2, 0.9, 1]);
  for (const s of [1, -1]) ball(g, [s * 0.01, -0.028, 0.081], 0.006, skin);
  // Mouth: upper lip fixed, lower lip and chin with the jaw; a dark cavity between open lips.
  const jaw = face.jawOpen ?? 0;
  const smile = face.smile ?? 0;
  const my = -0.052;
  const drop = 0.022 * jaw;
  // Lips: flattened ellipsoids; open lips show the mouth's dark inside.
  ball(g, [0, my + 0.0045, 0.081], 0.021, lipsMat, [1 + 0.15 * smile, 0.2, 0.32]);
  ball(g, [0, my - 0.0045 - drop, 0.08], 0.02, lipsMat, [1 + 0.15 * smile, 0.27, 0.32]);
  if (jaw > 0.02) ball(g, [0, my - drop / 2, 0.078], 0.019, cavity, [1, (drop + 0.003) / 0.04, 0.3]);
  // The chin follows the jaw.
  ball(g, [0, -0.085 - drop, 0.045], 0.028, skin, [1.1, 0.8, 0.9]);
  return g;
}

/**
 * Where head() puts the features a face rig marks, head-local: the front of each eyeball (the
 * person's left eye is +x), the lips' corners and outer edges, the nose's tip, the chin's bottom.
 */
function featurePoints(face) {
  const drop = 0.022 * (face.jawOpen ?? 0);
  const width = 0.021 * (1 + 0.15 * (face.smile ?? 0));
  const my = -0.052;
  return {
    eyeLeft: [0.031, 0.018, 0.066 + 0.0125],
    eyeRight: [-0.031, 0.018, 0.066 + 0.0125],
    mouthLeft: [width, my, 0.081],
    mouthRight: [-width, my, 0.081],
    mouthUpper: [0, my + 0.0045 + 0.021 * 0.2, 0.081],
    mouthLower: [0, my - 0.0045 - drop - 0.02 * 0.27, 0.08],
    nose: [0, -0.026, 0.087 + 0.011],
    chin: [0, -0.085 - drop - 0.028 * 0.8, 0.045],
  };
}

let renderer = null;
let canvas = null;

/**
 * Renders one frame: `pose` {yawRad, pitchRad, rollRad} (three.js Euler order YXZ: yaw about y,
 * then pitch about x, then roll about z), `face` (see head()). Returns the PNG and the head's
 * projected centre and size in pixels.
 */
window.renderFace = ({ widthPx, heightPx, background, camera: cam, pose, face }) => {
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
  scene.add(new THREE.HemisphereLight(0xffffff, 0x8a7f70, 1.5));
  const key = new THREE.DirectionalLight(0xffffff, 1.5);
  key.position.set(1, 2, 4);
  scene.add(key);
  const fill = new THREE.DirectionalLight(0xffffff, 0.5);
  fill.position.set(-3, 0.5, 2);
  scene.add(fill);
  // Shoulders under the neck (not turned with the head).
  const body = mat(0x3d6fa8, 0.8);
  const torso = new THREE.Mesh(new THREE.CapsuleGeometry(0.09, 0.25, 8, 20), body);
  torso.rotation.z = Math.PI / 2;
  torso.position.set(0, -0.3, -0.04);
  scene.add(torso);
  const pivot = new THREE.Group();
  pivot.position.set(...PIVOT);
  pivot.rotation.order = 'YXZ';
  pivot.rotation.set(pose.pitchRad, pose.yawRad, pose.rollRad);
  const h = head(face);
  h.position.set(-PIVOT[0], -PIVOT[1], -PIVOT[2]);
  pivot.add(h);
  scene.add(pivot);
  const camera = new THREE.PerspectiveCamera(cam.fovDeg, widthPx / heightPx, 0.05, 20);
  camera.position.set(...cam.position);
  camera.lookAt(...cam.target);
  camera.updateMatrixWorld();
  camera.updateProjectionMatrix();
  renderer.render(scene, camera);
  const png = canvas.toDataURL('image/png');
  scene.updateMatrixWorld(true);
  const landmarks = {};
  for (const [name, p] of Object.entries(featurePoints(face))) {
    const v = h.localToWorld(new THREE.Vector3(...p)).project(camera);
    landmarks[name] = [((v.x + 1) / 2) * widthPx, ((1 - v.y) / 2) * heightPx];
  }
  scene.traverse((o) => {
    if (o.geometry) o.geometry.dispose();
    if (o.material) o.material.dispose();
  });
  return { png, landmarks };
};
