import type { PixelRect } from '../../../core/render/parts/types.js';
import type { RgbaImage } from '../../../core/render/types.js';
import { regionRect } from './layers.js';

/**
 * The joint spheres: where a part meets its parent, a sphere around the joint textured with the
 * art within its radius (the two parts' pixels there), so a bent joint shows a rounded joint
 * instead of the wedge two rigid parts open. Its radius is the child part's half-width at the
 * joint (the parent's where the child has none there).
 */
export interface SphereLayer {
  readonly rect: PixelRect;
  readonly image: RgbaImage;
}

export function sphereLayer(
  art: RgbaImage,
  labels: Int16Array,
  centreU: number,
  centreV: number,
  radius: number,
  owners: readonly number[],
): SphereLayer {
  const { width: W, height: H } = art;
  const x0 = Math.max(0, Math.floor(centreU - radius - 1));
  const y0 = Math.max(0, Math.floor(centreV - radius - 1));
  const x1 = Math.min(W, Math.ceil(centreU + radius + 1));
  const y1 = Math.min(H, Math.ceil(centreV + radius + 1));
  const inside: number[] = [];
  const cover: number[] = [];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = y * W + x;
      // Only opaque pixels: at the figure's anti-aliased silhouette the sphere would double the
      // pixel's coverage in the rest pose (it is composited under the part that owns it).
      if (!owners.includes(labels[i]!) || art.data[i * 4 + 3]! < 255) continue;
      const c = Math.min(1, Math.max(0, radius + 0.5 - Math.hypot(x + 0.5 - centreU, y + 0.5 - centreV)));
      if (c <= 0) continue;
      inside.push(i);
      cover.push(c);
    }
  }
  const list = Int32Array.from(inside);
  const rect = regionRect([list], W, H);
  const data = new Uint8Array(rect.width * rect.height * 4);
  list.forEach((i, k) => {
    const x = i % W;
    const y = (i - x) / W;
    const j = ((y - rect.y) * rect.width + (x - rect.x)) * 4;
    data.set(art.data.subarray(i * 4, i * 4 + 3), j);
    data[j + 3] = Math.round(art.data[i * 4 + 3]! * cover[k]!);
  });
  return { rect, image: { width: rect.width, height: rect.height, data } };
}
