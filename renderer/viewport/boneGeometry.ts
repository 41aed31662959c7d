import * as THREE from 'three';

/** The waist, where the bone is widest: 0.14 of its length from the head, half-width 0.075. */
const WAIST_Y = 0.14;
const WAIST_HALF_WIDTH = 0.075;
const WAIST_RING: readonly (readonly number[])[] = [
  [WAIST_HALF_WIDTH, WAIST_Y, 0],
  [0, WAIST_Y, WAIST_HALF_WIDTH],
  [-WAIST_HALF_WIDTH, WAIST_Y, 0],
  [0, WAIST_Y, -WAIST_HALF_WIDTH],
];
const HEAD = [0, 0, 0];
const TAIL = [0, 1, 0];

/** Positions from `perSide(a, b)` for each pair of neighbouring waist corners a, b. */
function aroundWaist(
  perSide: (a: readonly number[], b: readonly number[]) => number[],
): THREE.BufferGeometry {
  const positions: number[] = [];
  for (let i = 0; i < 4; i++) positions.push(...perSide(WAIST_RING[i]!, WAIST_RING[(i + 1) % 4]!));
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.Float32BufferAttribute(positions, 3));
  return geometry;
}

/**
 * A unit octahedral bone (the shape Blender draws): from the head at the origin to the tail at
 * (0, 1, 0), widest a little below the head. Scaled per bone to its length each frame.
 */
export function createBoneGeometry(): THREE.BufferGeometry {
  // Two triangles per side: head-b-a and tail-a-b, wound to face outwards.
  const geometry = aroundWaist((a, b) => [...HEAD, ...b, ...a, ...TAIL, ...a, ...b]);
  geometry.computeVertexNormals();
  return geometry;
}

/** Outline of the bone: its eight edges from the head and the tail plus the waist ring. */
export function createBoneOutlineGeometry(): THREE.BufferGeometry {
  return aroundWaist((a, b) => [...HEAD, ...a, ...a, ...TAIL, ...a, ...b]);
}
