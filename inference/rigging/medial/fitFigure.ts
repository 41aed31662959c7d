import { createDefaultHumanoid } from '../../../core/skeleton/humanoid.js';
import { skeletonFromPicture, type TemplateKind, templateJoints } from '../../../core/skeleton/templates.js';
import type { Skeleton } from '../../../core/skeleton/types.js';
import { type FitResult, fitHumanoidToMask, type JointSource, templatedJointsOf } from '../fit.js';
import type { Mask } from '../types.js';
import {
  asPath,
  baseOf,
  downness,
  mean,
  projectArc,
  radiusAt,
  type Structure,
  structure,
  thinRoot,
  tipOf,
  type Work,
  workCopy,
} from './figureStructure.js';
import { edgesAt, type MedialGraph, otherEnd, type Pt, pointsFrom } from './graph.js';
import {
  bendArc,
  crossingBehind,
  endJoint,
  type Limb,
  limbLine,
  median,
  pointAtArc,
  radiusAtArc,
  rootArc,
  rootedAt,
  sharpestTurn,
  withApex,
} from './limb.js';

/**
 * The medial-axis fit: the figure's skeleton template is chosen from its medial graph (how many
 * limbs, how they hang off the body, which way the body lies), and every joint is placed along
 * the centre line of the limb or torso it belongs to, so raised, lowered and bent limbs, legs apart
 * and sitting figures are fitted where they are drawn (docs/rigging.md).
 *
 * The work is done on a copy of the figure's bounding box scaled to WORK_SIDE pixels on its long
 * side (the medial axis needs no more), and the joints are scaled back to picture pixels.
 *
 * The work copy, the structure and the geometry shared by classification and placement are in
 * figureStructure.ts, the limb geometry in limb.ts and graph.ts. The next split, when this grows,
 * is the three placements (placeUpright, placeQuadruped, placeChain) into a module of their own.
 */

export interface FigureFitOptions {
  /** The template to fit ('auto' or absent: chosen from the figure). */
  readonly template?: TemplateKind | 'auto';
}

export interface FigureFit extends FitResult {
  readonly template: TemplateKind;
  readonly templateReason: string;
}

interface Classified {
  readonly template: TemplateKind;
  readonly reason: string;
  readonly legs: Limb[];
  readonly arms: Limb[];
  readonly head: Limb | null;
  readonly tail: Limb | null;
  /** Limbs the template leaves out (ears, horns). */
  readonly extra?: number;
}

/**
 * The template from the limbs: upright figures (legs at one end of the body hanging down, head
 * at the other) are humanoid with 2 arms, six-limbed with 4; a body lying horizontally with four
 * limbs hanging down is a quadruped (a head and maybe a tail besides); anything else is a chain.
 */
