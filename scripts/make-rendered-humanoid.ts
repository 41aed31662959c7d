import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

/**
 * Renders a human-like figure with three.js in Debian's headless Chromium (SwiftShader WebGL) and
 * writes the picture with its TRUE joint positions, projected to image pixels:
 *   tests/fixtures/pose/rendered-tpose.png + rendered-tpose.joints.json
 *   tests/fixtures/pose/rendered-apose.png + rendered-apose.joints.json (transparent background)
 *   tests/fixtures/pose/rendered-apose-mannequin.png + .joints.json (featureless grey mannequin)
 * These are the test pictures for the automatic skeleton fit (issue 3, "Fit": automatic joints
 * within 4% of the figure's height of the truth).
 *
 * The figure is built around its skeleton: capsules and spheres placed between known joint
 * centres, with adult proportions (fractions of the standing height, after Drillis & Contini:
 * shoulders 0.818, hip joints 0.52, knees 0.285, ankles 0.045; upper arm 0.186, forearm 0.146),
 * skin and clothes colours and a face, so a pose model trained on photos sees a person.
 *
 * Usage: npx tsx scripts/make-rendered-humanoid.ts [outDir]
 */

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export type RenderedPose = 'T' | 'A';

export interface RenderOptions {
  pose: RenderedPose;
  widthPx: number;
  heightPx: number;
  /** CSS colour of a plain background, or null for a transparent one. */
  background: string | null;
  /** 'dressed': skin, clothes, hair and a face; 'mannequin': one grey material, a blank head. */
  style: 'dressed' | 'mannequin';
}

export interface RenderedHumanoid {
  png: Buffer;
  truth: JointsTruth;
}

/** What the .joints.json beside each picture holds. */
export interface JointsTruth {
  pose: RenderedPose;
  width: number;
  height: number;
  /** Image pixels (x right, y down) of the top of the head and of the soles, on the body axis. */
  headTopPx: [number, number];
  solesPx: [number, number];
  /** Soles to head top, in pixels: the unit of the 4% tolerance. */
  figureHeightPx: number;
  /** Keypose humanoid joint name -> image pixels; Left* is the character's left (picture right). */
  joints: Record<string, [number, number]>;
}

/**
 * The in-page program (bundled with three by esbuild). Units: metres, figure height H = 1.75,
 * y up from the soles, x to the character's left (the viewer's right: the figure faces +z, the
 * camera).
 */
