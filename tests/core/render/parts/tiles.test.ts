import { describe, expect, it } from 'vitest';
import { buildAtlas } from '../../../../core/render/parts/atlas.js';
import {
  type Hit,
  hitFlatPart,
  hitSphere,
  hitTiltedPart,
  profileTables,
} from '../../../../core/render/parts/hit.js';
import { type OutputFrame, type PosedFrame, poseFrame } from '../../../../core/render/parts/posed.js';
import { atlasOccupancy, cullTiles } from '../../../../core/render/parts/tileCull.js';
import { partBlocks, planTiles, TILE_PX, type TilePlan } from '../../../../core/render/parts/tiles.js';
import { figureCharacter } from '../../../fixtures/partsCharacter.js';
import { random, randomPose } from '../../../inference/engine/propertyHelpers.js';

/**
 * The frame engine's tile plan (tiles.ts: the tiles each part's box reaches; tileCull.ts: less
 * those where it reaches no art) against the reference renderer's hits: every pixel where a part
 * or sphere hits a texel that is not transparent must lie in a tile the plan gives that part (a
 * dropped pair is a hole in the frame), and the culled plan must drop what no art reaches (the
 * point of it), without keeping many pairs that never hit.
 */
const ch = figureCharacter(120, 160);
const profiles = profileTables(ch.rig);
const blocks = partBlocks(ch.rig);

/** Per (tile, part) pair of the frame, whether the reference hits art in it: "tile:index". */
function referencePairs(frame: PosedFrame, texels: Int32Array, atlasWidth: number): Set<string> {
  const out = new Set<string>();
  const tilesX = Math.ceil(frame.width / TILE_PX);
  const fetch = (h: Hit | null) =>
    h ? texels[Math.trunc(h.texelV) * atlasWidth + Math.trunc(h.texelU)]! : 0;
  for (let yi = 0; yi < frame.height; yi++) {
    for (let xi = 0; xi < frame.width; xi++) {
      const x = xi + 0.5;
      const y = yi + 0.5;
      const tile = Math.floor(yi / TILE_PX) * tilesX + Math.floor(xi / TILE_PX);
      for (const p of frame.parts) {
        const h = p.flat ? hitFlatPart(p, x, y) : hitTiltedPart(p, profiles[p.index]!, x, y);
        if (fetch(h) !== 0) out.add(`${tile}:${p.index}`);
      }
      for (const s of frame.spheres) if (fetch(hitSphere(s, x, y)) !== 0) out.add(`${tile}:${s.index}`);
    }
  }
  return out;
}

function planPairs(plan: TilePlan): Set<string> {
  const out = new Set<string>();
  for (const list of [plan.flat, plan.tilted, plan.spheres]) {
    for (let i = 0; i < list.length; i += 2) out.add(`${list[i]}:${list[i + 1]}`);
  }
  return out;
}

const margin = 50;
const OUTPUTS: Record<string, OutputFrame> = {
  'scale 1': {
    width: 120 + 2 * margin,
    height: 160 + 2 * margin,
    scale: 1,
    offsetX: margin,
    offsetY: margin,
  },
  'scale 0.6': { width: 130, height: 160, scale: 0.6, offsetX: 30, offsetY: 20 },
  'scale 1.7': { width: 300, height: 330, scale: 1.7, offsetX: 40, offsetY: 20 },
};

describe('the tile plan', () => {
  const cases = Object.keys(OUTPUTS).flatMap((name) =>
    [1, 2, 3].map((seed) => [name, seed, seed !== 1] as const),
  );
  it.each(cases)(
    'gives every part the tiles where it hits art (%s, pose %i, out of plane %s)',
    (name, seed, outOfPlane) => {
      const output = OUTPUTS[name]!;
      const atlas = buildAtlas(ch.rig, Math.max(1, Math.min(8, Math.round(4 * output.scale))));
      const frame = poseFrame({
        rig: ch.rig,
        atlas,
        skeleton: ch.skeleton,
        pose: randomPose(random(seed), outOfPlane),
        output,
      });
      const boxed = planTiles(frame, blocks);
      const culled = cullTiles(frame, boxed, atlasOccupancy(atlas), profiles);
      const want = referencePairs(frame, atlas.texels, atlas.width);
      const kept = planPairs(culled);
      const missing = [...want].filter((k) => !kept.has(k));
      expect(missing).toEqual([]);
      // The culling drops pairs, and most of what it keeps does hit art.
      const all = planPairs(boxed);
      expect(kept.size).toBeLessThan(all.size);
      expect(want.size / kept.size).toBeGreaterThan(0.5);
      // Culling keeps the plan's order (the resolve's ties depend on it): a subsequence per list.
      for (const key of ['flat', 'tilted', 'spheres'] as const) {
        const a = boxed[key];
        const b = culled[key];
        let j = 0;
        for (let i = 0; i < a.length && j < b.length; i += 2)
          if (a[i] === b[j] && a[i + 1] === b[j + 1]) j += 2;
        expect(j).toBe(b.length);
      }
    },
  );
});
