/**
 * Children's-drawing-style figures made in code as SVG, with the joints an animator would place
 * (picture pixels, y down). Each figure is built from its joints, so the truth is exact:
 * - humanoids: stick figures (strokes, an outlined round head) and blobby ones (an oval body,
 *   thick limbs, fists, feet), in T-pose, arms raised, arms down, bent elbows, legs apart, sitting;
 * - four-legged animals (side view: oval body, neck and head, four legs, with or without a tail);
 * - six-limbed creatures (a humanoid with a second pair of arms);
 * - shapes that fit no template (a snake, an octopus): the free chain.
 * Conventions (docs/rigging.md): shoulders (Arm) at the arm's root, elbows and knees at the bend,
 * wrists (Hand) before the hand, thigh sockets (UpLeg) where the leg leaves the pelvis, Hips
 * between the sockets a little above them, Spine/Chest at 25%/54% from Hips to Neck on the
 * torso's midline, Head at the base of the head, Neck 40% of the way from the shoulder line up to
 * Head, the clavicles (Shoulder) 30% of the way from the spine to the Arm.
 */

export type Pt = [number, number];
export type TemplateKind = 'humanoid' | 'quadruped' | 'six-limbed' | 'chain';

export interface DrawnFigure {
  readonly name: string;
  readonly template: TemplateKind;
  readonly width: number;
  readonly height: number;
  /** The drawing on white paper (opaque). */
  readonly svg: string;
  /** Joint name -> truth in picture pixels; empty for free-chain figures. */
  readonly joints: Record<string, Pt>;
}

const INK = '#1d1d24';
const deg = (d: number) => (d * Math.PI) / 180;
const add = (p: Pt, d: Pt, s: number): Pt => [p[0] + d[0] * s, p[1] + d[1] * s];
const lerp = (a: Pt, b: Pt, t: number): Pt => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
/** Unit vector at angle `a` (degrees) from straight down, turned towards side `s` (+1 = +x). */
const down = (a: number, s: number): Pt => [s * Math.sin(deg(a)), Math.cos(deg(a))];

