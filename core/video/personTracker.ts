/**
 * People tracked across the frames of a video with stable ids (issue 11). Pure: the detector runs
 * elsewhere (inference/pose/detectPeople.ts) and this decides, per frame, where to look for each
 * person next and which observation belongs to whom.
 *
 * Top-down tracking: each live track is looked for in a crop around where it is predicted to be
 * (its last box moved on by its smoothed velocity), and a person detector runs every few frames
 * (and whenever a track is lost) to start new tracks. When two people cross, the crop of the one
 * behind sees the one in front: both crops then return the same person. Such duplicates go to the
 * track whose prediction they match best, and the other track coasts on its prediction (occluded)
 * until its crop finds it again on the other side, so ids do not swap.
 */

export type Point2 = readonly [number, number];

/** One person's 2D joints in one frame: Keypose humanoid joint name -> image pixels and score. */
export interface PersonObservation {
  readonly joints: Readonly<Record<string, { readonly imagePx: Point2; readonly score: number }>>;
  /** Overall confidence 0..1. */
  readonly score: number;
}

/** left, top, width, height in image pixels. */
export type Box = readonly [number, number, number, number];

export interface TrackerOptions {
  /** Frames a track may go unseen (occluded, out of the picture) before it ends (default 36). */
  readonly maxMissedFrames?: number;
  /** The person detector runs at least every this many frames (default 12). */
  readonly detectEvery?: number;
  /** Observations below this confidence are ignored (default 0.3). */
  readonly minScore?: number;
  /** An observation farther than this from a track's prediction (fraction of its height) is not it (default 0.5). */
  readonly maxMatchDistance?: number;
  /** Two observations closer than this (fraction of height) are the same person (default 0.12). */
  readonly duplicateDistance?: number;
  /** At most this many people are tracked at once (default 6). */
  readonly maxPeople?: number;
}

interface TrackState {
  readonly id: number;
  box: Box;
  /** Box centre velocity, pixels per frame. */
  velocity: Point2;
  lastObservation: PersonObservation;
  lastSeenFrame: number;
  seenCount: number;
  ended: boolean;
}

/** What was decided for one frame. */
export interface TrackedFrame {
  readonly frameIndex: number;
  /** Track id -> its observation in this frame (tracks not listed were not seen). */
  readonly people: ReadonlyMap<number, PersonObservation>;
}

/** The joints that bound a person well (the box is grown from them to cover head and feet). */
function jointsBox(obs: PersonObservation): Box | null {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  let n = 0;
  for (const j of Object.values(obs.joints)) {
    if (j.score < 0.25) continue;
    x0 = Math.min(x0, j.imagePx[0]);
    y0 = Math.min(y0, j.imagePx[1]);
    x1 = Math.max(x1, j.imagePx[0]);
    y1 = Math.max(y1, j.imagePx[1]);
    n++;
  }
  if (n < 4) return null;
  // Keypoints run from the eyes to the ankles: about 85% of a standing person's height.
  const h = Math.max(y1 - y0, 1);
  const w = Math.max(x1 - x0, h * 0.25);
  const cx = (x0 + x1) / 2;
  return [cx - w * 0.6, y0 - h * 0.12, w * 1.2, h * 1.2];
}

/** log(1.25): the most a tracked person's box height may change between two sightings. */
const MAX_SIZE_CHANGE = Math.log(1.25);

export function boxIou(a: Box, b: Box): number {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[0] + a[2], b[0] + b[2]);
  const y1 = Math.min(a[1] + a[3], b[1] + b[3]);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

/** Mean distance between the joints two observations share, as a fraction of `heightPx`. */
export function observationDistance(a: PersonObservation, b: PersonObservation, heightPx: number): number {
  let sum = 0;
  let n = 0;
  for (const [name, ja] of Object.entries(a.joints)) {
    const jb = b.joints[name];
    if (!jb || ja.score < 0.25 || jb.score < 0.25) continue;
    sum += Math.hypot(ja.imagePx[0] - jb.imagePx[0], ja.imagePx[1] - jb.imagePx[1]);
    n++;
  }
  return n > 0 ? sum / n / Math.max(heightPx, 1) : Number.POSITIVE_INFINITY;
}

function shifted(obs: PersonObservation, d: Point2): PersonObservation {
  const joints: Record<string, { imagePx: Point2; score: number }> = {};
  for (const [name, j] of Object.entries(obs.joints)) {
    joints[name] = { imagePx: [j.imagePx[0] + d[0], j.imagePx[1] + d[1]], score: j.score };
  }
  return { joints, score: obs.score };
}

export class PersonTracker {
  private readonly tracks: TrackState[] = [];
  private nextId = 1;
  private lastDetectFrame = Number.NEGATIVE_INFINITY;
  private readonly opts: Required<TrackerOptions>;

  constructor(opts: TrackerOptions = {}) {
    this.opts = {
      maxMissedFrames: opts.maxMissedFrames ?? 36,
      detectEvery: opts.detectEvery ?? 12,
      minScore: opts.minScore ?? 0.3,
      maxMatchDistance: opts.maxMatchDistance ?? 0.5,
      duplicateDistance: opts.duplicateDistance ?? 0.12,
      maxPeople: opts.maxPeople ?? 6,
    };
  }

  private live(): TrackState[] {
    return this.tracks.filter((t) => !t.ended);
  }

  private framesAhead(t: TrackState, frameIndex: number): number {
    return frameIndex - t.lastSeenFrame;
  }

  /** Where `track` is expected in `frameIndex`: its last box moved on by its velocity. */
  private predictedBox(t: TrackState, frameIndex: number): Box {
    const k = this.framesAhead(t, frameIndex);
    return [t.box[0] + t.velocity[0] * k, t.box[1] + t.velocity[1] * k, t.box[2], t.box[3]];
  }

