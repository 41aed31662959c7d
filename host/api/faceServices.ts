import sharp from 'sharp';
import { ApiError } from '../../core/contract/api.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { detectDrawnFace } from '../../core/face/detectDrawnFace.js';
import { lipSyncSound } from '../lipsync/lipSync.js';
import type { ApiImplementation } from './apiImplementation.js';
import type { ServiceContext } from './context.js';

/**
 * detectFace and lipSync (a job): the face rig's automatic placement and lip sync from speech
 * (docs/face.md). Both return data the editor applies as one undoable edit; neither changes a
 * document itself.
 */

function characterOf(document: ProjectDocument, characterId: string) {
  const character = document.characters.find((c) => c.id === characterId);
  if (!character) {
    throw new ApiError({ code: 'not-found', message: `The project has no character "${characterId}".` });
  }
  return character;
}

async function decodeArt(document: ProjectDocument, assetId: string) {
  const asset = document.assets[assetId];
  if (!asset)
    throw new ApiError({
      code: 'invalid-project',
      message: `The art asset "${assetId}" is not in the project.`,
    });
  const { data, info } = await sharp(Buffer.from(asset.dataBase64, 'base64'))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((error: Error) => {
      throw new ApiError({
        code: 'corrupt-file',
        message: `The art "${asset.sourceName ?? assetId}" could not be decoded: ${error.message}`,
      });
    });
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** The joint a face rides on: one named like a head, else the topmost joint. */
export function headJointOf(character: ProjectDocument['characters'][number]): {
  id: string;
  restY: number;
  restX: number;
} {
  const joints = character.skeleton.joints;
  const head =
    joints.find((j) => /^head$/i.test(j.name)) ??
    joints.find((j) => /head/i.test(j.name) && !/top|end/i.test(j.name));
  const joint = head ?? joints.reduce((a, b) => (b.restPosition[1] > a.restPosition[1] ? b : a));
  return { id: joint.id, restX: joint.restPosition[0], restY: joint.restPosition[1] };
}

export function createFaceServices(ctx: ServiceContext): Pick<ApiImplementation, 'detectFace' | 'lipSync'> {
  return {
    async detectFace({ document, characterId }) {
      const character = characterOf(document, characterId);
      const art = await decodeArt(document, character.artAssetId);
      const head = headJointOf(character);
      // Character space (y up, origin at the picture's centre) to image pixels.
      const headPx: [number, number] = [head.restX + art.width / 2, art.height / 2 - head.restY];
      const { rig, found } = detectDrawnFace(art, { headPx, headJointId: head.id });
      return { rig, found: [...found] };
    },
    async lipSync(request) {
      characterOf(request.document, request.characterId);
      const sound = request.voice ?? request.document.audio;
      if (!sound) {
        throw new ApiError({
          code: 'invalid-argument',
          message:
            'The project has no sound track: attach the voice recording (File ▸ Audio…) or choose a voice file.',
        });
      }
      const bytes = Buffer.from(sound.dataBase64, 'base64');
      const started = ctx.jobs.start('lipsync', async (job) => {
        try {
          return await lipSyncSound(bytes, {
            fileName: sound.fileName,
            fps: request.document.fps,
            startFrame: sound.startFrame ?? 0,
            signal: job.signal,
            ...(request.text?.trim() ? { text: request.text } : {}),
            onProgress: (fraction, stage) => job.progress(Math.round(fraction * 1000), 1000, stage),
          });
        } catch (error) {
          if ((error as { code?: string }).code === 'bad-audio') {
            throw new ApiError({
              code: 'invalid-argument',
              message: (error as Error).message,
              file: sound.fileName,
            });
          }
          throw error;
        }
      });
      started.result.catch(() => {});
      return { jobId: started.jobId };
    },
  };
}
