import { describe, expect, it } from 'vitest';
import { type AtlasPlacement, alphaDistance, buildAtlas } from '../../../../core/render/parts/atlas.js';
import type { PartsRig } from '../../../../core/render/parts/types.js';
import type { RgbaImage } from '../../../../core/render/types.js';
import { figureCharacter } from '../../../fixtures/partsCharacter.js';

/**
 * buildAtlas skips transparent cells and computes a cell whose four taps are equal once: those
 * shortcuts must give the very bits of the plain per-texel resampling below (the atlas as first
 * written), at every atlas scale, or frames would change without an ENGINE_VERSION bump.
 */
const SDF_CLAMP = 1.5;

function plainResample(layer: RgbaImage, S: number, texels: Int32Array, atlasW: number, p: AtlasPlacement) {
  const { width: W, height: H, data } = layer;
  const sdf = alphaDistance(layer);
  const PW = W + 2;
  const PH = H + 2;
  const pm = new Float32Array(PW * PH * 4);
  const sd = new Float32Array(PW * PH).fill(-SDF_CLAMP);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const s = (y * W + x) * 4;
      const d = (y + 1) * PW + x + 1;
      const al = data[s + 3]! / 255;
      pm[d * 4] = data[s]! * al;
      pm[d * 4 + 1] = data[s + 1]! * al;
      pm[d * 4 + 2] = data[s + 2]! * al;
      pm[d * 4 + 3] = al;
      sd[d] = sdf[y * W + x]!;
    }
  }
  const taps = (n: number, size: number) => {
    const i0 = new Int32Array(n);
    const f = new Float32Array(n);
    for (let j = 0; j < n; j++) {
      const c = j / S - 0.5;
      const fl = Math.floor(c);
      i0[j] = Math.min(size, Math.max(-1, fl)) + 1;
      f[j] = c - fl;
    }
    return { i0, f };
  };
  const tx = taps(p.texelsX, W);
  const ty = taps(p.texelsY, H);
  for (let jy = 0; jy < p.texelsY; jy++) {
    const r0 = ty.i0[jy]! * PW;
    const r1 = Math.min(PH - 1, ty.i0[jy]! + 1) * PW;
    const fy = ty.f[jy]!;
    const out = (p.atlasY + jy) * atlasW + p.atlasX;
    for (let jx = 0; jx < p.texelsX; jx++) {
      const c0 = tx.i0[jx]!;
      const c1 = Math.min(PW - 1, c0 + 1);
      const fx = tx.f[jx]!;
      const w00 = (1 - fx) * (1 - fy);
      const w10 = fx * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w11 = fx * fy;
      const i00 = r0 + c0;
      const i10 = r0 + c1;
      const i01 = r1 + c0;
      const i11 = r1 + c1;
      const dist = w00 * sd[i00]! + w10 * sd[i10]! + w01 * sd[i01]! + w11 * sd[i11]!;
      const alpha = Math.round(Math.min(1, Math.max(0, 0.5 + dist)) * 255);
      if (alpha === 0) continue;
      const ai =
        w00 * pm[i00 * 4 + 3]! + w10 * pm[i10 * 4 + 3]! + w01 * pm[i01 * 4 + 3]! + w11 * pm[i11 * 4 + 3]!;
      if (ai < 1e-6) continue;
      let packed = alpha << 24;
      for (let ch = 0; ch < 3; ch++) {
        const v =
          w00 * pm[i00 * 4 + ch]! +
          w10 * pm[i10 * 4 + ch]! +
          w01 * pm[i01 * 4 + ch]! +
          w11 * pm[i11 * 4 + ch]!;
        packed |= Math.min(255, Math.max(0, Math.round(v / ai))) << (8 * ch);
      }
      texels[out + jx] = packed;
    }
  }
}

/** Flat fills, an anti-aliased disc, a soft glow, noise and a hole: every kind of cell. */
function mixedLayer(width: number, height: number, seed: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 2 ** 32;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const dx = x + 0.5 - width / 2;
      const dy = y + 0.5 - height / 2;
      const r = Math.hypot(dx, dy);
      const disc = Math.min(1, Math.max(0, width / 2.5 - r + 0.5));
      const glow = x < width / 4 ? Math.max(0, 0.4 - r / width) : 0;
      let a = Math.max(disc, glow);
      if (r < 2) a = 0;
      const noisy = y > (height * 3) / 4;
      data[o] = noisy ? Math.floor(rand() * 256) : x < width / 2 ? 200 : 30;
      data[o + 1] = noisy ? Math.floor(rand() * 256) : 90;
      data[o + 2] = y < height / 3 ? 250 : 10;
      data[o + 3] = noisy && a > 0 ? Math.floor(rand() * 256) : Math.round(a * 255);
    }
  }
  return { width, height, data };
}

function handRig(layers: RgbaImage[]): PartsRig {
  let x = 0;
  const parts = layers.map((l) => {
    const rect = { x, y: 3, width: l.width, height: l.height };
    x += l.width;
    return { rect };
  });
  return { parts, spheres: [], layers } as unknown as PartsRig;
}

function plainAtlas(rig: PartsRig, scale: number): Int32Array {
  const atlas = buildAtlas(rig, scale);
  const texels = new Int32Array(atlas.texels.length);
  rig.layers.forEach((layer, i) => {
    plainResample(layer, scale, texels, atlas.width, atlas.placements[i]!);
  });
  return texels;
}

describe('the parts atlas', () => {
  const rigs = {
    mixed: handRig([mixedLayer(23, 17, 1), mixedLayer(40, 31, 7), mixedLayer(1, 1, 3)]),
    figure: figureCharacter(48, 64).rig,
  };
  for (const [name, rig] of Object.entries(rigs)) {
    it.each([1, 2, 3, 4, 6, 8])(`gives the plain resampling's bits (${name}, scale %i)`, (scale) => {
      const fast = buildAtlas(rig, scale).texels;
      const plain = plainAtlas(rig, scale);
      let differing = 0;
      for (let i = 0; i < fast.length; i++) if (fast[i] !== plain[i]) differing++;
      expect(differing).toBe(0);
      // The case is not empty: most kinds of texel are there.
      expect(fast.some((t) => t !== 0 && t >>> 24 === 255)).toBe(true);
      expect(fast.some((t) => t !== 0 && t >>> 24 < 255)).toBe(true);
    });
  }
});
