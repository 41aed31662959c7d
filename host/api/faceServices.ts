import sharp from 'sharp';
import { ApiError } from '../../core/contract/api.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { type DetectedFace, detectDrawnFace } from '../../core/face/detectDrawnFace.js';
import {
  faceFeaturesFromLayers,
  faceLayerBoxes,
  facePartOfLayer,
  faceRigFromLayers,
} from '../../core/face/rigFromLayers.js';
import type { FaceRig, Point } from '../../core/face/schema.js';
import { mouthDrawingsOfPsd } from '../face/mouthDrawingFiles.js';
import { detectStillFace } from '../face/stillFace.js';
import { lipSyncSound } from '../lipsync/lipSync.js';
import { decodePartHints } from '../render/artDecoder.js';
import type { ApiImplementation } from './apiImplementation.js';
import type { ServiceContext } from './context.js';

/**
 * detectFace, mouthDrawingsFromPsd and lipSync (a job): the face rig's automatic placement and lip sync from speech
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
export function headJointOf(character: Pick<ProjectDocument['characters'][number], 'skeleton'>): {
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

/** The drawn finder found both eyes and the mouth within a quarter of the eye distance of the model's. */
export function drawnAgrees(drawn: DetectedFace, mesh: FaceRig): boolean {
  if (!drawn.found.includes('eyes') || !drawn.found.includes('mouth')) return false;
  const d = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);
  const tolerance = 0.25 * d(mesh.eyes.left.center, mesh.eyes.right.center);
  const mouth = (r: FaceRig): Point => [
    (r.mouth.left[0] + r.mouth.right[0]) / 2,
    (r.mouth.upper[1] + r.mouth.lower[1]) / 2,
  ];
  return (
    d(drawn.rig.eyes.left.center, mesh.eyes.left.center) <= tolerance &&
    d(drawn.rig.eyes.right.center, mesh.eyes.right.center) <= tolerance &&
    d(mouth(drawn.rig), mouth(mesh)) <= tolerance
  );
}

/**
 * The face rig of a character's picture (Inspector ▸ Face ▸ Set up face, `keypose face setup`):
 * from the landmark model on photos and realistic renders, else from the drawn-face finder.
 */
export async function detectCharacterFace(
  document: ProjectDocument,
  characterId: string,
  opts: { faceWorkerEntry?: string } = {},
): Promise<{ rig: FaceRig; found: DetectedFace['found'][number][]; modelError?: string }> {
  const character = characterOf(document, characterId);
  const art = await decodeArt(document, character.artAssetId);
  const head = headJointOf(character);
  // Character space (y up, origin at the picture's centre) to image pixels.
  const headPx: [number, number] = [head.restX + art.width / 2, art.height / 2 - head.restY];
  // A layered PSD with layers named for the face's parts: those layers place it (docs/face.md).
  const layered = await faceFromPartHints(document, character, art, head.id);
  if (layered) return layered;
  const drawn = detectDrawnFace(art, { headPx, headJointId: head.id });
  // Photos and realistic renders: the landmark model. The drawn-face finder answers where the
  // model finds no face it trusts (most drawings, or the model could not run), and where it
  // found the eyes and the mouth as marks just where the model puts them: a cartoon the model
  // also reads as a face, whose drawn eyes (bigger than a person's) the marks measure.
  // A model that could not run is not "no face": the user is told, since on a photo the drawn-face
  // finder's guess is a poor stand-in.
  let modelError: string | undefined;
  const still = await detectStillFace(art, {
    headPx,
    headJointId: head.id,
    ...(opts.faceWorkerEntry ? { entry: opts.faceWorkerEntry } : {}),
  }).catch((error: unknown) => {
    modelError = error instanceof Error ? error.message : String(error);
    return null;
  });
  if (still && !drawnAgrees(drawn, still.rig)) {
    return { rig: still.rig, found: ['eyes', 'brows', 'mouth', 'chin'] };
  }
  return { rig: drawn.rig, found: [...drawn.found], ...(modelError ? { modelError } : {}) };
}

/**
 * The face rig from the layer names a layered PSD's character keeps (its part-hint map: which
 * layer owns each pixel, and the layers' names), or null when no layers name the eyes and mouth.
 */
export async function faceFromPartHints(
  document: ProjectDocument,
  character: ProjectDocument['characters'][number],
  art: { width: number; height: number },
  headJointId: string,
): Promise<{ rig: FaceRig; found: DetectedFace['found'][number][] } | null> {
  const hints = character.partHints;
  if (!hints?.parts.some((p) => facePartOfLayer(p.name))) return null;
  const decoded = await decodePartHints(document, hints, { ...art, data: new Uint8Array(0) }).catch(
    () => null,
  );
  if (!decoded) return null;
  const boxes = faceLayerBoxes(
    art.width,
    art.height,
    // The map keeps part index + 1 (0: no part).
    (i) => (decoded.owner[i] as number) - 1,
    decoded.parts.map((p) => p.name),
  );
  const rig = faceRigFromLayers(boxes, headJointId);
  return rig ? { rig, found: faceFeaturesFromLayers(boxes) } : null;
}

export function createFaceServices(
  ctx: ServiceContext,
): Pick<ApiImplementation, 'detectFace' | 'lipSync' | 'mouthDrawingsFromPsd'> {
  return {
    detectFace: ({ document, characterId }) => detectCharacterFace(document, characterId),
    mouthDrawingsFromPsd: ({ fileName, dataBase64, face, art }) =>
      mouthDrawingsOfPsd(Buffer.from(dataBase64, 'base64'), fileName, face, art),
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
