import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyOutputFile } from '../../host/export/verifyOutput.js';
import {
  type CliRun,
  childPids,
  expectUnchanged,
  type Fingerprint,
  fingerprint,
  isRunning,
  keypose,
  SAMPLE,
  seededRandom,
  tempDir,
  waitFor,
} from './helpers.js';

/**
 * Processes killed at random moments (item 7): the CLI with kill -9 (nothing can clean up; the
 * next run must sweep what it left), the frame worker and ffmpeg with kill -9 (the CLI reports
 * it), the CLI with SIGTERM and SIGHUP (handled like Ctrl+C). Afterwards: no pre-existing file
 * changed, no partial output, no temporary folder of a dead process, no process left running.
 */

const FRAMES = 12;
let cli: string;
let tmp: string;
let before: Fingerprint;
const random = seededRandom(20_261_202);

const render = (
  out: string,
  extra: Parameters<typeof keypose>[1] = { cwd: '', tmp: '' },
  args: string[] = [],
) =>
  keypose(['render', 'p.keypose', '-o', out, '--format', 'png', '--range', `0-${FRAMES - 1}`, ...args], {
    ...extra,
    cwd: cli,
    tmp,
  });

/** A sequence folder is either absent or complete: every frame there and whole. */
async function expectAbsentOrComplete(folder: string): Promise<'absent' | 'complete'> {
  const info = await stat(folder).catch(() => null);
  if (!info) return 'absent';
  const names = (await readdir(folder)).sort();
  expect(names).toEqual(
    Array.from({ length: FRAMES }, (_, i) => `${folder.split('/').pop()}_${String(i).padStart(5, '0')}.png`),
  );
  for (const name of names) await verifyOutputFile(join(folder, name), 'png');
  return 'complete';
}

/** Watches the CLI's child processes (worker, ffmpeg) until it exits. */
function watchChildren(pid: number, seen: Map<number, string>): () => void {
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      for (const child of await childPids(pid)) seen.set(child.pid, child.name);
      await new Promise((r) => setTimeout(r, 40));
    }
  };
  void poll();
  return () => {
    stopped = true;
  };
}

