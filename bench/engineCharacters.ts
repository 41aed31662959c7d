import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { quatFromAxisAngle } from '../core/math/quat.js';
import type { Pose } from '../core/motion/types.js';
import { artFrame, type OutputFrame } from '../core/render/parts/posed.js';
import { decodeRig, encodeRig } from '../core/render/parts/rigCodec.js';
import { PARTS_ALGORITHM_VERSION, type PartsRig } from '../core/render/parts/types.js';
import type { RgbaImage } from '../core/render/types.js';
import type { Skeleton } from '../core/skeleton/types.js';
import { loadSample } from '../host/project/store.js';
import { buildPartsRig } from '../inference/rigging/parts/build.js';
import { rigCharacter } from '../inference/rigging/rigCharacter.js';
import { drawnFigures } from '../tests/inference/rigging/testSet/drawings.js';
import { rasterise } from '../tests/inference/rigging/testSet/raster.js';

/**
 * The real characters the engine's profile (engineProfile.ts) and its before/after frame check
 * (engineFrames.ts) run on: drawings of the kind users bring (the test set's, on white paper with
 * thin strokes, about 500 px; a blobby SVG drawing at 480x640 and 1200x1600), the sample at its
 * own size and at ~1080 px, and the sample in a 1920x1080 frame. Rigs are built by the automatic
 * fit (silhouette, no pose model: the same rig on every machine) and kept in the temp folder, so
 * a rerun starts at once.
 */
export interface EngineCharacter {
  readonly name: string;
  readonly rig: PartsRig;
  readonly skeleton: Skeleton;
  readonly output: OutputFrame;
}

/** A motion touching the arms, legs, spine and head, in and out of the picture plane. */
export function poseAt(i: number): Pose {
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

/** A child's drawing: a blobby figure with raised arms and a striped shirt, in SVG. */
export function drawingSvg(width: number, height: number): string {
  const s = width / 600;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 600 800">
  <g stroke="#222" stroke-width="${6 / s}" stroke-linejoin="round" stroke-linecap="round">
    <path d="M250 330 L130 170 L105 185 L225 350 Z" fill="#f2c14e"/>
    <path d="M350 330 L470 170 L495 185 L375 350 Z" fill="#f2c14e"/>
    <path d="M255 520 L225 740 L265 745 L290 525 Z" fill="#3a6ea5"/>
    <path d="M345 520 L375 740 L335 745 L310 525 Z" fill="#3a6ea5"/>
    <rect x="230" y="300" width="140" height="240" rx="40" fill="#e4572e"/>
    <path d="M235 360 H365 M235 420 H365 M235 480 H365" stroke="#fff" stroke-width="12"/>
    <circle cx="300" cy="220" r="75" fill="#ffd6a5"/>
    <circle cx="275" cy="210" r="8" fill="#222"/><circle cx="325" cy="210" r="8" fill="#222"/>
    <path d="M270 250 Q300 275 330 250" fill="none"/>
  </g></svg>`;
}

const CACHE = join(tmpdir(), 'keypose-engine-characters');

/** The rig and skeleton of a picture, by the automatic fit, cached on disk by name. */
async function rigged(name: string, art: () => Promise<RgbaImage>, hasAlpha: boolean, skeleton?: Skeleton) {
  mkdirSync(CACHE, { recursive: true });
  // Keyed by the cut's version too: a rig from an older cut is not reused.
  const file = join(CACHE, `${name.replace(/[^a-z0-9]+/gi, '_')}-${PARTS_ALGORITHM_VERSION}`);
  if (existsSync(`${file}.rig`) && existsSync(`${file}.json`)) {
    const rig = decodeRig(new Uint8Array(readFileSync(`${file}.rig`)), name);
    if (rig) return { rig, skeleton: JSON.parse(readFileSync(`${file}.json`, 'utf8')) as Skeleton };
  }
  const image = await art();
  let mask: Uint8Array;
  let sk = skeleton;
  if (sk) {
    mask = new Uint8Array(image.width * image.height);
    for (let p = 0; p < mask.length; p++) mask[p] = image.data[p * 4 + 3]! > 0 ? 1 : 0;
  } else {
    const fitted = await rigCharacter({ image, hasAlpha }, { poseModel: 'off' });
    sk = fitted.skeleton;
    mask = fitted.mask.data;
  }
  const rig = buildPartsRig({ art: image, mask, skeleton: sk });
  writeFileSync(`${file}.rig`, encodeRig(rig, name));
  writeFileSync(`${file}.json`, JSON.stringify(sk));
  return { rig, skeleton: sk };
}

async function svgArt(svg: string): Promise<RgbaImage> {
  return rasterise(svg);
}

async function sampleArt(): Promise<{ art: RgbaImage; skeleton: Skeleton }> {
  const sample = await loadSample();
  const sc = sample.characters[0]!;
  const asset = sample.assets[sc.artAssetId]!;
  const decoded = await sharp(Buffer.from(asset.dataBase64, 'base64'))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    art: { width: decoded.info.width, height: decoded.info.height, data: new Uint8Array(decoded.data) },
    skeleton: sc.skeleton as unknown as Skeleton,
  };
}

/** Names to pick from with `--only=a,b` (a substring of the name). */
export async function engineCharacters(only?: readonly string[]): Promise<EngineCharacter[]> {
  const out: EngineCharacter[] = [];
  const want = (name: string) => !only || only.some((o) => name.includes(o));
  const figures = drawnFigures();
  for (const figureName of ['stick arms raised', 'blobby waving, legs apart']) {
    const f = figures.find((x) => x.name === figureName)!;
    const name = `${figureName} ${f.width}x${f.height}`;
    if (!want(name)) continue;
    const { rig, skeleton } = await rigged(name, () => svgArt(f.svg), false);
    out.push({ name, rig, skeleton, output: artFrame(rig) });
  }
  for (const [w, h] of [
    [480, 640],
    [1200, 1600],
  ] as const) {
    const name = `drawing ${w}x${h}`;
    if (!want(name)) continue;
    const { rig, skeleton } = await rigged(name, () => svgArt(drawingSvg(w, h)), true);
    out.push({ name, rig, skeleton, output: artFrame(rig) });
  }
  const sampleNames = ['sample 768x1024', 'sample 1080x1080', 'sample in 1920x1080'];
  if (sampleNames.some(want)) {
    const s = await sampleArt();
    const { rig, skeleton } = await rigged('sample', async () => s.art, true, s.skeleton);
    const fit = 1080 / s.art.height;
    const frames: Record<string, OutputFrame> = {
      'sample 768x1024': artFrame(rig),
      'sample 1080x1080': {
        width: 1080,
        height: 1080,
        scale: fit,
        offsetX: 540 - (s.art.width * fit) / 2,
        offsetY: 0,
      },
      'sample in 1920x1080': {
        width: 1920,
        height: 1080,
        scale: fit,
        offsetX: 960 - (s.art.width * fit) / 2,
        offsetY: 0,
      },
    };
    for (const name of sampleNames) if (want(name)) out.push({ name, rig, skeleton, output: frames[name]! });
  }
  return out;
}
