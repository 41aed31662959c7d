import * as THREE from 'three';

/**
 * A unit octahedral bone (the shape Blender draws): from the head at the origin to the tail at
 * (0, 1, 0), widest a little below the head. Scaled per bone to its length each frame.
 */
export function createBoneGeometry(): THREE.BufferGeometry {
  const waistY = 0.14;
  const w = 0.075;
  const head = [0, 0, 0];
  const tail = [0, 1, 0];
  const ring = [
    [w, waistY, 0],
    [0, waistY, w],
    [-w, waistY, 0],
    [0, waistY, -w],
  ];
  const positions: number[] = [];
  for (let i = 0; i < 4; i++) {
    const a = ring[i] as number[];
    const b = ring[(i + 1) % 4] as number[];
    positions.push(...head, ...b, ...a, ...tail, ...a, ...b);
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.Float32BufferAttribute(positions, 3));
  geometry.computeVertexNormals();
  return geometry;
}

/** Outline of the bone: its eight edges from the head and the tail plus the waist ring. */
export function createBoneOutlineGeometry(): THREE.BufferGeometry {
  const waistY = 0.14;
  const w = 0.075;
  const ring = [
    [w, waistY, 0],
    [0, waistY, w],
    [-w, waistY, 0],
    [0, waistY, -w],
  ];
  const positions: number[] = [];
  for (let i = 0; i < 4; i++) {
    const a = ring[i] as number[];
    const b = ring[(i + 1) % 4] as number[];
    positions.push(0, 0, 0, ...a, ...a, 0, 1, 0, ...a, ...b);
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.Float32BufferAttribute(positions, 3));
  return geometry;
}
