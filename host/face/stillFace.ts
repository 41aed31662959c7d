import { faceRigFromMesh } from '../../core/face/rigFromMesh.js';
import type { FaceRig } from '../../core/face/schema.js';
import { FaceWorker, type WorkerFace } from './faceWorker.js';

/**
 * The landmark model (BlazeFace + FaceMesh + Iris from @vladmandic/human, in the face worker
 * process) on a character's still picture: the face rig of a photo or a realistic render
 * (docs/face.md, "Setting it up"). A drawing it finds no face in goes to the drawn-face finder
 * (core/face/detectDrawnFace.ts) instead.
 */

/**
 * Below this detector score a find on a still is not trusted: on a cartoon the detector can report
 * a weak "face" whose mesh is a guess, and the drawn-face finder does better there.
 */
export const MIN_STILL_FACE_SCORE = 0.6;
/** The worker's start (models loaded) and one analysis, at most; past it the drawn finder answers. */
const STILL_FACE_TIMEOUT_MS = 60_000;

export interface StillFace {
  readonly rig: FaceRig;
  readonly score: number;
}

export interface StillFaceOptions {
  /** The head joint's point in the picture: of several faces the one around it is the character's. */
  readonly headPx: readonly [number, number];
  readonly headJointId: string;
  readonly entry?: string;
}

/** Picture pixels (RGBA) to the worker's RGB frame, the alpha composited over white. */
function rgbOverWhite(art: { width: number; height: number; data: Uint8Array }): Uint8Array {
  const n = art.width * art.height;
  const out = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    const a = art.data[p * 4 + 3]! / 255;
    for (let c = 0; c < 3; c++) out[p * 3 + c] = Math.round(art.data[p * 4 + c]! * a + 255 * (1 - a));
  }
  return out;
}

/** The face whose box holds the head point (the nearest box centre if none does). */
export function characterFace(
  faces: readonly WorkerFace[],
  [hx, hy]: readonly [number, number],
): WorkerFace | null {
  const distance = (f: WorkerFace) => {
    const [x, y, w, h] = f.boxPx;
    const inside = hx >= x && hx <= x + w && hy >= y && hy <= y + h;
    return (inside ? 0 : 1e9) + Math.hypot(x + w / 2 - hx, y + h / 2 - hy);
  };
  return [...faces].sort((a, b) => distance(a) - distance(b))[0] ?? null;
}

/**
 * The character's face found by the landmark model, or null when the model finds none it trusts
 * (a drawing). Throws FaceWorkerError when the worker cannot run at all.
 */
export async function detectStillFace(
  art: { width: number; height: number; data: Uint8Array },
  opts: StillFaceOptions,
): Promise<StillFace | null> {
  const worker = new FaceWorker(opts.entry ? { entry: opts.entry } : {});
  let timer: NodeJS.Timeout | undefined;
  try {
    const analysed = (async () => {
      await worker.start({ maxFaces: 4 });
      return worker.analyse({ index: 0, width: art.width, height: art.height, data: rgbOverWhite(art) });
    })();
    analysed.catch(() => undefined);
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error('the face landmark model took too long')),
        STILL_FACE_TIMEOUT_MS,
      );
    });
    const faces = (await Promise.race([analysed, timedOut])).filter((f) => f.score >= MIN_STILL_FACE_SCORE);
    const face = characterFace(faces, opts.headPx);
    return face ? { rig: faceRigFromMesh(face.mesh, opts.headJointId), score: face.score } : null;
  } finally {
    clearTimeout(timer);
    worker.close();
  }
}
