import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACE_VIDEO_LAYER_ID, headJointIdOf } from '../../core/document/facePerformanceEdits.js';
import { evaluateFace } from '../../core/face/evaluate.js';
import { quatToEulerDeg } from '../../core/math/quat.js';
import { evaluateMotion } from '../../core/motion/evaluate.js';
import { loadProject } from '../../host/project/store.js';

/**
 * `keypose face from-video` through the bin launcher: the rendered face video (the real landmark
 * model in its worker process) onto the sample project's character, from frame 10 on.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'cli', 'bin', 'keypose.js');
const SAMPLE = join(ROOT, 'assets', 'sample', 'sample.keypose');
const VIDEO = join(ROOT, 'tests', 'fixtures', 'video', 'face-turn.mp4');

let dir: string;

function keypose(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keypose-cli-facevideo-'));
  await copyFile(SAMPLE, join(dir, 'p.keypose'));
  await copyFile(VIDEO, join(dir, 'face.mp4'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('keypose face from-video', () => {
  it('keys the head turn and the blinks and jaw of the video onto the character over the range', async () => {
    const before = await readFile(join(dir, 'p.keypose'), 'utf8');
    const result = await keypose([
      'face',
      'from-video',
      'face.mp4',
      '-p',
      'p.keypose',
      '--range',
      '10-200',
      '-o',
      'out.keypose',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.faces).toHaveLength(1);
    expect(summary.restFrame).toBe(0);
    expect(await readFile(join(dir, 'p.keypose'), 'utf8')).toBe(before);
    const doc = await loadProject(join(dir, 'out.keypose'));
    const last = doc.durationFrames - 1;
    expect(summary.frames).toEqual({ first: 10, last: Math.min(last, 10 + 95) });
    const c = doc.characters[0]!;
    const head = headJointIdOf(c);
    const yawAt = (f: number) => quatToEulerDeg(evaluateMotion(c.motion, f).rotations[head]!, 'YXZ')[1];
    // Video frame 19 (yaw +29° in the truth) lands on project frame 29; frame 38 (-30°) on 48.
    expect(yawAt(29)).toBeGreaterThan(20);
    if (last >= 48) expect(yawAt(48)).toBeLessThan(-20);
    // The sample's own keys before the range stay as they were.
    const input = (await loadProject(join(dir, 'p.keypose'))).characters[0]!;
    const early = (m: typeof c.motion) => (m.rotations[head] ?? []).filter((k) => k.frame < 10);
    expect(early(c.motion)).toEqual(early(input.motion));
    expect(c.motion.rotations[head]!.filter((k) => k.frame >= 10).length).toBeGreaterThan(3);
    const layer = c.faceMotion?.layers?.find((l) => l.id === FACE_VIDEO_LAYER_ID);
    expect(layer?.name).toBe('Face video (face.mp4)');
    // The blink at video frame 22 and the open jaw at video frame 19.
    expect(evaluateFace(c.faceMotion!, 32).blinkR).toBeGreaterThan(0.5);
    expect(evaluateFace(c.faceMotion!, 29).jawOpen).toBeGreaterThan(0.1);
    expect(evaluateFace(c.faceMotion!, 12).blinkR).toBeLessThan(0.3);
  }, 180_000);

  it('refuses a missing video and bad options with clear errors, writing nothing', async () => {
    const missing = await keypose(['face', 'from-video', 'nope.mp4', '-p', 'p.keypose', '--json']);
    expect(missing.code).not.toBe(0);
    expect(missing.stdout + missing.stderr).toMatch(/nope\.mp4: no such file/);
    const usage = await keypose(['face', 'from-video', 'face.mp4', '-p', 'p.keypose', '--rest-frame', 'x']);
    expect(usage.code).not.toBe(0);
    expect(usage.stderr).toMatch(/--rest-frame must be a whole number/);
    const none = await keypose(['face', 'from-video', 'face.mp4']);
    expect(none.stderr).toMatch(/needs a project/);
  });
});
