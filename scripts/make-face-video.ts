import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FACE_TEST_VIDEOS, renderFaceVideo } from '../tests/video/renderFaceVideo.js';

/**
 * Writes the test videos of the face performance from a video (issue 13) with their truth:
 * tests/fixtures/video/face-turn.mp4 + face-turn.truth.json, and the held-out face-heldout.mp4 +
 * face-heldout.truth.json (see tests/video/renderFaceVideo.ts).
 *
 * Usage: npx tsx scripts/make-face-video.ts [outDir]
 */

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const outDir = resolve(process.argv[2] ?? join(REPO_ROOT, 'tests', 'fixtures', 'video'));
  await mkdir(outDir, { recursive: true });
  for (const [name, spec] of Object.entries(FACE_TEST_VIDEOS)) {
    const started = performance.now();
    const truth = await renderFaceVideo(spec, join(outDir, `${name}.mp4`));
    await writeFile(join(outDir, `${name}.truth.json`), `${JSON.stringify(truth)}\n`);
    console.log(
      `${name}: ${truth.frameCount} frames in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
