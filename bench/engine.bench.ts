import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { FrameRequest, RenderJobEvent } from '../core/contract/jobs.js';
import { quatFromAxisAngle } from '../core/math/quat.js';
import type { Pose } from '../core/motion/types.js';
import { frameKey, hashFloat32 } from '../core/render/frameKey.js';
import { projectPose } from '../core/render/project.js';
import { renderReference } from '../core/render/reference.js';
import { WorkerSupervisor } from '../host/worker/supervisor.js';
import { defaultGridStep, ENGINE_VERSION, FrameEngine } from '../inference/engine/engine.js';
import { createSyntheticCharacter, type SyntheticCharacter } from '../inference/engine/synthetic.js';

/**
 * Frame-engine benchmark: ms per frame of the ONNX engine (in process) at 512x512, 1080x1080 and
 * 1920x1080 with 16 weighted bones, the TypeScript reference on the same frames, fps of a
 * 120-frame job through the real worker process (inline bytes vs shared files), and peak memory.
 * Figures only; nothing here asserts a time.
 */
function poseAt(i: number): Pose {
  const t = i / 12;
  return {
    rotations: {
      LeftArm: quatFromAxisAngle([0, 0, 1], -0.9 * Math.sin(t)),
      LeftForeArm: quatFromAxisAngle([0, 1, 0], 0.8 * Math.sin(t * 1.3)),
      RightArm: quatFromAxisAngle([0, 0, 1], 0.7 * Math.sin(t * 0.7)),
      RightForeArm: quatFromAxisAngle([0, 0, 1], -0.6 * Math.sin(t)),
      Spine: quatFromAxisAngle([0, 1, 0], 0.3 * Math.sin(t * 0.5)),
      LeftUpLeg: quatFromAxisAngle([0, 0, 1], 0.3 * Math.sin(t)),
      RightLeg: quatFromAxisAngle([1, 0, 0], 0.5 * Math.sin(t * 0.9)),
      Head: quatFromAxisAngle([0, 1, 0], 0.4 * Math.sin(t * 1.7)),
    },
    rootTranslation: [10 * Math.sin(t), 4 * Math.cos(t), 0],
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

async function engineAt(ch: SyntheticCharacter, engine: FrameEngine, frames: number, gridStep: number) {
  const prepared = engine.prepare(ch.art, ch.weights);
  const times: number[] = [];
  let cpuUs = 0;
  for (let i = -2; i < frames; i++) {
    const bones = projectPose(ch.skeleton, poseAt(i + 2), ch.art);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await engine.render(prepared, bones, { gridStep });
    const cpu = process.cpuUsage(cpu0);
    if (i >= 0) {
      times.push(performance.now() - t0);
      cpuUs += cpu.user + cpu.system;
    }
  }
  return {
    gridStep,
    medianMs: round(median(times)),
    meanMs: round(times.reduce((a, b) => a + b, 0) / times.length),
    minMs: round(Math.min(...times)),
    // CPU time of the whole process (all onnxruntime threads) per frame: less sensitive than wall
    // time to other load on a shared machine.
    cpuMsPerFrame: round(cpuUs / 1000 / times.length),
  };
}

function workerPeakRssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

async function workerJob(ch: SyntheticCharacter, frameCount: number, transfer: 'inline' | 'file') {
  const sup = new WorkerSupervisor();
  sup.registerCharacter('bench', ch.art, ch.weights);
  const weightsHash = hashFloat32(ch.weights.data);
  const frames: FrameRequest[] = Array.from({ length: frameCount }, (_, i) => {
    const bones = projectPose(ch.skeleton, poseAt(i), ch.art);
    return {
      frameIndex: i,
      key: frameKey({
        artAssetId: 'bench',
        weightsHash,
        bones,
        width: ch.art.width,
        height: ch.art.height,
        engineVersion: ENGINE_VERSION,
      }),
      bones: bones as never,
    };
  });
  // Warm the worker (process start, session creation) outside the timed job.
  await sup.render({ characterId: 'bench', frames: frames.slice(0, 2), transfer }).finished;
  let renderMs = 0;
  let received = 0;
  const t0 = performance.now();
  await sup.render({ characterId: 'bench', frames, transfer }, (e: RenderJobEvent) => {
    if (e.type === 'frame') {
      renderMs += e.renderMs;
      received++;
    }
  }).finished;
  const wallMs = performance.now() - t0;
  const peak = workerPeakRssMb(sup.workerPid);
  const provider = sup.provider;
  await sup.stop();
  return {
    transfer,
    frames: received,
    fps: round((received / wallMs) * 1000),
    wallMsPerFrame: round(wallMs / received),
    workerRenderMsPerFrame: round(renderMs / received),
    overheadMsPerFrame: round((wallMs - renderMs) / received),
    workerPeakRssMb: peak,
    provider,
  };
}

export async function runEngineBench(opts: { quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const engine = new FrameEngine();
  const sizes: [number, number][] = [
    [512, 512],
    [1080, 1080],
    [1920, 1080],
  ];
  const perSize: Record<string, unknown>[] = [];
  for (const [w, h] of sizes) {
    const ch = createSyntheticCharacter({ width: w, height: h });
    const frames = opts.quick ? 3 : 10;
    const onnx = await engineAt(ch, engine, frames, defaultGridStep(w, h));
    const exact = w === 512 ? await engineAt(ch, engine, Math.min(frames, 4), 1) : null;
    const refFrames = w === 512 ? 2 : 1;
    const refTimes: number[] = [];
    for (let i = 0; i < refFrames; i++) {
      const bones = projectPose(ch.skeleton, poseAt(i), ch.art);
      const t0 = performance.now();
      renderReference(ch.art, ch.weights, bones);
      refTimes.push(performance.now() - t0);
    }
    perSize.push({
      size: `${w}x${h}`,
      bones: ch.weights.jointIds.length,
      onnx,
      ...(exact ? { onnxExactGrid: exact } : {}),
      typescriptReferenceMs: round(median(refTimes)),
      // The machine is shared: the 1-minute load average right after this size ran.
      loadAverage1m: round(loadavg()[0] ?? 0, 2),
    });
  }
  await engine.dispose();
  const jobChar = createSyntheticCharacter({ width: 512, height: 512 });
  const job = await workerJob(jobChar, opts.quick ? 24 : 120, 'inline');
  const jobFile = await workerJob(jobChar, opts.quick ? 12 : 40, 'file');
  return {
    provider: engine.provider?.name ?? null,
    providerMessages: engine.provider?.messages ?? [],
    perFrame: perSize,
    workerJob512: job,
    workerJob512FileTransfer: jobFile,
    mainPeakRssMb: round(process.resourceUsage().maxRSS / 1024),
  };
}