const PAGE_PROGRAM = `
import * as THREE from 'three';

const H = 1.75;
const f = (v) => v * H;

function skeleton(pose) {
  const j = {};
  j.Hips = [0, f(0.52), 0];
  j.Spine = [0, f(0.6), 0];
  j.Chest = [0, f(0.7), 0];
  j.Neck = [0, f(0.83), 0];
  j.Head = [0, f(0.875), 0];
  const shoulderY = f(0.818);
  // Arms: T-pose horizontal; A-pose 45 degrees below horizontal.
  const down = pose === 'A' ? Math.PI / 4 : 0;
  for (const [side, s] of [['Left', 1], ['Right', -1]]) {
    const dir = [s * Math.cos(down), -Math.sin(down), 0];
    const sh = [s * f(0.105), shoulderY, 0];
    const el = sh.map((v, i) => v + dir[i] * f(0.186));
    const wr = el.map((v, i) => v + dir[i] * f(0.146));
    j[side + 'Shoulder'] = [s * f(0.03), shoulderY, 0];
    j[side + 'Arm'] = sh;
    j[side + 'ForeArm'] = el;
    j[side + 'Hand'] = wr;
    // Legs slightly apart, as a rest pose stands.
    j[side + 'UpLeg'] = [s * f(0.06), f(0.52), 0];
    j[side + 'Leg'] = [s * f(0.068), f(0.285), 0];
    j[side + 'Foot'] = [s * f(0.075), f(0.045), 0];
    j[side + 'ToeBase'] = [s * f(0.078), f(0.012), f(0.1)];
  }
  return j;
}

function mat(color, roughness = 0.8) {
  return new THREE.MeshStandardMaterial({ color, roughness, metalness: 0 });
}

/** A capsule of radius r from a to b (vectors as arrays). */
function limb(a, b, r, material, scale = [1, 1, 1]) {
  const va = new THREE.Vector3(...a);
  const vb = new THREE.Vector3(...b);
  const len = va.distanceTo(vb);
  const g = new THREE.CapsuleGeometry(r, Math.max(len, 1e-4), 8, 24);
  const m = new THREE.Mesh(g, material);
  m.position.copy(va).add(vb).multiplyScalar(0.5);
  m.quaternion.setFromUnitVectors(new THREE.Vector3(0, 1, 0), vb.clone().sub(va).normalize());
  m.scale.set(...scale);
  return m;
}

/** A cone-like limb from a (radius ra) to b (radius rb), rounded at both ends. */
function taper(a, b, ra, rb, material) {
  const va = new THREE.Vector3(...a);
  const vb = new THREE.Vector3(...b);
  const g = new THREE.Group();
  const body = new THREE.Mesh(new THREE.CylinderGeometry(rb, ra, va.distanceTo(vb), 24), material);
  body.position.copy(va).add(vb).multiplyScalar(0.5);
  body.quaternion.setFromUnitVectors(new THREE.Vector3(0, 1, 0), vb.clone().sub(va).normalize());
  g.add(body, ball(a, ra, material), ball(b, rb, material));
  return g;
}

function ball(c, r, material, scale = [1, 1, 1]) {
  const m = new THREE.Mesh(new THREE.SphereGeometry(r, 32, 24), material);
  m.position.set(...c);
  m.scale.set(...scale);
  return m;
}

/** Hair, eyes, ears, brows, nose and mouth on the head (face towards +z). */
function addFace(add, { skin, hair, white, iris, lips }) {
  add(ball([0, f(0.95), f(-0.008)], f(0.063), hair, [0.93, 0.93, 0.95]));
  for (const s of [1, -1]) {
    add(ball([s * f(0.02), f(0.94), f(0.05)], f(0.0085), white));
    add(ball([s * f(0.02), f(0.94), f(0.057)], f(0.0042), iris));
    add(ball([s * f(0.056), f(0.932), 0], f(0.012), skin, [0.5, 1, 0.8]));
    add(limb([s * f(0.03), f(0.956), f(0.05)], [s * f(0.011), f(0.958), f(0.055)], f(0.0025), hair));
  }
  add(limb([0, f(0.935), f(0.056)], [0, f(0.915), f(0.064)], f(0.007), skin));
  add(limb([f(-0.014), f(0.896), f(0.053)], [f(0.014), f(0.896), f(0.053)], f(0.0045), lips));
}

function figure(j, style) {
  const mannequin = style === 'mannequin';
  const plastic = mat(0xcfc8bc, 0.5);
  const skin = mannequin ? plastic : mat(0xe0ac8a);
  const shirt = mannequin ? plastic : mat(0x2f6db5);
  const trousers = mannequin ? plastic : mat(0x39404a);
  const shoes = mannequin ? plastic : mat(0x3b2a20, 0.6);
  const hair = mat(0x3a2616, 0.9);
  const white = mat(0xf6f6f6, 0.4);
  const iris = mat(0x3a4a2a, 0.3);
  const lips = mat(0xb25a5a, 0.6);
  const g = new THREE.Group();
  const add = (m) => g.add(m);

  // Head: an egg shape from chin (0.865) to crown (1.0); face on +z.
  const headC = [0, f(0.933), 0];
  add(ball(headC, f(0.062), skin, [0.9, 1.1, 1]));
  if (!mannequin) addFace(add, { skin, hair, white, iris, lips });
  // Neck.
  add(limb([0, f(0.8), 0], [0, f(0.875), f(0.005)], f(0.027), skin));


  // Torso: shirt from the waist to the shoulders, a little wider across the chest.
  add(limb([0, f(0.55), 0], [0, f(0.77), 0], f(0.085), shirt, [1.05, 1, 0.62]));
  add(limb([j.LeftArm[0] * 0.55, f(0.79), 0], [j.RightArm[0] * 0.55, f(0.79), 0], f(0.045), shirt, [1, 1, 0.85]));
  // Pelvis: trousers.
  add(limb([0, f(0.5), 0], [0, f(0.56), 0], f(0.085), trousers, [1.05, 1, 0.62]));

  for (const side of ['Left', 'Right']) {
    const sh = j[side + 'Arm'];
    const el = j[side + 'ForeArm'];
    const wr = j[side + 'Hand'];
    add(ball(sh, f(0.04), shirt));
    // Short sleeve over the upper arm, bare forearm.
    const sleeveEnd = sh.map((v, i) => v + (el[i] - v) * 0.55);
    add(limb(sh, sleeveEnd, f(0.036), shirt));
    add(limb(sleeveEnd, el, f(0.029), skin));
    // Forearm tapering to a wrist narrower than the palm, as an arm does.
    add(taper(el, wr, f(0.025), f(0.016), skin));
    const dir = wr.map((v, i) => (v - el[i]) / f(0.146));
    const palmStart = wr.map((v, i) => v + dir[i] * f(0.022));
    const handEnd = wr.map((v, i) => v + dir[i] * f(0.08));
    add(limb(palmStart, handEnd, f(0.022), skin, [1, 1, 0.5]));
    // Thumb, a little forwards.
    add(limb(wr, [wr[0] + dir[0] * f(0.04), wr[1] + dir[1] * f(0.04), wr[2] + f(0.025)], f(0.008), skin));

    const hip = j[side + 'UpLeg'];
    const knee = j[side + 'Leg'];
    const ankle = j[side + 'Foot'];
    add(limb(hip, knee, f(0.052), trousers));
    add(limb(knee, ankle, f(0.038), trousers));
    // Shoe: from behind the ankle to the toes, sole at y = 0.
    add(limb([ankle[0], f(0.02), f(-0.02)], [ankle[0], f(0.02), f(0.11)], f(0.024), shoes, [1.3, 1, 1]));
    add(ball([ankle[0], f(0.04), 0], f(0.03), shoes));
  }
  return g;
}

window.renderFigure = ({ pose, widthPx, heightPx, background, style }) => {
  const canvas = document.createElement('canvas');
  canvas.width = widthPx;
  canvas.height = heightPx;
  document.body.appendChild(canvas);
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: true, alpha: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(1);
  renderer.setSize(widthPx, heightPx, false);
  renderer.outputColorSpace = THREE.SRGBColorSpace;
  if (background === null) renderer.setClearColor(0x000000, 0);
  else renderer.setClearColor(new THREE.Color(background), 1);

  const scene = new THREE.Scene();
  scene.add(new THREE.HemisphereLight(0xffffff, 0x8a7f70, 1.6));
  const key = new THREE.DirectionalLight(0xffffff, 1.6);
  key.position.set(1.5, 3, 4);
  scene.add(key);
  const fill = new THREE.DirectionalLight(0xffffff, 0.5);
  fill.position.set(-3, 1, 2);
  scene.add(fill);

  const j = skeleton(pose);
  scene.add(figure(j, style));

  // Orthographic camera on +z looking at the figure's middle; the figure fills 85% of the height.
  const viewH = H / 0.85;
  const viewW = viewH * (widthPx / heightPx);
  const cy = H / 2;
  const camera = new THREE.OrthographicCamera(-viewW / 2, viewW / 2, cy + viewH / 2, cy - viewH / 2, 0.1, 20);
  camera.position.set(0, 0, 5);
  camera.lookAt(0, 0, 0);
  camera.position.set(0, 0, 5);
  camera.updateMatrixWorld();
  camera.updateProjectionMatrix();
  renderer.render(scene, camera);
  const png = canvas.toDataURL('image/png');

  const toPx = (p) => {
    const v = new THREE.Vector3(...p).project(camera);
    return [(v.x + 1) / 2 * widthPx, (1 - v.y) / 2 * heightPx];
  };
  const joints = {};
  for (const [name, p] of Object.entries(j)) joints[name] = toPx(p);
  const headTopPx = toPx([0, H, 0]);
  const solesPx = toPx([0, 0, 0]);
  return { png, joints, headTopPx, solesPx };
};
`;

