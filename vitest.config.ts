import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Two projects: unit/integration tests, and browser (e2e) tests that drive Debian's Chromium
// against a real studio server. Their files share one pool of `maxWorkers` (docs/testing.md, "How
// long it takes").
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
          // Browser files in the same pool as the others: one file at a time, after every unit
          // file, left the second core mostly idle while a file imported the studio, started it and
          // Chromium, and waited on the engine (whole suite's vitest 934 -> 820 s, 2026-12-07). The
          // tests wait on conditions, never on time, so a slower page under the other file's load
          // changes nothing they check.
          fileParallelism: true,
          // The studio's modules (Vite, the server, playwright) are imported once per worker
          // instead of once per file. Each file still starts its own studio, caches and Chromium
          // (harness.ts) and closes them; the unit project stays isolated, where shared module
          // state between files did change results (a pose-detection test failed without it).
          isolate: false,
        },
      },
    ],
  },
});
