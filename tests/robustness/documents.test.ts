import { execFileSync } from 'node:child_process';
import { link, mkdir, readFile, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, createServices } from '../../host/api/services.js';
import { loadProject } from '../../host/project/store.js';
import {
  expectApiError,
  expectUnchanged,
  type Fingerprint,
  fingerprint,
  keypose,
  SAMPLE,
  tempDir,
} from './helpers.js';

/**
 * Project files that look valid but are not (item 4 and 8 of the hardening issue), and files that
 * are not projects at all. Each is refused with a code and a sentence naming the file and the
 * problem; loading never writes, so every file is byte-identical afterwards.
 */

// biome-ignore lint/suspicious/noExplicitAny: the sample's JSON, edited by hand into invalid shapes.
type Doc = Record<string, any>;

let dir: string;
let sample: Doc;
let before: Fingerprint;

const variants: Record<string, (doc: Doc) => void> = {
  'huge-resolution': (d) => {
    d.resolution = { width: 60000, height: 60000 };
  },
  'endless-duration': (d) => {
    d.durationFrames = 1_000_000_000;
  },
  'joint-cycle': (d) => {
    const joints = d.characters[0].skeleton.joints;
    // Two joints that are each other's parent, beside the real tree.
    joints[1].parentId = joints[2].id;
    joints[2].parentId = joints[1].id;
  },
  'duplicate-joint-ids': (d) => {
    const joints = d.characters[0].skeleton.joints;
    joints[3].id = joints[2].id;
  },
  'two-roots': (d) => {
    d.characters[0].skeleton.joints[1].parentId = null;
  },
  'key-past-any-frame': (d) => {
    const [track] = Object.keys(d.characters[0].motion.rotations);
    d.characters[0].motion.rotations[track!].push({
      frame: 2 ** 31,
      value: [0, 0, 0, 1],
      interpolation: 'linear',
    });
  },
  'too-many-keys': (d) => {
    d.characters[0].motion.rootTranslation = Array.from({ length: 100_001 }, (_, i) => ({
      frame: i % 1000,
      value: [0, 0, 0],
      interpolation: 'step',
    }));
  },
  'name-of-a-megabyte': (d) => {
    d.name = 'x'.repeat(1_000_000);
  },
  'asset-of-10-gigapixels': (d) => {
    const asset = d.assets[d.characters[0].artAssetId];
    asset.width = 100_000;
    asset.height = 100_000;
  },
  'duplicate-character-ids': (d) => {
    d.characters.push(structuredClone(d.characters[0]));
  },
  'nan-rest-position': (d) => {
    d.characters[0].skeleton.joints[0].restPosition = [0, 'NaN', 0];
  },
};

const expected: Record<string, RegExp> = {
  'huge-resolution': /resolution.*at most 8192 px a side/,
  'endless-duration': /durationFrames: a project has at most 100000 frames/,
  'joint-cycle': /is its own ancestor \(the parents form a cycle\)/,
  'duplicate-joint-ids': /two joints have the id/,
  'two-roots': /exactly one root joint, found 2/,
  'key-past-any-frame': /a frame number is at most 99999/,
  'too-many-keys': /a track has at most 100000 keys/,
  'name-of-a-megabyte': /name: a name has at most 256 characters/,
  'asset-of-10-gigapixels': /at most 16384 px a side/,
  'duplicate-character-ids': /two characters have the id/,
  'nan-rest-position': /restPosition/,
};

