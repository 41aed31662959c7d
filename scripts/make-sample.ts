/**
 * Makes the sample character and motion in assets/sample/ and the small project fixtures in
 * tests/fixtures/. Run: npx tsx scripts/make-sample.ts
 *
 * The character is drawn from the default humanoid's joint positions (not the other way round),
 * so every limb of the art lies exactly along its bone and the sample needs no fitting.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { hashAssetId } from '../core/document/factory.js';
import { parseProjectJson, serializeProject } from '../core/document/parse.js';
import type { Asset, ProjectDocument } from '../core/document/schema.js';
import { CURRENT_VERSION, FORMAT_TAG } from '../core/document/schema.js';
import { assetId, characterId, type JointId, projectId } from '../core/ids.js';
import { quatFromAxisAngle, quatMultiply } from '../core/math/quat.js';
import type { Quat, Vec3 } from '../core/math/types.js';
import { EMPTY_MOTION, keyPose } from '../core/motion/edit.js';
import type { Motion, Pose } from '../core/motion/types.js';
import { createDefaultHumanoid } from '../core/skeleton/humanoid.js';
import type { Skeleton } from '../core/skeleton/types.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Picture size of the sample art, and the figure height the skeleton is made for. */
export const SAMPLE_WIDTH_PX = 768;
export const SAMPLE_HEIGHT_PX = 1024;
export const SAMPLE_FIGURE_HEIGHT_PX = 780;

type Point = readonly [number, number];

/** Character space (y up, origin at the centre) to SVG/image pixels. */
function toImage(p: Vec3 | readonly [number, number], width: number, height: number): Point {
  return [p[0] + width / 2, height / 2 - p[1]];
}

const f = (n: number) => Number(n.toFixed(1));
const pts = (points: readonly Point[]) => points.map(([x, y]) => `${f(x)},${f(y)}`).join(' ');

/** A limb as a thick round-capped polyline with a dark outline (outline stroke drawn underneath). */
function limb(
  points: readonly Point[],
  widthPx: number,
  fill: string,
  outline: string,
  outlinePx: number,
): string {
  const d = pts(points);
  return [
    `<polyline points="${d}" fill="none" stroke="${outline}" stroke-width="${f(widthPx + 2 * outlinePx)}" stroke-linecap="round" stroke-linejoin="round"/>`,
    `<polyline points="${d}" fill="none" stroke="${fill}" stroke-width="${f(widthPx)}" stroke-linecap="round" stroke-linejoin="round"/>`,
  ].join('\n    ');
}

