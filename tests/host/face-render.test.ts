import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../core/contract/api.js';
import { setFaceMotion, setFaceRig } from '../../core/document/faceEdits.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { quatFromAxisAngle } from '../../core/math/quat.js';
import { createServiceContext, type ServiceContext } from '../../host/api/context.js';
import { loadSample } from '../../host/project/store.js';
import { sampleFaceRig } from '../fixtures/face/sampleFace.js';
import { renderOneFrame } from './jobHelpers.js';

/**
 * The face pass in the real render path (real worker, real onnxruntime): the sample with its face
 * rig and a mouth track renders a different mouth on the keyed frame and the same pixels
 * elsewhere; the frame's key carries the face, so a held pose is not served stale from the cache.
 */
let cacheRoot: string;
let ctx: ServiceContext;
let doc: ProjectDocument;
const events: JobEvent[] = [];

beforeAll(async () => {
  cacheRoot = mkdtempSync(join(tmpdir(), 'keypose-face-render-'));
  ctx = createServiceContext({ shell: 'studio', projectsDir: null, confineToProjectsDir: false, cacheRoot });
  ctx.jobs.subscribe((e) => events.push(e));
  doc = await loadSample();
});
afterAll(async () => {
  await ctx?.dispose();
  if (cacheRoot) rmSync(cacheRoot, { recursive: true, force: true });
});

const frame = (document: ProjectDocument, frameIndex: number) =>
  renderOneFrame(ctx, events, document, frameIndex);

describe('the face pass in the render path', () => {
  it('draws the mouth track over the engine frame, only inside the head', async () => {
    const id = doc.characters[0]?.id as string;
    const rigged = setFaceRig(doc, id, sampleFaceRig());
    const talking = setFaceMotion(rigged, id, { mouth: [{ frame: 0, shape: 'D' }], channels: {} });
    const plain = await frame(rigged, 0);
    const open = await frame(talking, 0);
    expect(open.key).not.toBe(plain.key);
    const { width } = plain.image;
    let changedInHead = 0;
    let changedElsewhere = 0;
    for (let i = 0; i < plain.image.data.length; i += 4) {
      const differs = [0, 1, 2, 3].some((k) => plain.image.data[i + k] !== open.image.data[i + k]);
      if (!differs) continue;
      const x = (i / 4) % width;
      const y = Math.floor(i / 4 / width);
      // The sample's head at frame 0 (rest pose): the ellipse around (384, 159).
      if (Math.hypot((x - 384) / 80, (y - 159) / 82) <= 1) changedInHead++;
      else changedElsewhere++;
    }
    expect(changedInHead).toBeGreaterThan(300);
    expect(changedElsewhere).toBe(0);
    // The mouth's middle is now the dark interior.
    const o = (Math.round(220) * width + 384) * 4;
    const luma = (d: Uint8Array) =>
      0.299 * (d[o] as number) + 0.587 * (d[o + 1] as number) + 0.114 * (d[o + 2] as number);
    expect(luma(open.image.data)).toBeLessThan(luma(plain.image.data));
  }, 120_000);

  it('follows the head: with the head turned 25° the open mouth is drawn where the turned mouth is', async () => {
    const id = doc.characters[0]?.id as string;
    const turned = structuredClone(doc);
    const c = turned.characters[0];
    if (!c) throw new Error('no character');
    // Turn the head about the picture's normal (character z); keep the rest of the motion.
    const angle = (25 * Math.PI) / 180;
    c.motion.rotations.Head = [
      { frame: 0, value: [...quatFromAxisAngle([0, 0, 1], angle)], interpolation: 'step' },
    ];
    for (const track of Object.keys(c.motion.rotations)) if (track !== 'Head') c.motion.rotations[track] = [];
    c.motion.rootTranslation = [];
    const rigged = setFaceRig(turned, id, sampleFaceRig());
    const talking = setFaceMotion(rigged, id, { mouth: [{ frame: 0, shape: 'D' }], channels: {} });
    const plain = await frame(rigged, 0);
    const open = await frame(talking, 0);
    // Where the mouth's middle (384, 216) goes when turned about the head joint (384, 223.4):
    // counter-clockwise on screen for a positive turn about +z (y up in character space).
    const [px, py] = [384, 223.4];
    const [mx, my] = [384 - px, 216 - py];
    const x = px + mx * Math.cos(angle) + my * Math.sin(angle);
    const y = py - mx * Math.sin(angle) + my * Math.cos(angle);
    const width = plain.image.width;
    const lumaAt = (d: Uint8Array, u: number, v: number) => {
      const o = (Math.round(v) * width + Math.round(u)) * 4;
      return 0.299 * (d[o] as number) + 0.587 * (d[o + 1] as number) + 0.114 * (d[o + 2] as number);
    };
    expect(lumaAt(open.image.data, x, y)).toBeLessThan(lumaAt(plain.image.data, x, y) - 20);
  }, 120_000);
});