function classify(s: Structure, graph: MedialGraph, wanted: TemplateKind | 'auto'): Classified {
  const limbs = [...s.limbs];
  const none: Classified = { template: 'chain', reason: '', legs: [], arms: [], head: null, tail: null };
  const n = limbs.length;
  const { width, height } = graph;
  // Upright: taller than wide, or its limbs mostly hang below/above its middle.
  const upright = height >= 0.8 * width;
  const tryUpright = (armCount: number): Classified | null => {
    if (n < 3 + armCount) return null;
    // Legs: the two lowest tips (a figure stands on its legs or sits on them); head: the
    // remaining limb whose tip is highest and nearest the middle, ending in the biggest blob.
    const byLow = [...limbs].sort((a, b) => tipOf(b)[1] - tipOf(a)[1]);
    const legs = byLow.slice(0, 2);
    const rest = limbs.filter((l) => !legs.includes(l));
    const midX = mean(legs.map((l) => baseOf(l)[0]));
    const headScore = (l: Limb) =>
      -tipOf(l)[1] / height -
      (1.5 * Math.abs(tipOf(l)[0] - midX)) / width +
      (2 * Math.max(...l.radii)) / width;
    const head = [...rest].sort((a, b) => headScore(b) - headScore(a))[0]!;
    let arms = rest.filter((l) => l !== head);
    if (arms.length > armCount) {
      // Extra short limbs (a hat, a tuft of hair, a thumb the pruning kept) are dropped.
      arms = [...arms].sort((a, b) => b.length - a.length).slice(0, armCount);
      const kept = Math.min(...arms.map((l) => l.length));
      const dropped = rest.filter((l) => l !== head && !arms.includes(l));
      if (dropped.some((l) => l.length > 0.6 * kept)) return null;
    }
    if (arms.length !== armCount) return null;
    // The head's tip above the legs' tips, the legs below the head's fork.
    if (tipOf(head)[1] > Math.min(...legs.map((l) => tipOf(l)[1]))) return null;
    if (legs.some((l) => downness(l) < 0.2)) return null;
    // A head ends in a blob wider than the arms (an octopus's tentacle does not).
    const headRoot = rootArc(head);
    const headBlob = Math.max(...head.radii.filter((_, i) => head.arc[i]! >= headRoot), 0);
    if (headBlob < 1.5 * Math.max(...arms.map((l) => l.radius))) return null;
    // Arms hang from the chest, well above the legs' fork (an octopus's arms all leave one blob).
    const legForkY = mean(legs.map((l) => baseOf(l)[1]));
    if (arms.some((l) => legForkY - baseOf(l)[1] < 0.12 * height)) return null;
    return {
      template: armCount === 2 ? 'humanoid' : 'six-limbed',
      reason: `${armCount === 2 ? 'two' : 'four'} arms, two legs and a head on an upright body`,
      legs,
      arms,
      head,
      tail: null,
    };
  };
  const tryQuadruped = (): Classified | null => {
    if (n < 5) return null;
    const byDown = [...limbs].sort((a, b) => downness(b) - downness(a));
    const legs = byDown.slice(0, 4);
    if (legs.some((l) => downness(l) < 0.5)) return null;
    const rest = byDown.slice(4);
    // The head: the blob at the end of a limb (beyond where it leaves the body); the tail: a limb
    // leaving at the other end of the body; limbs leaving near the head are ears or horns.
    const blobOf = (l: Limb) => Math.max(0, ...l.radii.filter((_, i) => l.arc[i]! >= rootArc(l)));
    const head = [...rest].sort((a, b) => blobOf(b) - blobOf(a))[0]!;
    const dist = (p: Pt, q: Pt) => Math.hypot(p[0] - q[0], p[1] - q[1]);
    const legSpan = Math.max(...legs.map((a) => Math.max(...legs.map((b) => dist(baseOf(a), baseOf(b))))));
    let tail: Limb | null = null;
    for (const l of rest) {
      if (l === head) continue;
      const fromHead = dist(baseOf(l), baseOf(head));
      if (fromHead < 0.5 * legSpan) continue;
      if (tail) return null;
      tail = l;
    }
    return {
      template: 'quadruped',
      reason: `four legs hanging from a horizontal body, a head${tail ? ' and a tail' : ''}`,
      legs,
      arms: [],
      head,
      tail,
      extra: rest.length - 1 - (tail ? 1 : 0),
    };
  };
  if (wanted === 'humanoid') return tryUpright(2) ?? { ...none, template: 'humanoid' };
  if (wanted === 'six-limbed') return tryUpright(4) ?? { ...none, template: 'six-limbed' };
  if (wanted === 'quadruped') return tryQuadruped() ?? { ...none, template: 'quadruped' };
  if (wanted === 'chain') return { ...none, reason: 'chosen' };
  const candidates = upright
    ? [tryUpright(2), tryUpright(4), tryQuadruped()]
    : [tryQuadruped(), tryUpright(2), tryUpright(4)];
  const exact = candidates.find(
    (c) =>
      c !== null &&
      c.legs.length + c.arms.length + (c.head ? 1 : 0) + (c.tail ? 1 : 0) + (c.extra ?? 0) === n,
  );
  if (exact) return exact;
  return {
    ...none,
    reason: `${n} limb${n === 1 ? '' : 's'} that fit no template: a free chain along the shape`,
  };
}

/** Character's left (the viewer's right when it faces us) of two limbs, relative to the body axis. */
function leftRight(pair: Limb[], up: Pt): [Limb, Limb] {
  const cross = (l: Limb) => {
    const a = baseOf(l);
    const b = tipOf(l);
    // Image y is down: "left of the body" for a figure facing us is +x when up is (0, -1).
    return up[1] * (b[0] - a[0]) * -1 + up[0] * (b[1] - a[1]);
  };
  const [a, b] = pair as [Limb, Limb];
  return cross(a) >= cross(b) ? [a, b] : [b, a];
}

