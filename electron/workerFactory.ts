import { join } from 'node:path';
import type { WorkerFactory, WorkerHandle } from '../host/worker/supervisor.js';

/**
 * The frame worker as an Electron utilityProcess: the app's main process must stay responsive,
 * and a utility process is Chromium's supported way to run Node work beside it (it can also be
 * sandboxed and shows in the task manager under its service name). The worker's code path is the
 * one the studio forks (inference/worker/main.ts, built to build/worker/main.js): it talks through
 * process.parentPort here and through process.send there.
 *
 * Only the part of utilityProcess this needs is typed here, so tests can pass a fake.
 */
export interface UtilityProcessChild {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface UtilityProcessForker {
  fork(
    modulePath: string,
    args?: string[],
    options?: { serviceName?: string; env?: Record<string, string | undefined>; stdio?: 'inherit' | 'pipe' },
  ): UtilityProcessChild;
}

/** build/worker/main.js under the app's root (see scripts/build.mjs). */
export function builtWorkerEntry(appRoot: string): string {
  return join(appRoot, 'build', 'worker', 'main.js');
}

export function utilityWorkerFactory(
  utilityProcess: UtilityProcessForker,
  entry: string,
  opts: { env?: Record<string, string | undefined> } = {},
): WorkerFactory {
  return (): WorkerHandle => {
    const child = utilityProcess.fork(entry, [], {
      serviceName: 'Keypose frame worker',
      stdio: 'inherit',
      env: opts.env ?? process.env,
    });
    let exited = false;
    child.on('exit', () => {
      exited = true;
    });
    return {
      // utilityProcess knows its pid only once spawned: read it when asked.
      get pid() {
        return child.pid;
      },
      send: (message) => {
        // Posting to an exited utility process throws; the supervisor learns of the exit itself.
        if (!exited) child.postMessage(message);
      },
      onMessage: (listener) => {
        child.on('message', listener);
      },
      onExit: (listener) => {
        child.on('exit', (code) => listener(code, null));
      },
      kill: () => {
        if (!exited) child.kill();
      },
    };
  };
}
