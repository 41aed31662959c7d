import { FLAT_COLUMNS, SPHERE_COLUMNS, TILT_COLUMNS } from '../../../core/render/parts/tileParams.js';
import { SLOT_BUCKETS } from '../../../core/render/parts/tileSlots.js';
import { TILE_PX } from '../../../core/render/parts/tiles.js';
import { GraphBuilder } from '../../onnx/builder.js';
import { type Entries, type GraphContext, PATTERN } from './common.js';
import { compositeStage } from './compositeStage.js';
import { flatStage } from './flatStage.js';
import { resolveStage, type SlotInputs } from './resolveStage.js';
import { sphereStage } from './sphereStage.js';
import { tiltStage } from './tiltStage.js';

/**
 * The frame engine's ONNX graph, one for every character and size (all of a character's data
 * are inputs): entries from the three kinds of tiles (flat parts, tilted parts, joint spheres),
 * a depth resolve per tile, the composite. Inputs:
 *   atlas int32 [N], atlasWidth int32 [], profileCentre / profileRadius float [R],
 *   flatParams / tiltParams / sphereParams float [T, C] (tileParams.ts),
 *   slotRows<b> int32 [U_b, W_b] and slotBase<b> int32 [U_b, 1], b < SLOT_BUCKETS (tileSlots.ts),
 *   frame int64 [4]: padded height, padded width, height, width.
 * Output: frame int32 [height, width], straight RGBA8 per pixel.
 */
export const PARTS_ENGINE_VERSION = 'parts-3';

export function buildPartsGraph(): Uint8Array {
  const g = new GraphBuilder('keypose-parts');
  g.stage = 'setup/';
  const atlas = g.input('atlas', 'int32', ['N']);
  const atlasWidth = g.input('atlasWidth', 'int32', []);
  const profileCentre = g.input('profileCentre', 'float32', ['R']);
  const profileRadius = g.input('profileRadius', 'float32', ['R']);
  const frame = g.input('frame', 'int64', [4]);
  const flatParams = g.input('flatParams', 'float32', ['T1', FLAT_COLUMNS.length]);
  const tiltParams = g.input('tiltParams', 'float32', ['T2', TILT_COLUMNS.length]);
  const sphereParams = g.input('sphereParams', 'float32', ['T3', SPHERE_COLUMNS.length]);
  const buckets: SlotInputs[] = Array.from({ length: SLOT_BUCKETS }, (_, b) => ({
    rows: g.input(`slotRows${b}`, 'int32', [`U${b}`, `W${b}`]),
    base: g.input(`slotBase${b}`, 'int32', [`U${b}`, 1]),
  }));
  const dim = (i: number) => g.op('Slice', [frame, g.constI([i]), g.constI([i + 1])]);
  const paddedHeight = dim(0);
  const paddedWidth = dim(1);
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
  const ctx: GraphContext = {
    g,
    ox: oxF,
    oy: oyF,
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
    stage('flat', () => flatStage(ctx, flatParams)),
    stage('tilt', () => tiltStage(ctx, tiltParams)),
    stage('sphere', () => sphereStage(ctx, sphereParams)),
  ];
  g.stage = 'resolve/';
  const rows = (pick: (e: Entries) => string) =>
    g.op(
      'Concat',
      stages.map((e) => g.op('Reshape', [pick(e), g.constI([-1, PATTERN])])),
      { axis: 0 },
    );
  const resolved = resolveStage(g, { texel: rows((e) => e.texel), key: rows((e) => e.key) }, buckets);
  g.stage = 'composite/';
  // The output buffer: the padded frame and a spare tile row below it (tileSlots.ts).
  const bufferShape = g.op('Concat', [g.add(paddedHeight, g.constI([TILE_PX])), paddedWidth], { axis: 0 });
  const out = compositeStage(g, resolved, paddedWidth, bufferShape, { height: dim(2), width: dim(3) });
  g.output(out, 'frame_rgba', 'int32', ['H', 'W']);
  return g.toBytes();
}
