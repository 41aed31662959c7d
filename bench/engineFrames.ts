import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { poseFrame } from '../core/render/parts/posed.js';
import { PartsEngine } from '../inference/engine/partsEngine.js';
import { engineCharacters, poseAt } from './engineCharacters.js';

/**
 * The engine's before/after check for speed work that must not change a byte: renders the real
 * characters (engineCharacters.ts) at rest and in several poses of the bench motion and writes the
 * SHA-256 of every frame (`--write=FILE`), or compares them with a file written before the change
 * (`--compare=FILE`, exit code 1 on any difference). `--only=a,b` picks characters by name.
 *   npx tsx bench/engineFrames.ts --write=/tmp/frames-before.json
 *   ... change the engine ...
 *   npx tsx bench/engineFrames.ts --compare=/tmp/frames-before.json
 */
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const FRAMES = [-1, 0, 3, 7, 11, 17, 23, 31, 40];

const only = arg('only')?.split(',');
const engine = new PartsEngine({ provider: 'cpu' });
const hashes: Record<string, string> = {};
for (const ch of await engineCharacters(only)) {
  const prepared = engine.prepare(ch.rig, ch.output.scale);
  for (const i of FRAMES) {
    // -1: the rest pose.
    const pose =
      i < 0 ? { rotations: {}, rootTranslation: [0, 0, 0] as [number, number, number] } : poseAt(i);
    const frame = poseFrame({
      rig: ch.rig,
      atlas: prepared.atlas,
      skeleton: ch.skeleton,
      pose,
      output: ch.output,
    });
    const image = await engine.render(prepared, frame);
    hashes[`${ch.name} #${i}`] = createHash('sha256').update(image.data).digest('hex');
  }
}
const write = arg('write');
const compare = arg('compare');
if (write) writeFileSync(write, JSON.stringify(hashes, null, 1));
if (compare) {
  const before = JSON.parse(readFileSync(compare, 'utf8')) as Record<string, string>;
  let differing = 0;
  for (const [k, h] of Object.entries(hashes)) {
    const same = before[k] === h;
    if (!same) differing++;
    console.log(`${same ? 'same     ' : before[k] ? 'DIFFERENT' : 'new      '} ${k}`);
  }
  console.log(`${Object.keys(hashes).length} frames, ${differing} differ`);
  process.exitCode = differing > 0 ? 1 : 0;
} else console.log(JSON.stringify(hashes, null, 1));
