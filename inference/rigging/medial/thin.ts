/**
 * Zhang–Suen thinning ("A fast parallel algorithm for thinning digital patterns", CACM 1984):
 * peels the figure's border in two alternating sub-iterations until a one-pixel-wide,
 * 8-connected centre line remains, with the figure's topology kept (a limb stays one line, a
 * filled figure has no loops). Returns 1 for centre-line pixels.
 */
export function thin(width: number, height: number, figure: Uint8Array): Uint8Array {
  const img = new Uint8Array(width * height);
  // A one-pixel frame of background keeps the neighbour look-ups inside the array.
  for (let y = 1; y < height - 1; y++)
    for (let x = 1; x < width - 1; x++) img[y * width + x] = figure[y * width + x] ? 1 : 0;
  const remove: number[] = [];
  let changed = true;
  // Only pixels on the current border can go; track candidates to stay near O(area).
  while (changed) {
    changed = false;
    for (let step = 0; step < 2; step++) {
      remove.length = 0;
      for (let y = 1; y < height - 1; y++) {
        const row = y * width;
        for (let x = 1; x < width - 1; x++) {
          const p = row + x;
          if (!img[p]) continue;
          const p2 = img[p - width]!;
          const p3 = img[p - width + 1]!;
          const p4 = img[p + 1]!;
          const p5 = img[p + width + 1]!;
          const p6 = img[p + width]!;
          const p7 = img[p + width - 1]!;
          const p8 = img[p - 1]!;
          const p9 = img[p - width - 1]!;
          const b = p2 + p3 + p4 + p5 + p6 + p7 + p8 + p9;
          if (b < 2 || b > 6) continue;
          const a =
            (p2 === 0 && p3 === 1 ? 1 : 0) +
            (p3 === 0 && p4 === 1 ? 1 : 0) +
            (p4 === 0 && p5 === 1 ? 1 : 0) +
            (p5 === 0 && p6 === 1 ? 1 : 0) +
            (p6 === 0 && p7 === 1 ? 1 : 0) +
            (p7 === 0 && p8 === 1 ? 1 : 0) +
            (p8 === 0 && p9 === 1 ? 1 : 0) +
            (p9 === 0 && p2 === 1 ? 1 : 0);
          if (a !== 1) continue;
          if (step === 0) {
            if (p2 * p4 * p6 !== 0 || p4 * p6 * p8 !== 0) continue;
          } else if (p2 * p4 * p8 !== 0 || p2 * p6 * p8 !== 0) continue;
          remove.push(p);
        }
      }
      if (remove.length > 0) changed = true;
      for (const p of remove) img[p] = 0;
    }
  }
  return img;
}
