import { createDefaultHumanoid } from '../../core/skeleton/humanoid.js';
import type { Skeleton } from '../../core/skeleton/types.js';

/**
 * The ground-truth character: the default humanoid (core/skeleton/humanoid.ts) dressed in a
 * skinned mesh of closed tubes (torso, neck, head, arm and leg chains, hands, feet) with elliptic
 * cross-sections and rounded caps, linear-blend skinned with short blends at the joints, and a
 * procedural texture that shows what a frame engine gets wrong: a checker (stretching), diagonal
 * stripes (twisting), a chiral "F" glyph on every tube's front (mirroring) and a different colour
 * at the back (turning). Pure data: the browser side (scene.browser.js) only builds three.js
 * objects from it.
 *
 * Geometry is in character space (core/math/types.ts): pixels, x right, y up, z towards the
 * camera, origin at the picture's centre, so an orthographic camera looking down -z that frames
 * the picture renders the T-pose as the picture.
 */
export interface GroundTruthMesh {
  /** Bones in skeleton order: name, parent index (-1 = root) and rest offset from the parent. */
  readonly bones: readonly { name: string; parent: number; offset: readonly [number, number, number] }[];
  readonly positions: number[];
  readonly uvs: number[];
  readonly skinIndices: number[];
  readonly skinWeights: number[];
  readonly indices: number[];
  /** Straight RGBA texture, rows top to bottom as three.js DataTexture reads them (flipY false). */
  readonly texture: { width: number; height: number; data: Uint8Array };
}

export interface GroundTruthCharacter {
  readonly skeleton: Skeleton;
  readonly mesh: GroundTruthMesh;
}

type V3 = [number, number, number];

/** A tube along a straight rest axis from `a` to `b` (fractions of the figure height, y from the soles). */
interface TubeSpec {
  readonly name: string;
  readonly a: V3;
  readonly b: V3;
  /** Half-width profile: [fraction along a->b, half-width as a fraction of the height]. */
  readonly radius: readonly (readonly [number, number])[];
  /** Depth semi-axis / lateral semi-axis. */
  readonly depth: number;
  /** Cap lengths as fractions of the end radius (1 = hemisphere). */
  readonly capA: number;
  readonly capB: number;
  /** Unit vector of the cross-section's depth axis (towards the camera for limbs in the picture plane). */
  readonly depthAxis: V3;
  /** Bones along the tube and the axial positions (fraction along a->b) where one hands over to the next. */
  readonly bones: readonly string[];
  readonly boundaries: readonly number[];
  /** Half-width of the weight blend at a boundary, as a fraction of the height. */
  readonly blend: number;
  /** Base colour (RGB). */
  readonly colour: V3;
  readonly face?: boolean;
}

const Z: V3 = [0, 0, 1];

function mirrorX(t: TubeSpec, name: string): TubeSpec {
  const swap = (b: string) => b.replace(/^Left/, 'Right');
  return {
    ...t,
    name,
    a: [-t.a[0], t.a[1], t.a[2]],
    b: [-t.b[0], t.b[1], t.b[2]],
    bones: t.bones.map(swap),
    colour: [t.colour[2], t.colour[1], t.colour[0]],
  };
}

const LEFT_ARM: TubeSpec = {
  name: 'leftArm',
  a: [0.06, 0.8, 0],
  b: [0.395, 0.8, 0],
  radius: [
    [0, 0.036],
    [0.2, 0.034],
    [0.58, 0.028],
    [0.7, 0.028],
    [1, 0.02],
  ],
  depth: 1,
  capA: 1,
  capB: 0.6,
  depthAxis: Z,
  bones: ['LeftShoulder', 'LeftArm', 'LeftForeArm', 'LeftHand'],
  boundaries: [(0.1 - 0.06) / 0.335, (0.255 - 0.06) / 0.335, 1],
  blend: 0.018,
  colour: [214, 120, 60],
};

