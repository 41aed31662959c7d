import type { BezierEase } from '../motion/types.js';

/**
 * CSS cubic-bezier(x1, y1, x2, y2) easing: the curve runs from (0, 0) to (1, 1); for input u we
 * find the curve parameter s with x(s) = u, then return y(s). x1 and x2 are clamped to [0, 1] (as
 * CSS requires), which makes x(s) monotonic, so the solution is unique. y may leave [0, 1]
 * (overshoot).
 */
export function evaluateEase(ease: BezierEase, t: number): number {
  if (t <= 0) return 0;
  if (t >= 1) return 1;
  const x1 = Math.min(1, Math.max(0, ease.x1));
  const x2 = Math.min(1, Math.max(0, ease.x2));
  const { y1, y2 } = ease;
  // Polynomial coefficients of B(s) = ((a s + b) s + c) s for one coordinate.
  const cx = 3 * x1;
  const bx = 3 * (x2 - x1) - cx;
  const ax = 1 - cx - bx;
  const cy = 3 * y1;
  const by = 3 * (y2 - y1) - cy;
  const ay = 1 - cy - by;
  const sampleX = (s: number) => ((ax * s + bx) * s + cx) * s;
  const sampleY = (s: number) => ((ay * s + by) * s + cy) * s;
  const slopeX = (s: number) => (3 * ax * s + 2 * bx) * s + cx;

  const EPS = 1e-9;
  let s = t;
  // Newton converges in a few steps except where the slope vanishes (x1 or x2 at 0 or 1).
  for (let i = 0; i < 8; i++) {
    const err = sampleX(s) - t;
    if (Math.abs(err) < EPS) return sampleY(s);
    const d = slopeX(s);
    if (Math.abs(d) < 1e-6) break;
    s -= err / d;
    if (s < 0 || s > 1) break;
  }
  // Bisection fallback: x is monotonic on [0, 1].
  let lo = 0;
  let hi = 1;
  s = t;
  for (let i = 0; i < 60; i++) {
    const x = sampleX(s);
    if (Math.abs(x - t) < EPS) break;
    if (x < t) lo = s;
    else hi = s;
    s = (lo + hi) / 2;
  }
  return sampleY(s);
}
