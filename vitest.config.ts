import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Two projects: fast unit/integration tests run in parallel; browser (e2e) tests drive Debian's
// Chromium against a real studio server and run one file at a time.
export default defineConfig({
  test: {
    // At least two test files at once: many tests wait on ffmpeg, Chromium, the ONNX worker or the
    // recognisers' processes, so a second file overlaps those waits. Vitest's default on a 2-core
    // machine is one (cores − 1): the whole suite took 529 s there, 448 s with two (quiet machine,
    // 2026-12-05; docs/testing.md).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/e2e/**'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