  /** Crops to run the pose model on for `frameIndex`: one per live track, around its prediction. */
  cropsFor(frameIndex: number): { trackId: number; boxPx: Box }[] {
    return this.live().map((t) => {
      const b = this.predictedBox(t, frameIndex);
      // A coasting track's position is less certain: look a little wider.
      const grow = 1 + Math.min(0.5, 0.05 * (this.framesAhead(t, frameIndex) - 1));
      const w = b[2] * grow;
      const h = b[3] * grow;
      return { trackId: t.id, boxPx: [b[0] + (b[2] - w) / 2, b[1] + (b[3] - h) / 2, w, h] as Box };
    });
  }

  /** Whether the person detector should run on `frameIndex`. */
  needsDetection(frameIndex: number): boolean {
    const live = this.live();
    if (live.length === 0) return true;
    if (live.some((t) => t.lastSeenFrame < frameIndex - 1)) return frameIndex - this.lastDetectFrame >= 3;
    return frameIndex - this.lastDetectFrame >= this.opts.detectEvery;
  }

  /**
   * Takes the poses found in one frame: `fromCrops` (track id -> what its crop showed) and
   * `fromDetections` (poses read in the person detector's boxes, when it ran). Returns who is where.
   */
  update(
    frameIndex: number,
    fromCrops: ReadonlyMap<number, PersonObservation | null>,
    fromDetections: readonly PersonObservation[] | null,
  ): TrackedFrame {
    if (fromDetections) this.lastDetectFrame = frameIndex;
    const live = this.live();
    const candidates: PersonObservation[] = [];
    for (const obs of fromCrops.values()) if (obs && obs.score >= this.opts.minScore) candidates.push(obs);
    for (const obs of fromDetections ?? []) if (obs.score >= this.opts.minScore) candidates.push(obs);
    // Merge candidates that are the same person (a track's crop and a detection box often are).
    const people: PersonObservation[] = [];
    for (const c of candidates) {
      const box = jointsBox(c);
      if (!box) continue;
      const same = people.findIndex((p) => observationDistance(p, c, box[3]) < this.opts.duplicateDistance);
      if (same < 0) people.push(c);
      else if (c.score > people[same]!.score) people[same] = c;
    }
    // Assign greedily by distance to each track's prediction (closest pair first), one person per
    // track and one track per person.
    const pairs: { track: TrackState; person: number; cost: number }[] = [];
    for (const t of live) {
      const predicted = shifted(t.lastObservation, [
        t.velocity[0] * this.framesAhead(t, frameIndex),
        t.velocity[1] * this.framesAhead(t, frameIndex),
      ]);
      people.forEach((p, i) => {
        // A person does not change size much from frame to frame; someone nearer (bigger) or
        // farther (smaller) who walks through the crop is somebody else.
        const sizeChange = Math.abs(Math.log(jointsBox(p)![3] / t.box[3]));
        if (sizeChange > MAX_SIZE_CHANGE) return;
        const cost = observationDistance(predicted, p, t.box[3]) + sizeChange;
        if (cost <= this.opts.maxMatchDistance) pairs.push({ track: t, person: i, cost });
      });
    }
    pairs.sort((a, b) => a.cost - b.cost);
    const takenTracks = new Set<number>();
    const takenPeople = new Set<number>();
    const seen = new Map<number, PersonObservation>();
    for (const { track, person } of pairs) {
      if (takenTracks.has(track.id) || takenPeople.has(person)) continue;
      takenTracks.add(track.id);
      takenPeople.add(person);
      this.observe(track, people[person]!, frameIndex);
      seen.set(track.id, people[person]!);
    }
    // People no track claimed start new tracks, unless they overlap a tracked person (then they
    // are most likely that person half seen).
    people.forEach((p, i) => {
      if (takenPeople.has(i)) return;
      const box = jointsBox(p)!;
      const overlaps = this.live().some((t) => boxIou(this.predictedBox(t, frameIndex), box) > 0.3);
      if (overlaps || this.live().length >= this.opts.maxPeople) return;
      const track: TrackState = {
        id: this.nextId++,
        box,
        velocity: [0, 0],
        lastObservation: p,
        lastSeenFrame: frameIndex,
        seenCount: 1,
        ended: false,
      };
      this.tracks.push(track);
      seen.set(track.id, p);
    });
    for (const t of this.live()) {
      if (frameIndex - t.lastSeenFrame > this.opts.maxMissedFrames) t.ended = true;
    }
    return { frameIndex, people: seen };
  }

  private observe(t: TrackState, obs: PersonObservation, frameIndex: number): void {
    const box = jointsBox(obs)!;
    const k = Math.max(1, frameIndex - t.lastSeenFrame);
    const v: Point2 = [
      (box[0] + box[2] / 2 - (t.box[0] + t.box[2] / 2)) / k,
      (box[1] + box[3] / 2 - (t.box[1] + t.box[3] / 2)) / k,
    ];
    // Smoothed velocity: a person's speed changes slowly; one noisy box should not throw it.
    const a = t.seenCount > 1 ? 0.4 : 1;
    t.velocity = [t.velocity[0] * (1 - a) + v[0] * a, t.velocity[1] * (1 - a) + v[1] * a];
    // Keep the box size steady (limbs reaching out change the keypoint box from frame to frame).
    const w = t.box[2] * 0.7 + box[2] * 0.3;
    const h = t.box[3] * 0.7 + box[3] * 0.3;
    t.box = [box[0] + box[2] / 2 - w / 2, box[1] + box[3] / 2 - h / 2, w, h];
    t.lastObservation = obs;
    t.lastSeenFrame = frameIndex;
    t.seenCount++;
  }
}
