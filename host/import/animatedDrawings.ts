import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { RgbaImage } from '../../core/render/types.js';
import { createDefaultHumanoid } from '../../core/skeleton/humanoid.js';
import type { Skeleton } from '../../core/skeleton/types.js';
import { importPicture } from './decode.js';
import { fileSystemImportError, ImportError } from './errors.js';

/**
 * An Animated Drawings character folder: `char_cfg.yaml` (width, height and a 16-joint skeleton
 * of {loc: [x, y] in image pixels, name, parent}), `texture.png` (the drawing) and `mask.png`
 * (white = figure).
 *
 * Its joints map onto the Keypose humanoid like this (AD's left/right are the character's, as in
 * Keypose: the character's left is the viewer's right):
 *
 * | Keypose       | from Animated Drawings                                              |
 * | ------------- | ------------------------------------------------------------------- |
 * | Hips          | hip (root is the same point)                                        |
 * | Spine         | 24% of the way from hip to torso (template proportion)             |
 * | Chest         | 59% of the way from hip to torso (template proportion)             |
 * | Neck          | torso (AD's torso joint is the top of the torso, at the shoulders)  |
 * | Head          | 43% of the way from torso to neck (AD's neck sits in the head)      |
 * | Left/RightShoulder | 30% of the way from torso to left/right_shoulder (clavicle)    |
 * | Left/RightArm | left/right_shoulder                                                 |
 * | Left/RightForeArm | left/right_elbow                                                |
 * | Left/RightHand | left/right_hand                                                    |
 * | Left/RightUpLeg | left/right_hip                                                    |
 * | Left/RightLeg | left/right_knee                                                     |
 * | Left/RightFoot | left/right_foot                                                    |
 * | Left/RightToeBase | foot + 15% of the knee-to-foot vector (no AD counterpart)       |
 */

export const ANIMATED_DRAWINGS_JOINTS = [
  'root',
  'hip',
  'torso',
  'neck',
  'right_shoulder',
  'right_elbow',
  'right_hand',
  'left_shoulder',
  'left_elbow',
  'left_hand',
  'right_hip',
  'right_knee',
  'right_foot',
  'left_hip',
  'left_knee',
  'left_foot',
] as const;

type AdJointName = (typeof ANIMATED_DRAWINGS_JOINTS)[number];
type Pt = readonly [number, number];

const charCfgSchema = z.object({
  width: z.number().positive(),
  height: z.number().positive(),
  skeleton: z
    .array(
      z.object({
        loc: z.tuple([z.number(), z.number()]),
        name: z.string(),
        parent: z.string().nullable().optional(),
      }),
    )
    .min(1),
});

export interface AnimatedDrawingsCharacter {
  /** The texture with the mask as its alpha. */
  readonly rgba: RgbaImage;
  readonly skeleton: Skeleton;
  /** AD's own joints in texture pixels, by name. */
  readonly adJoints: Readonly<Record<AdJointName, Pt>>;
}

export async function isAnimatedDrawingsFolder(path: string): Promise<boolean> {
  try {
    return (await stat(join(path, 'char_cfg.yaml'))).isFile();
  } catch {
    return false;
  }
}

