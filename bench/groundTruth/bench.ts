import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import type { Pose } from '../../core/motion/types.js';
import { type OutputFrame, poseFrame } from '../../core/render/parts/posed.js';
import type { RgbaImage } from '../../core/render/types.js';
import { PartsEngine } from '../../inference/engine/partsEngine.js';
import { buildPartsRig } from '../../inference/rigging/parts/build.js';
import { createGroundTruthCharacter } from './character.js';
import {
  BACKGROUND,
  compositeRgb,
  maskedPsnr,
  maskedSsim,
  silhouetteIou,
  temporalError,
  unionMask,
} from './metrics.js';
import { type GroupName, POSE_GROUPS } from './poses.js';
import { startTruthRenderer, type TruthView } from './truth.js';

/**
 * Ground-truth benchmark of the frame engine (issue 14): a skinned three.js character rendered
 * in Chromium is the truth; the engine gets the T-pose render as the picture, the true skeleton
 * (the mesh's own joints, in the picture's plane) and each pose, and its frame is compared with
 * the truth's: masked PSNR / SSIM (means over a group's poses), silhouette IoU, and for the walk
 * the temporal error (frame-to-frame change against the truth's), each beside the same figures
 * for a do-nothing engine that shows the T-pose every frame. Writes a contact sheet
 * (truth | engine per pose) to bench/.out/groundTruth/ (ignored by git; --out=DIR
 * elsewhere). Figures only, with the load average; nothing asserts.
 */
const FIGURE_HEIGHT = 400;
const ART = { width: 384, height: 512 };
/** Posed frames get this margin around the picture, so a cartwheel or raised arms stay in frame. */
const MARGIN = 64;

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const load = () => loadavg().map((x) => round(x, 2));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function view(width: number, height: number, margin: number): TruthView {
  return {
    left: -width / 2 - margin,
    right: width / 2 + margin,
    bottom: -height / 2 - margin,
    top: height / 2 + margin,
    width: width + 2 * margin,
    height: height + 2 * margin,
  };
}

/** The art placed in the padded frame: what a do-nothing engine shows. */
function padded(art: RgbaImage, margin: number): RgbaImage {
  const width = art.width + 2 * margin;
  const height = art.height + 2 * margin;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < art.height; y++) {
    data.set(
      art.data.subarray(y * art.width * 4, (y + 1) * art.width * 4),
      ((y + margin) * width + margin) * 4,
    );
  }
  return { width, height, data };
}

interface Scores {
  psnr: number;
  ssim: number;
  iou: number;
}

function score(frame: RgbaImage, truth: RgbaImage): Scores {
  const mask = unionMask(frame, truth);
  const a = compositeRgb(frame);
  const b = compositeRgb(truth);
  return {
    psnr: maskedPsnr(a, b, mask),
    ssim: maskedSsim(a, b, mask, frame.width, frame.height),
    iou: silhouetteIou(frame, truth),
  };
}

const summary = (s: Scores[]) => ({
  psnrDb: round(mean(s.map((x) => x.psnr))),
  ssim: round(mean(s.map((x) => x.ssim)), 3),
  silhouetteIou: round(mean(s.map((x) => x.iou)), 3),
});

/** Half-size composite over grey, for the contact sheet. */
function thumb(image: RgbaImage): { width: number; height: number; rgb: Uint8Array } {
  const rgb = compositeRgb(image);
  const width = Math.floor(image.width / 2);
  const height = Math.floor(image.height / 2);
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let dy = 0; dy < 2; dy++) {
          for (let dx = 0; dx < 2; dx++) s += rgb[((2 * y + dy) * image.width + 2 * x + dx) * 3 + c]!;
        }
        out[(y * width + x) * 3 + c] = Math.round(s / 4);
      }
    }
  }
  return { width, height, rgb: out };
}

