import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type FromWorker,
  fromWorkerSchema,
  type renderJobSchema,
  toWorkerSchema,
} from '../../core/contract/jobs.js';
import type { Pose } from '../../core/motion/types.js';
import { drawPoseMap } from '../../core/render/poseMap.js';
import { computeWorldTransforms } from '../../core/skeleton/kinematics.js';
import { PartsEngine } from '../engine/partsEngine.js';
import { loadModelPack, type ModelPack } from '../packs/pack.js';
import { loadCharacter, renderFrame, type WorkerCharacter } from './characters.js';
import { handleValidatePack } from './packs.js';
import { cancelRigJob, runRigJob } from './rig.js';

/**
 * The frame worker: one code path for Electron's utilityProcess (messages on process.parentPort)
 * and Node's child_process.fork (process.send / 'message', 'advanced' serialization so pixel bytes
 * travel without base64). It owns the ONNX sessions; the host never loads onnxruntime.
 *
 * Jobs run one at a time in arrival order; between frames the event loop turns, so a 'cancel'
 * for the running job is seen before its next frame.
 */

interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(message: FromWorker): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

/**
 * Sends and resolves once the bytes are written to the IPC channel. Each frame's synchronous ONNX
 * run blocks this event loop, and a multi-megabyte frame written to the pipe only progresses while
 * the loop turns: without waiting here, a job's frames piled up in the pipe and all reached the
 * host at the end of the job instead of streaming. Electron's parentPort queues the message itself.
 */
function sendFlushed(message: FromWorker): Promise<void> {
  if (parentPort || !process.send) {
    send(message);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    process.send?.(message, undefined, {}, () => resolve());
  });
}

function onMessage(listener: (data: unknown) => void): void {
  if (parentPort) parentPort.on('message', (e) => listener(e.data));
  else process.on('message', listener);
}

const engine = new PartsEngine({ ...(process.env.KEYPOSE_EP ? { provider: process.env.KEYPOSE_EP } : {}) });
/** Characters by id: the loaded ones, and those still being built (a job for one waits for it). */
const characters = new Map<string, Promise<WorkerCharacter>>();
const packs = new Map<string, ModelPack>();
const queue: ReturnType<typeof renderJobSchema.parse>[] = [];
let running: { jobId: string; cancelled: boolean } | null = null;
let providerReported = false;

/** Posed joints in output pixels, for the pose map a model pack's refine stage receives. */
function poseJoints(
  ch: WorkerCharacter,
  pose: Pose,
  output: ReturnType<typeof renderJobSchema.parse>['output'],
) {
  const world = computeWorldTransforms(ch.skeleton, pose);
  return ch.skeleton.joints.map((j) => {
    const w = world.get(j.id)!;
    return {
      id: j.id as string,
      parentId: j.parentId as string | null,
      u: (w.position[0] + ch.rig.width / 2) * output.scale + output.offsetX,
      v: (ch.rig.height / 2 - w.position[1]) * output.scale + output.offsetY,
    };
  });
}

async function runJob(job: ReturnType<typeof renderJobSchema.parse>): Promise<void> {
  const pending = characters.get(job.characterId);
  if (!pending) {
    send({
      type: 'error',
      jobId: job.jobId,
      code: 'unknown-character',
      message: `character ${job.characterId} is not loaded`,
    });
    return;
  }
  let ch: WorkerCharacter;
  try {
    ch = await pending;
  } catch (err) {
    send({ type: 'error', jobId: job.jobId, code: 'rig-failed', message: (err as Error).message });
    return;
  }
  let pack: ModelPack | null = null;
  if (job.packDir) {
    try {
      pack = packs.get(job.packDir) ?? (await loadModelPack(job.packDir));
      packs.set(job.packDir, pack);
    } catch (err) {
      // A broken pack must not stop the built-in engine: report it and render without it.
      send({ type: 'error', jobId: job.jobId, code: 'pack-invalid', message: (err as Error).message });
    }
  }
  running = { jobId: job.jobId, cancelled: false };
  const state = running;
  const total = job.frames.length;
  let done = 0;
  for (const frame of job.frames) {
    if (state.cancelled) break;
    const t0 = performance.now();
    let image = await renderFrame(engine, ch, frame.pose, job.output, job.renderer);
    if (pack?.refine) {
      const poseMap = drawPoseMap(poseJoints(ch, frame.pose, job.output), {
        width: image.width,
        height: image.height,
      });
      image = await pack.refine.run({ warped: image, poseMap, reference: ch.art });
    }
    const renderMs = performance.now() - t0;
    if (!providerReported && engine.provider) {
      providerReported = true;
      send({ type: 'provider', name: engine.provider.name, messages: [...engine.provider.messages] });
    }
    if (state.cancelled) break;
    const base = {
      type: 'frame' as const,
      jobId: job.jobId,
      frameIndex: frame.frameIndex,
      key: frame.key,
      width: image.width,
      height: image.height,
      renderMs,
      provider: engine.provider?.name ?? 'cpu',
    };
    if (job.transfer === 'file' && job.frameDir) {
      // Written under a temporary name and renamed, so a reader never sees half a frame.
      const file = join(job.frameDir, `${frame.key}.rgba`);
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, image.data);
      renameSync(tmp, file);
      send({ ...base, file });
    } else {
      await sendFlushed({ ...base, rgba: image.data });
    }
    done++;
    send({ type: 'progress', jobId: job.jobId, done, total });
  }
  running = null;
  send(state.cancelled ? { type: 'cancelled', jobId: job.jobId } : { type: 'done', jobId: job.jobId });
}