function svgDoc(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="100%" height="100%" fill="#ffffff"/>${body}</svg>`;
}

const line = (a: Pt, b: Pt, w: number, colour = INK) =>
  `<line x1="${a[0].toFixed(1)}" y1="${a[1].toFixed(1)}" x2="${b[0].toFixed(1)}" y2="${b[1].toFixed(1)}" stroke="${colour}" stroke-width="${w.toFixed(1)}" stroke-linecap="round"/>`;
const poly = (pts: Pt[], w: number, colour = INK) =>
  `<polyline points="${pts.map((p) => `${p[0].toFixed(1)},${p[1].toFixed(1)}`).join(' ')}" fill="none" stroke="${colour}" stroke-width="${w.toFixed(1)}" stroke-linecap="round" stroke-linejoin="round"/>`;
const circle = (c: Pt, r: number, fill: string, stroke = INK, w = 3) =>
  `<circle cx="${c[0].toFixed(1)}" cy="${c[1].toFixed(1)}" r="${r.toFixed(1)}" fill="${fill}" stroke="${stroke}" stroke-width="${w.toFixed(1)}"/>`;
const ellipse = (c: Pt, rx: number, ry: number, fill: string, w = 3, rotateDeg = 0) =>
  `<ellipse cx="${c[0].toFixed(1)}" cy="${c[1].toFixed(1)}" rx="${rx.toFixed(1)}" ry="${ry.toFixed(1)}" fill="${fill}" stroke="${INK}" stroke-width="${w.toFixed(1)}" transform="rotate(${rotateDeg} ${c[0].toFixed(1)} ${c[1].toFixed(1)})"/>`;

export interface HumanPose {
  /** Upper arm angle from straight down, outwards (90 = T-pose, 160 = raised), per side. */
  readonly arm: [number, number];
  /** Elbow bend (degrees; the forearm turns further up). */
  readonly elbow: [number, number];
  /** Thigh angle from straight down, outwards. */
  readonly leg: [number, number];
  /** Knee bend: the shin turns back towards straight down by this much. */
  readonly knee: [number, number];
}

interface HumanOpts {
  readonly name: string;
  readonly style: 'stick' | 'blobby';
  readonly pose: HumanPose;
  readonly width: number;
  readonly height: number;
  readonly h: number;
  /** Four arms (a six-limbed creature). */
  readonly sixLimbed?: boolean;
  readonly colour?: string;
}

/** Left is the character's left: the viewer's right (+x), side index 0. */
const SIDES = [
  ['Left', 1, 0],
  ['Right', -1, 1],
] as const;

function humanoid(o: HumanOpts): DrawnFigure {
  const { h, pose } = o;
  const stick = o.style === 'stick';
  const cx = o.width / 2;
  // Raised arms reach above the head: the figure sits lower in the picture.
  const raised = Math.max(...pose.arm) > 120 ? 0.08 * h : 0;
  const top = (o.height - h) / 2 + (stick ? 0 : 0.02 * h) + raised;
  const headR = stick ? 0.085 * h : 0.1 * h;
  const headC: Pt = [cx, top + headR];
  const neckTop: Pt = [cx, top + 2 * headR - (stick ? 0 : 0.015 * h)];
  const shoulderY = neckTop[1] + (stick ? 0.05 * h : 0.07 * h);
  const pelvis: Pt = [cx, top + 0.5 * h];
  const limbW = stick ? 0.022 * h : 0.065 * h;
  const bodyRx = 0.12 * h;
  const bodyTop = neckTop[1] - 0.01 * h;
  const bodyBottom = pelvis[1] + 0.05 * h;
  const bodyC: Pt = [cx, (bodyTop + bodyBottom) / 2];
  const bodyRy = (bodyBottom - bodyTop) / 2;
  const halfWidthAt = (y: number) => bodyRx * Math.sqrt(Math.max(0, 1 - ((y - bodyC[1]) / bodyRy) ** 2));
  const j: Record<string, Pt> = {};
  const parts: string[] = [];
  const front: string[] = [];
  const fill = o.colour ?? '#f2b84b';
  // Legs.
  const socketY = stick ? pelvis[1] : pelvis[1] - 0.01 * h;
  for (const [side, s, i] of SIDES) {
    const socket: Pt = [cx + (stick ? 0 : s * 0.055 * h), socketY];
    const thigh = down(pose.leg[i], s);
    const knee = add(socket, thigh, 0.23 * h);
    const shin = down(Math.max(0, pose.leg[i] - pose.knee[i]), s);
    const ankle = add(knee, shin, 0.2 * h);
    const toe = add(ankle, [s, 0], stick ? 0.06 * h : 0.07 * h);
    j[`${side}UpLeg`] = socket;
    j[`${side}Leg`] = knee;
    j[`${side}Foot`] = ankle;
    j[`${side}ToeBase`] = toe;
    if (stick) parts.push(poly([socket, knee, ankle, toe], limbW));
    else {
      parts.push(poly([socket, knee, ankle], limbW, INK), poly([socket, knee, ankle], limbW - 6, fill));
      front.push(ellipse(lerp(ankle, toe, 0.55), 0.065 * h, 0.035 * h, fill, 3));
    }
  }
  j.Hips = [cx, socketY - (stick ? 0 : 0.02 * h)];
  j.Head = [cx, neckTop[1]];
  j.Neck = [cx, shoulderY + 0.4 * (neckTop[1] - shoulderY)];
  // Arms (and a second pair lower on the torso for a six-limbed creature).
  const armSets: [string, number][] = [['', shoulderY]];
  if (o.sixLimbed) armSets.push(['B', shoulderY + 0.13 * h]);
  for (const [suffix, y] of armSets) {
    for (const [side, s, i] of SIDES) {
      const rootX = stick ? cx : cx + s * (halfWidthAt(y) - 0.25 * limbW);
      const root: Pt = [rootX, y];
      const a = suffix === 'B' ? Math.max(20, pose.arm[i] - 50) : pose.arm[i];
      const upper = down(a, s);
      const elbow = add(root, upper, 0.16 * h);
      const fore = down(a + pose.elbow[i], s);
      const wrist = add(elbow, fore, 0.14 * h);
      const handEnd = add(wrist, fore, stick ? 0.05 * h : 0.045 * h);
      j[`${side}Arm${suffix}`] = root;
      j[`${side}ForeArm${suffix}`] = elbow;
      j[`${side}Hand${suffix}`] = wrist;
      j[`${side}Shoulder${suffix}`] = [cx + 0.3 * (rootX - cx), y];
      if (stick) parts.push(poly([root, elbow, wrist, handEnd], limbW));
      else {
        parts.push(poly([root, elbow, wrist], limbW, INK), poly([root, elbow, wrist], limbW - 6, fill));
        front.push(circle(handEnd, 0.05 * h, fill));
      }
    }
  }
  j.Spine = lerp(j.Hips, j.Neck, 0.25);
  j.Chest = lerp(j.Hips, j.Neck, 0.54);
  let body: string;
  if (stick) {
    body = [
      line(neckTop, pelvis, limbW),
      ...parts,
      circle(headC, headR - limbW / 2, 'none', INK, limbW),
      // A face: marks inside the head, as children draw them.
      circle([headC[0] - 0.3 * headR, headC[1] - 0.1 * headR], 0.08 * headR, INK, INK, 1),
      circle([headC[0] + 0.3 * headR, headC[1] - 0.1 * headR], 0.08 * headR, INK, INK, 1),
    ].join('');
  } else {
    body = [
      ...parts,
      ellipse(bodyC, bodyRx, bodyRy, fill, 4),
      circle(headC, headR, '#ffd9b0', INK, 4),
      circle([headC[0] - 0.35 * headR, headC[1] - 0.1 * headR], 0.1 * headR, INK, INK, 1),
      circle([headC[0] + 0.35 * headR, headC[1] - 0.1 * headR], 0.1 * headR, INK, INK, 1),
      ...front,
    ].join('');
  }
  return {
    name: o.name,
    template: o.sixLimbed ? 'six-limbed' : 'humanoid',
    width: o.width,
    height: o.height,
    svg: svgDoc(o.width, o.height, body),
    joints: j,
  };
}

interface AnimalOpts {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /** Body length in pixels. */
  readonly length: number;
  readonly legLength: number;
  readonly tail: boolean;
  /** The head's side: +1 faces right. */
  readonly facing: 1 | -1;
  readonly colour: string;
  /** Spread of front and hind legs (degrees from straight down, forward positive). */
  readonly stride?: number;
}

function quadruped(o: AnimalOpts): DrawnFigure {
  const L = o.length;
  const f = o.facing;
  const bodyRy = 0.19 * L;
  const bodyRx = 0.5 * L;
  const cy = (o.height - o.legLength) / 2 + 0.05 * L;
  const c: Pt = [o.width / 2 - f * 0.08 * L, cy];
  const legW = 0.1 * L;
  const j: Record<string, Pt> = {};
  const parts: string[] = [];
  const stride = o.stride ?? 12;
  // Legs: two near the front, two near the back, each pair a little apart.
  const legs: [string, number, number][] = [
    ['FrontLeft', 0.32, stride],
    ['FrontRight', 0.18, -stride],
    ['HindLeft', -0.2, stride],
    ['HindRight', -0.34, -stride],
  ];
  for (const [name, at, a] of legs) {
    const x = c[0] + f * at * L;
    const root: Pt = [x, c[1] + 0.45 * bodyRy];
    const dir = down(a, f);
    const knee = add(root, dir, 0.5 * o.legLength + 0.2 * bodyRy);
    const foot = add(knee, down(0, f), 0.4 * o.legLength);
    const tip = add(foot, down(0, f), 0.1 * o.legLength);
    j[`${name}UpLeg`] = root;
    j[`${name}Leg`] = knee;
    j[`${name}Foot`] = foot;
    parts.push(poly([root, knee, tip], legW, INK), poly([root, knee, tip], legW - 6, o.colour));
  }
  const neckBase: Pt = [c[0] + f * 0.4 * L, c[1] - 0.4 * bodyRy];
  const headC: Pt = [c[0] + f * 0.62 * L, c[1] - 1.55 * bodyRy];
  const headR = 0.17 * L;
  j.Hips = [c[0] - f * 0.27 * L, c[1]];
  j.Chest = [c[0] + f * 0.25 * L, c[1]];
  j.Spine = lerp(j.Hips, j.Chest, 0.5);
  j.Neck = neckBase;
  j.Head = lerp(neckBase, headC, 0.6);
  const neck = [poly([neckBase, headC], 0.16 * L, INK), poly([neckBase, headC], 0.16 * L - 6, o.colour)];
  if (o.tail) {
    const tailRoot: Pt = [c[0] - f * 0.46 * L, c[1] - 0.2 * bodyRy];
    const tailMid: Pt = [tailRoot[0] - f * 0.22 * L, tailRoot[1] - 0.35 * bodyRy];
    const tailTip: Pt = [tailMid[0] - f * 0.12 * L, tailMid[1] - 0.7 * bodyRy];
    j.Tail = tailRoot;
    j.TailEnd = tailMid;
    parts.push(poly([tailRoot, tailMid, tailTip], 0.05 * L, INK));
  }
  const body = [
    ...parts,
    ...neck,
    ellipse(c, bodyRx, bodyRy, o.colour, 4),
    circle(headC, headR, o.colour, INK, 4),
    // Ears and an eye.
    ellipse([headC[0] - f * 0.05 * L, headC[1] - 0.8 * headR], 0.04 * L, 0.09 * L, o.colour, 3, f * -15),
    circle([headC[0] + f * 0.4 * headR, headC[1] - 0.15 * headR], 0.1 * headR, INK, INK, 1),
  ].join('');
  return {
    name: o.name,
    template: 'quadruped',
    width: o.width,
    height: o.height,
    svg: svgDoc(o.width, o.height, body),
    joints: j,
  };
}

function snake(name: string, width: number, height: number): DrawnFigure {
  const pts: Pt[] = [];
  for (let i = 0; i <= 40; i++) {
    const t = i / 40;
    pts.push([width * (0.12 + 0.76 * t), height * (0.5 + 0.18 * Math.sin(t * Math.PI * 2.5))]);
  }
  const w = 0.07 * width;
  const body = [
    poly(pts, w, INK),
    poly(pts, w - 6, '#7cc26a'),
    circle(pts.at(-1)!, 0.06 * width, '#7cc26a', INK, 4),
  ].join('');
  return { name, template: 'chain', width, height, svg: svgDoc(width, height, body), joints: {} };
}

function octopus(name: string, width: number, height: number): DrawnFigure {
  const c: Pt = [width / 2, height * 0.36];
  const r = 0.17 * Math.min(width, height);
  const arms: string[] = [];
  for (let k = 0; k < 8; k++) {
    const a = -75 + (150 * k) / 7;
    const root = add(c, down(a, 1), r * 0.7);
    const mid = add(root, down(a * 1.1, 1), r * 0.9);
    const tip = add(mid, down(a * 0.7 + (k % 2 ? 20 : -20), 1), r * 0.8);
    arms.push(
      poly([root, mid, tip], 0.045 * width, INK),
      poly([root, mid, tip], 0.045 * width - 5, '#c77dd1'),
    );
  }
  const body = [...arms, ellipse(c, r, r * 1.1, '#c77dd1', 4)].join('');
  return { name, template: 'chain', width, height, svg: svgDoc(width, height, body), joints: {} };
}

const P = (arm: number, elbow: number, leg: number, knee: number, armR = arm, legR = leg): HumanPose => ({
  arm: [arm, armR],
  elbow: [elbow, elbow],
  leg: [leg, legR],
  knee: [knee, knee],
});

/** The drawings of the test set (about 500 px: small enough for quick tests). */
export function drawnFigures(): DrawnFigure[] {
  const W = 520;
  const H = 560;
  const h = 470;
  return [
    humanoid({ name: 'stick T-pose', style: 'stick', pose: P(90, 0, 12, 0), width: W, height: H, h }),
    humanoid({
      name: 'stick arms raised',
      style: 'stick',
      pose: P(125, 0, 15, 0),
      width: W,
      height: H,
      h: 420,
    }),
    humanoid({ name: 'stick arms down', style: 'stick', pose: P(28, 0, 10, 0), width: W, height: H, h }),
    humanoid({
      name: 'stick bent arms, legs apart',
      style: 'stick',
      pose: P(80, 70, 32, 20),
      width: W,
      height: H,
      h,
    }),
    humanoid({ name: 'stick sitting', style: 'stick', pose: P(60, 30, 75, 75), width: W, height: H, h }),
    humanoid({
      name: 'blobby A-pose, fists',
      style: 'blobby',
      pose: P(50, 0, 10, 0),
      width: W,
      height: H,
      h,
    }),
    humanoid({
      name: 'blobby arms raised',
      style: 'blobby',
      pose: P(145, 10, 14, 0),
      width: W,
      height: H,
      h: 420,
      colour: '#8fc1e8',
    }),
    humanoid({
      name: 'blobby waving, legs apart',
      style: 'blobby',
      pose: P(100, 60, 28, 10, 35),
      width: W,
      height: H,
      h,
      colour: '#e88f9e',
    }),
    humanoid({ name: 'blobby sitting', style: 'blobby', pose: P(40, 20, 70, 70), width: W, height: H, h }),
    humanoid({
      name: 'six-limbed monster',
      style: 'blobby',
      pose: P(120, 0, 14, 0),
      width: W,
      height: H,
      h,
      sixLimbed: true,
      colour: '#9be08f',
    }),
    humanoid({
      name: 'six-limbed stick',
      style: 'stick',
      pose: P(112, 0, 14, 0),
      width: W,
      height: H,
      h: 420,
      sixLimbed: true,
    }),
    quadruped({
      name: 'dog',
      width: 600,
      height: 440,
      length: 300,
      legLength: 120,
      tail: true,
      facing: 1,
      colour: '#c98d4f',
    }),
    quadruped({
      name: 'cat facing left',
      width: 600,
      height: 440,
      length: 280,
      legLength: 100,
      tail: true,
      facing: -1,
      colour: '#9a9aa8',
    }),
    quadruped({
      name: 'horse, no tail',
      width: 600,
      height: 520,
      length: 300,
      legLength: 190,
      tail: false,
      facing: 1,
      colour: '#e0d2b0',
      stride: 6,
    }),
    snake('snake', 600, 360),
    octopus('octopus', 520, 520),
  ];
}

/**
 * Other marks on the same page, as children's drawings have them: a small doodle (a star) in a
 * corner, a few lines of "handwriting" and a smudge. The figure stays the largest drawn shape.
 */
export function withMarks(figure: DrawnFigure): DrawnFigure {
  const { width: w, height: h } = figure;
  const star: Pt[] = [];
  for (let k = 0; k <= 10; k++) {
    const a = (k * Math.PI) / 5 - Math.PI / 2;
    const r = k % 2 === 0 ? 0.06 * w : 0.025 * w;
    star.push([0.1 * w + r * Math.cos(a), 0.09 * h + r * Math.sin(a)]);
  }
  const writing: string[] = [];
  for (let row = 0; row < 2; row++) {
    const pts: Pt[] = [];
    for (let i = 0; i <= 24; i++)
      pts.push([0.62 * w + i * 0.013 * w, (0.955 - 0.03 * row) * h + 0.006 * h * Math.sin(i * 1.7)]);
    writing.push(poly(pts, 1.6, '#3a3a8a'));
  }
  const marks = [
    poly(star, 2.5, '#d04040'),
    ...writing,
    `<circle cx="${(0.92 * w).toFixed(1)}" cy="${(0.93 * h).toFixed(1)}" r="${(0.012 * w).toFixed(1)}" fill="#777" opacity="0.5"/>`,
  ].join('');
  return { ...figure, name: `${figure.name} + marks`, svg: figure.svg.replace('</svg>', `${marks}</svg>`) };
}
