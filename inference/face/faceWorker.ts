import { type FromFaceWorker, toFaceWorkerSchema } from '../../core/face/faceWorkerMessages.js';
import { initBodyPose } from '../pose/detectBodyPose.js';
import { detectFaceMeshes } from './detectFaceMesh.js';

/**
 * The face worker: a child process (forked by host/face/faceWorker.ts) that runs the face models
 * on video frames, so the host's event loop (the studio server, the CLI's progress) never waits on
 * tfjs. Frames come one at a time; each gets back the faces in it.
 */

function send(message: FromFaceWorker): void {
  process.send?.(message);
}

let maxFaces = 4;
let work: Promise<void> = Promise.resolve();

process.on('message', (raw: unknown) => {
  work = work.then(async () => {
    const parsed = toFaceWorkerSchema.safeParse(raw);
    if (!parsed.success) {
      send({ type: 'error', message: `face worker: bad message (${parsed.error.issues[0]?.message})` });
      return;
    }
    const message = parsed.data;
    try {
      if (message.type === 'start') {
        // The shared tfjs engine (detectBodyPose.ts); the face models load on the first frame.
        await initBodyPose();
        maxFaces = message.maxFaces ?? 4;
        send({ type: 'ready' });
        return;
      }
      const faces = await detectFaceMeshes(
        { width: message.width, height: message.height, data: message.data },
        { maxFaces },
      );
      send({
        type: 'faces',
        frameIndex: message.frameIndex,
        faces: faces.map((f) => ({
          score: f.score,
          boxPx: [...f.boxPx],
          mesh: f.mesh.map((p) => [...p]),
        })) as never,
      });
    } catch (error) {
      send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  });
});
process.on('disconnect', () => process.exit(0));
