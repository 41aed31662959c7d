import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve, sep } from 'node:path';
import sharp from 'sharp';
import {
  ApiError,
  type ImportedCharacter,
  type ImportSource,
  importedCharacterSchema,
} from '../../core/contract/api.js';
import { type FromWorker, type ToWorker, toWorkerSchema } from '../../core/contract/jobs.js';
import { hashAssetId } from '../../core/document/factory.js';
import type { Asset, Character, ProjectDocument } from '../../core/document/schema.js';
import { detectDrawnFace } from '../../core/face/detectDrawnFace.js';
import { mouthDrawingOnRig } from '../../core/face/mouthArt.js';
import type { MouthShape } from '../../core/face/mouthShapes.js';
import {
  faceFeaturesFromLayers,
  faceLayerBoxesOfLayers,
  faceRigFromLayers,
} from '../../core/face/rigFromLayers.js';
import type { FaceRig } from '../../core/face/schema.js';
import { newId } from '../../core/ids.js';
import { HEAT_COLD, HEAT_HOT, HEAT_OVERLAY_ALPHA } from '../../core/render/heatRamp.js';
import type { RgbaImage } from '../../core/render/types.js';
import { type JointsFile, skeletonFromJointsFile } from '../../core/skeleton/jointsFile.js';
import { templateOfSkeleton } from '../../core/skeleton/templates.js';
import { writeFailure } from '../export/atomicWrite.js';
import { ImportError } from '../import/errors.js';
import {
  type ImportedCharacter as DecodedCharacterSource,
  importCharacter as decodeCharacterSource,
  pngAsset,
} from '../import/importCharacter.js';
import { makeTempFolder, removeTempFolder } from '../jobs/tempFolders.js';
import type { PathAccess } from '../paths.js';
import type { WorkerSupervisor } from '../worker/supervisor.js';
import type { ApiImplementation } from './apiImplementation.js';
import type { ServiceContext } from './context.js';
import { headJointOf } from './faceServices.js';

/**
 * Character import as a job: the host decodes the source (host/import: PNG/JPEG/WebP/PSD or an
 * Animated Drawings folder), the frame worker rigs it (inference/worker/rig.ts: mask, skeleton
 * fit), and the job's result is an ImportedCharacter the renderer adds to its
 * document. Also the part overlay (the pixels that move with one joint, as a heat map).
 */

type RigDone = Extract<FromWorker, { type: 'rigDone' }>;

export interface ImportProgress {
  /** 0..1 over decode + rig. */
  readonly fraction: number;
  readonly stage: string;
}

export interface ImportOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ImportProgress) => void;
  /**
   * Where a path source may lead (host/paths.ts: the studio's projects folder, Electron's chosen
   * folders); null: anywhere (the CLI). A dropped file arrives as bytes and needs no path.
   */
  readonly access?: PathAccess | null;
  /**
   * Joints the user gives (`keypose rig --skeleton joints.json`): kept exactly instead of a fit,
   * weights computed for them. Picture pixels of the art as imported.
   */
  readonly joints?: JointsFile;
}

/** Share of the progress bar the decoding takes; the rig has the rest. */
const DECODE_SHARE = 0.1;

function cancelledError(): ApiError {
  return new ApiError({ code: 'cancelled', message: 'The import was cancelled.' });
}

/** A file name from the browser, reduced to a safe base name (no folders, no odd characters). */
function safeFileName(name: string): string {
  const base = basename(name.replace(/\\/g, '/')).replace(/[^\w.\- ]+/g, '_');
  return base === '' || base === '.' || base === '..' ? 'picture' : base;
}

/** The files an Animated Drawings folder must hold (host/import/animatedDrawings.ts). */
const ANIMATED_DRAWINGS_FILES = ['char_cfg.yaml', 'texture.png', 'mask.png'] as const;

/**
 * Writes a folder sent as its files into `parent` and returns its path. Names must be plain base
 * names: a separator or '..' could write outside the temporary folder, so it is refused, not fixed.
 */