async function expectNoneRunning(pids: Iterable<number>): Promise<void> {
  for (const pid of pids) {
    expect(await waitFor(() => !isRunning(pid) || isZombie(pid), 15_000), `process ${pid} still runs`).toBe(
      true,
    );
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = execFileSync('cat', [`/proc/${pid}/stat`], { encoding: 'utf8' });
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

const partials = async () => (await readdir(cli)).filter((n) => n.includes('.partial'));
const workerFolders = async () =>
  (await readdir(tmp)).filter((n) => /^keypose-(worker|import|audio)-/.test(n));

beforeAll(async () => {
  cli = await tempDir('kills');
  tmp = join(cli, 'tmp');
  await mkdir(tmp);
  await writeFile(join(cli, 'p.keypose'), await readFile(SAMPLE));
  await writeFile(join(cli, 'notes.txt'), "the animator's notes");
  before = await fingerprint(cli);
});
afterAll(() => {
  execFileSync('rm', ['-rf', cli]);
});

describe('kill -9 at random moments', () => {
  it('the CLI, 4 times: no pre-existing file changes, output absent or complete, the next run sweeps the rest', async () => {
    // The moments are drawn within the length of an unkilled run on this machine (the engine's
    // speed varies tenfold with the load), and half of the rounds wait for the partial output to
    // appear first, so that some kills land mid-write whatever the machine's speed.
    const started = Date.now();
    const timing = await render(join(cli, 'seq-timing'), { cwd: cli, tmp });
    expect(timing.code, timing.stderr).toBe(0);
    const runMs = Date.now() - started;
    const outcomes: string[] = [];
    for (let round = 0; round < 4; round++) {
      const out = join(cli, `seq-${round}`);
      const afterPartial = round % 2 === 1;
      const delayMs = Math.round(random() * (afterPartial ? 150 : runMs));
      const seen = new Map<number, string>();
      let stop: () => void = () => undefined;
      let finished = false;
      const result: CliRun = await render(out, {
        cwd: cli,
        tmp,
        onSpawn: (child) => {
          stop = watchChildren(child.pid!, seen);
          const kill = () => setTimeout(() => child.kill('SIGKILL'), delayMs);
          const ownPartial = async () =>
            finished || (await partials()).some((n) => n.startsWith(`.seq-${round}.`));
          if (afterPartial) void waitFor(ownPartial, 60_000, 10).then(kill);
          else kill();
        },
      });
      finished = true;
      stop();
      outcomes.push(
        `${afterPartial ? 'partial + ' : ''}${delayMs} ms: ${result.signal ?? `exit ${result.code}`}, ${await expectAbsentOrComplete(out)}`,
      );
      // The worker notices its parent is gone, ffmpeg its closed input: neither outlives the CLI.
      await expectNoneRunning(seen.keys());
    }
    // kill -9 leaves what only the next run can remove (the seeded moments include late ones).
    const left = [...(await partials()), ...(await workerFolders())];
    console.log(`kill -9 of the CLI: ${outcomes.join('; ')}; left behind: ${left.length} temporary entries`);
    expect(left.length).toBeGreaterThan(0);
    // A normal run afterwards sweeps the partial files and worker folders of the killed ones.
    const final = await render(join(cli, 'final'), { cwd: cli, tmp });
    expect(final.code, final.stderr).toBe(0);
    expect(await expectAbsentOrComplete(join(cli, 'final'))).toBe('complete');
    expect(await partials()).toEqual([]);
    expect(await workerFolders()).toEqual([]);
    await expectUnchanged(cli, before, ['seq-', 'final', 'tmp']);
  }, 240_000);

  it('the frame worker mid-render: restarted and retried, or reported in a sentence; never a crash or a partial sequence', async () => {
    const out = join(cli, 'worker-killed');
    const seen = new Map<number, string>();
    let killed = 0;
    const result = await render(out, {
      cwd: cli,
      tmp,
      onSpawn: (child) => {
        const stop = watchChildren(child.pid!, seen);
        void waitFor(() => [...seen.values()].includes('node'), 60_000).then(async () => {
          await new Promise((r) => setTimeout(r, 200 + random() * 1500));
          const worker = [...seen].find(([, name]) => name === 'node');
          if (worker && isRunning(worker[0])) {
            process.kill(worker[0], 'SIGKILL');
            killed = worker[0];
          }
          stop();
        });
      },
    });
    expect(killed).toBeGreaterThan(0);
    // A render job is retried once by the supervisor (exit 0, complete); a kill during the skin
    // weights (host/render, not retried) is reported as a sentence (exit 3, nothing written).
    // Never a crash: the EPIPE of a send to the dead worker used to end the CLI with a stack trace.
    expect([0, 3], result.stderr).toContain(result.code);
    expect(result.stderr).not.toMatch(/\n\s+at .*\.[jt]s:\d+|EPIPE/);
    if (result.code === 3)
      expect(result.stderr).toMatch(/keypose render: the frame worker exited \(SIGKILL\)/);
    expect(await expectAbsentOrComplete(out)).toBe(result.code === 0 ? 'complete' : 'absent');
    expect(await partials()).toEqual([]);
    await expectNoneRunning(seen.keys());
  }, 120_000);

  it('ffmpeg mid-encode: exit 3 saying ffmpeg was killed, nothing at the destination', async () => {
    const out = join(cli, 'ffmpeg-killed');
    const seen = new Map<number, string>();
    let killed = false;
    // A scale no other test renders: the frames are not cached, so the encoder (spawned on the
    // first frame) waits on the engine for the other eleven and is surely alive when it is killed.
    const result = await render(
      out,
      {
        cwd: cli,
        tmp,
        onSpawn: (child) => {
          const stop = watchChildren(child.pid!, seen);
          // The encoder, not the `ffmpeg -version` / `-encoders` probes that run (and end) first.
          const encoder = async () =>
            (await childPids(child.pid!)).find(
              (c) => c.name === 'ffmpeg' && c.args.some((a) => a.includes('ffmpeg-killed')),
            );
          void (async () => {
            const deadline = Date.now() + 60_000;
            while (Date.now() < deadline && child.exitCode === null) {
              const found = await encoder();
              if (found) {
                try {
                  process.kill(found.pid, 'SIGKILL');
                  killed = true;
                } catch {
                  // ended meanwhile: the assertions below say so
                }
                break;
              }
              await new Promise((r) => setTimeout(r, 10));
            }
            stop();
          })();
        },
      },
      ['--scale', '0.75'],
    );
    expect(killed, 'the encoding ffmpeg was found and killed').toBe(true);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/ffmpeg-killed: ffmpeg was killed \(SIGKILL\) before it finished/);
    expect(await expectAbsentOrComplete(out)).toBe('absent');
    expect(await partials()).toEqual([]);
    await expectNoneRunning(seen.keys());
  }, 120_000);
});

describe('SIGTERM and SIGHUP stop the CLI like Ctrl+C', () => {
  // Each at a scale no other test renders, so no frame is cached and the job is surely under way.
  for (const [signal, code, scale] of [
    ['SIGTERM', 143, '0.6'],
    ['SIGHUP', 129, '0.65'],
  ] as const) {
    it(`${signal}: exit ${code}, no partial file, no worker folder, no process left`, async () => {
      const out = join(cli, `stopped-${signal}`);
      const seen = new Map<number, string>();
      const result = await render(
        out,
        {
          cwd: cli,
          tmp,
          onSpawn: (child) => {
            const stop = watchChildren(child.pid!, seen);
            // Once the worker runs: the job is under way.
            void waitFor(() => [...seen.values()].includes('node'), 60_000).then(() => {
              child.kill(signal);
              stop();
            });
          },
        },
        ['--scale', scale],
      );
      expect(result.code, result.stderr).toBe(code);
      expect(result.stderr).toMatch(/cancelled; nothing was written/);
      expect(await expectAbsentOrComplete(out)).toBe('absent');
      expect(await partials()).toEqual([]);
      expect(await workerFolders()).toEqual([]);
      await expectNoneRunning(seen.keys());
      await expectUnchanged(cli, before, ['seq-', 'final', 'tmp', 'worker-killed']);
    }, 120_000);
  }
});
