import { randomBytes } from 'node:crypto';
import { link, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../../core/contract/api.js';

/**
 * The one way Keypose writes a file (projects, BVH/glTF exports, preferences) and publishes what
 * ffmpeg wrote (videoExport.ts): under a temporary name in the destination's folder, every byte
 * checked as written, fsynced, then renamed into place and the folder fsynced. A failure at any
 * step removes the temporary file and leaves the destination as it was; a full disk, a read-only
 * folder or a short write is an ApiError naming the file.
 *
 * Temporary names are `.<name>.keypose-<pid>-<hex>.partial`: the pid lets the next run tell a
 * file left by a killed process (its pid is gone) from one being written now, and sweep it.
 */

const TEMP_PATTERN = /^\.(.+)\.keypose-(\d+)-[0-9a-f]{8}\.partial$/;

/** A temporary name next to `target` for this process. */
export function tempPathFor(target: string): string {
  const absolute = path.resolve(target);
  return path.join(
    path.dirname(absolute),
    `.${path.basename(absolute)}.keypose-${process.pid}-${randomBytes(4).toString('hex')}.partial`,
  );
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary files and folders that killed runs left in `dir` (their process is gone).
 * Only names of the pattern above are touched; nothing Keypose did not create. Never throws.
 */
export async function sweepStaleTemps(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMP_PATTERN.exec(name);
    if (!match || isAlive(Number(match[2]))) continue;
    const full = path.join(dir, name);
    try {
      await rm(full, { recursive: true, force: true });
      removed.push(full);
    } catch {
      // Not ours to fight over (permissions): it stays, as it was.
    }
  }
  return removed;
}

export function errnoOf(error: unknown): string | undefined {
  // Only the system's codes (ENOSPC, EACCES…): other errors carry codes of their own.
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/**
 * A file-system failure as an ApiError whose message names `file` and says what to do. Codes:
 * 'io-error' for the disk's or the folder's fault, 'not-found' for a missing folder.
 */
export function writeFailure(error: unknown, file: string, what = 'write'): ApiError {
  if (error instanceof ApiError) return error;
  const folder = path.dirname(file);
  const code = errnoOf(error);
  const sentence = (() => {
    switch (code) {
      case 'ENOSPC':
      case 'EDQUOT':
        return `${file}: the disk is full; nothing was written there. Free some space and try again.`;
      case 'EROFS':
        return `${file}: the disk is read-only; nothing was written there. Choose another folder.`;
      case 'EACCES':
      case 'EPERM':
        return `${file}: permission denied, cannot ${what} in ${folder}; nothing was written there. Choose another folder.`;
      case 'ENOENT':
        return `${file}: the folder ${folder} does not exist.`;
      case 'ENOTDIR':
        return `${file}: a part of the path is a file, not a folder.`;
      case 'EISDIR':
        return `${file} is a folder; choose a file name.`;
      case 'ENAMETOOLONG':
        return `${file}: the name is too long for this disk.`;
      default:
        return `${file}: could not ${what} the file (${error instanceof Error ? error.message : String(error)}).`;
    }
  })();
  return new ApiError({ code: code === 'ENOENT' ? 'not-found' : 'io-error', message: sentence, file });
}

/** fsyncs a file (or a folder, where the platform allows it: Windows cannot open one to sync). */
export async function syncPath(p: string, { folder = false } = {}): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(p, 'r');
  } catch (error) {
    if (folder) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!folder) throw error;
  } finally {
    await handle.close();
  }
}

/** Writes every byte to a new file (it must not exist), checks the count and fsyncs it. */
export async function writeNewFileVerified(
  file: string,
  data: string | Uint8Array,
  mode = 0o644,
): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  // 'wx': fails if the name exists, so two writers can never share a temporary file.
  const handle = await open(file, 'wx', mode);
  try {
    let offset = 0;
    while (offset < bytes.byteLength) {
      const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset, offset);
      if (bytesWritten <= 0) {
        throw Object.assign(new Error(`short write: ${offset} of ${bytes.byteLength} bytes`), {
          code: 'ENOSPC',
        });
      }
      offset += bytesWritten;
    }
    // Without fsync a power loss after the rename can leave an empty file under the real name.
    await handle.sync();
  } finally {
    await handle.close();
  }
  const written = (await stat(file)).size;
  if (written !== bytes.byteLength) {
    throw Object.assign(new Error(`the file has ${written} of ${bytes.byteLength} bytes`), { code: 'EIO' });
  }
}

/**
 * Moves a finished temporary file to `target`. Without `overwrite` an existing target is never
 * replaced: a hard link fails if the name exists (atomic no-clobber); where links are not
 * supported (FAT, some network disks) an existence check and rename stand in for it.
 * Throws ApiError 'already-exists' when the target exists and overwrite is false.
 */
export async function publishFile(temp: string, target: string, overwrite: boolean): Promise<void> {
  if (overwrite) {
    await rename(temp, target);
    return;
  }
  try {
    await link(temp, target);
    await unlink(temp);
    return;
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'EEXIST') throw alreadyExists(target);
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS', 'EMLINK'].includes(code ?? '')) throw error;
  }
  if (
    await stat(target).then(
      () => true,
      () => false,
    )
  )
    throw alreadyExists(target);
  await rename(temp, target);
}

export function alreadyExists(target: string): ApiError {
  return new ApiError({
    code: 'already-exists',
    message: `${target} already exists; choose another name, or confirm that it may be replaced (keypose: --force).`,
    file: target,
  });
}

export interface WriteOptions {
  /** Replace an existing file (default, as a save does); false refuses (exports not confirmed). */
  readonly overwrite?: boolean;
  readonly mode?: number;
}

/**
 * Writes a whole file atomically and verified (see the module comment). `outPath` is used as
 * given: callers resolve links first (realPathOf) when a link should keep pointing at the file.
 */
export async function writeFileAtomic(
  outPath: string,
  data: string | Uint8Array,
  opts: WriteOptions = {},
): Promise<void> {
  const target = path.resolve(outPath);
  await sweepStaleTemps(path.dirname(target));
  const temp = tempPathFor(target);
  try {
    await writeNewFileVerified(temp, data, opts.mode);
    await publishFile(temp, target, opts.overwrite ?? true);
  } catch (error) {
    await rm(temp, { force: true });
    throw writeFailure(error, target);
  }
  await syncPath(path.dirname(target), { folder: true });
}
