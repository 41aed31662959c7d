/**
 * Landmark numbers of the face mesh (MediaPipe's 468-point topology, as `@vladmandic/human`'s
 * facemesh returns it, with the 10 iris points 468–477 after them). Sides are the PERSON's: the
 * left eye is the one on the picture's right for a face towards the camera, which is also the
 * character's left (docs/face.md: sides are the character's).
 */

export const MESH_POINTS = 468;
export const MESH_POINTS_WITH_IRIS = 478;

export const EYE = {
  left: { outer: 263, inner: 362, upper: [385, 386, 387], lower: [380, 374, 373] },
  right: { outer: 33, inner: 133, upper: [158, 159, 160], lower: [153, 145, 144] },
} as const;

/** Upper edge of each brow, inner end to outer end. */
export const BROW = {
  left: [336, 296, 334, 293, 300],
  right: [107, 66, 105, 63, 70],
} as const;

export const MOUTH = {
  /** Corners. */
  left: 291,
  right: 61,
  /** Middle of the inner lip edges (where the lips part). */
  upperInner: 13,
  lowerInner: 14,
  /** Middle of the outer edges (top of the upper lip, bottom of the lower lip). */
  upperOuter: 0,
  lowerOuter: 17,
  /** Three points across each inner lip edge (middle, and either side of it), upper with lower. */
  innerPairs: [
    [13, 14],
    [82, 87],
    [312, 317],
  ],
} as const;

/** The iris centres follow the eye corners; which block of five is which eye is decided by distance. */
export const IRIS_CENTRES = [468, 473] as const;

export const FOREHEAD_TOP = 10;
export const CHIN = 152;
export const NOSE_TIP = 1;

/**
 * Points that move with the skull but not with expressions: forehead, temples, nose bridge and
 * tip, the upper cheeks and the face's sides at eye height, the eyes' outer corners. The head's
 * rotation is fitted to these only, so an open jaw, a smile or raised brows do not turn the head.
 */
export const RIGID_POINTS: readonly number[] = [
  // forehead and its midline
  10, 151, 9, 8, 109, 338, 67, 297, 108, 337, 69, 299, 104, 333,
  // temples and the face's sides at eye height
  21, 251, 54, 284, 103, 332, 162, 389, 127, 356, 234, 454, 93, 323,
  // nose bridge, tip and base
  168, 6, 197, 195, 5, 4, 1, 2, 98, 327, 48, 278, 115, 344,
  // upper cheeks
  116, 345, 117, 346, 118, 347, 123, 352, 50, 280, 101, 330, 36, 266,
  // outer eye corners
  33, 263,
];
