import type { JointId } from '../../core/ids.js';
import type { RgbaImage } from '../../core/render/types.js';
import type { Skeleton } from '../../core/skeleton/types.js';

/**
 * Part hints from named layers (a layered PSD): a layer called "left arm", "L_forearm", "Head" or
 * "body/torso" says which joints own its pixels. Where layers overlap, the topmost named layer
 * owns the pixel (it is in front).
 */

/** Which joints may own which pixels (the parts rig keeps a hinted pixel in one of them). */
export interface PartHints {
  /** Per pixel of the picture (row-major, y down): index into `parts`, or -1 for no hint. */
  readonly owner: Int16Array;
  readonly parts: readonly {
    readonly name: string;
    /** The joints allowed to own the part's pixels; the first is the part's main joint. */
    readonly jointIds: readonly JointId[];
  }[];
}

/** A picture layer: its name (group names first, joined by "/"), position and pixels. */
export interface PartLayer {
  readonly name: string;
  readonly left: number;
  readonly top: number;
  readonly image: RgbaImage;
}

type Side = 'Left' | 'Right';

/** Keyword -> joint base names, most specific first. `sided` parts need a left/right marker. */
const PART_WORDS: readonly { words: readonly string[]; joints: readonly string[]; sided: boolean }[] = [
  { words: ['forearm', 'lower arm', 'lowerarm'], joints: ['ForeArm'], sided: true },
  { words: ['upper arm', 'upperarm', 'bicep', 'biceps'], joints: ['Arm'], sided: true },
  { words: ['hand', 'fist', 'fingers', 'glove', 'palm'], joints: ['Hand'], sided: true },
  { words: ['shoulder', 'clavicle'], joints: ['Shoulder', 'Arm'], sided: true },
  { words: ['arm', 'sleeve'], joints: ['Arm', 'ForeArm', 'Hand'], sided: true },
  { words: ['thigh', 'upper leg', 'upperleg', 'upleg'], joints: ['UpLeg'], sided: true },
  { words: ['shin', 'calf', 'lower leg', 'lowerleg', 'knee'], joints: ['Leg'], sided: true },
  { words: ['foot', 'feet', 'shoe', 'boot', 'toe', 'toes'], joints: ['Foot', 'ToeBase'], sided: true },
  { words: ['leg', 'trouser leg'], joints: ['UpLeg', 'Leg', 'Foot', 'ToeBase'], sided: true },
  {
    words: ['head', 'face', 'hair', 'eye', 'eyes', 'mouth', 'ear', 'ears', 'nose', 'hat', 'brow', 'eyebrow'],
    joints: ['Head'],
    sided: false,
  },
  { words: ['neck'], joints: ['Neck'], sided: false },
  {
    words: ['chest', 'torso', 'body', 'shirt', 'upper body', 'jacket', 'top'],
    joints: ['Chest', 'Spine'],
    sided: false,
  },
  { words: ['belly', 'stomach', 'abdomen', 'waist', 'spine', 'belt'], joints: ['Spine'], sided: false },
  {
    words: ['hips', 'hip', 'pelvis', 'pants', 'trousers', 'skirt', 'shorts'],
    joints: ['Hips'],
    sided: false,
  },
];

function normalise(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
}

function sideOf(tokens: readonly string[]): Side | null {
  if (tokens.some((t) => t === 'left' || t === 'l' || t === 'lft' || t === 'lt')) return 'Left';
  if (tokens.some((t) => t === 'right' || t === 'r' || t === 'rgt' || t === 'rt')) return 'Right';
  return null;
}

/**
 * The joints a layer name points at, by the skeleton's Mixamo-style names; [] when the name
 * names no body part (a "shading" layer) or names a sided part without a side. For a group path
 * ("left arm/sleeve") the innermost name that names a part wins.
 */
export function jointsForPartName(name: string, skeleton: Skeleton): JointId[] {
  const components = name.split('/').reverse();
  const side = sideOf(normalise(name));
  for (const component of components) {
    const tokens = normalise(component);
    const text = ` ${tokens.join(' ')} `;
    for (const part of PART_WORDS) {
      if (!part.words.some((w) => text.includes(` ${w} `))) continue;
      const partSide = sideOf(tokens) ?? side;
      if (part.sided && partSide === null) return [];
      const ids: JointId[] = [];
      for (const base of part.joints) {
        const jointName = part.sided ? `${partSide}${base}` : base;
        const joint = skeleton.joints.find((j) => j.name === jointName);
        if (joint) ids.push(joint.id);
      }
      return ids;
    }
  }
  return [];
}

/** Builds the per-pixel owner map for the parts rig; undefined when no layer names a part. */
export function buildPartHints(
  layers: readonly PartLayer[],
  widthPx: number,
  heightPx: number,
  skeleton: Skeleton,
): PartHints | undefined {
  const owner = new Int16Array(widthPx * heightPx).fill(-1);
  const parts: { name: string; jointIds: JointId[] }[] = [];
  // Bottom to top: a later (upper) layer takes over the pixels it covers.
  for (const layer of layers) {
    const jointIds = jointsForPartName(layer.name, skeleton);
    if (jointIds.length === 0) continue;
    const index = parts.length;
    parts.push({ name: layer.name, jointIds });
    const { image } = layer;
    for (let y = 0; y < image.height; y++) {
      const py = y + layer.top;
      if (py < 0 || py >= heightPx) continue;
      for (let x = 0; x < image.width; x++) {
        const px = x + layer.left;
        if (px < 0 || px >= widthPx) continue;
        if (image.data[(y * image.width + x) * 4 + 3]! >= 128) owner[py * widthPx + px] = index;
      }
    }
  }
  return parts.length > 0 ? { owner, parts } : undefined;
}