let pumping = false;
async function pump(): Promise<void> {
  if (pumping) return;
  pumping = true;
  try {
    for (;;) {
      const job = queue.shift();
      if (job) {
        try {
          await runJob(job);
        } catch (err) {
          running = null;
          send({ type: 'error', jobId: job.jobId, code: 'render-failed', message: (err as Error).message });
        }
        continue;
      }
      break;
    }
  } finally {
    pumping = false;
  }
}

onMessage((data) => {
  const parsed = toWorkerSchema.safeParse(data);
  if (!parsed.success) {
    send({ type: 'error', jobId: null, code: 'invalid-message', message: parsed.error.message });
    return;
  }
  const msg = parsed.data;
  switch (msg.type) {
    case 'loadCharacter': {
      const files = msg.character;
      // Built on the next turn, so the 'render' that usually follows is queued (and waits for it).
      const built = new Promise<WorkerCharacter>((resolve, reject) => {
        setImmediate(() => {
          try {
            resolve(loadCharacter(files));
          } catch (err) {
            reject(err as Error);
          }
        });
      });
      characters.set(files.id, built);
      built.then(
        (ch) => {
          const labels = ch.rig.labels;
          send({
            type: 'characterLoaded',
            characterId: files.id,
            partJointIds: ch.rig.parts.map((p) => p.jointId as string),
            labels: new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength),
            buildMs: ch.buildMs,
            fromCache: ch.fromCache,
          });
        },
        (err: Error) => {
          send({ type: 'characterFailed', characterId: files.id, message: err.message });
        },
      );
      return;
    }
    case 'unloadCharacter':
      // A job already running keeps its own reference to the character; later ones would fail.
      characters.delete(msg.characterId);
      return;
    case 'render':
      queue.push(msg.job);
      void pump();
      return;
    case 'rig':
      void runRigJob(msg.job, send);
      return;
    case 'cancel': {
      if (cancelRigJob(msg.jobId)) return;
      if (running?.jobId === msg.jobId) running.cancelled = true;
      const i = queue.findIndex((j) => j.jobId === msg.jobId);
      if (i >= 0) {
        queue.splice(i, 1);
        send({ type: 'cancelled', jobId: msg.jobId });
      }
      return;
    }
    case 'shutdown':
      process.exit(0);
      return;
    case 'getPartLayers': {
      const pending = characters.get(msg.characterId);
      if (!pending) {
        send({
          type: 'partLayersFailed',
          requestId: msg.requestId,
          message: `character ${msg.characterId} is not loaded`,
        });
        return;
      }
      pending.then(
        (ch) =>
          sendFlushed({
            type: 'partLayers',
            requestId: msg.requestId,
            layers: ch.rig.parts.map((part, i) => ({
              jointId: part.jointId as string,
              ...part.rect,
              depthBias: part.bias,
              rgba: ch.rig.layers[i]!.data,
            })),
          }),
        (err: Error) => send({ type: 'partLayersFailed', requestId: msg.requestId, message: err.message }),
      );
      return;
    }
    case 'validatePack':
      void handleValidatePack(msg).then(send);
      return;
  }
});

// Without a parent there is nobody to render for.
process.on('disconnect', () => process.exit(0));
// Ctrl+C in a terminal reaches the whole process group: the host cancels its jobs and stops this
// worker itself, so the signal must not kill it mid-job (which the host would take for a crash).
process.on('SIGINT', () => {});

// The engine's session is built now, while the host reads the project, not on the first frame.
void engine.warmUp().catch(() => {
  // A failing session shows up, with its message, in the first job that needs it.
});

// Validate our own first message too: the schema is the contract both sides build against.
send(fromWorkerSchema.parse({ type: 'ready', pid: process.pid, provider: null }) as FromWorker);
