import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Temporary folders in the system's temp folder (the frame worker's files, an import's copy, an
 * export's sound): `keypose-<kind>-<pid>-XXXXXX`. Each is removed by its owner when done, by the
 * process 'exit' hook below on every other way out (process.exit after a signal, an uncaught
 * error), and, when the process was killed outright (kill -9, power loss), by the next Keypose
 * process that makes one: a folder whose pid is no longer running is swept. A worker folder holds
 * the art and skin weights of every character (tens of MB), so leaving them adds up.
 */

export type TempKind = 'worker' | 'import' | 'audio';

const NAME = /^keypose-(worker|import|audio)-(\d+)-[A-Za-z0-9]{6}$/;
/** Folders of the format before the pid was in the name: swept once a day old. */
const LEGACY_NAME = /^keypose-(worker|import|audio)-[A-Za-z0-9]{6}$/;
const LEGACY_AGE_MS = 24 * 3600 * 1000;

const owned = new Set<string>();
let hooked = false;
let swept = false;

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes Keypose's temporary folders whose process is gone. Returns the paths removed; never throws. */
export function sweepStaleTempFolders(dir = tmpdir(), now = Date.now()): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = NAME.exec(name);
    const full = join(dir, name);
    let stale = false;
    if (match) stale = !isAlive(Number(match[2]));
    else if (LEGACY_NAME.test(name)) {
      try {
        stale = now - statSync(full).mtimeMs > LEGACY_AGE_MS;
      } catch {
        stale = false;
      }
    }
    if (!stale) continue;
    try {
      rmSync(full, { recursive: true, force: true });
      removed.push(full);
    } catch {
      // Someone else's (permissions): left as it is.
    }
  }
  return removed;
}

/**
 * Makes a temporary folder of this process (sweeping stale ones the first time) and registers it
 * for removal at exit. `removeTempFolder` removes it earlier, as its owner should.
 */
export function makeTempFolder(kind: TempKind, dir = tmpdir()): string {
  if (!swept) {
    swept = true;
    sweepStaleTempFolders(dir);
  }
  if (!hooked) {
    hooked = true;
    // 'exit' handlers must be synchronous: rmSync.
    process.once('exit', () => {
      for (const folder of owned) rmSync(folder, { recursive: true, force: true });
    });
  }
  const folder = mkdtempSync(join(dir, `keypose-${kind}-${process.pid}-`));
  owned.add(folder);
  return folder;
}

export function removeTempFolder(folder: string): void {
  owned.delete(folder);
  rmSync(folder, { recursive: true, force: true });
}