export function drawHeroSvg(
  skeleton: Skeleton,
  width: number,
  height: number,
  figureHeightPx: number,
): string {
  const at = (name: string): Point => {
    const joint = skeleton.joints.find((j) => j.name === name);
    if (!joint) throw new Error(`the skeleton has no joint ${name}`);
    return toImage(joint.restPosition, width, height);
  };
  const u = figureHeightPx / 100; // one "unit" = 1% of the figure's height
  const ink = '#3a2a22';
  const line = 0.55 * u;
  const skin = '#f6c9a3';
  const skinShade = '#e9a98a';
  const shirt = '#ef6351';
  const shirtDark = '#c9473a';
  const pants = '#3f6fb5';
  const pantsDark = '#2f5690';
  const shoe = '#5a3e36';
  const hair = '#7a4426';
  const soleY = height / 2 + figureHeightPx / 2;

  const parts: string[] = [];

  // Trousers: both legs (hip joint -> knee -> ankle) and the seat joining them. All outlines are
  // drawn before all fills, so the union gets one outline and no seams where the parts overlap.
  const legWidth = 7.2 * u;
  const legs = (['Left', 'Right'] as const).map((side) => [
    at(`${side}UpLeg`),
    at(`${side}Leg`),
    at(`${side}Foot`),
  ]);
  const hipsAt = at('Hips');
  const seatHalf = Math.max(...legs.map((l) => Math.abs((l[0] as Point)[0] - hipsAt[0]))) + legWidth / 2;
  const seatTop = hipsAt[1] + 0.5 * u;
  const seatBottom = at('LeftUpLeg')[1] + 3.6 * u;
  const seat = `M ${f(hipsAt[0] - seatHalf)} ${f(seatTop)} L ${f(hipsAt[0] + seatHalf)} ${f(seatTop)} L ${f(hipsAt[0] + seatHalf)} ${f(seatBottom)} Q ${f(hipsAt[0])} ${f(seatBottom + 1.4 * u)} ${f(hipsAt[0] - seatHalf)} ${f(seatBottom)} Z`;
  for (const leg of legs) {
    parts.push(
      `<polyline points="${pts(leg)}" fill="none" stroke="${ink}" stroke-width="${f(legWidth + 2 * line)}" stroke-linecap="round" stroke-linejoin="round"/>`,
    );
  }
  parts.push(
    `<path d="${seat}" fill="${ink}" stroke="${ink}" stroke-width="${f(2 * line)}" stroke-linejoin="round"/>`,
  );
  for (const leg of legs) {
    parts.push(
      `<polyline points="${pts(leg)}" fill="none" stroke="${pants}" stroke-width="${f(legWidth)}" stroke-linecap="round" stroke-linejoin="round"/>`,
    );
  }
  parts.push(`<path d="${seat}" fill="${pants}"/>`);
  for (const leg of legs) {
    // Knee crease: a short curved line on the trouser.
    const knee = leg[1] as Point;
    parts.push(
      `<path d="M ${f(knee[0] - 1.6 * u)} ${f(knee[1])} q ${f(1.6 * u)} ${f(0.9 * u)} ${f(3.2 * u)} 0" fill="none" stroke="${pantsDark}" stroke-width="${f(0.45 * u)}" stroke-linecap="round"/>`,
    );
  }
  // Shoes: the toes point at the camera, so from the front a shoe is a rounded blob around the
  // ankle resting on the sole line, a little wider outwards.
  for (const side of ['Left', 'Right'] as const) {
    const ankle = at(`${side}Foot`);
    const dir = side === 'Left' ? 1 : -1;
    const cx = ankle[0] + dir * 0.8 * u;
    const top = ankle[1] - 1.5 * u;
    const w = 5.4 * u;
    parts.push(
      `<path d="M ${f(cx - w)} ${f(soleY - 1.2 * u)} Q ${f(cx - w)} ${f(top)} ${f(cx)} ${f(top)} Q ${f(cx + w)} ${f(top)} ${f(cx + w)} ${f(soleY - 1.2 * u)} Z" fill="${shoe}" stroke="${ink}" stroke-width="${f(line)}" stroke-linejoin="round"/>`,
      `<rect x="${f(cx - w - 0.3 * u)}" y="${f(soleY - 1.6 * u)}" width="${f(2 * w + 0.6 * u)}" height="${f(1.6 * u)}" rx="${f(0.8 * u)}" fill="#f4efe6" stroke="${ink}" stroke-width="${f(line)}"/>`,
      `<ellipse cx="${f(cx - 1.8 * u)}" cy="${f(top + 1.6 * u)}" rx="${f(1.3 * u)}" ry="${f(0.7 * u)}" fill="#ffffff" opacity="0.35"/>`,
    );
  }

  // Arms: skin from shoulder to wrist (the sleeves are drawn with the shirt, on top).
  for (const side of ['Left', 'Right'] as const) {
    parts.push(limb([at(`${side}Arm`), at(`${side}ForeArm`), at(`${side}Hand`)], 6 * u, skin, ink, line));
  }
  // Hands: a mitten past the wrist with a thumb pointing up (palms face the camera).
  for (const side of ['Left', 'Right'] as const) {
    const wrist = at(`${side}Hand`);
    const dir = side === 'Left' ? 1 : -1;
    const cx = wrist[0] + dir * 3.6 * u;
    const cy = wrist[1];
    parts.push(
      `<ellipse cx="${f(wrist[0] + dir * 2.6 * u)}" cy="${f(cy - 4 * u)}" rx="${f(1.4 * u)}" ry="${f(2.3 * u)}" transform="rotate(${dir * 20} ${f(wrist[0] + dir * 2.6 * u)} ${f(cy - 4 * u)})" fill="${skin}" stroke="${ink}" stroke-width="${f(line)}"/>`,
      `<ellipse cx="${f(cx)}" cy="${f(cy)}" rx="${f(4.1 * u)}" ry="${f(3.5 * u)}" fill="${skin}" stroke="${ink}" stroke-width="${f(line)}"/>`,
      `<path d="M ${f(cx + dir * 0.6 * u)} ${f(cy - 1.2 * u)} h ${f(dir * 2.6 * u)} M ${f(cx + dir * 0.6 * u)} ${f(cy + 0.4 * u)} h ${f(dir * 2.9 * u)} M ${f(cx + dir * 0.6 * u)} ${f(cy + 1.9 * u)} h ${f(dir * 2.4 * u)}" stroke="${skinShade}" stroke-width="${f(0.4 * u)}" stroke-linecap="round"/>`,
    );
  }

  // Torso: a T-shirt from the shoulders (LeftArm/RightArm) to just below the hips.
  const lArm = at('LeftArm');
  const rArm = at('RightArm');
  const hips = at('Hips');
  const neck = at('Neck');
  const chest = at('Chest');
  const shoulderY = lArm[1];
  const hemY = hips[1] + 1.5 * u;
  const waistHalf = 11.4 * u;
  const shoulderHalf = (lArm[0] - rArm[0]) / 2 + 1.2 * u;
  parts.push(
    `<path d="M ${f(neck[0] - shoulderHalf)} ${f(shoulderY + 3.2 * u)}
      Q ${f(neck[0] - shoulderHalf)} ${f(shoulderY - 2.6 * u)} ${f(neck[0] - shoulderHalf + 5 * u)} ${f(shoulderY - 2.8 * u)}
      L ${f(neck[0] + shoulderHalf - 5 * u)} ${f(shoulderY - 2.8 * u)}
      Q ${f(neck[0] + shoulderHalf)} ${f(shoulderY - 2.6 * u)} ${f(neck[0] + shoulderHalf)} ${f(shoulderY + 3.2 * u)}
      L ${f(hips[0] + waistHalf)} ${f(hemY)}
      Q ${f(hips[0])} ${f(hemY + 1.6 * u)} ${f(hips[0] - waistHalf)} ${f(hemY)} Z"
      fill="${shirt}" stroke="${ink}" stroke-width="${f(line)}" stroke-linejoin="round"/>`,
  );
  // Sleeves: short, over the upper arm, along the bone.
  for (const side of ['Left', 'Right'] as const) {
    const shoulder = at(`${side}Arm`);
    const elbow = at(`${side}ForeArm`);
    const dir = side === 'Left' ? 1 : -1;
    const end = shoulder[0] + (elbow[0] - shoulder[0]) * 0.55;
    const half = 4.3 * u;
    parts.push(
      `<path d="M ${f(shoulder[0] - dir * 1.5 * u)} ${f(shoulder[1] - half - 0.6 * u)} L ${f(end)} ${f(shoulder[1] - half)} Q ${f(end + dir * 0.8 * u)} ${f(shoulder[1])} ${f(end)} ${f(shoulder[1] + half)} L ${f(shoulder[0] - dir * 1.5 * u)} ${f(shoulder[1] + half + 0.8 * u)} Z" fill="${shirt}" stroke="${ink}" stroke-width="${f(line)}" stroke-linejoin="round"/>`,
      `<path d="M ${f(end - dir * 1.6 * u)} ${f(shoulder[1] - half + 0.3 * u)} L ${f(end - dir * 1.6 * u)} ${f(shoulder[1] + half - 0.3 * u)}" stroke="${shirtDark}" stroke-width="${f(0.5 * u)}" stroke-linecap="round"/>`,
    );
  }
  // Shirt details: a star on the chest and a hem stripe.
  const star = (cx: number, cy: number, r: number) => {
    const p: Point[] = [];
    for (let i = 0; i < 10; i++) {
      const a = -Math.PI / 2 + (i * Math.PI) / 5;
      const rr = i % 2 === 0 ? r : r * 0.45;
      p.push([cx + rr * Math.cos(a), cy + rr * Math.sin(a)]);
    }
    return `<polygon points="${pts(p)}" fill="#ffd166" stroke="${ink}" stroke-width="${f(0.4 * u)}" stroke-linejoin="round"/>`;
  };
  parts.push(
    star(chest[0], chest[1] + 0.5 * u, 4.2 * u),
    `<path d="M ${f(hips[0] - waistHalf + 0.6 * u)} ${f(hemY - 2.2 * u)} Q ${f(hips[0])} ${f(hemY - 0.8 * u)} ${f(hips[0] + waistHalf - 0.6 * u)} ${f(hemY - 2.2 * u)}" fill="none" stroke="${shirtDark}" stroke-width="${f(0.7 * u)}" stroke-linecap="round"/>`,
  );

  // Neck: from the collar up to the head joint.
  const head = at('Head');
  parts.push(
    `<rect x="${f(neck[0] - 2.4 * u)}" y="${f(head[1] - 1 * u)}" width="${f(4.8 * u)}" height="${f(neck[1] - head[1] + 0.5 * u)}" fill="${skin}" stroke="${ink}" stroke-width="${f(line)}"/>`,
    `<path d="M ${f(neck[0] - 4.2 * u)} ${f(shoulderY - 2.8 * u)} Q ${f(neck[0])} ${f(shoulderY + 1.8 * u)} ${f(neck[0] + 4.2 * u)} ${f(shoulderY - 2.8 * u)}" fill="${skin}" stroke="${ink}" stroke-width="${f(line)}" stroke-linejoin="round"/>`,
  );

  // Head: a big friendly cartoon head resting on the head joint (the base of the skull).
  const r = 9.6 * u;
  const hx = head[0];
  const hy = head[1] - r + 1.4 * u;
  parts.push(
    // Ears.
    `<ellipse cx="${f(hx - r + 0.2 * u)}" cy="${f(hy + 0.8 * u)}" rx="${f(1.9 * u)}" ry="${f(2.5 * u)}" fill="${skin}" stroke="${ink}" stroke-width="${f(line)}"/>`,
    `<ellipse cx="${f(hx + r - 0.2 * u)}" cy="${f(hy + 0.8 * u)}" rx="${f(1.9 * u)}" ry="${f(2.5 * u)}" fill="${skin}" stroke="${ink}" stroke-width="${f(line)}"/>`,
    // Face.
    `<ellipse cx="${f(hx)}" cy="${f(hy)}" rx="${f(r)}" ry="${f(r * 1.02)}" fill="${skin}" stroke="${ink}" stroke-width="${f(line)}"/>`,
    // Hair: a cap over the top of the head with a tuft.
    `<path d="M ${f(hx - r - 0.3 * u)} ${f(hy + 0.5 * u)}
      C ${f(hx - r - 0.6 * u)} ${f(hy - r * 1.25)} ${f(hx + r + 0.6 * u)} ${f(hy - r * 1.25)} ${f(hx + r + 0.3 * u)} ${f(hy + 0.5 * u)}
      Q ${f(hx + r - 1.5 * u)} ${f(hy - 4.2 * u)} ${f(hx + 3 * u)} ${f(hy - 4.8 * u)}
      Q ${f(hx)} ${f(hy - 3.4 * u)} ${f(hx - 3.2 * u)} ${f(hy - 5.2 * u)}
      Q ${f(hx - r + 1.2 * u)} ${f(hy - 4.4 * u)} ${f(hx - r - 0.3 * u)} ${f(hy + 0.5 * u)} Z"
      fill="${hair}" stroke="${ink}" stroke-width="${f(line)}" stroke-linejoin="round"/>`,
    `<path d="M ${f(hx - 1 * u)} ${f(hy - r * 0.98)} q ${f(1.5 * u)} ${f(-3.4 * u)} ${f(4.2 * u)} ${f(-2.6 * u)} q ${f(-2 * u)} ${f(0.8 * u)} ${f(-1.6 * u)} ${f(2.6 * u)}" fill="${hair}" stroke="${ink}" stroke-width="${f(line)}" stroke-linejoin="round"/>`,
  );
  // Face features.
  const eyeY = hy + 0.6 * u;
  for (const dir of [-1, 1]) {
    const ex = hx + dir * 3.6 * u;
    parts.push(
      `<ellipse cx="${f(ex)}" cy="${f(eyeY)}" rx="${f(1.9 * u)}" ry="${f(2.4 * u)}" fill="#ffffff" stroke="${ink}" stroke-width="${f(0.4 * u)}"/>`,
      `<circle cx="${f(ex + 0.25 * u)}" cy="${f(eyeY + 0.35 * u)}" r="${f(1.25 * u)}" fill="#2b1d16"/>`,
      `<circle cx="${f(ex + 0.7 * u)}" cy="${f(eyeY - 0.3 * u)}" r="${f(0.45 * u)}" fill="#ffffff"/>`,
      `<path d="M ${f(ex - 1.9 * u)} ${f(eyeY - 3.4 * u)} q ${f(1.9 * u)} ${f(-1.3 * u)} ${f(3.8 * u)} ${f(-0.1 * u)}" fill="none" stroke="${hair}" stroke-width="${f(0.7 * u)}" stroke-linecap="round"/>`,
      `<ellipse cx="${f(hx + dir * 6 * u)}" cy="${f(eyeY + 3.6 * u)}" rx="${f(1.6 * u)}" ry="${f(1 * u)}" fill="#f28c8c" opacity="0.55"/>`,
    );
  }
  parts.push(
    // Nose and smile.
    `<path d="M ${f(hx - 0.2 * u)} ${f(eyeY + 1.6 * u)} q ${f(1.1 * u)} ${f(1.2 * u)} ${f(-0.2 * u)} ${f(1.9 * u)}" fill="none" stroke="${skinShade}" stroke-width="${f(0.5 * u)}" stroke-linecap="round"/>`,
    `<path d="M ${f(hx - 3.4 * u)} ${f(eyeY + 4.4 * u)} Q ${f(hx)} ${f(eyeY + 8.4 * u)} ${f(hx + 3.4 * u)} ${f(eyeY + 4.4 * u)} Q ${f(hx)} ${f(eyeY + 5.8 * u)} ${f(hx - 3.4 * u)} ${f(eyeY + 4.4 * u)} Z" fill="#a8322d" stroke="${ink}" stroke-width="${f(0.45 * u)}" stroke-linejoin="round"/>`,
    `<path d="M ${f(hx - 1.4 * u)} ${f(eyeY + 6.5 * u)} q ${f(1.4 * u)} ${f(0.9 * u)} ${f(2.8 * u)} 0" fill="none" stroke="#f08a8a" stroke-width="${f(0.6 * u)}" stroke-linecap="round"/>`,
  );

  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Keypose sample character "Hero", drawn by scripts/make-sample.ts from the default humanoid
     skeleton (figure height ${figureHeightPx} px) in T-pose. Transparent background. -->
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
  <title>Hero, the Keypose sample character, in T-pose</title>
  <g id="hero">
    ${parts.join('\n    ')}
  </g>
</svg>
`;
}

const deg = (d: number) => (d * Math.PI) / 180;
const rotZ = (d: number): Quat => quatFromAxisAngle([0, 0, 1], deg(d));
const rotY = (d: number): Quat => quatFromAxisAngle([0, 1, 0], deg(d));

/**
 * A 2-second wave (48 frames at 24 fps): from the T-pose the hero raises the right arm, waves
 * the forearm twice, tilts the head and relaxes the left arm, then returns to the T-pose so the
 * clip loops. Positive z rotation turns +x towards +y; the right arm points along -x, so raising
 * it is a negative rotation.
 */
export function makeWaveMotion(): Motion {
  const pose = (p: Record<string, Quat>, root: Vec3 = [0, 0, 0]): Pose => ({
    rotations: p,
    rootTranslation: root,
  });
  const keys: [number, Pose][] = [
    [0, pose({})],
    [
      12,
      pose(
        {
          RightArm: rotZ(-62),
          RightForeArm: rotZ(-48),
          LeftArm: rotZ(-58),
          LeftForeArm: rotZ(-12),
          Head: rotZ(-6),
          Spine: rotZ(2),
        },
        [0, -6, 0],
      ),
    ],
    [
      24,
      pose(
        {
          RightArm: rotZ(-66),
          RightForeArm: rotZ(-12),
          LeftArm: rotZ(-60),
          LeftForeArm: rotZ(-14),
          Head: quatMultiply(rotZ(-9), rotY(-8)),
          Spine: rotZ(3),
        },
        [0, 0, 0],
      ),
    ],
    [
      36,
      pose(
        {
          RightArm: rotZ(-62),
          RightForeArm: rotZ(-60),
          LeftArm: rotZ(-58),
          LeftForeArm: rotZ(-12),
          Head: quatMultiply(rotZ(-4), rotY(6)),
          Spine: rotZ(1),
        },
        [0, -6, 0],
      ),
    ],
    [47, pose({})],
  ];
  const joints: JointId[] = ['RightArm', 'RightForeArm', 'LeftArm', 'LeftForeArm', 'Head', 'Spine'].map(
    (n) => n as JointId,
  );
  let motion = EMPTY_MOTION;
  for (const [frame, p] of keys) {
    motion = keyPose(motion, frame, p, joints, 'bezier', { rootTranslation: true });
  }
  return motion;
}

async function svgToPng(svg: string): Promise<Uint8Array> {
  return new Uint8Array(await sharp(Buffer.from(svg)).png({ compressionLevel: 9 }).toBuffer());
}

async function makeSample(): Promise<ProjectDocument> {
  const skeleton = createDefaultHumanoid({ heightPx: SAMPLE_FIGURE_HEIGHT_PX });
  const svg = drawHeroSvg(skeleton, SAMPLE_WIDTH_PX, SAMPLE_HEIGHT_PX, SAMPLE_FIGURE_HEIGHT_PX);
  const png = await svgToPng(svg);
  const meta = await sharp(png).metadata();
  if (meta.width !== SAMPLE_WIDTH_PX || meta.height !== SAMPLE_HEIGHT_PX || !meta.hasAlpha) {
    throw new Error(`unexpected PNG: ${meta.width}x${meta.height}, alpha ${meta.hasAlpha}`);
  }
  const artId = hashAssetId(png);
  const asset: Asset = {
    mime: 'image/png',
    width: SAMPLE_WIDTH_PX,
    height: SAMPLE_HEIGHT_PX,
    dataBase64: Buffer.from(png).toString('base64'),
    sourceName: 'hero.png',
  };
  const doc: ProjectDocument = {
    format: FORMAT_TAG,
    version: CURRENT_VERSION,
    id: projectId('proj_sample_hero'),
    name: 'Hero waves (sample)',
    fps: 24,
    durationFrames: 48,
    resolution: { width: SAMPLE_WIDTH_PX, height: SAMPLE_HEIGHT_PX },
    characters: [
      {
        id: characterId('char_hero'),
        name: 'Hero',
        artAssetId: artId,
        skeleton: skeleton as ProjectDocument['characters'][number]['skeleton'],
        motion: makeWaveMotion() as ProjectDocument['characters'][number]['motion'],
        placement: { offset: [0, 0, 0], scale: 1 },
      },
    ],
    assets: { [artId]: asset },
  };
  const dir = join(ROOT, 'assets/sample');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'hero.svg'), svg);
  writeFileSync(join(dir, 'hero.png'), png);
  const text = serializeProject(doc, 'sample.keypose');
  parseProjectJson(text, 'sample.keypose');
  writeFileSync(join(dir, 'sample.keypose'), text);
  console.log(
    `assets/sample: hero.svg, hero.png (${png.length} bytes), sample.keypose (${text.length} bytes)`,
  );
  return doc;
}

/**
 * Small project files for tests of loading (core, host, CLI, UI): one valid v2 project with a tiny
 * drawn figure, the same project in the v1 format, and three broken ones.
 */
async function makeFixtures(): Promise<void> {
  const width = 96;
  const height = 128;
  const skeleton = createDefaultHumanoid({ heightPx: 110 });
  const svg = drawHeroSvg(skeleton, width, height, 110);
  const png = await svgToPng(svg);
  const artId = hashAssetId(png);
  const dataBase64 = Buffer.from(png).toString('base64');
  const dir = join(ROOT, 'tests/fixtures');
  mkdirSync(dir, { recursive: true });

  const motion = makeWaveMotion();
  const v2: ProjectDocument = {
    format: FORMAT_TAG,
    version: CURRENT_VERSION,
    id: projectId('proj_fixture'),
    name: 'Fixture',
    fps: 24,
    durationFrames: 48,
    resolution: { width, height },
    characters: [
      {
        id: characterId('char_1'),
        name: 'Tiny',
        artAssetId: assetId(artId),
        skeleton: skeleton as ProjectDocument['characters'][number]['skeleton'],
        motion: motion as ProjectDocument['characters'][number]['motion'],
        placement: { offset: [0, 0, 0], scale: 1 },
      },
    ],
    assets: { [artId]: { mime: 'image/png', width, height, dataBase64 } },
  };
  const v2Text = serializeProject(v2, 'project-v2.keypose');
  writeFileSync(join(dir, 'project-v2.keypose'), v2Text);
  // Cut inside the asset data, as an interrupted copy would.
  writeFileSync(join(dir, 'project-truncated.keypose'), v2Text.slice(0, Math.floor(v2Text.length * 0.6)));
  writeFileSync(join(dir, 'project-future.keypose'), `${JSON.stringify({ ...v2, version: 3 }, null, 2)}\n`);
  const withTail = {
    ...v2,
    characters: [
      {
        ...v2.characters[0],
        motion: {
          ...motion,
          rotations: {
            ...motion.rotations,
            Tail: [{ frame: 0, value: [0, 0, 0, 1], interpolation: 'linear' }],
          },
        },
      },
    ],
  };
  writeFileSync(join(dir, 'project-unknown-joint.keypose'), `${JSON.stringify(withTail, null, 2)}\n`);

  // The v1 format (see core/document/migrations.ts): names instead of ids, Euler XYZ degrees,
  // 'constant' | 'linear' | 'ease' keys, one character with its art inline.
  const v1 = {
    format: FORMAT_TAG,
    version: 1,
    name: 'Old project',
    character: {
      name: 'Tiny',
      frameRate: 12,
      lengthFrames: 24,
      art: { dataBase64, mime: 'image/png', width, height },
      skeleton: skeleton.joints.map((j) => ({
        name: j.name,
        parent: j.parentId,
        position: j.restPosition.map((v) => Number(v.toFixed(3))),
      })),
      motion: {
        tracks: {
          LeftArm: [
            { frame: 0, rotationDeg: [0, 0, 0], interpolation: 'ease' },
            { frame: 12, rotationDeg: [0, 0, 90], interpolation: 'linear' },
          ],
          Head: [
            { frame: 0, rotationDeg: [10, 20, 30], interpolation: 'constant' },
            { frame: 20, rotationDeg: [0, 0, 0], interpolation: 'linear' },
          ],
        },
        root: [
          { frame: 0, offset: [0, 0, 0], interpolation: 'linear' },
          { frame: 12, offset: [10, 5, 0], interpolation: 'linear' },
        ],
      },
    },
  };
  writeFileSync(join(dir, 'project-v1.keypose'), `${JSON.stringify(v1, null, 2)}\n`);
  console.log('tests/fixtures: project-v1/v2/truncated/future/unknown-joint.keypose');
}

await makeSample();
await makeFixtures();
