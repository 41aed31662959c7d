import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FromWorker } from '../../core/contract/jobs.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import { createServiceContext, type ServiceContext } from '../../host/api/context.js';
import { loadSample } from '../../host/project/store.js';
import { rigKeyOf } from '../../host/render/rigInputs.js';

/**
 * Integration (real worker process, real onnxruntime): the rig cache across a restart. The first
 * app run builds the sample's parts rig and stores it under <cacheRoot>/rigs; a second run (a new
 * service context, a new worker, the frame cache emptied so it must render) reads the rig back
 * instead of building it, and renders the same pixels. Builds are counted from the worker's own
 * reports, not timed.
 */
const cacheRoot = mkdtempSync(join(tmpdir(), 'keypose-rig-restart-'));
const contexts: ServiceContext[] = [];
afterAll(async () => {
  for (const c of contexts) await c.dispose();
  rmSync(cacheRoot, { recursive: true, force: true });
});

async function run(doc: ProjectDocument) {
  const ctx = createServiceContext({
    shell: 'studio',
    projectsDir: null,
    confineToProjectsDir: false,
    cacheRoot,
  });
  contexts.push(ctx);
  const loads: Extract<FromWorker, { type: 'characterLoaded' }>[] = [];
  ctx.supervisor().watch({ message: (m) => (m.type === 'characterLoaded' ? loads.push(m) : undefined) });
  const frames: Uint8Array[] = [];
  for await (const f of ctx.render.renderSequence(doc, undefined, [6])) frames.push(f.image.data);
  await ctx.dispose();
  return { loads, frame: frames[0]! };
}

describe('the rig cache across a restart', () => {
  it('builds the rig on the first run only, and renders the same frame from the cached rig', async () => {
    const doc = await loadSample();
    const rigFile = join(cacheRoot, 'rigs', `${rigKeyOf(doc.characters[0]!)}.kpr`);
    const first = await run(doc);
    expect(first.loads.map((l) => l.fromCache)).toEqual([false]);
    expect(existsSync(rigFile)).toBe(true);
    // The frame cache would serve the frame without the worker: empty it, keep the rigs.
    rmSync(join(cacheRoot, doc.id.replace(/[^0-9a-zA-Z_.-]/g, '_')), { recursive: true, force: true });
    const second = await run(doc);
    expect(second.loads.map((l) => l.fromCache)).toEqual([true]);
    expect(Buffer.compare(Buffer.from(second.frame), Buffer.from(first.frame))).toBe(0);
  });
});
