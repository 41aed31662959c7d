import { DEFAULT_ONE_EURO, fillGaps, type OneEuroParams, oneEuroSeries } from './oneEuro.js';
import type { VideoFramePeople } from './types.js';

/**
 * Per-person 2D joint series gathered from the tracked frames of a video, with gaps filled and
 * jitter filtered (issue 11, "Clean motion"). Pure.
 */

export interface JointSeries {
  /** Image pixels per frame, NaN where the joint was not seen (or lost for longer than a gap). */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly score: Float64Array;
}

export interface PersonTrack2d {
  readonly trackId: number;
  /** Number of frames in the video (every series has this length). */
  readonly frameCount: number;
  /** First and last frame the person was seen. */
  readonly firstFrame: number;
  readonly lastFrame: number;
  readonly seenFrames: number;
  /** Mean confidence over the frames the person was seen. */
  readonly meanScore: number;
  /** Median torso (hips to shoulders' midpoint) length in pixels: the person's size. */
  readonly torsoPx: number;
  readonly joints: Readonly<Record<string, JointSeries>>;
}

/** Joints below this confidence are treated as not seen. */
const MIN_JOINT_SCORE = 0.2;

function median(values: readonly number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

export function torsoLengthAt(joints: Readonly<Record<string, JointSeries>>, f: number): number {
  const l = joints.LeftArm;
  const r = joints.RightArm;
  const h = joints.Hips;
  if (!l || !r || !h) return Number.NaN;
  const mx = (l.x[f]! + r.x[f]!) / 2;
  const my = (l.y[f]! + r.y[f]!) / 2;
  return Math.hypot(mx - h.x[f]!, my - h.y[f]!);
}

/** Every person of the video as series over all `frameCount` frames; the most seen first. */
export function collectTracks(frames: readonly VideoFramePeople[], frameCount: number): PersonTrack2d[] {
  const byId = new Map<
    number,
    { joints: Map<string, JointSeries>; seen: number; scoreSum: number; first: number; last: number }
  >();
  for (const frame of frames) {
    if (frame.frameIndex < 0 || frame.frameIndex >= frameCount) continue;
    for (const person of frame.people) {
      let t = byId.get(person.trackId);
      if (!t) {
        t = { joints: new Map(), seen: 0, scoreSum: 0, first: frame.frameIndex, last: frame.frameIndex };
        byId.set(person.trackId, t);
      }
      t.seen++;
      t.scoreSum += person.score;
      t.first = Math.min(t.first, frame.frameIndex);
      t.last = Math.max(t.last, frame.frameIndex);
      for (const [name, j] of Object.entries(person.joints)) {
        if (j.score < MIN_JOINT_SCORE) continue;
        let s = t.joints.get(name);
        if (!s) {
          s = {
            x: new Float64Array(frameCount).fill(Number.NaN),
            y: new Float64Array(frameCount).fill(Number.NaN),
            score: new Float64Array(frameCount),
          };
          t.joints.set(name, s);
        }
        s.x[frame.frameIndex] = j.imagePx[0];
        s.y[frame.frameIndex] = j.imagePx[1];
        s.score[frame.frameIndex] = j.score;
      }
    }
  }
  const out: PersonTrack2d[] = [];
  for (const [trackId, t] of byId) {
    const joints = Object.fromEntries(t.joints);
    const torso: number[] = [];
    for (let f = t.first; f <= t.last; f++) torso.push(torsoLengthAt(joints, f));
    out.push({
      trackId,
      frameCount,
      firstFrame: t.first,
      lastFrame: t.last,
      seenFrames: t.seen,
      meanScore: t.scoreSum / t.seen,
      torsoPx: median(torso),
      joints,
    });
  }
  return out.sort((a, b) => b.seenFrames - a.seenFrames || a.trackId - b.trackId);
}

export interface CleanOptions {
  readonly fps: number;
  /** Jitter filter; null: none. */
  readonly filter?: OneEuroParams | null;
  /** Gaps up to this many frames are filled (default: half a second). */
  readonly maxGapFrames?: number;
}

/**
 * Fills each joint's short gaps and filters its jitter. The filter runs in units of the person's
 * height (torso / 0.3) so its parameters mean the same for a near and a far person.
 */
export function cleanTrack(track: PersonTrack2d, opts: CleanOptions): PersonTrack2d {
  const maxGap = opts.maxGapFrames ?? Math.round(opts.fps / 2);
  const filter = opts.filter === undefined ? DEFAULT_ONE_EURO : opts.filter;
  const unit = Number.isFinite(track.torsoPx) && track.torsoPx > 0 ? track.torsoPx / 0.3 : 1;
  const joints: Record<string, JointSeries> = {};
  for (const [name, s] of Object.entries(track.joints)) {
    const clean = (v: Float64Array) => {
      // Only inside the person's span: before and after it there is nothing to fill.
      const span = v.slice(track.firstFrame, track.lastFrame + 1);
      let filled = fillGaps(span, maxGap);
      if (filter)
        filled = oneEuroSeries(
          filled.map((p) => p / unit),
          opts.fps,
          filter,
        ).map((p) => p * unit);
      const out = new Float64Array(v.length).fill(Number.NaN);
      out.set(filled, track.firstFrame);
      return out;
    };
    joints[name] = { x: clean(s.x), y: clean(s.y), score: s.score };
  }
  return { ...track, joints };
}