export function fitFigure(mask: Mask, options: FigureFitOptions = {}): FigureFit {
  const work = workCopy(mask);
  const s = structure(work.graph);
  const wanted = options.template ?? 'auto';
  const c = classify(s, work.graph, wanted);
  const figureHeightPx = figureHeight(mask);
  const reason = wanted === 'auto' ? c.reason : `chosen in the import dialog (${c.template})`;
  if (c.template === 'humanoid' && c.head && c.legs.length === 2) {
    return finish('humanoid', reason, placeUpright(s, c, work, mask), figureHeightPx);
  }
  if (c.template === 'six-limbed' && c.head) {
    return finish('six-limbed', reason, placeUpright(s, c, work, mask), figureHeightPx);
  }
  if (c.template === 'quadruped' && c.head) {
    return finish('quadruped', reason, placeQuadruped(s, c, work, mask), figureHeightPx);
  }
  if (c.template === 'humanoid') {
    // Asked for a humanoid the medial axis cannot find (arms along a dress): the outline fit.
    const outline = fitHumanoidToMask(mask);
    return {
      ...outline,
      template: 'humanoid',
      templateReason: reason,
      warnings: [
        'No arms, legs and head were found along the shape: the humanoid was placed by its outline.',
      ],
    };
  }
  return finish('chain', reason, placeChain(work, mask), figureHeightPx);
}

interface Placed {
  readonly skeleton: Skeleton;
  readonly sources: Record<string, JointSource>;
  readonly warnings: string[];
}

function finish(template: TemplateKind, reason: string, placed: Placed, heightPx: number): FigureFit {
  return {
    skeleton: placed.skeleton,
    sources: placed.sources,
    figureHeightPx: heightPx,
    method: 'silhouette',
    templatedJoints: templatedJointsOf(placed.skeleton, placed.sources),
    warnings: placed.warnings,
    template,
    templateReason: reason,
  };
}

function figureHeight(mask: Mask): number {
  let top = -1;
  let bottom = -1;
  for (let y = 0; y < mask.height; y++) {
    const row = y * mask.width;
    for (let x = 0; x < mask.width; x++) {
      if (mask.data[row + x]) {
        if (top < 0) top = y;
        bottom = y;
        break;
      }
    }
  }
  return bottom + 1 - top;
}

/** Fractions along limbs, in line with the humanoid template's proportions (docs/rigging.md). */
const HAND_FRACTION = 0.26;
const ANKLE_FRACTION = 0.1;
const ELBOW_FRACTION = 0.53;
const KNEE_FRACTION = 0.5;

interface LimbJoints {
  root: Pt;
  mid: Pt;
  end: Pt;
  tip: Pt;
}

function limbJoints(limb: Limb, kind: 'arm' | 'leg'): LimbJoints {
  const r = rootArc(limb);
  let rootAt = Math.max(0, r - 0.6 * limb.radius);
  // A centre line that leaves the body's middle turns into the limb at its root (a shoulder):
  // a sharp turn in the first third after the root found by thickness is the limb's real start.
  if (kind === 'arm' && r > 0 && !thinRoot(limb)) {
    const turn = sharpestTurn(limb, rootAt, rootAt + 0.35 * (limb.length - rootAt));
    // Still in the thick of the shoulder, not an elbow (as wide as the arm).
    if (turn.angle > 0.45 && radiusAtArc(limb, turn.arc) >= 1.05 * limb.radius) rootAt = turn.arc;
  }
  const end = endJoint(limb, rootAt, kind === 'arm' ? HAND_FRACTION : ANKLE_FRACTION, kind === 'leg');
  const bend = bendArc(limb, rootAt, end.arc, kind === 'arm' ? ELBOW_FRACTION : KNEE_FRACTION);
  const toeAt =
    end.how === 'turn' ? end.arc + 0.7 * (limb.length - end.arc) : end.arc + 0.6 * (limb.length - end.arc);
  return {
    root: pointAtArc(limb, rootAt),
    mid: pointAtArc(limb, bend.arc),
    end: pointAtArc(limb, end.arc),
    tip: pointAtArc(limb, toeAt),
  };
}