async function contactSheet(
  rows: { label: string; images: RgbaImage[] }[],
  path: string,
  perRow: number,
): Promise<void> {
  const cell = thumb(rows[0]!.images[0]!);
  const cellsPerItem = rows[0]!.images.length;
  const itemW = cell.width * cellsPerItem + 12;
  const itemH = cell.height + 20;
  const cols = Math.min(perRow, rows.length);
  const width = cols * itemW;
  const height = Math.ceil(rows.length / perRow) * itemH;
  const canvas = new Uint8Array(width * height * 3).fill(230);
  const labels: string[] = [];
  rows.forEach((row, i) => {
    const ox = (i % perRow) * itemW;
    const oy = Math.floor(i / perRow) * itemH + 18;
    row.images.forEach((image, k) => {
      const t = thumb(image);
      for (let y = 0; y < t.height; y++) {
        const dst = ((oy + y) * width + ox + k * t.width) * 3;
        canvas.set(t.rgb.subarray(y * t.width * 3, (y + 1) * t.width * 3), dst);
      }
    });
    const text = row.label.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    labels.push(`<text x="${ox + 4}" y="${oy - 5}" font-family="DejaVu Sans" font-size="13">${text}</text>`);
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${labels.join('')}</svg>`;
  await sharp(Buffer.from(canvas), { raw: { width, height, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toFile(path);
}

export async function runGroundTruthBench(opts: { quick?: boolean; outDir?: string } = {}) {
  const loadAtStart = load();
  const t0 = performance.now();
  const outDir = resolve(opts.outDir ?? join(import.meta.dirname, '..', '.out', 'groundTruth'));
  mkdirSync(outDir, { recursive: true });
  const character = createGroundTruthCharacter(FIGURE_HEIGHT);
  const truth = await startTruthRenderer(character.mesh, 3);
  try {
    const tRender0 = performance.now();
    const art = await truth.render(
      { rotations: {}, rootTranslation: [0, 0, 0] },
      view(ART.width, ART.height, 0),
    );
    const mask = new Uint8Array(art.width * art.height);
    for (let p = 0; p < mask.length; p++) mask[p] = art.data[p * 4 + 3]! > 0 ? 1 : 0;
    let t = performance.now();
    const rig = buildPartsRig({ art, mask, skeleton: character.skeleton });
    const rigBuildMs = performance.now() - t;
    const engine = new PartsEngine({ provider: 'cpu' });
    await engine.warmUp();
    const prepared = engine.prepare(rig, 1);
    const output: OutputFrame = {
      width: art.width + 2 * MARGIN,
      height: art.height + 2 * MARGIN,
      scale: 1,
      offsetX: MARGIN,
      offsetY: MARGIN,
    };
    const still = padded(art, MARGIN);
    const posedView = view(ART.width, ART.height, MARGIN);
    let truthMs = performance.now() - tRender0 - rigBuildMs;
    let engineMs = 0;
    // Sanity: the truth's T-pose in the posed frame is the picture placed in it, and so is the engine's.
    const restPose: Pose = { rotations: {}, rootTranslation: [0, 0, 0] };
    const restTruth = await truth.render(restPose, posedView);
    const restEngine = await renderEngine(engine, prepared, rig, character.skeleton, restPose, output);
    const exact = (x: Scores) => ({
      psnrDb: Number.isFinite(x.psnr) ? round(x.psnr) : 'identical',
      ssim: round(x.ssim, 4),
      silhouetteIou: round(x.iou, 4),
    });
    const restCheck = {
      truthVsPicture: exact(score(restTruth, still)),
      engineVsPicture: exact(score(restEngine, still)),
    };

    const groups: Record<string, unknown> = {};
    const sheet: { label: string; images: RgbaImage[] }[] = [];
    const table: string[] = [];
    const walkFrames = { engine: [] as RgbaImage[], truth: [] as RgbaImage[], still: [] as RgbaImage[] };
    for (const group of POSE_GROUPS) {
      const poses = opts.quick ? group.poses.filter((_, i) => i % 3 === 0) : group.poses;
      const engineScores: Scores[] = [];
      const stillScores: Scores[] = [];
      const perPose: Record<string, unknown>[] = [];
      for (const { name, pose } of poses) {
        t = performance.now();
        const truthFrame = await truth.render(pose, posedView);
        truthMs += performance.now() - t;
        t = performance.now();
        const frame = await renderEngine(engine, prepared, rig, character.skeleton, pose, output);
        engineMs += performance.now() - t;
        const s = score(frame, truthFrame);
        engineScores.push(s);
        stillScores.push(score(still, truthFrame));
        perPose.push({ pose: name, psnrDb: round(s.psnr), ssim: round(s.ssim, 3), iou: round(s.iou, 3) });
        sheet.push({
          label: `${group.name}: ${name} (${s.psnr.toFixed(1)} dB, ${s.ssim.toFixed(2)})`,
          images: [truthFrame, frame],
        });
        if (group.name === 'walk') {
          walkFrames.engine.push(frame);
          walkFrames.truth.push(truthFrame);
          walkFrames.still.push(still);
        }
      }
      const e = summary(engineScores);
      const entry: Record<string, unknown> = {
        poses: poses.length,
        engine: e,
        doNothing: summary(stillScores),
        goal: { psnrDb: group.goal.psnr, ssim: group.goal.ssim },
        goalMet: e.psnrDb >= group.goal.psnr && e.ssim >= group.goal.ssim,
        perPose,
      };
      let temporal = '';
      if (group.name === ('walk' satisfies GroupName) && walkFrames.engine.length >= 2) {
        const te = temporalError(walkFrames.engine, walkFrames.truth);
        const tn = temporalError(walkFrames.still, walkFrames.truth);
        entry.temporalError = {
          engine: round(te),
          doNothing: round(tn),
          ratio: round(te / tn, 3),
          goal: '<= 0.5 x do-nothing',
          goalMet: te <= 0.5 * tn,
        };
        temporal = `  temporal ${te.toFixed(2)} vs do-nothing ${tn.toFixed(2)} (${(te / tn).toFixed(2)}x, goal <= 0.5x)`;
      }
      groups[group.name] = entry;
      table.push(
        `${group.name.padEnd(15)} ${e.psnrDb.toFixed(1).padStart(5)} dB / ${e.ssim.toFixed(3)}  IoU ${e.silhouetteIou.toFixed(3)}` +
          `  goal ${group.goal.psnr} / ${group.goal.ssim} ${entry.goalMet ? 'met' : 'NOT met'}` +
          `  | do-nothing ${summary(stillScores).psnrDb.toFixed(1)} / ${summary(stillScores).ssim.toFixed(3)}${temporal}`,
      );
    }
    const sheetPath = join(outDir, 'contact-sheet.png');
    await contactSheet(sheet, sheetPath, 4);
    console.error(
      `ground truth (truth | engine), load ${load().join(' ')}:\n${table.join('\n')}\ncontact sheet: ${sheetPath}`,
    );
    return {
      loadAverageAtStart: loadAtStart,
      picture: `${art.width}x${art.height} (figure ${FIGURE_HEIGHT} px; frames ${output.width}x${output.height})`,
      background: BACKGROUND,
      parts: rig.parts.length,
      restCheck,
      groups,
      contactSheet: sheetPath,
      timing: {
        rigBuildMs: round(rigBuildMs, 0),
        truthRenderMs: round(truthMs, 0),
        engineMs: round(engineMs, 0),
        totalS: round((performance.now() - t0) / 1000, 1),
      },
      loadAverage: load(),
    };
  } finally {
    await truth.close();
  }
}

async function renderEngine(
  engine: PartsEngine,
  prepared: ReturnType<PartsEngine['prepare']>,
  rig: ReturnType<typeof buildPartsRig>,
  skeleton: ReturnType<typeof createGroundTruthCharacter>['skeleton'],
  pose: Pose,
  output: OutputFrame,
): Promise<RgbaImage> {
  const frame = poseFrame({ rig, atlas: prepared.atlas, skeleton, pose, output });
  return engine.render(prepared, frame);
}

// Run on its own: `npx tsx bench/groundTruth/bench.ts [--quick] [--out=DIR]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv.find((a) => a.startsWith('--out='))?.slice('--out='.length);
  runGroundTruthBench({ quick: process.argv.includes('--quick'), ...(out ? { outDir: out } : {}) }).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
  );
}
