/**
 * Plane projective maps (3x3 homographies, row-major, h[8] = 1): the map between a photographed
 * page (a quadrilateral) and the flat page (a rectangle).
 */
export type Homography = readonly number[];
export type Pt = readonly [number, number];

/** The homography taking each `from[i]` to `to[i]` (four point pairs, no three collinear). */
export function homographyFrom(from: readonly Pt[], to: readonly Pt[]): Homography {
  // 8 equations in h0..h7 (h8 = 1): the classic direct linear transform.
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i]!;
    const [u, v] = to[i]!;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  const n = 8;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const d = a[col]![col]!;
    if (Math.abs(d) < 1e-12) throw new Error('homographyFrom: degenerate points');
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / d;
      for (let c = col; c <= n; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  const h: number[] = [];
  for (let r = 0; r < n; r++) h.push(a[r]![n]! / a[r]![r]!);
  h.push(1);
  return h;
}

export function applyHomography(h: Homography, [x, y]: Pt): [number, number] {
  const w = h[6]! * x + h[7]! * y + h[8]!;
  return [(h[0]! * x + h[1]! * y + h[2]!) / w, (h[3]! * x + h[4]! * y + h[5]!) / w];
}
