import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { ApiError } from '../../core/contract/api.js';

/**
 * Shared by tests/robustness/: a fingerprint of a folder (every file's SHA-256, every link's
 * target, every folder) taken before and after a bad input or a fault, so each test can assert
 * that nothing that was there changed; small mounts for a full or read-only disk; the CLI.
 */

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'cli', 'bin', 'keypose.js');
export const SAMPLE = join(ROOT, 'assets', 'sample', 'sample.keypose');

export type Fingerprint = Map<string, string>;

/** Every entry under `dir` (links not followed): file -> sha256, link -> its target, folder -> 'dir'. */
export async function fingerprint(dir: string): Promise<Fingerprint> {
  const out: Fingerprint = new Map();
  const walk = async (folder: string) => {
    for (const name of (await readdir(folder)).sort()) {
      const full = join(folder, name);
      const key = relative(dir, full);
      const info = await lstat(full);
      if (info.isSymbolicLink()) out.set(key, `link -> ${await readlink(full)}`);
      else if (info.isDirectory()) {
        out.set(key, 'dir');
        await walk(full);
      } else if (info.isFile())
        out.set(
          key,
          createHash('sha256')
            .update(await readFile(full))
            .digest('hex'),
        );
      else out.set(key, 'special');
    }
  };
  await walk(dir);
  return out;
}

/** Every entry of `before` is still there, unchanged (new entries are allowed only if listed). */
export async function expectUnchanged(dir: string, before: Fingerprint, allowedNew: readonly string[] = []) {
  const after = await fingerprint(dir);
  for (const [key, value] of before) expect(after.get(key), `${key} changed or vanished`).toBe(value);
  const added = [...after.keys()].filter((k) => !before.has(k) && !allowedNew.some((a) => k.startsWith(a)));
  expect(added, 'files appeared').toEqual([]);
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `keypose-robust-${prefix}-`));
}

export async function expectApiError(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'expected a rejection').toBeInstanceOf(ApiError);
  return error as ApiError;
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((done, fail) =>
    execFile(cmd, args, (error, _stdout, stderr) =>
      error ? fail(new Error(stderr || error.message)) : done(),
    ),
  );
}

/**
 * Mounts a tmpfs of `sizeKb` (read-only with `readOnly`) at a new folder; null where this machine
 * does not allow it (not root, no CAP_SYS_ADMIN): the caller skips through skipForMissing
 * (tests/requirements.ts), which fails instead under CI=true.
 */
export async function mountTmpfs(
  sizeKb: number,
  opts: { readOnly?: boolean } = {},
): Promise<{ dir: string; unmount: () => Promise<void> } | null> {
  const dir = await tempDir('mount');
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k${opts.readOnly ? ',ro' : ''}`, 'tmpfs', dir]);
  } catch {
    await rm(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    async unmount() {
      await run('umount', [dir]).catch(() => run('umount', ['-l', dir]));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Remounts a mounted tmpfs read-only (after files were put in it). */
export async function remountReadOnly(dir: string): Promise<void> {
  await run('mount', ['-o', 'remount,ro', dir]);
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts the CLI (as `npx keypose` does) with its own TMPDIR and cache, so temporary folders it
 * leaves can be counted. `onSpawn` gets the child (to kill it).
 */
export function keypose(
  args: readonly string[],
  opts: { cwd: string; tmp: string; onSpawn?: (child: ReturnType<typeof spawn>) => void; timeoutMs?: number },
): Promise<CliRun> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, TMPDIR: opts.tmp, XDG_CACHE_HOME: join(opts.tmp, 'cache') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    opts.onSpawn?.(child);
  });
}

/** Process ids whose parent is `pid` (Linux /proc). */
export async function childPids(pid: number): Promise<{ pid: number; name: string; args: string[] }[]> {
  const found: { pid: number; name: string; args: string[] }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces, so split after the last ')'.
      const close = stat.lastIndexOf(')');
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      if (ppid !== pid) continue;
      const args = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').filter(Boolean);
      found.push({ pid: Number(entry), name: stat.slice(stat.indexOf('(') + 1, close), args });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers; its state says Z.
    return true;
  } catch {
    return false;
  }
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, stepMs = 50) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return false;
}

/** A deterministic pseudo-random sequence (mulberry32): "random moments" that reproduce. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function ensureDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return dir;
}
