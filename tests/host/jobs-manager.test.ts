import { describe, expect, it } from 'vitest';
import { ApiError, type JobEvent, jobEventSchema } from '../../core/contract/api.js';
import { DocumentError } from '../../core/document/errors.js';
import { JobManager, throwIfCancelled } from '../../host/jobs/jobManager.js';

function collect(jobs: JobManager) {
  const events: JobEvent[] = [];
  jobs.subscribe((e) => events.push(jobEventSchema.parse(e)));
  return events;
}

describe('job manager', () => {
  it('runs a job: progress with an ETA from the rate so far, then done with the result', async () => {
    let nowMs = 0;
    const jobs = new JobManager({ now: () => nowMs });
    const events = collect(jobs);
    const started = jobs.start('export', async (job) => {
      nowMs = 1000;
      job.progress(1, 4, 'encode');
      nowMs = 2000;
      job.progress(2, 4, 'encode');
      return { path: '/tmp/out.mov' };
    });
    // The id comes back before any event: callers can match events to it.
    expect(events).toEqual([]);
    expect(await started.result).toEqual({ path: '/tmp/out.mov' });
    expect(events).toEqual([
      {
        type: 'progress',
        jobId: started.jobId,
        kind: 'export',
        done: 1,
        total: 4,
        stage: 'encode',
        etaSec: 3,
      },
      {
        type: 'progress',
        jobId: started.jobId,
        kind: 'export',
        done: 2,
        total: 4,
        stage: 'encode',
        etaSec: 2,
      },
      { type: 'done', jobId: started.jobId, kind: 'export', result: { path: '/tmp/out.mov' } },
    ]);
    expect(jobs.get(started.jobId)?.state).toBe('done');
  });

  it('cancels through the signal: one cancelled event, nothing after it', async () => {
    const jobs = new JobManager();
    const events = collect(jobs);
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const started = jobs.start('render', async (job) => {
      await gate;
      throwIfCancelled(job.signal);
      job.progress(1, 1);
    });
    await Promise.resolve();
    expect(jobs.cancel(started.jobId)).toBe(true);
    expect(jobs.cancel('job_unknown')).toBe(false);
    release();
    expect(await started.result).toBeUndefined();
    expect(events).toEqual([{ type: 'cancelled', jobId: started.jobId, kind: 'render' }]);
    expect(jobs.cancel(started.jobId)).toBe(false);
  });

  it('maps failures to ApiErrorData (ApiError, DocumentError, anything else)', async () => {
    const jobs = new JobManager();
    const events = collect(jobs);
    const a = jobs.start('import', async () => {
      throw new ApiError({ code: 'corrupt-file', message: 'bad PNG', file: '/x.png' });
    });
    const b = jobs.start('import', async () => {
      throw new DocumentError('future-version', 'p.keypose', 'too new');
    });
    const c = jobs.start('import', async () => {
      throw new TypeError('boom');
    });
    await expect(a.result).rejects.toMatchObject({ code: 'corrupt-file', file: '/x.png' });
    await expect(b.result).rejects.toMatchObject({ code: 'future-version', file: 'p.keypose' });
    await expect(c.result).rejects.toMatchObject({ code: 'internal', message: 'boom' });
    expect(events.map((e) => (e.type === 'failed' ? e.error.code : e.type))).toEqual([
      'corrupt-file',
      'future-version',
      'internal',
    ]);
  });

  it('keeps going when a subscriber throws', async () => {
    const jobs = new JobManager();
    jobs.subscribe(() => {
      throw new Error('closed socket');
    });
    const events = collect(jobs);
    const started = jobs.start('render', async () => 1);
    expect(await started.result).toBe(1);
    expect(events.map((e) => e.type)).toEqual(['done']);
  });
});
