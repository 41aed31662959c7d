import { describe, expect, it } from 'vitest';
import { poseFrame } from '../../../core/render/parts/posed.js';
import { planTiles } from '../../../core/render/parts/tiles.js';
import { engine, random, randomPose, sampleSubject, syntheticSubject } from './propertyHelpers.js';

/**
 * The engine's tile culling (core/render/parts/tileCull.ts) is a speed-up only: a frame rendered
 * from the culled plan equals, byte for byte, the frame rendered from every tile each part's box
 * reaches (tiles.ts). Random poses in and out of the picture plane, on the synthetic figure and
 * on the sample's drawn character (thin outlines, overlapping parts).
 */
describe('tile culling', () => {
  it.each([
    ['synthetic figure', 1],
    ['synthetic figure', 2],
    ['sample', 3],
    ['sample', 4],
  ] as const)('changes no byte of a frame (%s, pose %i)', async (name, seed) => {
    const s = name === 'sample' ? await sampleSubject() : syntheticSubject();
    const frame = poseFrame({
      rig: s.rig,
      atlas: s.prepared.atlas,
      skeleton: s.skeleton,
      pose: randomPose(random(seed), seed !== 1),
      output: s.output,
    });
    const culled = await engine.render(s.prepared, frame);
    const all = await engine.render(s.prepared, frame, planTiles(frame, s.prepared.blocks));
    expect(Buffer.from(culled.data).equals(Buffer.from(all.data))).toBe(true);
    // And the frame shows the character.
    expect(culled.data.some((v) => v !== 0)).toBe(true);
  });
});
