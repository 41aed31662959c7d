import { homographyFrom, type Pt } from '../../../../core/image/homography.js';
import type { RgbaImage } from '../../../../core/render/types.js';

/**
 * A drawing "photographed with a phone": the page lies on a wooden desk, seen in perspective
 * (corners moved in by up to `tilt` of the page), lit unevenly (a linear gradient and vignette
 * falloff), with a soft shadow across part of it (a hand or the phone), camera noise, and the
 * page's own paper grain. Deterministic for a seed.
 */
export interface PhotoOptions {
  readonly width: number;
  readonly height: number;
  readonly seed?: number;
  /** How far the far corners move in, as a fraction of the page (perspective strength). */
  readonly tilt?: number;
  /** Darkness of the shadow at its core (0..1). */
  readonly shadow?: number;
}

export interface Photo {
  readonly image: RgbaImage;
  /** Where the drawing's corners ended up (photo pixels): TL, TR, BR, BL. */
  readonly corners: [Pt, Pt, Pt, Pt];
}

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export function photograph(drawing: RgbaImage, opts: PhotoOptions): Photo {
  const { width, height } = opts;
  const random = rng(opts.seed ?? 7);
  const tilt = opts.tilt ?? 0.1;
  // The page fills about 70% of the shot, a little off centre.
  const aspect = drawing.width / drawing.height;
  const pageH = 0.74 * height;
  const pageW = Math.min(0.8 * width, pageH * aspect);
  const ph = pageW / aspect;
  const cx = width * (0.5 + (random() - 0.5) * 0.06);
  const cy = height * (0.5 + (random() - 0.5) * 0.06);
  const jitter = () => (random() - 0.5) * 0.03;
  // Perspective: the top edge (farther away) narrower than the bottom edge.
  const corners: [Pt, Pt, Pt, Pt] = [
    [cx - pageW / 2 + tilt * pageW * (0.5 + jitter()), cy - ph / 2 + jitter() * ph],
    [cx + pageW / 2 - tilt * pageW * (0.5 + jitter()), cy - ph / 2 + jitter() * ph],
    [cx + pageW / 2 + jitter() * pageW, cy + ph / 2 + jitter() * ph],
    [cx - pageW / 2 + jitter() * pageW, cy + ph / 2 + jitter() * ph],
  ];
  const toDrawing = homographyFrom(corners, [
    [0, 0],
    [drawing.width, 0],
    [drawing.width, drawing.height],
    [0, drawing.height],
  ]);
  const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = toDrawing as number[];
  const out = new Uint8Array(width * height * 4);
  const dw = drawing.width;
  const dh = drawing.height;
  const src = drawing.data;
  // Shadow: a soft disc entering from one side of the page.
  const shadowC: Pt = [cx + pageW * 0.45, cy - ph * 0.15];
  const shadowR = 0.35 * ph;
  const shadowDark = opts.shadow ?? 0.35;
  let noiseState = (opts.seed ?? 7) * 2654435761;
  const noise = () => {
    noiseState = (noiseState * 1103515245 + 12345) >>> 0;
    return ((noiseState >>> 16) & 0xff) / 255 - 0.5;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const w = h6! * x + h7! * y + h8!;
      const u = (h0! * x + h1! * y + h2!) / w;
      const v = (h3! * x + h4! * y + h5!) / w;
      let r: number;
      let g: number;
      let b: number;
      if (u >= 0 && v >= 0 && u < dw - 1 && v < dh - 1) {
        const x0 = Math.floor(u);
        const y0 = Math.floor(v);
        const fx = u - x0;
        const fy = v - y0;
        const p = (y0 * dw + x0) * 4;
        const q = p + dw * 4;
        const s = (c: number) =>
          (src[p + c]! * (1 - fx) + src[p + 4 + c]! * fx) * (1 - fy) +
          (src[q + c]! * (1 - fx) + src[q + 4 + c]! * fx) * fy;
        // Slightly warm paper with grain.
        const grain = 1 + 0.02 * noise();
        r = s(0) * 0.98 * grain;
        g = s(1) * 0.96 * grain;
        b = s(2) * 0.9 * grain;
      } else {
        // Wooden desk: brown with stripes.
        const stripe = 0.85 + 0.15 * Math.sin(y * 0.05 + Math.sin(x * 0.01) * 3);
        r = 128 * stripe;
        g = 88 * stripe;
        b = 56 * stripe;
      }
      // Light: brighter at the top left, falling off towards the corners.
      const nx = x / width - 0.5;
      const ny = y / height - 0.5;
      let light = (0.95 - 0.25 * (nx + ny)) * (1 - 0.35 * (nx * nx + ny * ny) * 2);
      const ds = Math.hypot(x - shadowC[0], y - shadowC[1]) / shadowR;
      if (ds < 1.4) light *= 1 - shadowDark * (1 - smoothstep(0.6, 1.4, ds));
      const n = 6 * noise();
      out[o] = clamp(r * light + n);
      out[o + 1] = clamp(g * light + n);
      out[o + 2] = clamp(b * light + n);
      out[o + 3] = 255;
    }
  }
  return { image: { width, height, data: out }, corners };
}

function smoothstep(a: number, b: number, x: number): number {
  const t = Math.max(0, Math.min(1, (x - a) / (b - a)));
  return t * t * (3 - 2 * t);
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, v));
}
