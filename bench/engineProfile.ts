import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { poseFrame } from '../core/render/parts/posed.js';
import { cullTiles } from '../core/render/parts/tileCull.js';
import { packTiles } from '../core/render/parts/tileParams.js';
import { tileSlots } from '../core/render/parts/tileSlots.js';
import { planTiles, TILE_PX } from '../core/render/parts/tiles.js';
import { buildPartsGraph } from '../inference/engine/graph/partsGraph.js';
import { frameInputs, PartsEngine } from '../inference/engine/partsEngine.js';
import { engineCharacters, poseAt } from './engineCharacters.js';

/**
 * Where a frame's time goes, on the real characters (engineCharacters.ts): per character the wall
 * and CPU ms per frame of PartsEngine.render over the bench motion (CPU provider, one thread), the
 * tile plan's share (planning, culling, packing, slots: TypeScript), the (tile, part) pairs before
 * and after the culling (tileCull.ts) per list and the tiles they touch, then onnxruntime's own profile of the same frames summed per graph stage (node names
 * carry their stage, partsGraph.ts) and the costliest ops. Figures only, each with the load
 * average. `npx tsx bench/engineProfile.ts [--only=sample,drawing] [--frames=12] [--no-ort]`
 */
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const FRAMES = Number(arg('frames') ?? 12);
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () => loadavg().map((x) => round(x, 2));

interface OrtEvent {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string };
}

/** Sums onnxruntime's per-node kernel times (µs) by stage and by op over `runs` frames. */
function summarise(events: OrtEvent[], runs: number) {
  const byStage = new Map<string, number>();
  const byOp = new Map<string, number>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const stage = e.name.includes('/') ? e.name.slice(0, e.name.indexOf('/')) : '(fused)';
    const op = `${stage}/${e.args?.op_name ?? '?'}`;
    byStage.set(stage, (byStage.get(stage) ?? 0) + e.dur);
    byOp.set(op, (byOp.get(op) ?? 0) + e.dur);
  }
  const ms = (us: number) => round(us / 1000 / runs, 2);
  return {
    stageMsPerFrame: Object.fromEntries([...byStage].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, ms(v)])),
    topOpsMsPerFrame: Object.fromEntries(
      [...byOp]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([k, v]) => [k, ms(v)]),
    ),
  };
}

const noOrt = process.argv.includes('--no-ort');
const engine = new PartsEngine({ provider: 'cpu' });
await engine.warmUp();
const results: unknown[] = [];
for (const ch of await engineCharacters(arg('only')?.split(','))) {
  const prepared = engine.prepare(ch.rig, ch.output.scale);
  const frames = Array.from({ length: FRAMES }, (_, i) =>
    poseFrame({
      rig: ch.rig,
      atlas: prepared.atlas,
      skeleton: ch.skeleton,
      pose: poseAt(2 * i),
      output: ch.output,
    }),
  );
  // Warm-up: the first frames also compile the planning code (JIT).
  for (const f of frames.slice(0, 4)) await engine.render(prepared, f);
  const wall: number[] = [];
  const plan: number[] = [];
  let cpuUs = 0;
  let boxed = 0;
  const entries = { flat: 0, tilted: 0, spheres: 0, tiles: 0 };
  for (const f of frames) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await engine.render(prepared, f);
    const cpu = process.cpuUsage(cpu0);
    wall.push(performance.now() - t0);
    cpuUs += cpu.user + cpu.system;
    const t1 = performance.now();
    const boxes = planTiles(f, prepared.blocks);
    const p = cullTiles(f, boxes, prepared.occupancy, prepared.profiles, prepared.rowRanges);
    packTiles(f, p, prepared.profiles, prepared.offsets);
    tileSlots(p);
    boxed += (boxes.flat.length + boxes.tilted.length + boxes.spheres.length) / 2;
    plan.push(performance.now() - t1);
    entries.flat += p.flat.length / 2;
    entries.tilted += p.tilted.length / 2;
    entries.spheres += p.spheres.length / 2;
    const touched = new Set<number>();
    for (const list of [p.flat, p.tilted, p.spheres])
      for (let i = 0; i < list.length; i += 2) touched.add(list[i]!);
    entries.tiles += touched.size;
  }
  const per = (n: number) => Math.round(n / frames.length);
  const row: Record<string, unknown> = {
    character: ch.name,
    output: `${ch.output.width}x${ch.output.height}`,
    parts: ch.rig.parts.length,
    spheres: ch.rig.spheres.length,
    medianMsPerFrame: round(median(wall)),
    minMsPerFrame: round(Math.min(...wall)),
    cpuMsPerFrame: round(cpuUs / 1000 / frames.length),
    planMsPerFrame: round(median(plan), 2),
    tilePairsBeforeCullPerFrame: per(boxed),
    tilePairsPerFrame: {
      flat: per(entries.flat),
      tilted: per(entries.tilted),
      spheres: per(entries.spheres),
    },
    tilesTouchedPerFrame: per(entries.tiles),
    tilesInFrame: Math.ceil(ch.output.width / TILE_PX) * Math.ceil(ch.output.height / TILE_PX),
    loadAverage: load(),
  };
  if (!noOrt) {
    const name = `keypose-engine-profile-${process.pid}-${results.length}`;
    const prefix = join(tmpdir(), name);
    const session = await ort.InferenceSession.create(buildPartsGraph(), {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: 1,
      enableProfiling: true,
      profileFilePrefix: prefix,
    });
    for (const f of frames) await session.run(frameInputs(prepared, f));
    session.endProfiling();
    // onnxruntime-node does not return the file's name: it is the prefix and a date.
    const file = join(tmpdir(), readdirSync(tmpdir()).find((f) => f.startsWith(name))!);
    const events = JSON.parse(readFileSync(file, 'utf8')) as OrtEvent[];
    rmSync(file, { force: true });
    await session.release();
    Object.assign(row, summarise(events, frames.length));
  }
  results.push(row);
  console.error(JSON.stringify(row));
}
console.log(
  JSON.stringify({ loadAverageAtStart: load(), framesPerCharacter: FRAMES, characters: results }, null, 2),
);
