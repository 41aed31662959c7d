import type { PixelRect } from '../../../core/render/parts/types.js';
import type { RgbaImage } from '../../../core/render/types.js';
import type { PartRegion } from './regions.js';

/**
 * A part's layer: its own pixels as the art has them, its hidden pixels filled with colours
 * continued from its own (onion-peel inpainting: ring by ring inwards from the known pixels, each
 * hidden pixel the weighted mean of its already filled neighbours), at their coverage.
 */
export interface Layer {
  readonly rect: PixelRect;
  readonly image: RgbaImage;
}

export function regionRect(indices: readonly Int32Array[], width: number, height: number): PixelRect {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (const list of indices) {
    for (const i of list) {
      const x = i % width;
      const y = (i - x) / width;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (x1 < 0) return { x: 0, y: 0, width: 1, height: 1 };
  // One transparent pixel around, so the layer's anti-aliased edge can resample into it.
  x0 = Math.max(0, x0 - 1);
  y0 = Math.max(0, y0 - 1);
  x1 = Math.min(width - 1, x1 + 1);
  y1 = Math.min(height - 1, y1 + 1);
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

export function partLayer(art: RgbaImage, region: PartRegion): Layer {
  const { width: W, height: H } = art;
  const rect = regionRect([region.own, region.hidden], W, H);
  const w = rect.width;
  const h = rect.height;
  const data = new Uint8Array(w * h * 4);
  const known = new Uint8Array(w * h);
  const at = (i: number) => {
    const x = i % W;
    const y = (i - x) / W;
    return (y - rect.y) * w + (x - rect.x);
  };
  for (const i of region.own) {
    const j = at(i);
    data.set(art.data.subarray(i * 4, i * 4 + 4), j * 4);
    // Fully transparent art pixels inside the figure carry no colour to continue.
    known[j] = art.data[i * 4 + 3]! > 0 ? 1 : 0;
  }
  const hole: number[] = [];
  region.hidden.forEach((i, k) => {
    const j = at(i);
    data[j * 4 + 3] = Math.round(255 * region.hiddenCoverage[k]!);
    hole.push(j);
  });
  fillFromNeighbours(data, known, hole, w, h);
  return { rect, image: { width: w, height: h, data } };
}

/**
 * Onion-peel fill of the `hole` pixels' colour (alpha is left as set) from `known` pixels.
 * Pixels no known pixel reaches get the mean known colour.
 */
export function fillFromNeighbours(
  data: Uint8Array,
  known: Uint8Array,
  hole: readonly number[],
  w: number,
  h: number,
): void {
  const state = Uint8Array.from(known); // 1 = has colour
  const inHole = new Uint8Array(w * h);
  for (const j of hole) inHole[j] = 1;
  let front = hole.filter((j) => hasKnownNeighbour(state, j, w, h));
  let remaining = hole.length;
  const colour = new Float64Array(3);
  while (front.length > 0 && remaining > 0) {
    const fills: [number, number, number, number][] = [];
    for (const j of front) {
      if (state[j]) continue;
      const x = j % w;
      const y = (j - x) / w;
      colour.fill(0);
      let wsum = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          if (dx === 0 && dy === 0) continue;
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const n = yy * w + xx;
          if (!state[n]) continue;
          const wt = dx !== 0 && dy !== 0 ? 0.7 : 1;
          for (let c = 0; c < 3; c++) colour[c]! += wt * data[n * 4 + c]!;
          wsum += wt;
        }
      }
      if (wsum > 0) fills.push([j, colour[0]! / wsum, colour[1]! / wsum, colour[2]! / wsum]);
    }
    const next = new Set<number>();
    for (const [j, r, g, b] of fills) {
      data[j * 4] = Math.round(r);
      data[j * 4 + 1] = Math.round(g);
      data[j * 4 + 2] = Math.round(b);
      state[j] = 1;
      remaining--;
    }
    for (const [j] of fills) {
      const x = j % w;
      const y = (j - x) / w;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
          const n = yy * w + xx;
          if (inHole[n] && !state[n]) next.add(n);
        }
      }
    }
    front = [...next];
  }
  if (remaining > 0) {
    const mean = [0, 0, 0];
    let count = 0;
    for (let j = 0; j < w * h; j++) {
      if (!known[j]) continue;
      for (let c = 0; c < 3; c++) mean[c]! += data[j * 4 + c]!;
      count++;
    }
    for (const j of hole) {
      if (state[j]) continue;
      for (let c = 0; c < 3; c++) data[j * 4 + c] = count > 0 ? Math.round(mean[c]! / count) : 0;
    }
  }
}

function hasKnownNeighbour(state: Uint8Array, j: number, w: number, h: number): boolean {
  const x = j % w;
  const y = (j - x) / w;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx;
      const yy = y + dy;
      if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
      if (state[yy * w + xx]) return true;
    }
  }
  return false;
}