function placeUpright(s: Structure, c: Classified, work: Work, mask: Mask): Placed {
  const head = c.head!;
  const legFork = c.legs[0]!.fork;
  // The torso's midline: from the legs' fork up through the body to the head's tip.
  const spinePts = s.pathBetween(legFork, head.leaf);
  const spine = asPath(
    spinePts.length > 1 ? [...spinePts, ...head.points.slice(-1)] : [baseOf(head), tipOf(head)],
  );
  const total = spine.arc.at(-1)!;
  const at = (arc: number) => pointAtArc(spine, arc);
  const up: Pt = (() => {
    const a = at(0);
    const b = at(total);
    const d = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
    return [(b[0] - a[0]) / d, (b[1] - a[1]) / d];
  })();
  const j: Record<string, Pt> = {};
  const sources: Record<string, JointSource> = {};
  // Legs; stick legs forking in a wedge start where their lines cross.
  let [legL, legR] = leftRight(c.legs, up);
  if (legL.fork === legR.fork && thinRoot(legL) && thinRoot(legR)) {
    const l = withApex(legL, limbLine(legR, 0.15, 0.45));
    const r = withApex(legR, limbLine(legL, 0.15, 0.45));
    if (l !== legL && r !== legR) {
      const apex: Pt = [(l.points[0]![0] + r.points[0]![0]) / 2, (l.points[0]![1] + r.points[0]![1]) / 2];
      l.points[0] = apex;
      r.points[0] = apex;
      legL = l;
      legR = r;
    }
  }
  let legLength = 0;
  for (const [side, limb] of [
    ['Left', legL],
    ['Right', legR],
  ] as const) {
    const lj = limbJoints(limb, 'leg');
    j[`${side}UpLeg`] = lj.root;
    j[`${side}Leg`] = lj.mid;
    j[`${side}Foot`] = lj.end;
    j[`${side}ToeBase`] = lj.tip;
    legLength += limb.length / 2;
    for (const n of ['UpLeg', 'Leg', 'Foot', 'ToeBase']) sources[`${side}${n}`] = 'outline';
  }
  // Head: the base of the head blob (its widest point, one radius back towards the body).
  let blob = { r: 0, arc: total };
  const headStart = projectArc(spine, baseOf(head));
  for (let i = 0; i < head.points.length; i++) {
    if (head.arc[i]! < 0.25 * head.length) continue;
    if (head.radii[i]! > blob.r) blob = { r: head.radii[i]!, arc: headStart + head.arc[i]! };
  }
  const headBase = Math.min(total, blob.arc) - 0.95 * blob.r;
  // The shoulder line: an animator's shoulders sit at the top of the torso, about a third of a
  // head's height below its base (capped, for the big heads of children's drawings).
  const shoulderLevel = headBase - 0.62 * Math.min(blob.r, 0.2 * total);
  const shoulderLine = (() => {
    // Across the spine at that level (perpendicular to its local direction).
    const a = at(shoulderLevel - 0.08 * total);
    const b = at(shoulderLevel + 0.08 * total);
    const n = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
    return { p: at(shoulderLevel), d: [-(b[1] - a[1]) / n, (b[0] - a[0]) / n] as Pt };
  })();
  // A body drawn as a stroke (a stick figure): its half-width is about the arms'.
  const torsoRadii = spine.points
    .filter((_, i) => spine.arc[i]! >= 0.1 * total && spine.arc[i]! <= 0.6 * total)
    .map((p) => radiusAt(work.graph, p));
  const torsoRadius = median(torsoRadii.length > 0 ? torsoRadii : [0]);
  const figureAt = (p: Pt) => radiusAt(work.graph, p) > 0;
  // Arms, upper pair first (nearer the head along the spine).
  const arms = [...c.arms].sort((a, b) => projectArc(spine, baseOf(b)) - projectArc(spine, baseOf(a)));
  const pairs = [arms.slice(0, 2), arms.slice(2, 4)].filter((p) => p.length === 2);
  let shoulderArc = 0;
  pairs.forEach((pair, k) => {
    const suffix = k === 0 ? '' : 'B';
    let [armL, armR] = leftRight(pair, up);
    // Thin arms along a thin body merge with it in a wedge: their root is where the lines cross.
    const spineLine = (l: Limb) => {
      const arc = projectArc(spine, baseOf(l));
      const a = at(arc - 0.12 * total);
      const b = at(arc + 0.12 * total);
      const n = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
      return { p: a, d: [(b[0] - a[0]) / n, (b[1] - a[1]) / n] as Pt };
    };
    const stickBody = torsoRadius < 1.8 * Math.max(armL.radius, armR.radius);
    const rooted = (l: Limb): Limb => {
      if (thinRoot(l)) return withApex(l, spineLine(l));
      const r = rootArc(l);
      if (stickBody) {
        // A stroke arm leaving a blob (the closed wedge between a raised arm and the head, an arm
        // hanging close to the body): its line crosses the body's where the strokes meet.
        const end = endJoint(l, r, HAND_FRACTION, false);
        const elbow = bendArc(l, r, end.arc, ELBOW_FRACTION).arc;
        const root = crossingBehind(l, r, elbow, spineLine(l), 0.4);
        return root && figureAt(root) ? rootedAt(l, root, r) : l;
      }
      if (k !== 0) return l;
      // A thick arm on a thick body that leaves it below the shoulders (an A-pose, arms down, an
      // arm drawn onto the side of an oval body): the outline leaves the body at the armpit, but
      // the pivot is up on the shoulder line, above where the arm meets the body.
      const p0 = pointAtArc(l, r);
      const rel: Pt = [p0[0] - shoulderLine.p[0], p0[1] - shoulderLine.p[1]];
      const below = -(rel[0] * up[0] + rel[1] * up[1]);
      if (below < 0.5 * l.radius) return l;
      const lateral = rel[0] * shoulderLine.d[0] + rel[1] * shoulderLine.d[1];
      const root: Pt = [
        shoulderLine.p[0] + lateral * shoulderLine.d[0],
        shoulderLine.p[1] + lateral * shoulderLine.d[1],
      ];
      return figureAt(root) ? rootedAt(l, root, r) : l;
    };
    armL = rooted(armL);
    armR = rooted(armR);
    for (const [side, limb] of [
      ['Left', armL],
      ['Right', armR],
    ] as const) {
      const lj = limbJoints(limb, 'arm');
      j[`${side}Arm${suffix}`] = lj.root;
      j[`${side}ForeArm${suffix}`] = lj.mid;
      j[`${side}Hand${suffix}`] = lj.end;
      const onSpine = at(projectArc(spine, lj.root));
      j[`${side}Shoulder${suffix}`] = [
        onSpine[0] + 0.3 * (lj.root[0] - onSpine[0]),
        onSpine[1] + 0.3 * (lj.root[1] - onSpine[1]),
      ];
      for (const n of ['Arm', 'ForeArm', 'Hand']) sources[`${side}${n}${suffix}`] = 'outline';
      sources[`${side}Shoulder${suffix}`] = 'template';
    }
    if (k === 0) shoulderArc = (projectArc(spine, j.LeftArm!) + projectArc(spine, j.RightArm!)) / 2;
  });
  const headArc = Math.max(shoulderArc, headBase);
  j.Head = at(headArc);
  j.Neck = at(shoulderArc + 0.4 * (headArc - shoulderArc));
  // Hips: between the thigh sockets, a little up the torso (the pelvis pivot).
  const sockets: Pt = [(j.LeftUpLeg![0] + j.RightUpLeg![0]) / 2, (j.LeftUpLeg![1] + j.RightUpLeg![1]) / 2];
  const hipsArc = Math.min(shoulderArc, projectArc(spine, sockets) + 0.04 * legLength);
  j.Hips = [sockets[0] + up[0] * 0.04 * legLength, sockets[1] + up[1] * 0.04 * legLength];
  const neckArc = projectArc(spine, j.Neck);
  j.Spine = at(hipsArc + 0.25 * (neckArc - hipsArc));
  j.Chest = at(hipsArc + 0.54 * (neckArc - hipsArc));
  sources.Head = 'outline';
  sources.Hips = 'outline';
  for (const n of ['Neck', 'Spine', 'Chest']) sources[n] = 'template';
  const template = c.template === 'six-limbed' ? templateJoints('six-limbed') : templateJoints('humanoid');
  const positions: Record<string, Pt> = {};
  for (const [name, p] of Object.entries(j)) positions[name] = work.toPicture(p);
  // A six-limbed template fitted with only one arm pair found keeps the second pair templated.
  for (const t of template) {
    if (positions[t.name]) continue;
    const base = positions[t.name.replace(/B$/, '')];
    if (base) {
      positions[t.name] = base;
      sources[t.name] = 'template';
    }
  }
  const heightPx = figureHeight(mask);
  const defaults = createDefaultHumanoid({ heightPx });
  const depth: Record<string, number> = {};
  for (const joint of defaults.joints) depth[joint.name] = joint.restPosition[2];
  return { skeleton: skeletonFromPicture(template, positions, mask, depth), sources, warnings: [] };
}

