import type { FromWorker, rigJobSchema } from '../../core/contract/jobs.js';
import { jointId } from '../../core/ids.js';
import type { Skeleton } from '../../core/skeleton/types.js';
import { rigCharacter } from '../rigging/rigCharacter.js';
import { RiggingError } from '../rigging/types.js';
import { partHintsToWire } from './partHintsWire.js';

/**
 * The worker's 'rig' message: the automatic rig (mask -> skeleton fit, see
 * inference/rigging/rigCharacter.ts) of one imported picture, with progress and cancellation.
 * The host keeps only what the document stores (the fitted skeleton, how it was fitted, the mask
 * when it was separated from a background, PSD part hints); the frame engine builds its parts rig
 * from those when it loads the character.
 *
 * The skeleton comes from the body pose model where it finds the figure, else from the silhouette
 * (rigCharacter's poseModel 'auto'), or from the source itself (an Animated Drawings rig).
 *
 * Rigging is synchronous between its stages; rigCharacter yields to the event loop between them,
 * which is where a 'cancel' for the job is seen (a 1024 px character rigs in about 0.2 s on 2
 * cores, plus about 0.3 s for the pose model, so that is soon enough).
 */

type RigJobMessage = ReturnType<typeof rigJobSchema.parse>;
type Send = (message: FromWorker) => void;

const running = new Map<string, AbortController>();

/** Cancels a running rig job; false when no rig job has this id (it may be a render job). */
export function cancelRigJob(jobId: string): boolean {
  const controller = running.get(jobId);
  if (!controller) return false;
  controller.abort();
  return true;
}

function toSkeleton(s: NonNullable<RigJobMessage['skeleton']>): Skeleton {
  return {
    joints: s.joints.map((j) => ({
      id: jointId(j.id),
      name: j.name,
      parentId: j.parentId === null ? null : jointId(j.parentId),
      restPosition: [j.restPosition[0], j.restPosition[1], j.restPosition[2]],
    })),
  };
}

export async function runRigJob(job: RigJobMessage, send: Send): Promise<void> {
  const controller = new AbortController();
  running.set(job.jobId, controller);
  const warnings: string[] = [];
  try {
    const image = { width: job.image.width, height: job.image.height, data: job.image.rgba };
    const layers = job.layers.map((l) => ({
      name: l.name,
      left: l.left,
      top: l.top,
      image: { width: l.image.width, height: l.image.height, data: l.image.rgba },
    }));
    let lastStage = '';
    let lastSentMs = 0;
    const result = await rigCharacter(
      {
        image,
        hasAlpha: job.hasAlpha,
        ...(layers.length > 0 ? { layers } : {}),
        ...(job.skeleton ? { skeleton: toSkeleton(job.skeleton) } : {}),
      },
      {
        signal: controller.signal,
        poseModel: job.usePoseModel ? 'auto' : 'off',
        // The template the user picked in the import dialog or with --template ('auto': from the figure).
        ...(job.template ? { template: job.template } : {}),
        onProgress: ({ fraction, stage }) => {
          // A stage change or 10 reports a second is enough for a bar.
          const now = performance.now();
          if (stage === lastStage && now - lastSentMs < 100 && fraction < 1) return;
          lastStage = stage;
          lastSentMs = now;
          send({ type: 'rigProgress', jobId: job.jobId, fraction, stage });
        },
      },
    );
    if (controller.signal.aborted) throw new RiggingError('cancelled', 'rigging was cancelled');
    const templatedJoints = result.fit ? [...result.fit.templatedJoints] : [];
    if (result.fit) warnings.push(...result.fit.warnings);
    if (result.maskSource === 'background') {
      warnings.push(
        'The picture has no transparency: the figure was separated from its background; check the mask.',
      );
    }
    if (layers.length > 0 && !result.partHints) {
      warnings.push('No layer name names a body part (e.g. "left arm", "head"): the layers were not used.');
    }
    send({
      type: 'rigDone',
      jobId: job.jobId,
      skeleton: {
        joints: result.skeleton.joints.map((j) => ({
          ...j,
          restPosition: [j.restPosition[0], j.restPosition[1], j.restPosition[2]],
        })),
      },
      fitMethod: job.skeleton ? 'file' : (result.fit?.method ?? 'silhouette'),
      templatedJoints,
      maskSource: result.maskSource,
      ...(result.maskSource === 'background' ? { mask: result.mask.data } : {}),
      ...(result.partHints ? { partHints: partHintsToWire(result.partHints) } : {}),
      warnings,
      timingsMs: { ...result.timingsMs },
    });
  } catch (err) {
    const code =
      controller.signal.aborted || (err instanceof RiggingError && err.code === 'cancelled')
        ? 'cancelled'
        : err instanceof RiggingError
          ? err.code
          : 'failed';
    send({ type: 'rigFailed', jobId: job.jobId, code, message: (err as Error).message });
  } finally {
    running.delete(job.jobId);
  }
}