async function writeFolderSource(
  parent: string,
  source: Extract<ImportSource, { folderName: string }>,
  displayName: string,
): Promise<string> {
  const seen = new Set<string>();
  for (const { name } of source.files) {
    if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name) || name.includes('..')) {
      throw new ApiError({
        code: 'invalid-argument',
        message: `${displayName}: "${name}" is not a plain file name (no folders, no "..")`,
        file: displayName,
      });
    }
    if (seen.has(name)) {
      throw new ApiError({
        code: 'invalid-argument',
        message: `${displayName}: ${name} was sent twice`,
        file: displayName,
      });
    }
    seen.add(name);
  }
  const missing = ANIMATED_DRAWINGS_FILES.filter((name) => !seen.has(name));
  if (missing.length > 0) {
    throw new ImportError(
      'invalid-character-folder',
      displayName,
      `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing (an Animated Drawings folder holds ${ANIMATED_DRAWINGS_FILES.join(', ')})`,
    );
  }
  const folder = join(parent, displayName.slice(0, -1));
  await mkdir(folder);
  for (const file of source.files) {
    await writeFile(join(folder, file.name), Buffer.from(file.dataBase64, 'base64'));
  }
  return folder;
}

/**
 * Sends one rig job to the worker and follows it to its end. A worker that dies meanwhile is
 * restarted by the supervisor and the rig is sent once more; a second death fails the import.
 */
export function rigInWorker(
  supervisor: WorkerSupervisor,
  job: Extract<ToWorker, { type: 'rig' }>['job'],
  opts: { signal?: AbortSignal; onProgress?: (fraction: number, stage: string) => void } = {},
): Promise<RigDone> {
  const message = toWorkerSchema.parse({ type: 'rig', job }) as ToWorker;
  return new Promise<RigDone>((resolvePromise, reject) => {
    let retries = 0;
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      unwatch();
      opts.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const onAbort = () => {
      supervisor.post({ type: 'cancel', jobId: job.jobId });
      // The worker answers rigFailed 'cancelled' at its next stage boundary; do not wait for it.
      finish(() => reject(cancelledError()));
    };
    const unwatch = supervisor.watch({
      message: (msg) => {
        if (!('jobId' in msg) || msg.jobId !== job.jobId) return;
        if (msg.type === 'rigProgress') opts.onProgress?.(msg.fraction, msg.stage);
        else if (msg.type === 'rigDone') finish(() => resolvePromise(msg));
        else if (msg.type === 'rigFailed') {
          finish(() =>
            reject(
              msg.code === 'cancelled'
                ? cancelledError()
                : Object.assign(new Error(msg.message), { rigCode: msg.code }),
            ),
          );
        }
      },
      exit: (reason) => {
        if (settled) return;
        if (retries >= 1) {
          finish(() =>
            reject(new ApiError({ code: 'worker-failed', message: `${reason} twice while rigging.` })),
          );
          return;
        }
        retries++;
        // The supervisor starts a new worker on the next message.
        setImmediate(() => {
          if (!settled) supervisor.post(message);
        });
      },
    });
    if (opts.signal?.aborted) {
      finish(() => reject(cancelledError()));
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      supervisor.post(message);
    } catch (err) {
      finish(() => reject(err));
    }
  });
}

