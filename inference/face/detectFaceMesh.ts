import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelsDir, type HumanInstance, withHumanEngine } from '../pose/detectBodyPose.js';
import type { RgbFrame } from '../pose/detectPeople.js';

/**
 * Faces in a picture, from the face models shipped inside `@vladmandic/human` 3.3.6: BlazeFace
 * (finds faces), FaceMesh (468 landmarks with depth) and Iris (10 more), on TensorFlow.js'
 * WebAssembly backend, offline. The engine is the one the body pose uses (detectBodyPose.ts, one
 * tfjs runtime per process): its face part is switched on for these calls and off again after, so
 * a body detection in the same process is unchanged.
 *
 * Measured on the rendered test head (tests/video/renderFaceVideo.ts): with BlazeFace's in-plane
 * rotation of the crop on (`detector.rotation`), a head turned 30° left or right came back with a
 * 10–15° roll that the render did not have (the crop is turned by the eyes' line, which a turned
 * head tilts); with it off, yaw, pitch and roll are read without that cross-talk, so it is off.
 */

export interface FaceMeshResult {
  /** Overall confidence 0..1 (detector and mesh). */
  readonly score: number;
  /** The face's box in image pixels: x, y, width, height. */
  readonly boxPx: readonly [number, number, number, number];
  /**
   * 478 landmarks (468 mesh + 10 iris), image pixels x right, y down, z depth in pixel scale
   * (smaller = nearer the camera). Landmark numbers: core/face/facemeshPoints.ts.
   */
  readonly mesh: readonly (readonly [number, number, number])[];
}

export interface DetectFaceOptions {
  /** Folder holding blazeface.json, facemesh.json, iris.json (default: inside @vladmandic/human). */
  readonly modelsDir?: string;
  /** At most this many faces (default 4). */
  readonly maxFaces?: number;
  /** Faces below this detector confidence are dropped (default 0.3). */
  readonly minScore?: number;
}

interface HumanFace {
  score: number;
  box: number[];
  mesh: number[][];
}

const FACE_MODELS = ['blazeface.json', 'facemesh.json', 'iris.json'] as const;

function faceConfig(maxFaces: number, minScore: number): Record<string, unknown> {
  return {
    enabled: true,
    detector: {
      modelPath: 'blazeface.json',
      rotation: false,
      maxDetected: maxFaces,
      minConfidence: minScore,
      // 0 and 0: the detector runs on every frame (no reuse of the last box).
      skipFrames: 0,
      skipTime: 0,
      return: false,
    },
    mesh: { enabled: true, modelPath: 'facemesh.json', keepInvalid: false },
    iris: { enabled: true, modelPath: 'iris.json' },
    attention: { enabled: false },
    emotion: { enabled: false },
    description: { enabled: false },
    antispoof: { enabled: false },
    liveness: { enabled: false },
  };
}

/** The engine's members used here beyond HumanInstance: its live config and the face results. */
type HumanWithConfig = HumanInstance & {
  config: { face: Record<string, unknown>; body: { enabled: boolean } };
};

/** Checks the three model files up front, so a broken install gets a clear error. */
function checkFaceModels(modelsDir: string): void {
  for (const f of FACE_MODELS) {
    if (!existsSync(join(modelsDir, f))) {
      throw new Error(
        `face model missing: ${join(modelsDir, f)} not found (it ships inside the @vladmandic/human package; reinstall dependencies)`,
      );
    }
  }
}

/**
 * The faces in an RGB frame, largest first. Empty when there is none. Calls run one at a time
 * (the engine keeps per-model state).
 */
export async function detectFaceMeshes(
  frame: RgbFrame,
  opts: DetectFaceOptions = {},
): Promise<FaceMeshResult[]> {
  const modelsDir = opts.modelsDir ?? defaultModelsDir();
  checkFaceModels(modelsDir);
  if (frame.data.length !== frame.width * frame.height * 3) {
    throw new Error(
      `detectFaceMeshes: frame has ${frame.data.length} bytes, expected ${frame.width}x${frame.height}x3`,
    );
  }
  const faces = await withHumanEngine(
    async (engine) => {
      const human = engine as HumanWithConfig;
      const bodyWas = human.config.body.enabled;
      const faceWas = human.config.face;
      human.config.face = { ...faceWas, ...faceConfig(opts.maxFaces ?? 4, opts.minScore ?? 0.3) };
      human.config.body.enabled = false;
      const input = human.tf.tensor(Int32Array.from(frame.data), [1, frame.height, frame.width, 3], 'int32');
      try {
        // Loads the face models the first time (later calls find them loaded).
        await human.load();
        const result = (await human.detect(input)) as unknown as { face: HumanFace[]; error: string | null };
        if (result.error) throw new Error(`face detection failed: ${result.error}`);
        return result.face;
      } finally {
        input.dispose();
        human.config.face = faceWas;
        human.config.body.enabled = bodyWas;
      }
    },
    { modelsDir },
  );
  return faces
    .filter((f) => Array.isArray(f.mesh) && f.mesh.length >= 468)
    .map(
      (f): FaceMeshResult => ({
        score: f.score,
        boxPx: [f.box[0]!, f.box[1]!, f.box[2]!, f.box[3]!],
        mesh: f.mesh.map((p) => [p[0]!, p[1]!, p[2] ?? 0] as const),
      }),
    )
    .sort((a, b) => b.boxPx[2] * b.boxPx[3] - a.boxPx[2] * a.boxPx[3]);
}
