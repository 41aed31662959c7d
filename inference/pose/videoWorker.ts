import { type FromPoseWorker, toPoseWorkerSchema } from '../../core/video/workerMessages.js';
import { initBodyPose } from './detectBodyPose.js';
import { VideoPoseAnalyzer } from './videoPoseAnalyzer.js';

/**
 * The pose worker: a child process (forked by host/worker/poseWorker.ts) that runs the body model
 * on video frames, so the host's event loop (the studio server, the CLI's progress) never waits
 * on tfjs. Frames come one at a time, in order; each gets back the people in it with their ids.
 */

function send(message: FromPoseWorker): void {
  process.send?.(message);
}

let analyzer = new VideoPoseAnalyzer();
let work: Promise<void> = Promise.resolve();

process.on('message', (raw: unknown) => {
  work = work.then(async () => {
    const parsed = toPoseWorkerSchema.safeParse(raw);
    if (!parsed.success) {
      send({ type: 'error', message: `pose worker: bad message (${parsed.error.issues[0]?.message})` });
      return;
    }
    const message = parsed.data;
    try {
      if (message.type === 'start') {
        await initBodyPose();
        analyzer = new VideoPoseAnalyzer(message.maxPeople ? { maxPeople: message.maxPeople } : {});
        send({ type: 'ready' });
        return;
      }
      const frame = await analyzer.processFrame(message.frameIndex, {
        width: message.width,
        height: message.height,
        data: message.data,
      });
      send({
        type: 'people',
        frameIndex: frame.frameIndex,
        people: frame.people.map((p) => ({
          trackId: p.trackId,
          score: p.score,
          joints: { ...p.joints },
        })) as never,
      });
    } catch (error) {
      send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  });
});
process.on('disconnect', () => process.exit(0));