const LEFT_HAND: TubeSpec = {
  name: 'leftHand',
  a: [0.39, 0.8, 0],
  b: [0.425, 0.8, 0],
  radius: [
    [0, 0.024],
    [0.6, 0.027],
    [1, 0.024],
  ],
  depth: 0.45,
  capA: 0.3,
  capB: 1,
  depthAxis: Z,
  bones: ['LeftForeArm', 'LeftHand'],
  boundaries: [0.14],
  blend: 0.006,
  colour: [240, 200, 160],
};

const LEFT_LEG: TubeSpec = {
  name: 'leftLeg',
  a: [0.085, 0.525, 0],
  b: [0.085, 0.06, 0],
  radius: [
    [0, 0.05],
    [0.16, 0.048],
    [0.48, 0.037],
    [0.6, 0.036],
    [0.9, 0.027],
    [1, 0.026],
  ],
  depth: 1,
  capA: 0.5,
  capB: 0.8,
  depthAxis: Z,
  bones: ['Hips', 'LeftUpLeg', 'LeftLeg', 'LeftFoot'],
  boundaries: [(0.525 - 0.5) / 0.465, (0.525 - 0.28) / 0.465, (0.525 - 0.05) / 0.465],
  blend: 0.02,
  colour: [60, 110, 200],
};

const LEFT_FOOT: TubeSpec = {
  name: 'leftFoot',
  a: [0.085, 0.028, -0.025],
  b: [0.085, 0.024, 0.125],
  radius: [
    [0, 0.028],
    [0.5, 0.032],
    [1, 0.03],
  ],
  depth: 0.72,
  capA: 0.8,
  capB: 0.9,
  depthAxis: [0, 1, 0],
  bones: ['LeftFoot', 'LeftToeBase'],
  boundaries: [(0.08 + 0.025) / 0.15],
  blend: 0.012,
  colour: [90, 70, 50],
};

const TUBES: readonly TubeSpec[] = [
  {
    name: 'torso',
    a: [0, 0.465, 0],
    b: [0, 0.815, 0],
    radius: [
      [0, 0.1],
      [0.2, 0.112],
      [0.4, 0.088],
      [0.6, 0.095],
      [0.83, 0.108],
      [1, 0.1],
    ],
    depth: 0.6,
    capA: 0.45,
    capB: 0.32,
    depthAxis: Z,
    bones: ['Hips', 'Spine', 'Chest'],
    boundaries: [(0.6 - 0.465) / 0.35, (0.7 - 0.465) / 0.35],
    blend: 0.03,
    colour: [200, 50, 70],
  },
  {
    name: 'neck',
    a: [0, 0.79, 0],
    b: [0, 0.885, 0],
    radius: [
      [0, 0.036],
      [1, 0.032],
    ],
    depth: 1,
    capA: 1,
    capB: 1,
    depthAxis: Z,
    bones: ['Chest', 'Neck', 'Head'],
    boundaries: [(0.82 - 0.79) / 0.095, (0.87 - 0.79) / 0.095],
    blend: 0.012,
    colour: [230, 180, 140],
  },
  {
    name: 'head',
    a: [0, 0.9, 0],
    b: [0, 0.96, 0],
    radius: [
      [0, 0.058],
      [0.5, 0.064],
      [1, 0.062],
    ],
    depth: 1,
    capA: 1,
    capB: 1,
    depthAxis: Z,
    bones: ['Head'],
    boundaries: [],
    blend: 0.01,
    colour: [236, 196, 150],
    face: true,
  },
  LEFT_ARM,
  mirrorX(LEFT_ARM, 'rightArm'),
  LEFT_HAND,
  mirrorX(LEFT_HAND, 'rightHand'),
  LEFT_LEG,
  mirrorX(LEFT_LEG, 'rightLeg'),
  LEFT_FOOT,
  mirrorX(LEFT_FOOT, 'rightFoot'),
];

const AROUND = 40;
const CAP_RINGS = 8;
const TEX_W = 512;
const BAND_H = 160;

const sub = (a: V3, b: V3): V3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const scale = (a: V3, s: number): V3 => [a[0] * s, a[1] * s, a[2] * s];
const norm = (a: V3): V3 => scale(a, 1 / Math.hypot(a[0], a[1], a[2]));
const cross = (a: V3, b: V3): V3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const smoothstep = (x: number) => {
  const t = Math.min(1, Math.max(0, x));
  return t * t * (3 - 2 * t);
};

