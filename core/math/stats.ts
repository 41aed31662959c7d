/**
 * The p-quantile of the finite values (the sorted value at floor(p · (n − 1)), no interpolation),
 * or NaN when there are none. Used where a robust level is wanted from noisy samples: bone lengths
 * from keypoints (core/video/lift.ts), skin and ink levels around face landmarks
 * (core/face/imageCues.ts).
 */
export function percentile(values: readonly number[], p: number): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  return v[Math.min(v.length - 1, Math.max(0, Math.floor(p * (v.length - 1))))]!;
}
