import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** The repository root, the bin launcher `npx keypose` runs, and the sample project. */
export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'cli', 'bin', 'keypose.js');
export const SAMPLE = join(ROOT, 'assets', 'sample', 'sample.keypose');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a CLI run in `dir`: its frame cache inside `dir`, never the user's. */
export function cliEnv(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') };
}

/** Runs `keypose <args>` through the bin launcher in `dir`; resolves with its exit code and output. */
export function runKeypose(args: readonly string[], dir: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: dir, env: cliEnv(dir), maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