function profileAt(profile: TubeSpec['radius'], f: number): number {
  const c = Math.min(1, Math.max(0, f));
  for (let i = 1; i < profile.length; i++) {
    const [f1, r1] = profile[i]!;
    const [f0, r0] = profile[i - 1]!;
    if (c <= f1) return r0 + ((r1 - r0) * (c - f0)) / Math.max(1e-9, f1 - f0);
  }
  return profile[profile.length - 1]![1];
}

/** Weights of the tube's bones at fraction f along it (blends of half-width w, as fractions of the length). */
function weightsAt(spec: TubeSpec, f: number, w: number): number[] {
  const edges = spec.boundaries.map((b) => smoothstep((f - b + w) / (2 * w)));
  return spec.bones.map((_, i) => (i === 0 ? 1 : edges[i - 1]!) - (i < edges.length ? edges[i]! : 0));
}

/** Texture colour at (around, along) of a tube: around 0.5 = front, lengths in pixels. */
function texel(spec: TubeSpec, around: number, along: number, circumference: number, length: number): V3 {
  const a = around - 0.5; // -0.5..0.5, 0 = front
  const ax = a * circumference; // px across the front
  const sx = along * length; // px along
  const front = Math.abs(a) < 0.25;
  let [r, g, b] = spec.colour;
  if (!front) [r, g, b] = [b * 0.55 + 30, r * 0.5 + 20, g * 0.6 + 40];
  const cell = 11;
  const checker = (Math.floor(ax / cell + 1000) + Math.floor(sx / cell)) % 2 === 0 ? 1.18 : 0.82;
  r *= checker;
  g *= checker;
  b *= checker;
  const stripe = ((((ax + sx) / 37) % 1) + 1) % 1;
  if (stripe < 0.12) [r, g, b] = [r * 0.35, g * 0.35, b * 0.35];
  // A chiral "F" on the front, centred along the tube: a mirror shows it backwards.
  const my = sx - length / 2;
  const glyph =
    (ax > -7 && ax < -3 && my > -11 && my < 11) ||
    (ax > -7 && ax < 8 && my > 7 && my < 11) ||
    (ax > -7 && ax < 4 && my > -2 && my < 2);
  if (glyph && front && !spec.face) [r, g, b] = [250, 250, 245];
  if (spec.face) {
    const eye = (cx: number) => Math.hypot(ax - cx, (along - 0.62) * length) < 5;
    if (eye(-10) || eye(10)) [r, g, b] = [30, 30, 40];
    if (ax > 3 && ax < 16 && Math.abs((along - 0.7) * length) < 1.6) [r, g, b] = [60, 40, 30]; // one brow
    if (Math.abs(ax) < 9 && Math.abs((along - 0.36) * length) < 2) [r, g, b] = [170, 40, 50]; // mouth
  }
  const c = (x: number) => Math.max(0, Math.min(255, Math.round(x)));
  return [c(r), c(g), c(b)];
}

