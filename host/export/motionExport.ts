import { type BvhWriteOptions, writeBvh } from '../../core/io/bvh.js';
import type { Motion } from '../../core/motion/types.js';
import type { Skeleton } from '../../core/skeleton/types.js';
import { type WriteOptions, writeFileAtomic } from './atomicWrite.js';

export { exportGltf } from './gltf.js';

/** The motion as a .bvh file (layout documented in core/io/bvh.ts), written atomically. */
export async function exportBvh(
  skeleton: Skeleton,
  motion: Motion,
  outPath: string,
  options: BvhWriteOptions,
  write: WriteOptions = {},
): Promise<void> {
  await writeFileAtomic(outPath, writeBvh(skeleton, motion, options), write);
}
