import { TILE_PX } from '../../../core/render/parts/tiles.js';
import type { GraphBuilder } from '../../onnx/builder.js';
import { FLOAT, flatten, INT32, INT64, UINT32 } from './common.js';
import { type Resolved, tensorAttr } from './resolveStage.js';

/**
 * The output frame: the front texel of each pixel, and where it is partly transparent over a
 * second texel, front "over" second (straight alpha, as core/render/parts/reference.ts
 * blendTexels). Only those pixels (anti-aliased edges over another part) are unpacked and
 * blended; they are gathered by NonZero and scattered back. All of it on the touched tiles'
 * pixels only; they are then scattered into a frame of transparent pixels (with a spare tile row
 * below, where an empty bucket's inert tile goes: tileSlots.ts) and the padding is cropped:
 * [height, width] int32, whose bytes are the frame's RGBA8.
 */
export function compositeStage(
  g: GraphBuilder,
  r: Resolved,
  paddedWidth: string,
  bufferShape: string,
  crop: { height: string; width: string },
): string {
  // Front alpha below 255: the packed int32 is outside [-16777216, -1] (alpha in the top byte).
  const f = flatten(g, r.front);
  const s = flatten(g, r.second);
  const opaque = g.op('And', [
    g.op('GreaterOrEqual', [f, g.constI32(-16777216)]),
    g.op('Less', [f, g.constI32(0)]),
  ]);
  const blend = g.op('And', [g.op('Not', [opaque]), g.op('Not', [g.op('Equal', [s, g.constI32(0)])])]);
  const where = g.op('Transpose', [g.op('NonZero', [blend])], { perm: [1, 0] });
  const fb = g.op('GatherND', [f, where]);
  const sb = g.op('GatherND', [s, where]);
  const unpack = (packed: string) => {
    const u = g.op('Cast', [packed], { to: UINT32 });
    const ch = (shift: number) => {
      const shifted = shift === 0 ? u : g.op('BitShift', [u, uint32(g, shift)], { direction: 'RIGHT' });
      return g.op('Cast', [g.op('BitwiseAnd', [shifted, uint32(g, 255)])], { to: FLOAT });
    };
    return [ch(0), ch(8), ch(16), ch(24)] as const;
  };
  const [fr, fg, fbB, fa] = unpack(fb);
  const [sr, sg, sbB, sa] = unpack(sb);
  const inv255 = g.scalarF(1 / 255);
  const af = g.mul(fa, inv255);
  const ws = g.mul(g.mul(sa, inv255), g.sub(g.scalarF(1), af));
  const a = g.add(af, ws);
  const invA = g.div(g.scalarF(1), a);
  const channel = (cf: string, cs: string) => g.mul(g.add(g.mul(cf, af), g.mul(cs, ws)), invA);
  const round = (v: string) => g.op('Cast', [g.op('Round', [v])], { to: UINT32 });
  const rgba = [
    round(channel(fr, sr)),
    round(channel(fg, sg)),
    round(channel(fbB, sbB)),
    round(g.mul(a, g.scalarF(255))),
  ];
  let packed = rgba[0]!;
  for (let k = 1; k < 4; k++) {
    packed = g.op('BitwiseOr', [
      packed,
      g.op('BitShift', [rgba[k]!, uint32(g, 8 * k)], { direction: 'LEFT' }),
    ]);
  }
  const blended = g.op('Cast', [packed], { to: INT32 });
  const pixels = g.op('ScatterND', [f, where, blended]);
  // Into the frame by rows of a tile (TILE_PX pixels, contiguous in the frame): one copy per
  // row where a scatter per pixel cost several ns each. Row oy of the tile at base b is row
  // b / TILE_PX + oy * paddedWidth / TILE_PX of the frame seen as [rows, TILE_PX].
  const rowsWide = g.op('Div', [paddedWidth, g.constI([TILE_PX])]);
  const frameRows = g.op('Div', [g.op('ReduceProd', [bufferShape], { keepdims: 1 }), g.constI([TILE_PX])]);
  const empty = g.op('ConstantOfShape', [g.op('Concat', [frameRows, g.constI([TILE_PX])], { axis: 0 })], {
    value: tensorAttr('int32', 0),
  });
  const firstRow = g.op('Div', [g.op('Cast', [r.base], { to: INT64 }), g.constI([TILE_PX])]);
  const tileRows = g.add(firstRow, g.mul(g.constI(range(TILE_PX), [1, TILE_PX]), rowsWide));
  const at = g.op('Reshape', [tileRows, g.constI([-1, 1])]);
  const updates = g.op('Reshape', [pixels, g.constI([-1, TILE_PX])]);
  const frame = g.op('ScatterND', [empty, at, updates]);
  const image = g.op('Reshape', [frame, bufferShape]);
  return g.op('Slice', [image, g.constI([0, 0]), g.op('Concat', [crop.height, crop.width], { axis: 0 })]);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function uint32(g: GraphBuilder, v: number): string {
  return g.tensor('uint32', new Uint8Array(Uint32Array.of(v).buffer), []);
}
