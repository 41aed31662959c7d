import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CharacterFiles,
  type FromWorker,
  fromWorkerSchema,
  type renderJobSchema,
  toWorkerSchema,
} from '../../core/contract/jobs.js';
import { jointId } from '../../core/ids.js';
import { drawPoseMap } from '../../core/render/poseMap.js';
import type { BoneProjection } from '../../core/render/project.js';
import type { RgbaImage, SkinWeights } from '../../core/render/types.js';
import { FrameEngine } from '../engine/engine.js';
import { loadModelPack, type ModelPack } from '../packs/pack.js';
import {
  holdsSameData,
  prepareCharacter,
  readCharacterFiles,
  renderFrame,
  type WorkerCharacter,
} from './characters.js';
import { handleValidatePack } from './packs.js';
import { cancelRigJob, runRigJob } from './rig.js';
import { handleComputeWeights } from './weights.js';

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

const engine = new FrameEngine({ ...(process.env.KEYPOSE_EP ? { provider: process.env.KEYPOSE_EP } : {}) });
const characters = new Map<string, WorkerCharacter>();
const packs = new Map<string, ModelPack>();
const queue: ReturnType<typeof renderJobSchema.parse>[] = [];
let running: { jobId: string; cancelled: boolean } | null = null;
let providerReported = false;

/**
 * Characters prepared from weights this worker just computed, before the host registers them:
 * the host's round trip (receiving, hashing and writing tens of MB of weights) overlaps with the
 * engine's preparation and session warm-up here. Two at most (several characters rigged in a row).
 */
const preparedAhead: WorkerCharacter[] = [];

function loadCharacter(c: CharacterFiles): void {
  const { art, weights } = readCharacterFiles(c);
  const i = preparedAhead.findIndex((ch) => holdsSameData(ch, art, weights));
  const ahead = i >= 0 ? preparedAhead.splice(i, 1)[0] : undefined;
  characters.set(c.id, ahead ?? prepareCharacter(engine, art, weights));
}

function prepareAhead(msg: { width: number; height: number; rgba: Uint8Array }, reply: FromWorker): void {
  if (reply.type !== 'weights') return;
  const data = reply.data;
  const weights: SkinWeights = {
    width: reply.width,
    height: reply.height,
    jointIds: reply.jointIds.map(jointId),
    data: new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4),
  };
  const art: RgbaImage = { width: msg.width, height: msg.height, data: msg.rgba };
  try {
    preparedAhead.push(prepareCharacter(engine, art, weights));
  } catch {
    // Not fatal: the character is prepared again when the host registers it.
    return;
  }
  while (preparedAhead.length > 2) preparedAhead.shift();
  void pump();
}

async function runJob(job: ReturnType<typeof renderJobSchema.parse>): Promise<void> {
  const ch = characters.get(job.characterId);
  if (!ch) {
    send({
      type: 'error',
      jobId: job.jobId,
      code: 'unknown-character',
      message: `character ${job.characterId} is not loaded`,
    });
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
    const bones = frame.bones.map((b) => ({ ...b, jointId: jointId(b.jointId) })) as BoneProjection[];
    let image = await renderFrame(engine, ch, bones, job.gridStep);
    if (pack?.refine) {
      const poseMap = drawPoseMap(frame.poseJoints ?? [], { width: image.width, height: image.height });
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
      // Idle: build the next ONNX session a character will need (one step at a time, so a job
      // that arrives meanwhile waits for one step at most), so the first final frame and the
      // first draft of a drag do not pay for session creation.
      const warm = [...characters.values(), ...preparedAhead]
        .find((c) => c.warmUp.length > 0)
        ?.warmUp.shift();
      if (!warm) break;
      try {
        await warm();
      } catch {
        // A failing session shows up, with its message, in the first job that needs it.
      }
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
    case 'loadCharacter':
      try {
        loadCharacter(msg.character);
        send({ type: 'characterLoaded', characterId: msg.character.id });
        void pump();
      } catch (err) {
        send({ type: 'error', jobId: null, code: 'unknown-character', message: (err as Error).message });
      }
      return;
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
      void engine.dispose().finally(() => process.exit(0));
      return;
    case 'validatePack':
      void handleValidatePack(msg).then(send);
      return;
    case 'computeWeights': {
      const reply = handleComputeWeights(msg);
      // Prepared once the reply is on its way, so the host receives it without waiting for this.
      void sendFlushed(reply).then(() => prepareAhead(msg, reply));
      return;
    }
  }
});

// Without a parent there is nobody to render for.
process.on('disconnect', () => process.exit(0));
// Ctrl+C in a terminal reaches the whole process group: the host cancels its jobs and stops this
// worker itself, so the signal must not kill it mid-job (which the host would take for a crash).
process.on('SIGINT', () => {});

// Validate our own first message too: the schema is the contract both sides build against.
send(fromWorkerSchema.parse({ type: 'ready', pid: process.pid, provider: null }) as FromWorker);
