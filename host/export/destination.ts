import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../../core/contract/api.js';
import { realPathOf } from '../paths.js';
import { alreadyExists, errnoOf, writeFailure } from './atomicWrite.js';

/**
 * The export-destination policy, the same for every format and every shell: an export writes
 * into what it creates. A file export makes a new file, or replaces an existing one only when the
 * user confirmed it (the UI asks; the CLI needs --force). An image sequence makes a new folder or
 * fills an existing empty one; a folder with files in it needs the same confirmation, and even then
 * only files of the sequence's own names are replaced. Never, even confirmed: a Keypose project
 * (the input project above all) and a folder where a file is asked for, or a file where a folder
 * is. Nothing is ever deleted.
 */

export type DestinationKind = 'file' | 'folder';

export interface DestinationRequest {
  readonly kind: DestinationKind;
  readonly overwrite: boolean;
  /** Files that must never be written (the project being exported), compared by real path and inode. */
  readonly protect?: readonly string[];
}

export interface CheckedDestination {
  /** The real path to write (links resolved: the file a link names is the one written). */
  readonly path: string;
  /** 'new': nothing there; 'empty-folder'; 'replace': an existing file, confirmed; 'merge': a folder with files, confirmed. */
  readonly state: 'new' | 'empty-folder' | 'replace' | 'merge';
}

const PROJECT_MARK = '"keypose-project"';

/** True when the file's first bytes are a Keypose project's ({"format": "keypose-project", …}). */
async function looksLikeProject(file: string): Promise<boolean> {
  if (path.extname(file).toLowerCase() === '.keypose') return true;
  try {
    const handle = await open(file, 'r');
    try {
      const head = Buffer.alloc(256);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      return head.subarray(0, bytesRead).toString('utf8').includes(PROJECT_MARK);
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

function refuse(file: string, message: string): ApiError {
  return new ApiError({ code: 'invalid-argument', message, file });
}

/**
 * Checks `outPath` against the policy before anything is rendered, and returns the real path to
 * write. Throws ApiError: 'already-exists' (confirmation needed), 'invalid-argument' (never
 * allowed), 'not-found' (no such folder).
 */
export async function checkExportDestination(
  outPath: string,
  request: DestinationRequest,
): Promise<CheckedDestination> {
  const target = await realPathOf(outPath);
  if (path.extname(target).toLowerCase() === '.keypose') {
    throw refuse(target, `${target}: an export never writes a .keypose file; choose another name.`);
  }
  const folder = path.dirname(target);
  const folderInfo = await stat(folder).catch(() => null);
  if (!folderInfo?.isDirectory()) {
    throw new ApiError({
      code: 'not-found',
      message: `Cannot export to ${target}: the folder ${folder} does not exist.`,
      file: target,
    });
  }
  let info: Awaited<ReturnType<typeof stat>> | null;
  try {
    info = await stat(target);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw writeFailure(error, target, 'look at');
    info = null;
  }
  for (const file of request.protect ?? []) {
    const protectedReal = await realPathOf(file);
    const same =
      protectedReal === target ||
      (info !== null &&
        (await stat(protectedReal).then(
          (p) => p.ino === info.ino && p.dev === info.dev,
          () => false,
        )));
    if (same) {
      throw refuse(target, `${target} is the project being exported; an export never replaces its project.`);
    }
  }
  if (info === null) return { path: target, state: 'new' };

  if (request.kind === 'file') {
    if (info.isDirectory()) {
      throw refuse(target, `${target} is a folder; an export writes a new file there, choose a file name.`);
    }
    if (await looksLikeProject(target)) {
      throw refuse(target, `${target} is a Keypose project; an export never replaces a project.`);
    }
    if (!request.overwrite) throw alreadyExists(target);
    return { path: target, state: 'replace' };
  }
  if (!info.isDirectory()) {
    throw refuse(
      target,
      `${target} is a file; a PNG sequence is written into a new or empty folder, choose a folder name.`,
    );
  }
  const entries = await readdir(target).catch((error: unknown) => {
    throw writeFailure(error, target, 'read the folder');
  });
  if (entries.length === 0) return { path: target, state: 'empty-folder' };
  if (!request.overwrite) {
    throw new ApiError({
      code: 'already-exists',
      message: `The folder ${target} already has files in it; a PNG sequence goes into a new or empty folder. Choose another name, or confirm to write into it (keypose: --force): only files of the sequence's names are replaced, nothing is deleted.`,
      file: target,
    });
  }
  return { path: target, state: 'merge' };
}
