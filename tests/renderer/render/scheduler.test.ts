import { describe, expect, it } from 'vitest';
import type { FrameRef, JobEvent, RenderFramesRequest } from '../../../core/contract/api.js';
import { setProjectName } from '../../../core/document/edits.js';
import type { ProjectDocument } from '../../../core/document/schema.js';
import { quatFromAxisAngle } from '../../../core/math/quat.js';
import {
  type RenderInput,
  type RenderPort,
  RenderScheduler,
  type SchedulerClock,
  sameRenderInputs,
} from '../../../renderer/render/scheduler.js';
import { keyJointRotation, updateMotion } from '../../../renderer/state/edits.js';
import { makeDocument } from '../fixtures.js';

/** A clock whose time only moves when the test says so. */
class FakeClock implements SchedulerClock {
  time = 0;
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 1;
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, callback, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.time = next.at;
      next.callback();
    }
    this.time = end;
  }
}

interface Call {
  readonly request: RenderFramesRequest;
  resolve(result: { jobId: string | null; cached: FrameRef[] }): void;
  reject(error: unknown): void;
}

/** A host that answers when the test says so and records what it was asked. */
class FakeHost implements RenderPort {
  calls: Call[] = [];
  cancelled: string[] = [];
  errors: unknown[] = [];
  renderFrames(request: RenderFramesRequest) {
    return new Promise<{ jobId: string | null; cached: FrameRef[] }>((resolve, reject) => {
      this.calls.push({ request, resolve, reject });
    });
  }
  cancelJob(jobId: string) {
    this.cancelled.push(jobId);
    return Promise.resolve(null);
  }
  reportError(error: unknown) {
    this.errors.push(error);
  }
}

const flush = () => new Promise((done) => setTimeout(done, 0));

const ref = (frameIndex: number, key: string, quality: 'draft' | 'final' = 'final'): FrameRef => ({
  frameIndex,
  key,
  width: 4,
  height: 4,
  quality,
});
const frameEvent = (jobId: string, frame: FrameRef): JobEvent => ({ type: 'frame', jobId, frame });
const done = (jobId: string): JobEvent => ({ type: 'done', jobId, kind: 'render' });

function withDuration(doc: ProjectDocument, frames: number): ProjectDocument {
  return { ...doc, durationFrames: frames };
}

/** A real edit (a key on the first joint), as the editor makes it: a new character object. */
function rotated(doc: ProjectDocument, degrees: number, frame = 0): ProjectDocument {
  const character = doc.characters[0]!;
  const joint = character.skeleton.joints[1]!;
  return updateMotion(doc, character.id, (motion) =>
    keyJointRotation(
      motion,
      joint.id,
      frame,
      quatFromAxisAngle([0, 0, 1], (degrees * Math.PI) / 180),
      'linear',
    ),
  );
}

function setup(frames = 6) {
  const clock = new FakeClock();
  const host = new FakeHost();
  const scheduler = new RenderScheduler(host, clock, { debounceMs: 100, draftIntervalMs: 50 });
  const doc = withDuration(makeDocument(), frames);
  const input = (document: ProjectDocument, extra: Partial<RenderInput> = {}): RenderInput => ({
    document,
    characterId: document.characters[0]!.id,
    currentFrame: 0,
    dragging: false,
    ...extra,
  });
  return { clock, host, scheduler, doc, input };
}