async function bundlePageProgram(): Promise<string> {
  const result = await build({
    stdin: {
      contents: PAGE_PROGRAM,
      resolveDir: REPO_ROOT,
      loader: 'js',
      sourcefile: 'rendered-humanoid.js',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    minify: true,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** Renders each requested figure in one Chromium session. */
export async function renderHumanoids(requests: readonly RenderOptions[]): Promise<RenderedHumanoid[]> {
  const program = await bundlePageProgram();
  // playwright gives every launch a fresh temporary --user-data-dir.
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent('<!doctype html><html><body style="margin:0"></body></html>');
    await page.addScriptTag({ content: program });
    const out: RenderedHumanoid[] = [];
    for (const req of requests) {
      const r = await page.evaluate(
        (o) =>
          (
            window as unknown as {
              renderFigure(o: RenderOptions): {
                png: string;
                joints: Record<string, [number, number]>;
                headTopPx: [number, number];
                solesPx: [number, number];
              };
            }
          ).renderFigure(o),
        req,
      );
      if (errors.length) throw new Error(`rendering failed in Chromium: ${errors.join('; ')}`);
      const round = (p: [number, number]): [number, number] => [
        Math.round(p[0] * 100) / 100,
        Math.round(p[1] * 100) / 100,
      ];
      out.push({
        png: Buffer.from(r.png.slice(r.png.indexOf(',') + 1), 'base64'),
        truth: {
          pose: req.pose,
          width: req.widthPx,
          height: req.heightPx,
          headTopPx: round(r.headTopPx),
          solesPx: round(r.solesPx),
          figureHeightPx: Math.round((r.solesPx[1] - r.headTopPx[1]) * 100) / 100,
          joints: Object.fromEntries(Object.entries(r.joints).map(([k, v]) => [k, round(v)])),
        },
      });
    }
    return out;
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const outDir = resolve(process.argv[2] ?? join(REPO_ROOT, 'tests', 'fixtures', 'pose'));
  await mkdir(outDir, { recursive: true });
  const variants: { name: string; opts: RenderOptions }[] = [
    {
      name: 'rendered-tpose',
      opts: { pose: 'T', widthPx: 640, heightPx: 640, background: '#e9edf2', style: 'dressed' },
    },
    {
      name: 'rendered-apose',
      opts: { pose: 'A', widthPx: 480, heightPx: 640, background: null, style: 'dressed' },
    },
    {
      name: 'rendered-apose-mannequin',
      opts: { pose: 'A', widthPx: 480, heightPx: 640, background: '#ffffff', style: 'mannequin' },
    },
  ];
  const rendered = await renderHumanoids(variants.map((v) => v.opts));
  for (const [i, v] of variants.entries()) {
    const r = rendered[i]!;
    await writeFile(join(outDir, `${v.name}.png`), r.png);
    await writeFile(join(outDir, `${v.name}.joints.json`), `${JSON.stringify(r.truth, null, 2)}\n`);
    console.log(`${v.name}: ${r.png.length} bytes, figure ${r.truth.figureHeightPx} px tall`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
