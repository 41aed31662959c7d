import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { SLOT_BUCKETS, tileSlots } from '../../../core/render/parts/tileSlots.js';
import { TILE_PX, type TilePlan } from '../../../core/render/parts/tiles.js';
import { PATTERN } from '../../../inference/engine/graph/common.js';
import { NO_KEY, resolveStage, type SlotInputs } from '../../../inference/engine/graph/resolveStage.js';
import { GraphBuilder } from '../../../inference/onnx/builder.js';
import { random } from './propertyHelpers.js';

/**
 * The per-tile depth resolve (resolveStage.ts on tileSlots.ts's buckets) against the all-parts
 * resolve it replaced, written out here per pixel: every entry of every list scattered to its
 * pixel, front = the largest key (of equal keys the last entry), second = the front-most opaque
 * entry behind it, else the front-most entry behind it (of equal keys the last). Random plans with
 * many ties, translucent and opaque texels, tiles with one slot and with many, empty lists and
 * empty buckets. A fault in the slot order, the padding, the tie rule or the second's rule
 * changes some pixel here.
 */
const OPAQUE = 0xff000000 | 0;

function graph(): Uint8Array {
  const g = new GraphBuilder('resolve-test');
  const texel = g.input('texel', 'int32', ['R', PATTERN]);
  const key = g.input('key', 'float32', ['R', PATTERN]);
  const buckets: SlotInputs[] = Array.from({ length: SLOT_BUCKETS }, (_, b) => ({
    rows: g.input(`slotRows${b}`, 'int32', [`U${b}`, `W${b}`]),
    base: g.input(`slotBase${b}`, 'int32', [`U${b}`, 1]),
  }));
  const r = resolveStage(g, { texel, key }, buckets);
  g.output(r.front, 'front', 'int32', ['U', PATTERN]);
  g.output(r.second, 'second', 'int32', ['U', PATTERN]);
  g.output(r.base, 'base', 'int32', ['U', 1]);
  return g.toBytes();
}

/** A random plan: each list pairs tiles with parts, a part at most once per tile. */
function randomPlan(rnd: () => number, tilesX: number, tilesY: number, parts: number[]): TilePlan {
  const list = (n: number) => {
    const out: number[] = [];
    for (let p = 0; p < n; p++) {
      for (let t = 0; t < tilesX * tilesY; t++) if (rnd() < 0.35) out.push(t, p);
    }
    return Int32Array.from(out);
  };
  return { tilesX, tilesY, flat: list(parts[0]!), tilted: list(parts[1]!), spheres: list(parts[2]!) };
}

/** The all-parts resolve, per padded pixel: front and second texels. */
function allParts(plan: TilePlan, texel: Int32Array, key: Float32Array) {
  const width = plan.tilesX * TILE_PX;
  const n = width * plan.tilesY * TILE_PX;
  const entries: { pixel: number; texel: number; key: number }[] = [];
  let row = 0;
  for (const pairs of [plan.flat, plan.tilted, plan.spheres]) {
    for (let i = 0; i < pairs.length; i += 2) {
      const t = pairs[i]!;
      const base = Math.floor(t / plan.tilesX) * TILE_PX * width + (t % plan.tilesX) * TILE_PX;
      for (let p = 0; p < PATTERN; p++) {
        const pixel = base + Math.floor(p / TILE_PX) * width + (p % TILE_PX);
        entries.push({
          pixel,
          texel: texel[(row + i / 2) * PATTERN + p]!,
          key: key[(row + i / 2) * PATTERN + p]!,
        });
      }
    }
    row += Math.max(1, pairs.length / 2);
  }
  const opaque = (c: number) => c >= -16777216 && c < 0;
  const max = (pick: (e: (typeof entries)[number]) => boolean) => {
    const best = new Float64Array(n).fill(NO_KEY);
    for (const e of entries) if (pick(e)) best[e.pixel] = Math.max(best[e.pixel]!, e.key);
    return best;
  };
  const best1 = max((e) => e.texel !== 0);
  const isFront = (e: (typeof entries)[number]) => e.texel !== 0 && e.key === best1[e.pixel];
  const front = new Int32Array(n);
  for (const e of entries) if (isFront(e)) front[e.pixel] = e.texel;
  const behind = (e: (typeof entries)[number]) => e.texel !== 0 && !isFront(e);
  const bestOpaque = max((e) => behind(e) && opaque(e.texel));
  const candidate = (e: (typeof entries)[number]) =>
    behind(e) && (opaque(e.texel) || !(bestOpaque[e.pixel]! > NO_KEY));
  const best2 = max(candidate);
  const second = new Int32Array(n);
  for (const e of entries) if (candidate(e) && e.key === best2[e.pixel]) second[e.pixel] = e.texel;
  return { front, second, width };
}

describe('the per-tile resolve', () => {
  it.each([
    [1, 4, 3, [3, 2, 2]],
    [2, 5, 4, [6, 5, 4]],
    [3, 3, 3, [0, 4, 0]],
    [4, 6, 2, [1, 0, 0]],
    [5, 4, 4, [9, 0, 7]],
  ])('equals the all-parts resolve (seed %i, %ix%i tiles, parts %j)', async (seed, tilesX, tilesY, parts) => {
    const rnd = random(seed);
    const plan = randomPlan(rnd, tilesX, tilesY, parts);
    const slots = tileSlots(plan);
    const rows = slots.inertRow;
    const texel = new Int32Array(rows * PATTERN);
    const key = new Float32Array(rows * PATTERN);
    const palette = [0, 0, OPAQUE | 0x112233, OPAQUE | 0x445566, 0x80aabbcc | 0, 0x20ddeeff, 0x7f010203];
    for (let i = 0; i < texel.length; i++) {
      texel[i] = palette[Math.floor(rnd() * palette.length)]!;
      // Few distinct keys: many ties between entries at one pixel.
      key[i] = Math.floor(rnd() * 4) - 1.5;
    }
    const session = await ort.InferenceSession.create(graph());
    const feeds: Record<string, ort.Tensor> = {
      texel: new ort.Tensor('int32', texel, [rows, PATTERN]),
      key: new ort.Tensor('float32', key, [rows, PATTERN]),
    };
    slots.buckets.forEach((b, i) => {
      feeds[`slotRows${i}`] = new ort.Tensor('int32', b.rows, [b.tiles, b.width]);
      feeds[`slotBase${i}`] = new ort.Tensor('int32', b.base, [b.tiles, 1]);
    });
    const out = await session.run(feeds);
    const want = allParts(plan, texel, key);
    const front = out.front!.data as Int32Array;
    const second = out.second!.data as Int32Array;
    const base = out.base!.data as Int32Array;
    const n = want.front.length;
    const gotFront = new Int32Array(n);
    const gotSecond = new Int32Array(n);
    const written = new Uint8Array(n);
    for (let u = 0; u < base.length; u++) {
      for (let p = 0; p < PATTERN; p++) {
        const pixel = base[u]! + Math.floor(p / TILE_PX) * want.width + (p % TILE_PX);
        // Inert tiles write below the frame; each real pixel is written once.
        if (pixel >= n) {
          expect(front[u * PATTERN + p]).toBe(0);
          continue;
        }
        expect(written[pixel]).toBe(0);
        written[pixel] = 1;
        gotFront[pixel] = front[u * PATTERN + p]!;
        gotSecond[pixel] = second[u * PATTERN + p]!;
      }
    }
    expect(Array.from(gotFront)).toEqual(Array.from(want.front));
    expect(Array.from(gotSecond)).toEqual(Array.from(want.second));
    await session.release();
  });
});
