import { loadavg } from 'node:os';
import { poseFrame } from '../core/render/parts/posed.js';
import { PartsEngine } from '../inference/engine/partsEngine.js';
import { engineCharacters, poseAt } from './engineCharacters.js';

/**
 * Engine ms per frame on the real characters (engineCharacters.ts), using only PartsEngine's
 * public surface (prepare, render), so the same file runs on an older checkout for a before/after
 * table (docs/testing.md "Engine speed"): per character the median and least wall ms and the CPU
 * ms per frame over the bench motion (posing included, CPU provider, one thread), with the load
 * average. Figures only. `npx tsx bench/engineSpeed.ts [--frames=24] [--only=sample,drawing]`
 */
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const load = () => loadavg().map((x) => round(x, 2));

/** Per real character: median and least wall ms, CPU ms per frame, load average. */
export async function runEngineSpeedBench(
  opts: { quick?: boolean; frames?: number; only?: readonly string[] } = {},
): Promise<unknown[]> {
  const FRAMES = opts.frames ?? (opts.quick ? 8 : 24);
  const only = opts.only;
  const engine = new PartsEngine({ provider: 'cpu' });
  await engine.warmUp();
  const rows: unknown[] = [];
  for (const ch of await engineCharacters(only)) {
    const prepared = engine.prepare(ch.rig, ch.output.scale);
    const wall: number[] = [];
    let cpuUs = 0;
    for (let i = -4; i < FRAMES; i++) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const frame = poseFrame({
        rig: ch.rig,
        atlas: prepared.atlas,
        skeleton: ch.skeleton,
        pose: poseAt(2 * Math.max(0, i) + 1),
        output: ch.output,
      });
      await engine.render(prepared, frame);
      const cpu = process.cpuUsage(cpu0);
      if (i < 0) continue;
      wall.push(performance.now() - t0);
      cpuUs += cpu.user + cpu.system;
    }
    wall.sort((a, b) => a - b);
    rows.push({
      character: ch.name,
      output: `${ch.output.width}x${ch.output.height}`,
      medianMs: round(wall[Math.floor(wall.length / 2)]!),
      minMs: round(wall[0]!),
      cpuMs: round(cpuUs / 1000 / FRAMES),
      loadAverage: load(),
    });
  }
  return rows;
}

// Run on its own (same output as before, one JSON line): `npx tsx bench/engineSpeed.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const only = arg('only')?.split(',');
  console.log(
    JSON.stringify(
      await runEngineSpeedBench({ frames: Number(arg('frames') ?? 24), ...(only ? { only } : {}) }),
    ),
  );
}
