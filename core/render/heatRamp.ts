/**
 * The one colour ramp of the rig overlays: blue (0) -> cyan -> green -> yellow -> red (1). The
 * skin-weight overlay (inference/rigging/weights.ts) samples it along a weight; the part overlay
 * (host/api/characterServices.ts) uses its two ends (a pixel belongs to the joint's part or not).
 * One definition, so the two overlays can never disagree about what "hot" means.
 */

export type Rgb = readonly [number, number, number];

/** Evenly spaced stops, 0 first; sRGB 0-255. */
export const HEAT_STOPS: readonly Rgb[] = [
  [20, 40, 160],
  [0, 170, 220],
  [40, 200, 80],
  [250, 220, 40],
  [230, 40, 30],
];

/** The colour of 0 (a pixel the joint does not move). */
export const HEAT_COLD: Rgb = HEAT_STOPS[0]!;
/** The colour of 1 (a pixel that follows the joint fully). */
export const HEAT_HOT: Rgb = HEAT_STOPS[HEAT_STOPS.length - 1]!;

/** Overlay opacity (0-255): the art stays visible under the heat map. */
export const HEAT_OVERLAY_ALPHA = 180;

/** The ramp's colour at `t` (clamped to 0..1), linear between neighbouring stops, rounded. */
export function heatColour(t: number): Rgb {
  const clamped = Math.min(1, Math.max(0, Number.isNaN(t) ? 0 : t));
  const f = clamped * (HEAT_STOPS.length - 1);
  const i = Math.min(HEAT_STOPS.length - 2, Math.floor(f));
  const u = f - i;
  const a = HEAT_STOPS[i]!;
  const b = HEAT_STOPS[i + 1]!;
  return [
    Math.round(a[0] + (b[0] - a[0]) * u),
    Math.round(a[1] + (b[1] - a[1]) * u),
    Math.round(a[2] + (b[2] - a[2]) * u),
  ];
}
