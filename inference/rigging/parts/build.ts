import {
  PARTS_FORMAT,
  type PartsRig,
  type RigPart,
  type RigSphere,
} from '../../../core/render/parts/types.js';
import type { RgbaImage } from '../../../core/render/types.js';
import type { Skeleton } from '../../../core/skeleton/types.js';
import type { PartHints } from '../partHints.js';
import { hierarchyLevels, partAxes } from './axes.js';
import { partLayer } from './layers.js';
import { partProfile, radiusNear } from './profile.js';
import { partRegions } from './regions.js';
import { segmentParts } from './segment.js';
import { partShape } from './shapes.js';
import { sphereLayer } from './spheres.js';

/**
 * Decomposes a rigged picture into the frame engine's layered parts (core/render/parts/types.ts):
 * segmentation (which joint owns each pixel) -> axes -> depth order -> full regions (own + hidden) ->
 * layers with completed colours -> cross-section profiles -> joint spheres. Each stage is its own
 * module with its own tests (tests/inference/rigging/parts/).
 */
export interface PartsInput {
  readonly art: RgbaImage;
  /** The figure: 1 = figure, row-major, the art's size. */
  readonly mask: Uint8Array;
  readonly skeleton: Skeleton;
  readonly partHints?: PartHints | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** Depth tie-break per level of the joint hierarchy: children in front of their parents. */
export const LEVEL_BIAS_PX = 2;
/** A joint sphere sits this far behind the two parts that meet at it. */
export const SPHERE_BIAS_PX = 1;

export function buildPartsRig(input: PartsInput): PartsRig {
  const { art, skeleton } = input;
  const { width, height } = art;
  const jointIndex = new Map(skeleton.joints.map((j, i) => [j.id as string, i]));
  const jointLabels = segmentParts(input);
  // Joints that own pixels become parts, in skeleton order.
  const counts = new Int32Array(skeleton.joints.length);
  for (let i = 0; i < jointLabels.length; i++) {
    const j = jointLabels[i]!;
    if (j >= 0) counts[j]!++;
  }
  const partOfJoint = new Int32Array(skeleton.joints.length).fill(-1);
  const partJoints: number[] = [];
  counts.forEach((c, j) => {
    if (c > 0) {
      partOfJoint[j] = partJoints.length;
      partJoints.push(j);
    }
  });
  const labels = new Int16Array(width * height).fill(-1);
  for (let i = 0; i < labels.length; i++) {
    const j = jointLabels[i]!;
    labels[i] = j >= 0 ? partOfJoint[j]! : -1;
  }
  const allAxes = partAxes(skeleton, width, height);
  const levels = hierarchyLevels(skeleton);
  const axes = partJoints.map((j) => allAxes[j]!);
  const biases = partJoints.map((j) => LEVEL_BIAS_PX * levels[j]!);
  const alpha = new Uint8Array(width * height);
  for (let i = 0; i < alpha.length; i++) alpha[i] = art.data[i * 4 + 3]!;
  const regions = partRegions({ width, height, labels, axes, biases, alpha });

  const layers: RgbaImage[] = [];
  const parts: RigPart[] = partJoints.map((j, k) => {
    const joint = skeleton.joints[j]!;
    const layer = partLayer(art, regions[k]!);
    layers.push(layer.image);
    const profile = partProfile(regions[k]!, axes[k]!, width);
    const shape = partShape(joint.name);
    return {
      jointId: joint.id,
      ...axes[k]!,
      tMin: profile.tMin,
      centre: profile.centre,
      radius: profile.radius,
      depthRatio: shape.depthRatio,
      depthCentre: shape.depthCentre,
      bias: biases[k]!,
      rect: layer.rect,
    };
  });

  const sphereLayers: RgbaImage[] = [];
  const spheres: RigSphere[] = [];
  partJoints.forEach((j, k) => {
    const joint = skeleton.joints[j]!;
    const parentJoint = joint.parentId === null ? -1 : jointIndex.get(joint.parentId)!;
    const parentPart = parentJoint >= 0 ? partOfJoint[parentJoint]! : -1;
    if (parentPart < 0) return;
    const part = parts[k]!;
    let radius = radiusNear({ tMin: part.tMin, centre: part.centre, radius: part.radius }, -1, 3);
    if (radius <= 0) {
      const pa = parts[parentPart]!;
      const t = (part.originU - pa.originU) * pa.axisU + (part.originV - pa.originV) * pa.axisV;
      radius = radiusNear({ tMin: pa.tMin, centre: pa.centre, radius: pa.radius }, t - 2, t + 2);
    }
    if (radius < 1) return;
    const layer = sphereLayer(art, labels, part.originU, part.originV, radius, [k, parentPart]);
    sphereLayers.push(layer.image);
    spheres.push({
      jointId: joint.id,
      centreU: part.originU,
      centreV: part.originV,
      radius,
      bias: Math.min(part.bias, parts[parentPart]!.bias) - SPHERE_BIAS_PX,
      rect: layer.rect,
    });
  });
  return {
    format: PARTS_FORMAT,
    width,
    height,
    parts,
    spheres,
    layers: [...layers, ...sphereLayers],
    labels,
  };
}