/** The ground-truth character at a figure height of `heightPx` pixels. */
export function createGroundTruthCharacter(heightPx: number): GroundTruthCharacter {
  const skeleton = createDefaultHumanoid({ heightPx });
  const jointIndex = new Map(skeleton.joints.map((j, i) => [j.name, i]));
  const bones = skeleton.joints.map((j) => {
    const parent = j.parentId === null ? -1 : skeleton.joints.findIndex((p) => p.id === j.parentId);
    const pr = parent >= 0 ? skeleton.joints[parent]!.restPosition : ([0, 0, 0] as const);
    return {
      name: j.name,
      parent,
      offset: [j.restPosition[0] - pr[0], j.restPosition[1] - pr[1], j.restPosition[2] - pr[2]] as const,
    };
  });
  const toPx = (f: V3): V3 => [f[0] * heightPx, (f[1] - 0.5) * heightPx, f[2] * heightPx];

  const texH = BAND_H * TUBES.length;
  const tex = new Uint8Array(TEX_W * texH * 4);
  const positions: number[] = [];
  const uvs: number[] = [];
  const skinIndices: number[] = [];
  const skinWeights: number[] = [];
  const indices: number[] = [];

  TUBES.forEach((spec, band) => {
    const a = toPx(spec.a);
    const b = toPx(spec.b);
    const axis = sub(b, a);
    const length = Math.hypot(axis[0], axis[1], axis[2]);
    const d = norm(axis);
    const e2 = norm(spec.depthAxis);
    const e1 = cross(d, e2);
    const r0 = profileAt(spec.radius, 0) * heightPx;
    const r1 = profileAt(spec.radius, 1) * heightPx;
    const capA = spec.capA * r0;
    const capB = spec.capB * r1;
    const total = capA + length + capB;
    // Rings: (axial position in px from a, radius scale).
    const rings: [number, number][] = [];
    for (let k = 0; k < CAP_RINGS; k++) {
      const phi = (k / CAP_RINGS) * (Math.PI / 2);
      rings.push([-capA * Math.cos(phi), Math.sin(phi)]);
    }
    const bodyRings = Math.max(2, Math.ceil(length / 3));
    for (let k = 0; k <= bodyRings; k++) rings.push([(k / bodyRings) * length, 1]);
    for (let k = CAP_RINGS - 1; k >= 0; k--) {
      const phi = (k / CAP_RINGS) * (Math.PI / 2);
      rings.push([length + capB * Math.cos(phi), Math.sin(phi)]);
    }
    const maxR = Math.max(...spec.radius.map((p) => p[1])) * heightPx;
    const circumference = 2 * Math.PI * maxR * (1 + spec.depth) * 0.5;
    const base = positions.length / 3;
    const w = (spec.blend * heightPx) / length;
    const v0 = (band * BAND_H + 2) / texH;
    const v1 = ((band + 1) * BAND_H - 2) / texH;
    for (const [x, s] of rings) {
      const f = x / length;
      const r = profileAt(spec.radius, f) * heightPx * s;
      const weights = weightsAt(spec, f, w);
      const order = weights
        .map((wt, i) => [wt, jointIndex.get(spec.bones[i]!)!] as const)
        .filter(([wt]) => wt > 1e-4)
        .sort((p, q) => q[0] - p[0])
        .slice(0, 4);
      const sum = order.reduce((acc, [wt]) => acc + wt, 0);
      const along = (x + capA) / total;
      for (let k = 0; k <= AROUND; k++) {
        const u = k / AROUND;
        const theta = (u - 0.5) * 2 * Math.PI; // 0 = front
        const off1 = Math.sin(theta) * r;
        const off2 = Math.cos(theta) * r * spec.depth;
        positions.push(
          a[0] + d[0] * x + e1[0] * off1 + e2[0] * off2,
          a[1] + d[1] * x + e1[1] * off1 + e2[1] * off2,
          a[2] + d[2] * x + e1[2] * off1 + e2[2] * off2,
        );
        uvs.push(u, v0 + (v1 - v0) * along);
        for (let i = 0; i < 4; i++) {
          skinIndices.push(order[i]?.[1] ?? 0);
          skinWeights.push(order[i] ? order[i]![0] / sum : 0);
        }
      }
    }
    const row = AROUND + 1;
    for (let ri = 0; ri + 1 < rings.length; ri++) {
      for (let k = 0; k < AROUND; k++) {
        const p = base + ri * row + k;
        indices.push(p, p + row, p + 1, p + 1, p + row, p + row + 1);
      }
    }
    for (let y = 0; y < BAND_H; y++) {
      const along = Math.min(1, Math.max(0, (y - 2 + 0.5) / (BAND_H - 4)));
      for (let x = 0; x < TEX_W; x++) {
        const [cr, cg, cb] = texel(spec, (x + 0.5) / TEX_W, along, circumference, total);
        const o = ((band * BAND_H + y) * TEX_W + x) * 4;
        tex[o] = cr;
        tex[o + 1] = cg;
        tex[o + 2] = cb;
        tex[o + 3] = 255;
      }
    }
  });
  return {
    skeleton,
    mesh: {
      bones,
      positions,
      uvs,
      skinIndices,
      skinWeights,
      indices,
      texture: { width: TEX_W, height: texH, data: tex },
    },
  };
}
