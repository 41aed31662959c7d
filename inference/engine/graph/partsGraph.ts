import { FLAT_COLUMNS, SPHERE_COLUMNS, TILT_COLUMNS } from '../../../core/render/parts/tileParams.js';
import { TILE_PX } from '../../../core/render/parts/tiles.js';
import { GraphBuilder } from '../../onnx/builder.js';
import { type Entries, type GraphContext, INT32, PATTERN } from './common.js';
import { compositeStage } from './compositeStage.js';
import { flatStage } from './flatStage.js';
import { resolveStage } from './resolveStage.js';
import { sphereStage } from './sphereStage.js';
import { tiltStage } from './tiltStage.js';

/**
 * The frame engine's ONNX graph, one for every character and size (all of a character's data
 * are inputs): entries from the three kinds of tiles (flat parts, tilted parts, joint spheres),
 * a depth resolve, the composite. Inputs:
 *   atlas int32 [N], atlasWidth int32 [], profileCentre / profileRadius float [R],
 *   flat / tilted / spheres: params float [T, C] and base int32 [T, 1] (tileParams.ts),
 *   frame int64 [4]: padded height, padded width, height, width.
 * Output: frame int32 [height, width], straight RGBA8 per pixel.
 */
export const PARTS_ENGINE_VERSION = 'parts-2';

export function buildPartsGraph(): Uint8Array {
  const g = new GraphBuilder('keypose-parts');
  g.stage = 'setup/';
  const atlas = g.input('atlas', 'int32', ['N']);
  const atlasWidth = g.input('atlasWidth', 'int32', []);
  const profileCentre = g.input('profileCentre', 'float32', ['R']);
  const profileRadius = g.input('profileRadius', 'float32', ['R']);
  const frame = g.input('frame', 'int64', [4]);
  const lists = {
    flat: [
      g.input('flatParams', 'float32', ['T1', FLAT_COLUMNS.length]),
      g.input('flatBase', 'int32', ['T1', 1]),
    ],
    tilted: [
      g.input('tiltParams', 'float32', ['T2', TILT_COLUMNS.length]),
      g.input('tiltBase', 'int32', ['T2', 1]),
    ],
    spheres: [
      g.input('sphereParams', 'float32', ['T3', SPHERE_COLUMNS.length]),
      g.input('sphereBase', 'int32', ['T3', 1]),
    ],
  } as const;
  const dim = (i: number) => g.op('Slice', [frame, g.constI([i]), g.constI([i + 1])]);
  const paddedHeight = dim(0);
  const paddedWidth = dim(1);
  const pixels = g.op('Mul', [paddedHeight, paddedWidth]);
  const slots = g.add(pixels, g.constI([1]));
  const ox: number[] = [];
  const oy: number[] = [];
  for (let y = 0; y < TILE_PX; y++) {
    for (let x = 0; x < TILE_PX; x++) {
      ox.push(x);
      oy.push(y);
    }
  }
  const oxF = g.constF(ox, [1, PATTERN]);
  const oyF = g.constF(oy, [1, PATTERN]);
  const widthI32 = g.op('Cast', [paddedWidth], { to: INT32 });
  const pixelOffset = g.add(
    g.mul(g.op('Cast', [oyF], { to: INT32 }), widthI32),
    g.op('Cast', [oxF], { to: INT32 }),
  );
  const ctx: GraphContext = {
    g,
    ox: oxF,
    oy: oyF,
    pixelOffset,
    atlas,
    atlasWidth,
    profileCentre,
    profileRadius,
  };
  // Node names carry their stage (bench/engineProfile.ts sums onnxruntime's profile by it).
  const stage = <T>(name: string, build: () => T): T => {
    g.stage = `${name}/`;
    return build();
  };
  const stages: Entries[] = [
    stage('flat', () => flatStage(ctx, lists.flat[0], lists.flat[1])),
    stage('tilt', () => tiltStage(ctx, lists.tilted[0], lists.tilted[1])),
    stage('sphere', () => sphereStage(ctx, lists.spheres[0], lists.spheres[1])),
  ];
  g.stage = 'resolve/';
  const cat = (pick: (e: Entries) => string) => g.op('Concat', stages.map(pick), { axis: 0 });
  const all: Entries = { texel: cat((e) => e.texel), key: cat((e) => e.key), pixel: cat((e) => e.pixel) };
  const resolved = resolveStage(g, all, slots);
  g.stage = 'composite/';
  const out = compositeStage(g, resolved, pixels, g.op('Concat', [paddedHeight, paddedWidth], { axis: 0 }), {
    height: dim(2),
    width: dim(3),
  });
  g.output(out, 'frame_rgba', 'int32', ['H', 'W']);
  return g.toBytes();
}
