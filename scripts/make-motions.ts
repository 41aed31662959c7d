/**
 * Writes the motion library (core/motion/library.ts) to assets/motions/*.bvh. Run:
 *   npx tsx scripts/make-motions.ts
 * The motions are made in code (scripts/motions/): deterministic, so running this again gives the
 * same files (tests/core/motion/library.test.ts checks the files match what the code makes).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { libraryBvh } from './motions/library.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets', 'motions');
mkdirSync(OUT, { recursive: true });
for (const [file, text] of Object.entries(libraryBvh())) {
  writeFileSync(join(OUT, file), text);
  console.log(`wrote assets/motions/${file} (${(text.length / 1024).toFixed(1)} KB)`);
}
