import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadProject } from '../../host/project/store.js';
import { CHROMIUM_PATH, chromiumAvailable } from '../inference/rigging/threeFigure.js';
import { describeIfAvailable } from '../requirements.js';
import { openFaceRenderer } from '../video/renderFaceVideo.js';
import { runKeypose, SAMPLE } from './runKeypose.js';

/**
 * `keypose face setup` through the bin launcher: a portrait rendered in Chromium, imported with
 * `keypose rig`, gets its face rig from the landmark model; the sample cartoon gets the drawn-face
 * finder's; a rig already there is kept unless --replace.
 */
let dir: string;
const keypose = (args: string[]) => runKeypose(args, dir);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-cli-face-setup-'));
  await copyFile(SAMPLE, join(dir, 'sample.keypose'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeIfAvailable(chromiumAvailable, `Chromium (${CHROMIUM_PATH}; KEYPOSE_CHROMIUM)`)(
  'keypose face setup',
  () => {
    it('places the rig of a rendered portrait by the landmark model, and keeps it unless --replace', async () => {
      const renderer = await openFaceRenderer(360, 440);
      const png = await renderer
        .render(
          { yawRad: 0, pitchRad: 0, rollRad: 0 },
          { blinkL: 0, blinkR: 0, jawOpen: 0, browRaise: 0, smile: 0 },
        )
        .finally(() => renderer.close());
      await writeFile(join(dir, 'portrait.png'), png);
      const rigged = await keypose(['rig', 'portrait.png', '-o', 'portrait.keypose']);
      expect(rigged.code, rigged.stderr).toBe(0);

      const set = await keypose(['face', 'setup', 'portrait.keypose', '--json']);
      expect(set.code, set.stderr).toBe(0);
      const summary = JSON.parse(set.stdout);
      expect(summary.source).toBe('facemesh');
      const saved = await loadProject(join(dir, 'portrait.keypose'));
      const face = saved.characters[0]!.face!;
      expect(face.source).toBe('facemesh');
      // The eyes are level and apart on the picture, the mouth below them, the chin lowest.
      expect(face.eyes.left.center[0] - face.eyes.right.center[0]).toBeGreaterThan(50);
      expect(face.mouth.upper[1]).toBeGreaterThan(face.eyes.left.center[1] + 40);
      expect(face.chin[1]).toBeGreaterThan(face.mouth.lower[1]);

      const before = await readFile(join(dir, 'portrait.keypose'), 'utf8');
      const again = await keypose(['face', 'setup', 'portrait.keypose']);
      expect(again.code).not.toBe(0);
      expect(again.stderr).toContain('--replace');
      expect(await readFile(join(dir, 'portrait.keypose'), 'utf8')).toBe(before);
      const replaced = await keypose(['face', 'setup', 'portrait.keypose', '--replace']);
      expect(replaced.code, replaced.stderr).toBe(0);
      expect(replaced.stdout).toContain('by the landmark model');
    }, 180_000);

    it("gives the sample cartoon the drawn-face finder's rig, into a new file with -o", async () => {
      const result = await keypose(['face', 'setup', 'sample.keypose', '-o', 'sample-face.keypose']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('by the drawn-face finder');
      const saved = await loadProject(join(dir, 'sample-face.keypose'));
      expect(saved.characters[0]!.face?.source).toBe('estimate');
      expect((await loadProject(join(dir, 'sample.keypose'))).characters[0]!.face).toBeUndefined();
    }, 120_000);
  },
);