function placeQuadruped(s: Structure, c: Classified, work: Work, mask: Mask): Placed {
  const head = c.head!;
  const legs = c.legs;
  // The body's midline: between the forks of the legs farthest apart, extended to the head's fork.
  const headBase = baseOf(head);
  const byNearHead = [...legs].sort(
    (a, b) =>
      Math.hypot(baseOf(a)[0] - headBase[0], baseOf(a)[1] - headBase[1]) -
      Math.hypot(baseOf(b)[0] - headBase[0], baseOf(b)[1] - headBase[1]),
  );
  const front = byNearHead.slice(0, 2);
  const hind = byNearHead.slice(2, 4);
  const hindFar = hind[1]!;
  const spine = asPath(s.pathBetween(hindFar.fork, head.fork));
  const total = spine.arc.at(-1)!;
  const at = (arc: number) => pointAtArc(spine, Math.max(0, Math.min(total, arc)));
  const j: Record<string, Pt> = {};
  const sources: Record<string, JointSource> = {};
  const legJoint = (limb: Limb) => {
    const r = rootArc(limb);
    // The leg's root sits inside the body, where the leg's line meets the body's lower part.
    const rootAt = Math.max(0, r - 1.2 * limb.radius);
    const end = endJoint(limb, rootAt, 0.16, false);
    const bend = bendArc(limb, rootAt, end.arc, 0.55);
    return {
      root: pointAtArc(limb, rootAt),
      mid: pointAtArc(limb, bend.arc),
      end: pointAtArc(limb, end.arc),
    };
  };
  for (const [pairName, pair] of [
    ['Front', front],
    ['Hind', hind],
  ] as const) {
    // Left: the leg of the pair nearer the head.
    const [near, far] = pair as [Limb, Limb];
    for (const [side, limb] of [
      ['Left', near],
      ['Right', far],
    ] as const) {
      const lj = legJoint(limb);
      const name = `${pairName}${side}`;
      j[`${name}UpLeg`] = lj.root;
      j[`${name}Leg`] = lj.mid;
      j[`${name}Foot`] = lj.end;
      for (const n of ['UpLeg', 'Leg', 'Foot']) sources[`${name}${n}`] = 'outline';
    }
  }
  const hipsArc = projectArc(spine, [
    (baseOf(hind[0]!)[0] + baseOf(hind[1]!)[0]) / 2,
    (baseOf(hind[0]!)[1] + baseOf(hind[1]!)[1]) / 2,
  ]);
  const chestArc = projectArc(spine, [
    (baseOf(front[0]!)[0] + baseOf(front[1]!)[0]) / 2,
    (baseOf(front[0]!)[1] + baseOf(front[1]!)[1]) / 2,
  ]);
  j.Hips = at(hipsArc);
  j.Chest = at(chestArc);
  j.Spine = at((hipsArc + chestArc) / 2);
  // Neck where the path to the head leaves the body (a little inside it); Head 60% of the way
  // from there to the head's centre (its widest point).
  const neckPath = asPath([...s.pathBetween(front[0]!.fork, head.leaf), ...head.points.slice(-1)]);
  const radiiOn = neckPath.points.map(([x, y]) => {
    const g = work.graph;
    const xi = Math.max(0, Math.min(g.width - 1, Math.round(x)));
    const yi = Math.max(0, Math.min(g.height - 1, Math.round(y)));
    return g.distance[yi * g.width + xi]!;
  });
  let centre = neckPath.points.length - 1;
  for (let i = Math.floor(neckPath.points.length / 2); i < neckPath.points.length; i++)
    if (radiiOn[i]! > radiiOn[centre]!) centre = i;
  let thinnest = centre;
  for (let i = centre; i >= 0; i--) if (radiiOn[i]! < radiiOn[thinnest]!) thinnest = i;
  const neckR = radiiOn[thinnest]!;
  let leave = thinnest;
  while (leave > 0 && radiiOn[leave - 1]! <= 1.3 * neckR) leave--;
  const neckArc = Math.max(0, neckPath.arc[leave]! - 1.2 * neckR);
  j.Neck = pointAtArc(neckPath, neckArc);
  j.Head = pointAtArc(neckPath, neckArc + 0.6 * (neckPath.arc[centre]! - neckArc));
  for (const n of ['Hips', 'Chest', 'Neck', 'Head']) sources[n] = 'outline';
  sources.Spine = 'template';
  if (c.tail) {
    const tailRoot = rootArc(c.tail, 1.6);
    j.Tail = pointAtArc(c.tail, tailRoot);
    const bend = bendArc(c.tail, tailRoot, c.tail.length, 0.55);
    j.TailEnd = pointAtArc(c.tail, bend.arc);
    sources.Tail = 'outline';
    sources.TailEnd = 'outline';
  }
  const positions: Record<string, Pt> = {};
  for (const [name, p] of Object.entries(j)) positions[name] = work.toPicture(p);
  const template = templateJoints('quadruped', { tail: c.tail !== null });
  return { skeleton: skeletonFromPicture(template, positions, mask), sources, warnings: [] };
}

