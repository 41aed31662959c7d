import { describe, expect, it } from 'vitest';
import { hitTiltedPart, type ProfileTable, TILT_EDGE_PX } from '../../../../core/render/parts/hit.js';
import type { PosedPart } from '../../../../core/render/parts/posed.js';

/**
 * The tilted part's ray maths (hit.ts hitTiltedPart) on hand-made parts whose answers are known:
 * a straight round limb of radius 5 along t in [0, 20), the ray through output pixel (x, y) being
 * (t, l, d) = (x + wt z, y + a z, d0 + b z). The texel is (t + 100, l + 100), so a hit's texel says
 * where on the part it landed.
 */
const RADIUS = 5;
const ROWS = 20;
const profile: ProfileTable = {
  tMin: 0.5,
  centre: new Float32Array(ROWS),
  radius: new Float32Array(ROWS).fill(RADIUS),
  depthRatio: 1,
  depthCentre: 0,
};

/** A posed part whose ray moves (wt, a, b) per unit of depth, seen at depth offset d0. */
function part(wt: number, a: number, b: number, d0 = 0): PosedPart {
  return {
    t: [1, 0, 0, wt],
    l: [0, 1, 0, a],
    d: [0, 0, d0, b],
    u: [1, 0, 100],
    v: [0, 1, 100],
    clampU: [0, 1000],
    clampV: [0, 1000],
    keyBase: 0,
    keySlope: 1,
  } as unknown as PosedPart;
}

describe('a tilted part hit', () => {
  it('takes a grazing ray (discriminant just below zero) as touching the surface, not as NaN', () => {
    // Tilted towards the camera, seen just outside its radius: (l^2 - r^2) = 0.0008 < GRAZE_PX2.
    const hit = hitTiltedPart(part(0.5, 0, 1), profile, 10, -(RADIUS + 0.0001));
    expect(hit).not.toBeNull();
    expect(Number.isFinite(hit!.texelU) && Number.isFinite(hit!.texelV)).toBe(true);
    expect(hitTiltedPart(part(0.5, 0, 1), profile, 10, -(RADIUS + 0.1))).toBeNull();
  });

  it('shows the cap of a part pointing at the camera, at its near end', () => {
    // The ray runs along the axis (wt = 1, no lateral or depth motion): only the end can be seen.
    const inside = hitTiltedPart(part(1, 0, 0), profile, 3, 2);
    expect(inside).not.toBeNull();
    // The near end: the last row (t just under tMin + ROWS - 0.5 = 20).
    expect(inside!.texelU - 100).toBeCloseTo(20, 2);
    expect(inside!.key).toBeCloseTo(20, 2);
    expect(inside!.texelV - 100).toBeCloseTo(2, 6);
    // Outside the cross-section the ray passes the cap by.
    expect(hitTiltedPart(part(1, 0, 0), profile, 3, RADIUS + 0.5)).toBeNull();
  });

  it("reads a part turned about its axis off the layer's fringe, except at the silhouette seen now", () => {
    // Twisted 90 degrees: the ray moves across the part (a = 1); seen at d0 = 0 it meets the front
    // at l = +r, the layer's outer (anti-aliased) edge, in the middle of what the camera sees.
    const middle = hitTiltedPart(part(0, 1, 0), profile, 10, -10);
    expect(middle).not.toBeNull();
    expect(middle!.texelV - 100).toBeCloseTo(RADIUS - TILT_EDGE_PX, 5);
    // Near the silhouette seen now (d0 close to the radius) the texel is where the ray meets it.
    const rim = hitTiltedPart(part(0, 1, 0, RADIUS - 0.2), profile, 10, -10);
    expect(rim).not.toBeNull();
    const l = -10 + (10 + Math.sqrt(RADIUS ** 2 - (RADIUS - 0.2) ** 2));
    expect(rim!.texelV - 100).toBeCloseTo(l, 4);
  });
});
