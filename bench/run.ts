import { availableParallelism, cpus, loadavg } from 'node:os';
import { runEngineBench } from './engine.bench.js';
import { runExportBench } from './export.bench.js';
import { runRiggingBench } from './rigging.bench.js';

/**
 * `npm run bench`: runs every benchmark entry and prints one JSON object. Add an entry to
 * ENTRIES to include another benchmark. `--quick` runs fewer frames (a smoke run).
 */
const ENTRIES: Record<string, (opts: { quick: boolean }) => Promise<unknown>> = {
  engine: runEngineBench,
  // The drawn test characters (the rigging test set's drawings) and the sample, as the engine's
  // speed goals name them (docs/testing.md, "Engine speed").
  engineCharacters: async (o) => (await import('./engineSpeed.js')).runEngineSpeedBench(o),
  rigging: runRiggingBench,
  export: ({ quick }) => runExportBench(quick ? [20, 200] : [200, 2000]),
  render: async (o) => (await import('./render.bench.js')).runRenderBench(o),
  motion: async (o) => (await import('./motion.bench.js')).runMotionBench(o),
  videoMotion: async (o) => (await import('./videoMotion.bench.js')).runVideoMotionBench(o),
  fit: async (o) => (await import('./fit.bench.js')).runFitBench(o),
  pose: async (o) => (await import('./pose.bench.js')).runPoseBench(o),
  groundTruth: async (o) => (await import('./groundTruth/bench.js')).runGroundTruthBench(o),
  lipsync: async (o) => (await import('./lipsync.bench.js')).runLipSyncBench(o),
  preview: async (o) => (await import('./preview.bench.js')).runPreviewBench(o),
};

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const results: Record<string, unknown> = {
  machine: {
    cpus: availableParallelism(),
    model: cpus()[0]?.model ?? 'unknown',
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
  },
};
for (const [name, run] of Object.entries(ENTRIES)) {
  if (only && only !== name) continue;
  results[name] = await run({ quick });
}
console.log(JSON.stringify(results, null, 2));
