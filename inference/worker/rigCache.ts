import { randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { decodeRig, encodeRig, RIG_CODEC_MAGIC } from '../../core/render/parts/rigCodec.js';
import type { PartsRig } from '../../core/render/parts/types.js';

/**
 * The worker's rig cache on disk: one file per rig key (the host names it, in its cache folder:
 * host/render/characterRegistry.ts), so an app or CLI restart reads a character's parts rig back
 * in milliseconds instead of building it again. The rig key already hashes everything the rig is
 * built from and PARTS_ALGORITHM_VERSION; the file's header repeats both (core/render/parts/
 * rigCodec.ts). A file that is missing, of another version, truncated or altered is ignored and
 * the rig built again; a cache never makes a character fail.
 *
 * Writes go to `.<name>.keypose-<pid>-<hex>.partial` and are renamed into place (the pattern
 * host/export/atomicWrite.ts sweeps once their process is gone), so a reader never sees half a
 * file. No fsync: a file torn by a power cut fails its checksum and is rebuilt. A file at the
 * name that Keypose did not write (no rig magic) is left alone and nothing is cached there.
 */

/** Rig files kept per folder; the least recently used beyond it are removed. */
export const RIG_CACHE_MAX_FILES = 48;
const RIG_FILE = /^rig_[0-9a-zA-Z_-]+\.kpr$/;

export function readCachedRig(file: string, rigKey: string): PartsRig | null {
  try {
    const rig = decodeRig(new Uint8Array(readFileSync(file)), rigKey);
    if (rig) {
      // Recently used: kept longest when the folder is pruned.
      const now = new Date();
      utimesSync(file, now, now);
    }
    return rig;
  } catch {
    return null;
  }
}

/** Whether a file at `file` is absent, empty or one of ours (starts with the rig magic). */
function mayReplace(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
  try {
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, 4, 0);
    // Empty: what a rename without fsync can leave after a power cut; nothing to lose either way.
    return n === 0 || (n === 4 && head.readUInt32LE(0) === RIG_CODEC_MAGIC);
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/** Stores the rig; true when written. Failures (full disk, read-only folder) only skip the cache. */
export function writeCachedRig(file: string, rigKey: string, rig: PartsRig): boolean {
  const tmp = join(
    dirname(file),
    `.${basename(file)}.keypose-${process.pid}-${randomBytes(4).toString('hex')}.partial`,
  );
  try {
    mkdirSync(dirname(file), { recursive: true });
    if (!mayReplace(file)) return false;
    writeFileSync(tmp, encodeRig(rig, rigKey));
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
    return false;
  }
  pruneRigFolder(dirname(file));
  return true;
}

/** Removes the least recently used rig files beyond RIG_CACHE_MAX_FILES (ours only, by name and magic). */
export function pruneRigFolder(dir: string, max = RIG_CACHE_MAX_FILES): void {
  try {
    const files = readdirSync(dir)
      .filter((n) => RIG_FILE.test(n))
      .map((n) => ({ path: join(dir, n), mtimeMs: statSync(join(dir, n)).mtimeMs }));
    if (files.length <= max) return;
    files.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const f of files.slice(0, files.length - max)) {
      try {
        if (mayReplace(f.path)) unlinkSync(f.path);
      } catch {
        // Gone already, or not ours to remove.
      }
    }
  } catch {
    // A folder that cannot be listed keeps what it has.
  }
}

/**
 * The rig for `rigKey`: read from `file` when it holds a good one, else built by `build` and
 * stored there. Without a file, simply built.
 */
export function loadOrBuildRig(
  file: string | undefined,
  rigKey: string,
  size: { readonly width: number; readonly height: number },
  build: () => PartsRig,
): { rig: PartsRig; fromCache: boolean } {
  const cached = file ? readCachedRig(file, rigKey) : null;
  if (cached && cached.width === size.width && cached.height === size.height)
    return { rig: cached, fromCache: true };
  const rig = build();
  if (file) writeCachedRig(file, rigKey, rig);
  return { rig, fromCache: false };
}