export async function importAnimatedDrawingsFolder(folder: string): Promise<AnimatedDrawingsCharacter> {
  const cfgPath = join(folder, 'char_cfg.yaml');
  let cfgText: string;
  try {
    cfgText = await readFile(cfgPath, 'utf8');
  } catch (error) {
    const e = fileSystemImportError(error, cfgPath);
    if (e.reason === 'not-found') {
      throw new ImportError(
        'invalid-character-folder',
        folder,
        'not an Animated Drawings folder: char_cfg.yaml is missing',
      );
    }
    throw e;
  }
  let raw: unknown;
  try {
    raw = parseYaml(cfgText);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ImportError('invalid-character-folder', cfgPath, `char_cfg.yaml is not valid YAML (${detail})`);
  }
  const parsed = charCfgSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ImportError(
      'invalid-character-folder',
      cfgPath,
      `char_cfg.yaml is not an Animated Drawings config: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'bad shape'}`,
    );
  }
  const cfg = parsed.data;
  const texture = await importPicture(join(folder, 'texture.png'));
  const maskPicture = await importPicture(join(folder, 'mask.png'));
  const { width, height } = texture.rgba;
  if (maskPicture.rgba.width !== width || maskPicture.rgba.height !== height) {
    throw new ImportError(
      'invalid-character-folder',
      join(folder, 'mask.png'),
      `mask.png is ${maskPicture.rgba.width}x${maskPicture.rgba.height} but texture.png is ${width}x${height}`,
    );
  }
  const data = Uint8Array.from(texture.rgba.data);
  for (let p = 0; p < width * height; p++) {
    // Mask: white (or opaque white) = figure; the texture's own alpha still applies.
    const m = maskPicture.rgba.data[p * 4]! >= 128 && maskPicture.rgba.data[p * 4 + 3]! >= 128 ? 255 : 0;
    data[p * 4 + 3] = Math.min(data[p * 4 + 3]!, m);
  }
  // Joint locations are in the config's pixel grid; the texture may have been saved at another size.
  const sx = width / cfg.width;
  const sy = height / cfg.height;
  const found = new Map(cfg.skeleton.map((j) => [j.name, [j.loc[0] * sx, j.loc[1] * sy] as Pt]));
  const missing = ANIMATED_DRAWINGS_JOINTS.filter((name) => !found.has(name));
  if (missing.length > 0) {
    throw new ImportError(
      'invalid-character-folder',
      cfgPath,
      `char_cfg.yaml lacks the joints ${missing.join(', ')}`,
    );
  }
  const adJoints = Object.fromEntries(ANIMATED_DRAWINGS_JOINTS.map((n) => [n, found.get(n)!])) as Record<
    AdJointName,
    Pt
  >;
  return {
    rgba: { width, height, data },
    skeleton: humanoidFromAnimatedDrawings(adJoints, width, height),
    adJoints,
  };
}

/** The Keypose humanoid placed on AD joints (image pixels, y down) per the table above. */
export function humanoidFromAnimatedDrawings(
  ad: Readonly<Record<AdJointName, Pt>>,
  widthPx: number,
  heightPx: number,
): Skeleton {
  const lerp = (a: Pt, b: Pt, t: number): Pt => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
  const toe = (foot: Pt, knee: Pt): Pt => lerp(foot, knee, -0.15);
  const image: Record<string, Pt> = {
    Hips: ad.hip,
    Spine: lerp(ad.hip, ad.torso, 0.24),
    Chest: lerp(ad.hip, ad.torso, 0.59),
    Neck: ad.torso,
    Head: lerp(ad.torso, ad.neck, 0.43),
    LeftShoulder: lerp(ad.torso, ad.left_shoulder, 0.3),
    LeftArm: ad.left_shoulder,
    LeftForeArm: ad.left_elbow,
    LeftHand: ad.left_hand,
    RightShoulder: lerp(ad.torso, ad.right_shoulder, 0.3),
    RightArm: ad.right_shoulder,
    RightForeArm: ad.right_elbow,
    RightHand: ad.right_hand,
    LeftUpLeg: ad.left_hip,
    LeftLeg: ad.left_knee,
    LeftFoot: ad.left_foot,
    LeftToeBase: toe(ad.left_foot, ad.left_knee),
    RightUpLeg: ad.right_hip,
    RightLeg: ad.right_knee,
    RightFoot: ad.right_foot,
    RightToeBase: toe(ad.right_foot, ad.right_knee),
  };
  const ys = Object.values(ad).map((p) => p[1]);
  // Depth (the toes' forward offset) scales with the figure; the joints span ~85% of its height.
  const figureHeightPx = Math.max(1, (Math.max(...ys) - Math.min(...ys)) / 0.85);
  const template = createDefaultHumanoid({ heightPx: figureHeightPx });
  return {
    joints: template.joints.map((joint) => {
      const p = image[joint.name];
      if (!p) return joint;
      return { ...joint, restPosition: [p[0] - widthPx / 2, heightPx / 2 - p[1], joint.restPosition[2]] };
    }),
  };
}
