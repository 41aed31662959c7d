import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeRig } from '../../../core/render/parts/rigCodec.js';
import type { PartsRig } from '../../../core/render/parts/types.js';
import { buildPartsRig } from '../../../inference/rigging/parts/build.js';
import { loadOrBuildRig, pruneRigFolder, readCachedRig } from '../../../inference/worker/rigCache.js';
import { createSyntheticCharacter } from '../../fixtures/syntheticFigure.js';

/**
 * The worker's rig cache: a character loaded a second time (a restart) reads its rig from the
 * file instead of building it; a file that is corrupt, truncated, of another version or not
 * Keypose's is never trusted, and one that is not Keypose's is never overwritten.
 */
const dir = mkdtempSync(join(tmpdir(), 'keypose-rigcache-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ch = createSyntheticCharacter({ width: 72, height: 96 });
const mask = new Uint8Array(ch.art.width * ch.art.height).map((_, p) =>
  ch.art.data[p * 4 + 3]! > 0 ? 1 : 0,
);

/** What the worker does for a character (inference/worker/characters.ts loadCharacter). */
function load(rigFile: string, id: string, counter: { build: () => PartsRig } = counting()) {
  return loadOrBuildRig(rigFile, id, ch.art, counter.build);
}

/** A rig builder that counts its calls. */
function counting() {
  const counter = {
    builds: 0,
    build: (): PartsRig => {
      counter.builds++;
      return buildPartsRig({ art: ch.art, mask, skeleton: ch.skeleton });
    },
  };
  return counter;
}

describe('the rig cache', () => {
  it('builds once, then reads the same rig back (a restart skips the build)', () => {
    const rigFile = join(dir, 'rig_test1.kpr');
    const first = counting();
    const a = load(rigFile, 'rig_test1', first);
    expect(first.builds).toBe(1);
    expect(a.fromCache).toBe(false);
    const second = counting();
    const b = load(rigFile, 'rig_test1', second);
    expect(second.builds).toBe(0);
    expect(b.fromCache).toBe(true);
    expect(b.rig).toEqual(a.rig);
  });

  it('does not use a rig stored under another rig key', () => {
    const rigFile = join(dir, 'rig_test1.kpr');
    const c = counting();
    expect(load(rigFile, 'rig_other', c).fromCache).toBe(false);
    expect(c.builds).toBe(1);
  });

  it.each([
    ['truncated', (b: Uint8Array) => b.subarray(0, b.length >> 1)],
    ['corrupt', (b: Uint8Array) => b.map((v, i) => (i === b.length - 7 ? v ^ 0x40 : v))],
    ['of another version', (b: Uint8Array) => b.map((v, i) => (i === 4 ? v + 1 : v))],
    ['empty', () => new Uint8Array(0)],
  ])('rebuilds from a %s file and stores a good one in its place', (_, spoil) => {
    const rigFile = join(dir, 'rig_spoilt.kpr');
    const good = counting();
    const built = load(rigFile, 'rig_spoilt', good).rig;
    writeFileSync(rigFile, spoil(encodeRig(built, 'rig_spoilt')));
    const again = counting();
    const ch2 = load(rigFile, 'rig_spoilt', again);
    expect(again.builds).toBe(1);
    expect(ch2.fromCache).toBe(false);
    expect(ch2.rig).toEqual(built);
    // Rewritten: the next load reads it.
    expect(readCachedRig(rigFile, 'rig_spoilt')).toEqual(built);
  });

  it('never overwrites a file at the name that Keypose did not write', () => {
    const rigFile = join(dir, 'rig_foreign.kpr');
    const foreign = Buffer.from('my notes, not a rig\n');
    writeFileSync(rigFile, foreign);
    const c = counting();
    expect(load(rigFile, 'rig_foreign', c).fromCache).toBe(false);
    expect(readFileSync(rigFile).equals(foreign)).toBe(true);
    expect(readdirSync(dir).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });

  it('keeps the folder bounded, removing the least recently used rig files only', () => {
    const folder = mkdtempSync(join(dir, 'prune-'));
    const rig = load(join(dir, 'rig_test1.kpr'), 'rig_test1').rig;
    for (let i = 0; i < 5; i++) {
      const f = join(folder, `rig_k${i}.kpr`);
      writeFileSync(f, encodeRig(rig, `rig_k${i}`));
      utimesSync(f, 1000 + i, 1000 + i);
    }
    writeFileSync(join(folder, 'rig_zz.kpr'), 'not ours');
    utimesSync(join(folder, 'rig_zz.kpr'), 10, 10);
    writeFileSync(join(folder, 'notes.txt'), 'keep');
    pruneRigFolder(folder, 3);
    expect(readdirSync(folder).sort()).toEqual([
      'notes.txt',
      'rig_k2.kpr',
      'rig_k3.kpr',
      'rig_k4.kpr',
      'rig_zz.kpr',
    ]);
  });
});