async function maskAsset(mask: Uint8Array, width: number, height: number): Promise<Asset> {
  const grey = Buffer.alloc(width * height);
  for (let i = 0; i < grey.length; i++) grey[i] = mask[i] ? 255 : 0;
  const png = await sharp(grey, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
  return { mime: 'image/png', width, height, dataBase64: png.toString('base64'), sourceName: 'mask' };
}

/** The part hint map (1 byte per pixel: part index + 1, 0 = none) as the greyscale PNG the document keeps. */
async function partHintAsset(owner: Uint8Array, width: number, height: number): Promise<Asset> {
  const png = await sharp(Buffer.from(owner.buffer, owner.byteOffset, owner.byteLength), {
    raw: { width, height, channels: 1 },
  })
    .png()
    .toBuffer();
  return { mime: 'image/png', width, height, dataBase64: png.toString('base64'), sourceName: 'part hints' };
}

/**
 * The face rig of an imported layered PSD (docs/face.md): placed from the layers named for the
 * face's parts (core/face/rigFromLayers.ts) when they name the eyes and the mouth; with layers
 * named for mouth shapes, those drawings become assets and the rig swaps them in (the drawn-face
 * finder places the rig when no layers name the face). Undefined for a PSD with neither.
 */
async function psdFace(
  decoded: DecodedCharacterSource,
  skeleton: {
    joints: readonly { id: string; name: string; restPosition: readonly [number, number, number] }[];
  },
  assets: Record<string, Asset>,
  warnings: string[],
): Promise<FaceRig | undefined> {
  const { width, height } = decoded.rgba;
  const head = headJointOf({ skeleton } as Pick<Character, 'skeleton'>);
  const boxes = faceLayerBoxesOfLayers(width, height, decoded.partHints);
  let face: FaceRig | null = faceRigFromLayers(boxes, head.id);
  if (face) {
    warnings.push(
      `Face rig placed from the PSD's layers (${faceFeaturesFromLayers(boxes).join(', ')}): check it in Inspector ▸ Face ▸ Edit points….`,
    );
  }
  const drawings = Object.entries(decoded.mouths?.shapes ?? {}) as [MouthShape, RgbaImage][];
  if (drawings.length === 0) return face ?? undefined;
  if (!face) {
    const headPx: [number, number] = [head.restX + width / 2, height / 2 - head.restY];
    face = detectDrawnFace(decoded.rgba, { headPx, headJointId: head.id }).rig;
  }
  const mouthArt: Partial<Record<MouthShape, string>> = {};
  const box = decoded.mouths?.box ?? { left: 0, top: 0 };
  for (const [shape, cut] of drawings) {
    // Onto the canvas the face pass places on this rig's mouth: at rest, where it was drawn.
    const image = mouthDrawingOnRig(cut, box, face);
    const asset = await pngAsset(image, `mouth ${shape} (${decoded.name})`);
    const id = hashAssetId(Buffer.from(asset.dataBase64, 'base64'));
    assets[id] = asset;
    mouthArt[shape] = id;
  }
  warnings.push(
    `Mouth drawings from the PSD's layers: ${Object.keys(mouthArt).sort().join(' ')}; the mouth swaps them in (Inspector ▸ Face ▸ Mouth).`,
  );
  return { ...face, mouthStyle: 'swap', mouthArt };
}

/**
 * Imports and rigs one character. Errors are ApiErrors naming the file as the user knows it (the
 * dropped file's name, not our temporary copy).
 */
export async function importAndRigCharacter(
  supervisor: WorkerSupervisor,
  source: ImportSource,
  opts: ImportOptions = {},
): Promise<ImportedCharacter> {
  const report = (fraction: number, stage: string) => opts.onProgress?.({ fraction, stage });
  let path: string;
  let displayName: string;
  let tempDir: string | null = null;
  if ('path' in source) {
    path = opts.access
      ? await opts.access.confine(source.path, 'drop the file on the window instead')
      : resolve(source.path);
    displayName = path;
  } else if ('folderName' in source) {
    // Shown as "hero/": errors then read "hero/: char_cfg.yaml is missing", "hero/texture.png: …".
    const folderName = safeFileName(source.folderName);
    displayName = `${folderName === 'picture' ? 'character' : folderName}/`;
    tempDir = makeTempFolder('import');
    try {
      path = await writeFolderSource(tempDir, source, displayName);
    } catch (error) {
      removeTempFolder(tempDir);
      throw error;
    }
  } else {
    displayName = safeFileName(source.fileName);
    tempDir = makeTempFolder('import');
    path = join(tempDir, displayName);
    try {
      await writeFile(path, Buffer.from(source.dataBase64, 'base64'));
    } catch (error) {
      removeTempFolder(tempDir);
      throw writeFailure(error, path);
    }
  }
  // Our temporary copy's path becomes the name the user knows (a folder's files keep their name).
  const shown = (text: string) =>
    displayName.endsWith('/')
      ? text.split(`${path}${sep}`).join(displayName).split(path).join(displayName)
      : text.split(path).join(displayName);
  const rename = (error: unknown): unknown => {
    if (tempDir === null || !(error instanceof ApiError)) return error;
    const data = error.toData();
    return new ApiError({
      ...data,
      message: shown(data.message),
      file: data.file ? shown(data.file) : displayName,
    });
  };
  const warningsOfFace: string[] = [];
  try {
    report(0, 'decode');
    const decoded = await decodeCharacterSource(path).catch((error: unknown) => {
      throw rename(error);
    });
    if (opts.signal?.aborted) throw cancelledError();
    report(DECODE_SHARE, 'mask');
    let given = decoded.skeleton;
    if (opts.joints) {
      try {
        given = skeletonFromJointsFile(opts.joints, decoded.rgba);
      } catch (error) {
        throw new ApiError({
          code: 'invalid-argument',
          message: `the joints file: ${(error as Error).message}`,
        });
      }
    }
    const rgbaImage = (image: RgbaImage) => ({ width: image.width, height: image.height, rgba: image.data });
    let rig: RigDone;
    try {
      rig = await rigInWorker(
        supervisor,
        {
          jobId: newId('rig'),
          image: rgbaImage(decoded.rgba),
          hasAlpha: decoded.hasAlpha,
          layers: decoded.partHints.map((l) => ({
            name: l.name,
            left: l.left,
            top: l.top,
            image: rgbaImage(l.image),
          })),
          ...(source.template && source.template !== 'auto' ? { template: source.template } : {}),
          ...(given
            ? {
                skeleton: {
                  joints: given.joints.map((j) => ({
                    ...j,
                    restPosition: [j.restPosition[0], j.restPosition[1], j.restPosition[2]] as [
                      number,
                      number,
                      number,
                    ],
                  })),
                },
              }
            : {}),
        },
        {
          ...(opts.signal ? { signal: opts.signal } : {}),
          onProgress: (fraction, stage) => report(DECODE_SHARE + (1 - DECODE_SHARE) * fraction, stage),
        },
      );
    } catch (error) {
      const rigCode = (error as { rigCode?: string }).rigCode;
      if (rigCode === 'no-figure') {
        throw new ImportError('no-figure', displayName, (error as Error).message);
      }
      if (rigCode === 'invalid-input') {
        throw new ImportError('corrupt-file', displayName, (error as Error).message);
      }
      if (error instanceof ApiError) throw error;
      throw new ApiError({
        code: 'worker-failed',
        message: `${displayName}: rigging failed (${(error as Error).message})`,
        file: displayName,
      });
    }
    const artBytes = Buffer.from(decoded.asset.dataBase64, 'base64');
    const artAssetId = hashAssetId(artBytes);
    const assets: Record<string, Asset> = { [artAssetId]: decoded.asset };
    let maskAssetId: string | undefined;
    if (rig.mask) {
      const asset = await maskAsset(rig.mask, decoded.rgba.width, decoded.rgba.height);
      maskAssetId = hashAssetId(Buffer.from(asset.dataBase64, 'base64'));
      assets[maskAssetId] = asset;
    }
    let partHints: { ownerAssetId: string; parts: { name: string; jointIds: string[] }[] } | undefined;
    if (rig.partHints && rig.partHints.parts.length > 0) {
      const asset = await partHintAsset(rig.partHints.owner, decoded.rgba.width, decoded.rgba.height);
      const ownerAssetId = hashAssetId(Buffer.from(asset.dataBase64, 'base64'));
      assets[ownerAssetId] = asset;
      partHints = { ownerAssetId, parts: rig.partHints.parts };
    }
    // A layered PSD: the face rig from layers named for the face's parts, mouth drawings from
    // layers named for mouth shapes (docs/face.md).
    const face =
      decoded.kind === 'psd' ? await psdFace(decoded, rig.skeleton, assets, warningsOfFace) : undefined;
    // A temporary copy's name is the one the user gave; a folder's character is named after it.
    const name =
      decoded.kind === 'animated-drawings' || tempDir === null
        ? decoded.name
        : basename(displayName, extname(displayName)) || 'Character';
    const warnings = [...rig.warnings, ...warningsOfFace];
    if (decoded.flattenedPage) {
      warnings.push('A photo of a page: the page was found, flattened and evenly lit; it is the art now.');
    }
    if (rig.templatedJoints.length > 0) {
      warnings.push(`Placed by proportion, check by hand in Fit mode: ${rig.templatedJoints.join(', ')}.`);
    }
    return importedCharacterSchema.parse({
      character: {
        id: newId('char'),
        name,
        artAssetId,
        ...(maskAssetId ? { maskAssetId } : {}),
        ...(partHints ? { partHints } : {}),
        skeleton: rig.skeleton,
        motion: { rotations: {}, rootTranslation: [] },
        placement: { offset: [0, 0, 0], scale: 1 },
        ...(face ? { face } : {}),
      },
      assets,
      fit: {
        method: rig.fitMethod,
        templatedJoints: rig.templatedJoints,
        template: templateOfSkeleton(rig.skeleton),
      },
      warnings,
    });
  } finally {
    if (tempDir !== null) removeTempFolder(tempDir);
  }
}

/**
 * Which pixels move with a joint, as straight RGBA: the joint's part of the layered parts rig
 * (inference/rigging/parts/) in the heat map's hot colour, the rest of the figure in its cold one
 * (core/render/heatRamp.ts),
 * transparent outside the figure. Parts are rigid: a pixel follows exactly one joint.
 */
export function partHeatMap(
  part: { width: number; height: number; labels: Int16Array },
  partIndex: number,
): RgbaImage {
  const plane = part.width * part.height;
  const out = new Uint8Array(plane * 4);
  for (let p = 0; p < plane; p++) {
    const label = part.labels[p]!;
    if (label < 0) continue;
    const c = label === partIndex ? HEAT_HOT : HEAT_COLD;
    out[p * 4] = c[0];
    out[p * 4 + 1] = c[1];
    out[p * 4 + 2] = c[2];
    out[p * 4 + 3] = HEAT_OVERLAY_ALPHA;
  }
  return { width: part.width, height: part.height, data: out };
}

export async function weightOverlayPng(
  ctx: ServiceContext,
  document: ProjectDocument,
  characterId: string,
  jointId: string,
): Promise<{ width: number; height: number; pngBase64: string }> {
  const character = document.characters.find((c) => c.id === characterId);
  if (!character) {
    throw new ApiError({ code: 'not-found', message: `The project has no character "${characterId}".` });
  }
  if (!character.skeleton.joints.some((j) => j.id === jointId)) {
    throw new ApiError({
      code: 'invalid-argument',
      message: `Character "${character.name}" has no joint "${jointId}".`,
    });
  }
  // The parts rig the frame engine renders with (built in the worker, kept by the render service).
  const parts = await ctx.render.partsOf(document, characterId);
  // A joint that owns no pixels (a leaf, or one inside another part) shows the figure all cold.
  const heat = partHeatMap(parts, parts.partJointIds.indexOf(jointId));
  const png = await sharp(Buffer.from(heat.data.buffer, heat.data.byteOffset, heat.data.byteLength), {
    raw: { width: heat.width, height: heat.height, channels: 4 },
  })
    .png()
    .toBuffer();
  return { width: heat.width, height: heat.height, pngBase64: png.toString('base64') };
}

/** The parts rig's layers as PNGs (empty layers are left out: nothing to draw). */
export async function partLayersPng(ctx: ServiceContext, document: ProjectDocument, characterId: string) {
  const { rigKey, width, height, layers } = await ctx.render.partLayers(document, characterId);
  const parts = await Promise.all(
    layers
      .filter((l) => l.width > 0 && l.height > 0)
      .map(async (l) => {
        const png = await sharp(Buffer.from(l.rgba.buffer, l.rgba.byteOffset, l.rgba.byteLength), {
          raw: { width: l.width, height: l.height, channels: 4 },
        })
          .png({ compressionLevel: 1 })
          .toBuffer();
        return {
          jointId: l.jointId,
          x: l.x,
          y: l.y,
          width: l.width,
          height: l.height,
          depthBias: l.depthBias,
          pngBase64: png.toString('base64'),
        };
      }),
  );
  return { rigKey, width, height, parts };
}

/** importCharacter (a job), getWeightOverlay and getPartLayers. */
export function createCharacterServices(
  ctx: ServiceContext,
): Pick<ApiImplementation, 'importCharacter' | 'getWeightOverlay' | 'getPartLayers'> {
  return {
    async importCharacter(source) {
      const started = ctx.jobs.start('import', (job) =>
        importAndRigCharacter(ctx.supervisor(), source, {
          signal: job.signal,
          access: ctx.access,
          // Per mille, so the job manager's ETA works on integers.
          onProgress: ({ fraction, stage }) => job.progress(Math.round(fraction * 1000), 1000, stage),
        }),
      );
      return { jobId: started.jobId };
    },
    async getWeightOverlay(request) {
      return weightOverlayPng(ctx, request.document, request.characterId, request.jointId);
    },
    async getPartLayers(request) {
      return partLayersPng(ctx, request.document, request.characterId);
    },
  };
}
