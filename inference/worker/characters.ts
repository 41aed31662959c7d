import { readFileSync } from 'node:fs';
import type { CharacterFiles } from '../../core/contract/jobs.js';
import { jointId } from '../../core/ids.js';
import type { Pose } from '../../core/motion/types.js';
import { type OutputFrame, poseFrame } from '../../core/render/parts/posed.js';
import { renderReference } from '../../core/render/parts/reference.js';
import type { PartsRig } from '../../core/render/parts/types.js';
import type { RgbaImage } from '../../core/render/types.js';
import type { Skeleton } from '../../core/skeleton/types.js';
import { atlasScaleFor, type PartsEngine, type PreparedParts } from '../engine/partsEngine.js';
import { computeMask } from '../rigging/mask.js';
import { buildPartsRig } from '../rigging/parts/build.js';
import { partHintsFromWire } from './partHintsWire.js';
import { loadOrBuildRig } from './rigCache.js';

/**
 * The worker's characters: the host's files read once, the figure separated from its background
 * (the explicit mask, the art's alpha, or a plain/paper background), the layered parts rig built
 * (inference/rigging/parts/build.ts) and prepared for the engine per atlas scale (an export at
 * --scale 2 needs finer texels than the viewport).
 */
export interface WorkerCharacter {
  readonly id: string;
  /** The art as the parts rig sees it: straight RGBA, transparent outside the figure. */
  readonly art: RgbaImage;
  readonly skeleton: Skeleton;
  readonly rig: PartsRig;
  /** Time to read the files and build the rig (or read it from the rig cache). */
  readonly buildMs: number;
  /** True when the rig came from the rig cache file instead of being built. */
  readonly fromCache: boolean;
  /** Prepared atlases by atlas scale (texels per art pixel). */
  readonly prepared: Map<number, PreparedParts>;
}

function readExact(file: string, bytes: number, what: string): Uint8Array {
  const data = readFileSync(file);
  if (data.length !== bytes)
    throw new Error(`${file}: expected ${bytes} bytes of ${what}, found ${data.length}`);
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/** The art with everything outside the figure made transparent. */
export function figureArt(files: CharacterFiles, rgba: Uint8Array, mask: Uint8Array | null): RgbaImage {
  const { width, height } = files;
  const data = new Uint8Array(rgba);
  let figure = mask;
  if (!figure) {
    let hasAlpha = false;
    for (let i = 3; i < data.length; i += 4) {
      if (data[i]! < 255) {
        hasAlpha = true;
        break;
      }
    }
    // Art with transparency is its own mask (alpha is the artist's word); either way, a picture
    // with no figure is an error here rather than an empty rig.
    const found = computeMask({ width, height, data }, hasAlpha).mask.data;
    if (hasAlpha) return { width, height, data };
    figure = found;
  }
  for (let p = 0; p < figure.length; p++) if (!figure[p]) data[p * 4 + 3] = 0;
  return { width, height, data };
}

export interface LoadOptions {
  /** The rig builder (tests count its calls). */
  readonly build?: typeof buildPartsRig;
}

export function loadCharacter(files: CharacterFiles, opts: LoadOptions = {}): WorkerCharacter {
  const t0 = performance.now();
  const { width, height } = files;
  const rgba = readExact(files.artFile, width * height * 4, 'RGBA');
  const mask = files.maskFile ? readExact(files.maskFile, width * height, 'mask') : null;
  const art = figureArt(files, rgba, mask);
  const skeleton: Skeleton = {
    joints: files.skeleton.joints.map((j) => ({
      ...j,
      id: jointId(j.id),
      parentId: j.parentId === null ? null : jointId(j.parentId),
    })),
  } as Skeleton;
  const partHints =
    files.hintsFile && files.hintParts
      ? partHintsFromWire(
          { owner: readExact(files.hintsFile, width * height, 'part hints'), parts: files.hintParts },
          width,
          height,
        )
      : undefined;
  // The rig key (files.id) hashes the art, mask, hints, rest skeleton and the cut's version, so a
  // rig cached under it is the rig these files build.
  const { rig, fromCache } = loadOrBuildRig(files.rigFile, files.id, files, () => {
    const figure = new Uint8Array(width * height);
    for (let p = 0; p < figure.length; p++) figure[p] = art.data[p * 4 + 3]! > 0 ? 1 : 0;
    return (opts.build ?? buildPartsRig)({ art, mask: figure, skeleton, partHints });
  });
  return {
    id: files.id,
    art,
    skeleton,
    rig,
    buildMs: performance.now() - t0,
    fromCache,
    prepared: new Map(),
  };
}

/** The engine's preparation of a character for an output scale (made once per scale, kept). */
export function preparedFor(engine: PartsEngine, ch: WorkerCharacter, scale: number): PreparedParts {
  const atlasScale = atlasScaleFor(scale);
  let prepared = ch.prepared.get(atlasScale);
  if (!prepared) {
    prepared = engine.prepare(ch.rig, scale);
    ch.prepared.set(atlasScale, prepared);
    // At most two scales at once (the viewport's and an export's): atlases are tens of MB.
    while (ch.prepared.size > 2) ch.prepared.delete(ch.prepared.keys().next().value as number);
  }
  return prepared;
}

/**
 * One frame of a character: by the ONNX engine, or ('reference') by the plain-TypeScript
 * reference renderer from the same prepared rig and posed frame, which the engine must equal.
 */
export async function renderFrame(
  engine: PartsEngine,
  ch: WorkerCharacter,
  pose: Pose,
  output: OutputFrame,
  renderer: 'engine' | 'reference' = 'engine',
): Promise<RgbaImage> {
  const prepared = preparedFor(engine, ch, output.scale);
  const frame = poseFrame({ rig: ch.rig, atlas: prepared.atlas, skeleton: ch.skeleton, pose, output });
  if (renderer === 'reference') return renderReference(frame, prepared.atlas, prepared.profiles);
  return engine.render(prepared, frame);
}
