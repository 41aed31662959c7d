import {
  type PersonObservation,
  PersonTracker,
  type TrackerOptions,
} from '../../core/video/personTracker.js';
import type { VideoFramePeople } from '../../core/video/types.js';
import { type BodyKeypoint, jointsFromKeypoints } from './detectBodyPose.js';
import {
  type BoxPx,
  detectPoseInCrop,
  type PersonPose,
  type RgbFrame,
  scanWindows,
  squareCrop,
} from './detectPeople.js';

/**
 * One video's people, frame after frame: the tracker (core/video/personTracker.ts) says where to
 * look, MoveNet reads each crop, and every few frames it scans the frame for newcomers. Frames must
 * come in order. Used by the pose worker process (videoWorker.ts) and directly by tests.
 */

/** Face keypoints kept beside the humanoid joints: the head's turn is read from them. */
const FACE_PARTS: Record<string, string> = {
  nose: 'Nose',
  leftEar: 'LeftEar',
  rightEar: 'RightEar',
  leftEye: 'LeftEye',
  rightEye: 'RightEye',
};

export function observationFromKeypoints(
  keypoints: readonly BodyKeypoint[],
  score: number,
): PersonObservation {
  const joints: Record<string, { imagePx: readonly [number, number]; score: number }> = {};
  for (const [name, j] of Object.entries(jointsFromKeypoints(keypoints))) {
    joints[name] = { imagePx: j.imagePx, score: j.score };
  }
  for (const k of keypoints) {
    const name = FACE_PARTS[k.part];
    if (name) joints[name] = { imagePx: k.imagePx, score: k.score };
  }
  return { joints, score };
}

function toObservation(pose: PersonPose | null): PersonObservation | null {
  return pose ? observationFromKeypoints(pose.keypoints, pose.score) : null;
}

/** A box around a person's joints, grown to cover the head and feet. */
function personBox(obs: PersonObservation): BoxPx | null {
  const pts = Object.values(obs.joints).filter((j) => j.score >= 0.3);
  if (pts.length < 6) return null;
  const xs = pts.map((p) => p.imagePx[0]);
  const ys = pts.map((p) => p.imagePx[1]);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const y0 = Math.min(...ys);
  const y1 = Math.max(...ys);
  const h = y1 - y0;
  const w = Math.max(x1 - x0, h * 0.3);
  return [(x0 + x1) / 2 - w * 0.6, y0 - h * 0.15, w * 1.2, h * 1.3];
}

export interface AnalyzerOptions extends TrackerOptions {
  readonly modelsDir?: string;
}

export class VideoPoseAnalyzer {
  private readonly tracker: PersonTracker;
  private readonly modelsDir: string | undefined;

  constructor(opts: AnalyzerOptions = {}) {
    this.tracker = new PersonTracker(opts);
    this.modelsDir = opts.modelsDir;
  }

  async processFrame(frameIndex: number, frame: RgbFrame): Promise<VideoFramePeople> {
    const m = this.modelsDir ? { modelsDir: this.modelsDir } : {};
    const fromCrops = new Map<number, PersonObservation | null>();
    const looked: BoxPx[] = [];
    for (const crop of this.tracker.cropsFor(frameIndex)) {
      const cropPx = squareCrop(crop.boxPx, 1.15);
      const obs = toObservation(await detectPoseInCrop(frame, cropPx, m));
      const box = obs ? personBox(obs) : null;
      if (box) looked.push(box);
      fromCrops.set(crop.trackId, obs);
    }
    let fromDetections: PersonObservation[] | null = null;
    if (this.tracker.needsDetection(frameIndex)) {
      fromDetections = [];
      // People found so far (tracked or in an earlier window) are painted out, so each window
      // shows the model someone new.
      const masks = [...looked];
      for (const window of scanWindows(frame.width, frame.height)) {
        for (let tries = 0; tries < 3; tries++) {
          const pose = await detectPoseInCrop(frame, window, { ...m, masks });
          const obs = toObservation(pose);
          const box = obs ? personBox(obs) : null;
          if (!obs || !box || (pose?.score ?? 0) < 0.3) break;
          fromDetections.push(obs);
          masks.push(box);
        }
      }
    }
    const tracked = this.tracker.update(frameIndex, fromCrops, fromDetections);
    return {
      frameIndex,
      people: [...tracked.people].map(([trackId, obs]) => ({
        trackId,
        joints: obs.joints,
        score: obs.score,
      })),
    };
  }
}
