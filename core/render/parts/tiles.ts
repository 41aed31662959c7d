import type { PosedFrame } from './posed.js';
import type { PartsRig } from './types.js';

/**
 * Which output tiles each posed part and sphere can touch: the frame engine evaluates only those
 * tiles' pixels for it, so a frame costs the pixels each part covers, not pixels x parts.
 *
 * A part's layer is cut once into BLOCK_PX blocks of the rest picture, keeping the blocks that
 * hold any of its pixels (partBlocks). Each frame every kept block's corners are carried to the
 * output by the part's pose (with its depth extent, for a tilted part), and the tiles under the
 * box they span are the part's. Spheres take the tiles under their circle's box.
 */
export const TILE_PX = 8;
export const BLOCK_PX = 8;

/** Per part, its occupied rest blocks as [u0, v0, u1, v1] rectangles (imagePx). */
export interface PartBlocks {
  readonly blocks: readonly Float32Array[];
  /** Per part, the largest depth reach of its cross-sections (pixels), for tilted parts. */
  readonly depthReach: readonly number[];
}

export function partBlocks(rig: PartsRig): PartBlocks {
  const blocks = rig.parts.map((part, k) => {
    const layer = rig.layers[k]!;
    const { rect } = part;
    const out: number[] = [];
    for (let by = 0; by < rect.height; by += BLOCK_PX) {
      for (let bx = 0; bx < rect.width; bx += BLOCK_PX) {
        const y1 = Math.min(rect.height, by + BLOCK_PX);
        const x1 = Math.min(rect.width, bx + BLOCK_PX);
        let any = false;
        for (let y = by; y < y1 && !any; y++) {
          for (let x = bx; x < x1; x++) {
            if (layer.data[(y * rect.width + x) * 4 + 3]! > 0) {
              any = true;
              break;
            }
          }
        }
        // One pixel of margin: the resampled layer reaches half a pixel beyond its pixels.
        if (any) out.push(rect.x + bx - 1, rect.y + by - 1, rect.x + x1 + 1, rect.y + y1 + 1);
      }
    }
    return Float32Array.from(out);
  });
  const depthReach = rig.parts.map((p) => {
    let r = 0;
    for (let i = 0; i < p.radius.length; i++) r = Math.max(r, p.radius[i]!);
    return r * p.depthRatio * (1 + Math.abs(p.depthCentre)) + 1;
  });
  return { blocks, depthReach };
}

export interface TilePlan {
  /** Output size rounded up to whole tiles. */
  readonly tilesX: number;
  readonly tilesY: number;
  /** Per list, pairs (tile index, part or sphere index). */
  readonly flat: Int32Array;
  readonly tilted: Int32Array;
  readonly spheres: Int32Array;
}

export function planTiles(frame: PosedFrame, blocks: PartBlocks): TilePlan {
  const tilesX = Math.ceil(frame.width / TILE_PX);
  const tilesY = Math.ceil(frame.height / TILE_PX);
  const seen = new Int32Array(tilesX * tilesY).fill(-1);
  const flat: number[] = [];
  const tilted: number[] = [];
  const spheres: number[] = [];
  const s = frame.scale;
  const ox = frame.offsetX;
  const oy = frame.offsetY;
  let stamp = 0;
  const markBox = (x0: number, y0: number, x1: number, y1: number, index: number, list: number[]) => {
    const tx0 = Math.max(0, Math.floor(x0 / TILE_PX));
    const ty0 = Math.max(0, Math.floor(y0 / TILE_PX));
    const tx1 = Math.min(tilesX - 1, Math.floor(x1 / TILE_PX));
    const ty1 = Math.min(tilesY - 1, Math.floor(y1 / TILE_PX));
    for (let ty = ty0; ty <= ty1; ty++) {
      for (let tx = tx0; tx <= tx1; tx++) {
        const t = ty * tilesX + tx;
        if (seen[t] === stamp) continue;
        seen[t] = stamp;
        list.push(t, index);
      }
    }
  };
  for (const part of frame.parts) {
    stamp++;
    const list = part.flat ? flat : tilted;
    const rest = blocks.blocks[part.index]!;
    const reach = part.flat ? 0 : blocks.depthReach[part.index]!;
    const { origin: O, axisT: A, axisL: B, axisD: N } = part;
    // Rest imagePx (u, v) lies at local t = (p - o) . a, l = (p - o) . b, d = 0.
    const a0 = part.restAxis;
    for (let i = 0; i < rest.length; i += 4) {
      let x0 = Number.POSITIVE_INFINITY;
      let y0 = Number.POSITIVE_INFINITY;
      let x1 = Number.NEGATIVE_INFINITY;
      let y1 = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < 4; c++) {
        const u = rest[i + (c & 1 ? 2 : 0)]! - a0[0];
        const v = rest[i + (c & 2 ? 3 : 1)]! - a0[1];
        const t = u * a0[2] + v * a0[3];
        const l = -u * a0[3] + v * a0[2];
        // The corner at depth -reach and +reach (once, at 0, for a flat part); no array per
        // corner: this loop runs for every block of every part each frame.
        for (let k = reach === 0 ? 1 : 0; k < 2; k++) {
          const d = k === 0 ? -reach : reach;
          const x = (O[0] + t * A[0] + l * B[0] + d * N[0]) * s + ox;
          const y = (O[1] + t * A[1] + l * B[1] + d * N[1]) * s + oy;
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
      markBox(x0 - 1, y0 - 1, x1 + 1, y1 + 1, part.index, list);
    }
  }
  for (const sphere of frame.spheres) {
    stamp++;
    const [bx0, by0, bx1, by1] = sphere.bounds;
    if (bx1 <= bx0 || by1 <= by0) continue;
    markBox(bx0, by0, bx1 - 1, by1 - 1, sphere.index, spheres);
  }
  return {
    tilesX,
    tilesY,
    flat: Int32Array.from(flat),
    tilted: Int32Array.from(tilted),
    spheres: Int32Array.from(spheres),
  };
}
