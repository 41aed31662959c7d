/**
 * Exact Euclidean distance transform (Felzenszwalb & Huttenlocher, "Distance Transforms of
 * Sampled Functions", 2012): for every figure pixel, the distance in pixels to the nearest
 * background pixel (0 outside the figure). Two passes of the 1-D lower envelope of parabolas,
 * O(n) per row and column. Pixels beyond the picture's border count as background, so a figure
 * touching the border still gets finite radii there.
 */
export function distanceToBackground(width: number, height: number, figure: Uint8Array): Float32Array {
  const INF = 1e20;
  const n = width * height;
  const f = new Float64Array(n);
  for (let p = 0; p < n; p++) f[p] = figure[p] ? INF : 0;
  const size = Math.max(width, height) + 2;
  const line = new Float64Array(size);
  const out = new Float64Array(size);
  const v = new Int32Array(size);
  const z = new Float64Array(size + 1);
  // Columns (with a background pixel just beyond each end), then rows.
  for (let x = 0; x < width; x++) {
    line[0] = 0;
    for (let y = 0; y < height; y++) line[y + 1] = f[y * width + x]!;
    line[height + 1] = 0;
    envelope(line, height + 2, out, v, z);
    for (let y = 0; y < height; y++) f[y * width + x] = out[y + 1]!;
  }
  const result = new Float32Array(n);
  for (let y = 0; y < height; y++) {
    line[0] = 0;
    for (let x = 0; x < width; x++) line[x + 1] = f[y * width + x]!;
    line[width + 1] = 0;
    envelope(line, width + 2, out, v, z);
    for (let x = 0; x < width; x++) result[y * width + x] = Math.sqrt(out[x + 1]!);
  }
  return result;
}

/** Squared distance transform of one line of sampled costs f (0 = background). */
function envelope(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = Number.NEGATIVE_INFINITY;
  z[1] = Number.POSITIVE_INFINITY;
  for (let q = 1; q < n; q++) {
    const fq = f[q]! + q * q;
    let s = (fq - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!);
    while (s <= z[k]!) {
      k--;
      s = (fq - (f[v[k]!]! + v[k]! * v[k]!)) / (2 * q - 2 * v[k]!);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Number.POSITIVE_INFINITY;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++;
    const dq = q - v[k]!;
    d[q] = dq * dq + f[v[k]!]!;
  }
}
