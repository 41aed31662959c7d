import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderFigureVideo, TEST_VIDEOS } from '../tests/video/renderFigureVideo.js';

/**
 * Writes the test videos of motion from video (issue 11) with their true joints:
 * tests/fixtures/video/<name>.mp4 + <name>.truth.json (see tests/video/renderFigureVideo.ts).
 *
 * Usage: npx tsx scripts/make-pose-videos.ts [outDir] [name…]   (names: only those videos)
 */

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const outDir = resolve(process.argv[2] ?? join(REPO_ROOT, 'tests', 'fixtures', 'video'));
  await mkdir(outDir, { recursive: true });
  const only = process.argv.slice(3);
  for (const [name, spec] of Object.entries(TEST_VIDEOS)) {
    if (only.length && !only.includes(name)) continue;
    const started = performance.now();
    const truth = await renderFigureVideo(spec, join(outDir, `${name}.mp4`));
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
