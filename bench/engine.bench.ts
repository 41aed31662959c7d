import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { artFrame, type OutputFrame, poseFrame } from '../core/render/parts/posed.js';
import { renderReference } from '../core/render/parts/reference.js';
import type { RgbaImage } from '../core/render/types.js';
import type { Skeleton } from '../core/skeleton/types.js';
import { loadSample } from '../host/project/store.js';
import { PartsEngine } from '../inference/engine/partsEngine.js';
import { buildPartsRig } from '../inference/rigging/parts/build.js';
import { rigCharacter } from '../inference/rigging/rigCharacter.js';
import { createSyntheticCharacter } from '../tests/fixtures/syntheticFigure.js';
import { drawingSvg, poseAt } from './engineCharacters.js';

/**
 * Frame-engine benchmark, on real characters at their own size: the sample (768x1024), a child's
 * drawing made in SVG at 1200x1600 and rigged by the automatic fit, the synthetic figure at
 * 1080x1080, and the sample placed in a 1920x1080 frame. Per character: the start-up split (parts
 * rig build, atlas preparation, ONNX session creation) and, over a 24-frame motion with in-plane
 * and out-of-plane turns, wall and CPU ms per frame (in process, one intra-op thread), plus the
 * TypeScript reference renderer on one frame. Then the CLI end to end with an empty cache: `keypose
 * render` of the sample's 48 frames to PNG, wall and CPU seconds (children included).
 * Figures only, with the load average; nothing here asserts a time.
 */
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const load = () => loadavg().map((x) => round(x, 2));

interface BenchCharacter {
  readonly name: string;
  readonly art: RgbaImage;
  readonly skeleton: Skeleton;
  readonly output?: OutputFrame;
}

async function characters(): Promise<BenchCharacter[]> {
  const sample = await loadSample();
  const sc = sample.characters[0]!;
  const asset = sample.assets[sc.artAssetId]!;
  const decoded = await sharp(Buffer.from(asset.dataBase64, 'base64'))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const sampleArt = {
    width: decoded.info.width,
    height: decoded.info.height,
    data: new Uint8Array(decoded.data),
  };
  const sampleSkeleton = sc.skeleton as unknown as Skeleton;

  const drawn = await sharp(Buffer.from(drawingSvg(1200, 1600)))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const drawingArt = { width: drawn.info.width, height: drawn.info.height, data: new Uint8Array(drawn.data) };
  const fitted = await rigCharacter({ image: drawingArt, hasAlpha: true });

  const synthetic = createSyntheticCharacter({ width: 1080, height: 1080 });
  const fit = 1080 / sampleArt.height;
  return [
    { name: 'sample 768x1024', art: sampleArt, skeleton: sampleSkeleton },
    { name: 'drawing 1200x1600 (SVG, auto-fitted)', art: drawingArt, skeleton: fitted.skeleton },
    { name: 'synthetic 1080x1080', art: synthetic.art, skeleton: synthetic.skeleton },
    {
      name: 'sample in a 1920x1080 frame',
      art: sampleArt,
      skeleton: sampleSkeleton,
      output: {
        width: 1920,
        height: 1080,
        scale: fit,
        offsetX: 960 - (sampleArt.width * fit) / 2,
        offsetY: 0,
      },
    },
  ];
}

async function benchCharacter(ch: BenchCharacter, frames: number) {
  const mask = new Uint8Array(ch.art.width * ch.art.height);
  for (let p = 0; p < mask.length; p++) mask[p] = ch.art.data[p * 4 + 3]! > 0 ? 1 : 0;
  let t0 = performance.now();
  const rig = buildPartsRig({ art: ch.art, mask, skeleton: ch.skeleton });
  const rigBuildMs = performance.now() - t0;
  const output = ch.output ?? artFrame(ch.art);
  const engine = new PartsEngine({ provider: 'cpu' });
  t0 = performance.now();
  await engine.warmUp();
  const sessionMs = performance.now() - t0;
  t0 = performance.now();
  const prepared = engine.prepare(rig, output.scale);
  const prepareMs = performance.now() - t0;
  const wall: number[] = [];
  let cpuUs = 0;
  for (let i = -2; i < frames; i++) {
    const pose = poseAt(i + 2);
    const t1 = performance.now();
    const cpu0 = process.cpuUsage();
    const frame = poseFrame({ rig, atlas: prepared.atlas, skeleton: ch.skeleton, pose, output });
    await engine.render(prepared, frame);
    const cpu = process.cpuUsage(cpu0);
    if (i >= 0) {
      wall.push(performance.now() - t1);
      cpuUs += cpu.user + cpu.system;
    }
  }
  const frame = poseFrame({ rig, atlas: prepared.atlas, skeleton: ch.skeleton, pose: poseAt(5), output });
  t0 = performance.now();
  renderReference(frame, prepared.atlas, prepared.profiles);
  const referenceMs = performance.now() - t0;
  return {
    character: ch.name,
    output: `${output.width}x${output.height}`,
    parts: rig.parts.length,
    spheres: rig.spheres.length,
    atlasMTexels: round((prepared.atlas.width * prepared.atlas.height) / 1e6, 2),
    startUp: { rigBuildMs: round(rigBuildMs), sessionMs: round(sessionMs), atlasPrepareMs: round(prepareMs) },
    medianMsPerFrame: round(median(wall)),
    minMsPerFrame: round(Math.min(...wall)),
    cpuMsPerFrame: round(cpuUs / 1000 / frames),
    referenceMsPerFrame: round(referenceMs),
    loadAverage: load(),
  };
}

/** `keypose render` of the sample to PNG with an empty cache: wall and CPU (children included). */
function cliRender(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'keypose-engine-bench-'));
  const script = `TIMEFORMAT='%R %U %S'; time node cli/bin/keypose.js render assets/sample/sample.keypose --format png --out "${dir}/frames" > /dev/null 2>&1`;
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], {
      env: { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('exit', (code) => {
      const [real, user, sys] = err.trim().split(/\s+/).slice(-3).map(Number);
      rmSync(dir, { recursive: true, force: true });
      resolve({
        command: 'keypose render assets/sample/sample.keypose --format png (48 frames, empty cache)',
        exitCode: code,
        wallS: real,
        cpuS: round((user ?? 0) + (sys ?? 0), 2),
        loadAverage: load(),
      });
    });
  });
}

export async function runEngineBench(opts: { quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const frames = opts.quick ? 6 : 24;
  const loadAtStart = load();
  const results = [];
  for (const ch of await characters()) results.push(await benchCharacter(ch, frames));
  const cli = await cliRender();
  return { loadAverageAtStart: loadAtStart, framesPerCharacter: frames, characters: results, cli };
}

// Run on its own: `npx tsx bench/engine.bench.ts [--quick]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  runEngineBench({ quick: process.argv.includes('--quick') }).then((r) =>
    console.log(JSON.stringify(r, null, 2)),
  );
}