/**
 * The free chain: the root at the thickest point of the medial axis, and every branch of the
 * axis a chain of joints from the root outwards, one joint every couple of limb widths (at most
 * six per branch), so any shape bends along its own centre lines.
 */
function placeChain(work: Work, mask: Mask): Placed {
  const { graph } = work;
  let root = [...graph.nodes.values()][0]!;
  for (const node of graph.nodes.values()) if (node.radius > root.radius) root = node;
  // A figure with no fork (a snake): the root at the middle of its one branch.
  const sources: Record<string, JointSource> = {};
  const positions: Record<string, Pt> = {};
  const parents: { name: string; parent: string | null }[] = [];
  const single = graph.edges.size === 1 ? [...graph.edges.values()][0]! : null;
  const addBranch = (from: string, points: Pt[], radii: number[], index: number) => {
    const path = asPath(points);
    const total = path.arc.at(-1)!;
    const r = Math.max(1, radii.reduce((a, b) => a + b, 0) / Math.max(1, radii.length));
    const count = Math.max(1, Math.min(6, Math.round(total / (3 * r))));
    let parent = from;
    for (let k = 1; k <= count; k++) {
      const name = `Branch${index}_${k}`;
      positions[name] = work.toPicture(pointAtArc(path, (k / count) * total));
      parents.push({ name, parent });
      sources[name] = 'outline';
      parent = name;
    }
  };
  let branch = 1;
  if (single) {
    const mid = asPath(single.points);
    const half = mid.arc.at(-1)! / 2;
    let split = 0;
    while (mid.arc[split]! < half) split++;
    positions.Root = work.toPicture(single.points[split]!);
    parents.push({ name: 'Root', parent: null });
    addBranch('Root', single.points.slice(split), single.radii.slice(split), branch++);
    addBranch(
      'Root',
      single.points.slice(0, split + 1).reverse(),
      single.radii.slice(0, split + 1).reverse(),
      branch++,
    );
  } else {
    positions.Root = work.toPicture([root.x, root.y]);
    parents.push({ name: 'Root', parent: null });
    // Depth-first over the tree from the root; each edge is one branch, chained onto its parent's end.
    const seen = new Set<number>([root.id]);
    const visit = (node: number, parentName: string) => {
      for (const e of edgesAt(graph, node)) {
        const to = otherEnd(e, node);
        if (seen.has(to)) continue;
        seen.add(to);
        const { points, radii } = pointsFrom(e, node);
        const index = branch++;
        addBranch(parentName, points, radii, index);
        visit(to, parents.at(-1)!.name);
      }
    };
    visit(root.id, 'Root');
  }
  sources.Root = 'outline';
  return { skeleton: skeletonFromPicture(parents, positions, mask), sources, warnings: [] };
}
