/**
 * One face through a video that may show several: the faces found per frame are chained by their
 * boxes, so the picked face stays picked when another comes, goes or is larger. Pure.
 */

export interface FaceSighting {
  /** Image pixels: x, y, width, height. */
  readonly boxPx: readonly [number, number, number, number];
  readonly score: number;
}

export interface FaceTrack {
  readonly id: number;
  /** Index into that frame's faces, or -1 where the face was not seen. */
  readonly indices: readonly number[];
  readonly seenFrames: number;
  /** The first frame the face is seen in. */
  readonly firstFrame: number;
  /** Mean box area in pixels (the size picker orders by). */
  readonly meanArea: number;
}

const centre = (b: FaceSighting['boxPx']) => [b[0] + b[2] / 2, b[1] + b[3] / 2] as const;

/**
 * Tracks every face: each frame's faces go to the track whose last box is nearest (within the
 * box's own size, so two faces never swap), else start a new track. Tracks lost for more than
 * `maxLostFrames` are closed. Largest (by mean area × frames seen) first.
 */
export function trackFaces(frames: readonly (readonly FaceSighting[])[], maxLostFrames = 12): FaceTrack[] {
  interface Open {
    id: number;
    indices: number[];
    last: FaceSighting['boxPx'];
    lastFrame: number;
    area: number;
    seen: number;
    first: number;
  }
  const tracks: Open[] = [];
  frames.forEach((faces, f) => {
    const taken = new Set<number>();
    const live = tracks.filter((t) => f - t.lastFrame <= maxLostFrames);
    // Greedy by distance over all (track, face) pairs.
    const pairs: { t: Open; k: number; d: number }[] = [];
    for (const t of live) {
      faces.forEach((face, k) => {
        const [ax, ay] = centre(t.last);
        const [bx, by] = centre(face.boxPx);
        const d = Math.hypot(ax - bx, ay - by);
        if (d <= Math.max(t.last[2], t.last[3])) pairs.push({ t, k, d });
      });
    }
    pairs.sort((a, b) => a.d - b.d);
    const matched = new Set<Open>();
    for (const { t, k } of pairs) {
      if (matched.has(t) || taken.has(k)) continue;
      matched.add(t);
      taken.add(k);
      t.indices[f] = k;
      t.last = faces[k]!.boxPx;
      t.lastFrame = f;
      t.area += faces[k]!.boxPx[2] * faces[k]!.boxPx[3];
      t.seen++;
    }
    faces.forEach((face, k) => {
      if (taken.has(k)) return;
      const indices = new Array<number>(frames.length).fill(-1);
      indices[f] = k;
      tracks.push({
        id: tracks.length + 1,
        indices,
        last: face.boxPx,
        lastFrame: f,
        area: face.boxPx[2] * face.boxPx[3],
        seen: 1,
        first: f,
      });
    });
  });
  return tracks
    .map(
      (t): FaceTrack => ({
        id: t.id,
        indices: t.indices,
        seenFrames: t.seen,
        firstFrame: t.first,
        meanArea: t.area / t.seen,
      }),
    )
    .sort((a, b) => b.meanArea * b.seenFrames - a.meanArea * a.seenFrames);
}