describe('RenderScheduler', () => {
  it('debounces edits, then asks for every frame with the playhead frame first', async () => {
    const { clock, host, scheduler, doc, input } = setup(6);
    scheduler.update(input(doc, { currentFrame: 3 }));
    scheduler.update(input(rotated(doc, 10), { currentFrame: 3 }));
    clock.advance(99);
    expect(host.calls).toHaveLength(0);
    expect(scheduler.statuses()).toEqual(['missing', 'missing', 'missing', 'missing', 'missing', 'missing']);
    clock.advance(1);
    expect(host.calls).toHaveLength(1);
    const request = host.calls[0]!.request;
    expect(request.frames).toEqual([3, 4, 5, 0, 1, 2]);
    expect(request.quality).toBe('final');
    expect(request.characterId).toBe(doc.characters[0]!.id);
    expect(scheduler.statuses().every((s) => s === 'rendering')).toBe(true);

    host.calls[0]!.resolve({ jobId: 'job1', cached: [ref(0, 'k0'), ref(1, 'k1')] });
    await flush();
    expect(scheduler.statuses()).toEqual([
      'ready',
      'ready',
      'rendering',
      'rendering',
      'rendering',
      'rendering',
    ]);
    scheduler.handleEvent(frameEvent('job1', ref(3, 'k3')));
    expect(scheduler.slot(3)).toEqual({ status: 'ready', ref: ref(3, 'k3') });
    expect(scheduler.progress()).toEqual({ ready: 3, total: 6, pending: 3 });
  });

  it('marks frames stale after an edit, keeps showing their old pixels and cancels the old job', async () => {
    const { clock, host, scheduler, doc, input } = setup(3);
    scheduler.update(input(doc));
    clock.advance(100);
    host.calls[0]!.resolve({ jobId: 'job1', cached: [] });
    await flush();
    scheduler.handleEvent(frameEvent('job1', ref(0, 'a0')));
    scheduler.handleEvent(frameEvent('job1', ref(1, 'a1')));
    expect(scheduler.statuses()).toEqual(['ready', 'ready', 'rendering']);

    const edited = rotated(doc, 20);
    scheduler.update(input(edited));
    expect(scheduler.statuses()).toEqual(['stale', 'stale', 'missing']);
    expect(scheduler.slot(1).ref?.key).toBe('a1');
    clock.advance(100);
    expect(host.cancelled).toEqual(['job1']);
    expect(host.calls[1]!.request.document).toBe(edited);
    // The cancelled job's late frame must not overwrite anything.
    scheduler.handleEvent(frameEvent('job1', ref(2, 'old')));
    expect(scheduler.slot(2).ref).toBeNull();

    host.calls[1]!.resolve({ jobId: 'job2', cached: [ref(1, 'a1')] });
    await flush();
    expect(scheduler.statuses()).toEqual(['stale', 'ready', 'rendering']);
    scheduler.handleEvent(frameEvent('job2', ref(0, 'b0')));
    scheduler.handleEvent(frameEvent('job2', ref(2, 'b2')));
    scheduler.handleEvent(done('job2'));
    expect(scheduler.statuses()).toEqual(['ready', 'ready', 'ready']);
    expect(scheduler.slot(0).ref?.key).toBe('b0');
  });

  it('cancels a job that answers after its document was edited again', async () => {
    const { clock, host, scheduler, doc, input } = setup(2);
    scheduler.update(input(doc));
    clock.advance(100);
    scheduler.update(input(rotated(doc, 5)));
    host.calls[0]!.resolve({ jobId: 'late', cached: [] });
    await flush();
    expect(host.cancelled).toEqual(['late']);
  });

  it('takes frame events that arrive before renderFrames answers', async () => {
    const { clock, host, scheduler, doc, input } = setup(2);
    scheduler.update(input(doc));
    clock.advance(100);
    scheduler.handleEvent(frameEvent('fast', ref(1, 'f1')));
    host.calls[0]!.resolve({ jobId: 'fast', cached: [] });
    await flush();
    expect(scheduler.slot(1)).toEqual({ status: 'ready', ref: ref(1, 'f1') });
  });

  it('ignores edits that change nothing a frame depends on', () => {
    const { clock, host, scheduler, doc, input } = setup(2);
    scheduler.update(input(doc));
    clock.advance(100);
    const renamed = setProjectName(doc, 'Another name');
    expect(sameRenderInputs(input(doc), input(renamed))).toBe(true);
    expect(sameRenderInputs(input(doc), input(rotated(doc, 1)))).toBe(false);
    expect(sameRenderInputs(input(doc), input(withDuration(doc, 3)))).toBe(false);
    scheduler.update(input(renamed, { currentFrame: 1 }));
    clock.advance(500);
    expect(host.calls).toHaveLength(1);
  });

  it('renders the scene without a characterId; any character of the scene, its order or the output size re-renders', () => {
    const { clock, host, scheduler, doc, input } = setup(2);
    const first = doc.characters[0]!;
    const second = { ...first, id: first.id.concat('_b') as typeof first.id, name: 'Second' };
    const scene = { ...doc, characters: [first, second] };
    const sceneInput = (document: ProjectDocument) => input(document, { characterId: undefined });
    scheduler.update(sceneInput(scene));
    clock.advance(100);
    expect(host.calls).toHaveLength(1);
    expect('characterId' in host.calls[0]!.request).toBe(false);
    const moved = { ...second, placement: { offset: [5, 0, 0] as [number, number, number], scale: 1 } };
    expect(sameRenderInputs(sceneInput(scene), sceneInput({ ...scene, characters: [first, moved] }))).toBe(
      false,
    );
    expect(sameRenderInputs(sceneInput(scene), sceneInput({ ...scene, characters: [second, first] }))).toBe(
      false,
    );
    expect(
      sameRenderInputs(sceneInput(scene), sceneInput({ ...scene, resolution: { width: 9, height: 9 } })),
    ).toBe(false);
    expect(sameRenderInputs(sceneInput(scene), sceneInput(setProjectName(scene, 'Renamed')))).toBe(true);
    // One character's frames ignore the others.
    expect(sameRenderInputs(input(scene), input({ ...scene, characters: [first, moved] }))).toBe(true);
  });

  it('during a drag renders only the playhead frame as a draft, one at a time, then the final frames', async () => {
    const { clock, host, scheduler, doc, input } = setup(4);
    scheduler.update(input(doc, { currentFrame: 2 }));
    clock.advance(100);
    host.calls[0]!.resolve({ jobId: 'all', cached: [] });
    await flush();

    // The drag starts (gesture open) and moves the joint three times quickly.
    scheduler.update(input(doc, { currentFrame: 2, dragging: true }));
    expect(host.calls).toHaveLength(1);
    scheduler.update(input(rotated(doc, 10, 2), { currentFrame: 2, dragging: true }));
    expect(host.cancelled).toEqual(['all']);
    expect(host.calls).toHaveLength(2);
    expect(host.calls[1]!.request).toMatchObject({ frames: [2], quality: 'draft' });
    const latest = rotated(doc, 30, 2);
    scheduler.update(input(rotated(doc, 20, 2), { currentFrame: 2, dragging: true }));
    scheduler.update(input(latest, { currentFrame: 2, dragging: true }));
    clock.advance(200);
    // One draft in flight: the newer poses wait for it.
    expect(host.calls).toHaveLength(2);
    host.calls[1]!.resolve({ jobId: 'd1', cached: [] });
    await flush();
    scheduler.handleEvent(frameEvent('d1', ref(2, 'draft10', 'draft')));
    // Its (now stale) draft is shown, and the newest pose goes out next.
    expect(scheduler.slot(2)).toEqual({ status: 'stale', ref: ref(2, 'draft10', 'draft') });
    expect(host.calls).toHaveLength(3);
    expect(host.calls[2]!.request.document).toBe(latest);
    host.calls[2]!.resolve({ jobId: 'd2', cached: [ref(2, 'draft30', 'draft')] });
    await flush();
    expect(scheduler.slot(2).status).toBe('draft');

    // The drag ends: the final frames of the last pose, debounced.
    scheduler.update(input(latest, { currentFrame: 2, dragging: false }));
    clock.advance(100);
    expect(host.calls).toHaveLength(4);
    expect(host.calls[3]!.request).toMatchObject({ frames: [2, 3, 0, 1], quality: 'final' });
    host.calls[3]!.resolve({ jobId: 'f', cached: [ref(2, 'final30')] });
    await flush();
    expect(scheduler.slot(2)).toEqual({ status: 'ready', ref: ref(2, 'final30') });
    // A draft that arrives late never replaces the full frame.
    scheduler.handleEvent(frameEvent('d2', ref(2, 'draft30', 'draft')));
    expect(scheduler.slot(2).ref?.key).toBe('final30');
  });

  it('keeps the draft in flight while the pointer keeps moving, and sends the newest pose next', async () => {
    const { clock, host, scheduler, doc, input } = setup(2);
    scheduler.update(input(doc));
    clock.advance(100);
    host.calls[0]!.resolve({ jobId: null, cached: [ref(0, 'a'), ref(1, 'b')] });
    await flush();
    scheduler.update(input(rotated(doc, 1), { dragging: true }));
    host.calls[1]!.resolve({ jobId: 'd1', cached: [] });
    await flush();
    for (let i = 2; i <= 6; i++) {
      scheduler.update(input(rotated(doc, i), { dragging: true }));
      clock.advance(100);
    }
    expect(host.cancelled).toEqual([]);
    expect(host.calls).toHaveLength(2);
    scheduler.handleEvent(frameEvent('d1', ref(0, 'pose1', 'draft')));
    expect(scheduler.slot(0).ref?.key).toBe('pose1');
    expect(host.calls).toHaveLength(3);
    expect(host.calls[2]!.request.document).toEqual(rotated(doc, 6));
  });

  it('throttles drafts to one per interval when the host answers at once', async () => {
    const { clock, host, scheduler, doc, input } = setup(2);
    scheduler.update(input(doc));
    clock.advance(100);
    host.calls[0]!.resolve({ jobId: null, cached: [ref(0, 'a'), ref(1, 'b')] });
    await flush();
    let next = doc;
    for (let i = 1; i <= 10; i++) {
      next = rotated(doc, i);
      scheduler.update(input(next, { dragging: true }));
      const last = host.calls.at(-1)!;
      if (last.request.quality === 'draft') last.resolve({ jobId: null, cached: [ref(0, `d${i}`, 'draft')] });
      await flush();
      clock.advance(10);
    }
    // 100 ms of dragging with a 50 ms interval: the first draft at once, then at most one per 50 ms.
    const drafts = host.calls.filter((c) => c.request.quality === 'draft');
    expect(drafts.length).toBeGreaterThanOrEqual(2);
    expect(drafts.length).toBeLessThanOrEqual(3);
  });

  it('reports a failed request once, and the frames show as missing', async () => {
    const { clock, host, scheduler, doc, input } = setup(2);
    scheduler.update(input(doc));
    clock.advance(100);
    host.calls[0]!.reject(new Error('no engine'));
    await flush();
    expect(scheduler.statuses()).toEqual(['missing', 'missing']);
    scheduler.update(input(rotated(doc, 3)));
    clock.advance(100);
    host.calls[1]!.reject(new Error('no engine'));
    await flush();
    expect(host.errors).toHaveLength(1);
    scheduler.update(input(rotated(doc, 4)));
    clock.advance(100);
    host.calls[2]!.resolve({ jobId: 'j', cached: [] });
    await flush();
    scheduler.handleEvent({
      type: 'failed',
      jobId: 'j',
      kind: 'render',
      error: { code: 'worker-failed', message: 'the worker crashed twice' },
    });
    expect(host.errors).toHaveLength(2);
    expect(scheduler.statuses()).toEqual(['missing', 'missing']);
  });

  it('follows a change of the frame count', async () => {
    const { clock, host, scheduler, doc, input } = setup(2);
    scheduler.update(input(doc));
    clock.advance(100);
    host.calls[0]!.resolve({ jobId: null, cached: [ref(0, 'a'), ref(1, 'b')] });
    await flush();
    scheduler.update(input(withDuration(doc, 4)));
    expect(scheduler.statuses()).toEqual(['stale', 'stale', 'missing', 'missing']);
    scheduler.update(input(withDuration(doc, 1)));
    expect(scheduler.frameCount).toBe(1);
  });

  it('forgets the frames of the previous project when another one is opened', async () => {
    const { clock, host, scheduler, doc, input } = setup(2);
    scheduler.update(input(doc));
    clock.advance(100);
    host.calls[0]!.resolve({ jobId: null, cached: [ref(0, 'a'), ref(1, 'b')] });
    await flush();
    scheduler.update(input({ ...rotated(doc, 9), id: 'proj_other' as ProjectDocument['id'] }));
    expect(scheduler.statuses()).toEqual(['missing', 'missing']);
    expect(scheduler.slot(0).ref).toBeNull();
  });

  it('ignores other jobs, export events and engine events', () => {
    const { scheduler, doc, input } = setup(2);
    scheduler.update(input(doc));
    scheduler.handleEvent(frameEvent('someone-else', ref(0, 'x')));
    scheduler.handleEvent({ type: 'progress', jobId: 'e', kind: 'export', done: 1, total: 2 });
    scheduler.handleEvent({ type: 'engine', status: { provider: 'cpu', messages: [] } });
    expect(scheduler.slot(0).ref).toBeNull();
  });

  it('dispose cancels the jobs in flight', async () => {
    const { clock, host, scheduler, doc, input } = setup(2);
    scheduler.update(input(doc));
    clock.advance(100);
    host.calls[0]!.resolve({ jobId: 'j', cached: [] });
    await flush();
    scheduler.dispose();
    expect(host.cancelled).toEqual(['j']);
  });

  it('invalidate (another model pack) asks for every frame again, showing the old ones as stale', async () => {
    const { clock, host, scheduler, doc, input } = setup(2);
    scheduler.update(input(doc));
    clock.advance(100);
    host.calls[0]!.resolve({ jobId: 'job1', cached: [ref(0, 'a0'), ref(1, 'a1')] });
    await flush();
    expect(scheduler.statuses()).toEqual(['ready', 'ready']);
    scheduler.invalidate();
    expect(scheduler.statuses()).toEqual(['stale', 'stale']);
    clock.advance(100);
    expect(host.calls).toHaveLength(2);
    expect(host.calls[1]!.request.frames).toEqual([0, 1]);
    host.calls[1]!.resolve({ jobId: null, cached: [ref(0, 'p0'), ref(1, 'p1')] });
    await flush();
    expect(scheduler.statuses()).toEqual(['ready', 'ready']);
    expect(scheduler.slot(1).ref?.key).toBe('p1');
  });
});
