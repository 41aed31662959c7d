import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quatFromAxisAngle } from '../../core/math/quat.js';
import { setKey } from '../../core/motion/edit.js';
import { evaluateMotion } from '../../core/motion/evaluate.js';
import type { Motion } from '../../core/motion/types.js';
import { frameKey } from '../../core/render/frameKey.js';
import { artFrame } from '../../core/render/parts/posed.js';
import type { RgbaImage } from '../../core/render/types.js';
import { createDefaultHumanoid } from '../../core/skeleton/humanoid.js';
import { computeWorldTransforms } from '../../core/skeleton/kinematics.js';
import { FrameCache, framesToRender } from '../../host/cache/frameCache.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'keypose-cache-'));
  dirs.push(d);
  return d;
}
const frame = (fill: number, w = 4, h = 4): RgbaImage => ({
  width: w,
  height: h,
  data: new Uint8Array(w * h * 4).fill(fill),
});
const key = (i: number) => `k${i.toString(16).padStart(31, '0')}`;

describe('FrameCache', () => {
  it('keeps the memory level under its byte bound, evicting least recently used first', async () => {
    const cache = new FrameCache({ maxMemoryBytes: 3 * 64 });
    await cache.put(key(1), frame(1));
    await cache.put(key(2), frame(2));
    await cache.put(key(3), frame(3));
    expect(await cache.get(key(1))).not.toBeNull(); // 1 is now the most recently used
    await cache.put(key(4), frame(4));
    expect(cache.stats.memoryBytes).toBeLessThanOrEqual(3 * 64);
    expect(cache.has(key(2))).toBe(false);
    expect(cache.has(key(1))).toBe(true);
    expect(cache.stats.evictions).toBe(1);
  });

  it('persists frames on disk, content-addressed, with no temporary files left', async () => {
    const dir = tempDir();
    const a = new FrameCache({ maxMemoryBytes: 1024, diskDir: dir });
    await a.put(key(7), frame(7, 3, 2));
    const b = new FrameCache({ maxMemoryBytes: 1024, diskDir: dir }); // a new session
    const got = await b.get(key(7));
    expect(got).toEqual(frame(7, 3, 2));
    expect(b.stats.diskHits).toBe(1);
    expect(await b.get(key(8))).toBeNull();
    const files = readdirSync(join(dir, key(7).slice(0, 2)));
    expect(files).toEqual([`${key(7)}.kpf`]);
  });

  it('editing one key re-renders only the frames whose content changed', async () => {
    const sk = createDefaultHumanoid({ heightPx: 200 });
    const size = { width: 160, height: 220 };
    const q = (a: number) => quatFromAxisAngle([0, 0, 1], a);
    let motion: Motion = { rotations: {}, rootTranslation: [] };
    const track = (m: Motion, joint: string, frameIndex: number, angle: number): Motion => ({
      ...m,
      rotations: {
        ...m.rotations,
        [joint]: setKey(m.rotations[joint] ?? [], {
          frame: frameIndex,
          value: q(angle),
          interpolation: 'linear',
        }),
      },
    });
    motion = track(motion, 'LeftArm', 0, 0);
    motion = track(motion, 'LeftArm', 12, -0.6);
    motion = track(motion, 'LeftArm', 24, 0.3);
    motion = track(motion, 'RightArm', 0, 0.2);
    motion = track(motion, 'RightArm', 36, -0.2);
    const keysOf = (m: Motion) =>
      Array.from({ length: 37 }, (_, i) => ({
        frameIndex: i,
        key: frameKey({
          rigKey: 'rig_a',
          world: computeWorldTransforms(sk, evaluateMotion(m, i)),
          output: artFrame(size),
        }),
      }));
    const cache = new FrameCache({ maxMemoryBytes: 1 << 20, diskDir: tempDir() });
    const before = keysOf(motion);
    for (const f of framesToRender(before, cache)) await cache.put(f.key, frame(f.frameIndex));
    expect(framesToRender(before, cache)).toHaveLength(0);

    // Edit the LeftArm key at frame 24: frames 13..36 change (the segment from 12 and the hold
    // after the last key), frames 0..12 do not.
    const edited = keysOf(track(motion, 'LeftArm', 24, 0.5));
    const stale = framesToRender(edited, cache).map((f) => f.frameIndex);
    expect(stale).toEqual(Array.from({ length: 24 }, (_, i) => 13 + i));
  });
});
