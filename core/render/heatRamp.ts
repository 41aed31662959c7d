/**
 * The colours of the rig overlay (Fit mode's W, host/api/characterServices.ts partHeatMap): the
 * pixels of the selected joint's part in the hot colour, the rest of the figure in the cold one
 * (parts are rigid: a pixel follows one joint or none of it). The ends of a blue-to-red heat ramp,
 * so the overlay reads as "moves fully" against "does not move".
 */

export type Rgb = readonly [number, number, number];

/** The colour of a pixel the joint does not move. */
export const HEAT_COLD: Rgb = [20, 40, 160];
/** The colour of a pixel that follows the joint. */
export const HEAT_HOT: Rgb = [230, 40, 30];

/** Overlay opacity (0-255): the art stays visible under the heat map. */
export const HEAT_OVERLAY_ALPHA = 180;