beforeAll(async () => {
  dir = await tempDir('documents');
  sample = JSON.parse(await readFile(SAMPLE, 'utf8'));
  for (const [name, change] of Object.entries(variants)) {
    const doc = structuredClone(sample);
    change(doc);
    await writeFile(join(dir, `${name}.keypose`), JSON.stringify(doc));
  }
  await writeFile(join(dir, 'empty.keypose'), '');
  await writeFile(join(dir, 'truncated.keypose'), (await readFile(SAMPLE, 'utf8')).slice(0, 5000));
  await writeFile(
    join(dir, 'a-picture.keypose'),
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  );
  await writeFile(join(dir, 'array.keypose'), '[1, 2, 3]');
  await writeFile(join(dir, 'null.keypose'), 'null');
  await writeFile(join(dir, 'future.keypose'), JSON.stringify({ ...sample, version: 99 }));
  await mkdir(join(dir, 'folder.keypose'));
  execFileSync('mkfifo', [join(dir, 'pipe.keypose')]);
  // A sparse file: 600 MiB on paper, nothing on disk; refused by its size before any read.
  await writeFile(join(dir, 'huge.keypose'), '');
  await truncate(join(dir, 'huge.keypose'), 600 * 2 ** 20);
  await symlink('loop-b.keypose', join(dir, 'loop-a.keypose'));
  await symlink('loop-a.keypose', join(dir, 'loop-b.keypose'));
  await writeFile(join(dir, 'deep.keypose'), `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
  before = await fingerprint(dir);
});

afterAll(async () => {
  await expectUnchanged(dir, before);
  execFileSync('rm', ['-rf', dir]);
});

describe('documents beyond the limits or with a broken joint graph', () => {
  for (const name of Object.keys(variants)) {
    it(`${name}: invalid-project naming the file and the limit`, async () => {
      const file = join(dir, `${name}.keypose`);
      const error = await expectApiError(loadProject(file));
      expect(error.code).toBe('invalid-project');
      expect(error.file).toBe(file);
      expect(error.message).toContain(file);
      expect(error.message).toMatch(expected[name]!);
    });
  }

  it('the same limits hold for a document sent as a message (renderFrames with a joint cycle, 60000 px)', async () => {
    const services = createServices({ shell: 'studio', projectsDir: dir, confineToProjectsDir: true });
    for (const change of [variants['joint-cycle']!, variants['huge-resolution']!]) {
      const doc = structuredClone(sample);
      change(doc);
      const response = await callApi(services, 'renderFrames', [{ document: doc, frames: [0] }]);
      expect(response.ok).toBe(false);
      if (!response.ok) {
        expect(response.error.code).toBe('invalid-argument');
        expect(response.error.message).toMatch(/cycle|8192/);
      }
    }
  });

  it('keypose render of a 60000x60000 project exits 2 with the limit, no crash, nothing written', async () => {
    const tmp = await tempDir('documents-cli');
    const result = await keypose(['render', join(dir, 'huge-resolution.keypose'), '-o', 'out.mp4'], {
      cwd: tmp,
      tmp,
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/huge-resolution\.keypose is not a valid Keypose project: .*8192/);
    expect(result.stderr).not.toMatch(/RangeError|at .*\.ts:\d+/);
    expect((await fingerprint(tmp)).has('out.mp4')).toBe(false);
    execFileSync('rm', ['-rf', tmp]);
  });
});

describe('files that are not projects', () => {
  const cases: [string, string, RegExp][] = [
    ['empty.keypose', 'corrupt-file', /the file is empty/],
    ['truncated.keypose', 'corrupt-file', /truncated or damaged/],
    ['a-picture.keypose', 'corrupt-file', /truncated or damaged/],
    ['array.keypose', 'invalid-project', /is not a Keypose project \(it has no "format"/],
    ['null.keypose', 'invalid-project', /is not a Keypose project \(it has no "format"/],
    ['future.keypose', 'future-version', /version 99/],
    ['folder.keypose', 'invalid-argument', /is a folder/],
    ['pipe.keypose', 'invalid-argument', /not a regular file/],
    ['huge.keypose', 'invalid-project', /600 MiB; a Keypose project is at most 500 MiB/],
    ['loop-a.keypose', 'io-error', /could not read/],
    ['deep.keypose', 'invalid-project', /is not a Keypose project \(it has no "format"/],
  ];
  for (const [name, code, message] of cases) {
    it(`${name}: ${code}`, async () => {
      const file = join(dir, name);
      const error = await expectApiError(loadProject(file));
      expect(error.code).toBe(code);
      expect(error.message).toContain(file);
      expect(error.message).toMatch(message);
    });
  }

  it('a hard link to a project loads like the project and changes nothing', async () => {
    const linked = join(dir, 'hard-link.keypose');
    await link(SAMPLE, linked);
    try {
      expect((await loadProject(linked)).name).toBe(sample.name);
    } finally {
      execFileSync('rm', [linked]);
    }
  });
});
