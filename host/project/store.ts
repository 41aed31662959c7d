import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ApiError, type ApiErrorData, type ProjectListEntry } from '../../core/contract/api.js';
import { MAX_PROJECT_FILE_BYTES } from '../../core/document/limits.js';
import { parseProjectJson, serializeProject } from '../../core/document/parse.js';
import type { ProjectDocument } from '../../core/document/schema.js';
import {
  alreadyExists,
  publishFile,
  sweepStaleTemps,
  syncPath,
  tempPathFor,
  writeNewFileVerified,
} from '../export/atomicWrite.js';
import { findAppRoot, realPathOf } from '../paths.js';

/**
 * The project store: reads and writes `.keypose` files (one JSON file, art embedded). Loading
 * never writes, so a file that fails to load is left exactly as it was; saving writes a temporary
 * file next to the target, fsyncs it and renames it over the target, so a crash or a full disk
 * leaves either the old file or the new one, never a half-written one.
 */

export const PROJECT_EXTENSION = '.keypose';

const DOCUMENT_ERROR_CODES = new Set<ApiErrorData['code']>([
  'corrupt-file',
  'future-version',
  'invalid-project',
]);

/** Reads and validates a project file. Throws ApiError (code + file) on any failure. */
export async function loadProject(path: string): Promise<ProjectDocument> {
  const absolutePath = resolve(path);
  let text: string;
  try {
    const info = await stat(absolutePath);
    if (info.isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    if (!info.isFile()) {
      throw new ApiError({
        code: 'invalid-argument',
        message: `${absolutePath} is not a regular file (a device or a pipe); open a .keypose file.`,
        file: absolutePath,
      });
    }
    // Checked before reading: a larger file cannot be held as one string anyway.
    if (info.size > MAX_PROJECT_FILE_BYTES) {
      throw new ApiError({
        code: 'invalid-project',
        message: `${absolutePath} is ${Math.round(info.size / 2 ** 20)} MiB; a Keypose project is at most ${MAX_PROJECT_FILE_BYTES / 2 ** 20} MiB.`,
        file: absolutePath,
      });
    }
    text = await readFile(absolutePath, 'utf8');
  } catch (error) {
    throw fileSystemError(error, absolutePath, 'read');
  }
  try {
    return parseProjectJson(text, absolutePath);
  } catch (error) {
    throw documentError(error, absolutePath);
  }
}

/** The two steps of a save that touch the disk; tests replace them to simulate a full disk. */
export interface SaveIo {
  writeTemp(tempPath: string, text: string): Promise<void>;
  rename(fromPath: string, toPath: string): Promise<void>;
}

/** The shared verified write (host/export/atomicWrite.ts): every byte checked, fsynced, renamed. */
const nodeSaveIo: SaveIo = {
  writeTemp: (tempPath, text) => writeNewFileVerified(tempPath, text),
  rename,
};

export interface SaveOptions {
  /** Refuse when a file is already there (`keypose rig -o` without --force). Default: replace it. */
  readonly overwrite?: boolean;
}

/**
 * Writes `doc` to `path` atomically; the original file is untouched if anything fails. A path
 * that is a symlink keeps being one: the file it points to is the one replaced. Temporary files
 * that a killed save left in the folder are removed first.
 */
export async function saveProject(
  path: string,
  doc: ProjectDocument,
  io: SaveIo = nodeSaveIo,
  opts: SaveOptions = {},
): Promise<void> {
  const absolutePath = await realPathOf(path);
  let text: string;
  try {
    text = serializeProject(doc, absolutePath);
  } catch (error) {
    throw documentError(error, absolutePath);
  }
  const existing = await stat(absolutePath).catch(() => null);
  if (existing && opts.overwrite === false) throw alreadyExists(absolutePath);
  if (existing?.isDirectory())
    throw fileSystemError(Object.assign(new Error('folder'), { code: 'EISDIR' }), absolutePath, 'write');
  await sweepStaleTemps(dirname(absolutePath));
  const tempPath = tempPathFor(absolutePath);
  try {
    await io.writeTemp(tempPath, text);
    if (opts.overwrite === false) await publishFile(tempPath, absolutePath, false);
    else await io.rename(tempPath, absolutePath);
  } catch (error) {
    await unlink(tempPath).catch(() => undefined);
    throw fileSystemError(error, absolutePath, 'write');
  }
  await syncPath(dirname(absolutePath), { folder: true });
}

/** Project files in `dir`, newest first. A missing folder is an empty list, not an error. */
export async function listProjects(dir: string): Promise<ProjectListEntry[]> {
  const absoluteDir = resolve(dir);
  let names: string[];
  try {
    names = await readdir(absoluteDir);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return [];
    throw fileSystemError(error, absoluteDir, 'read');
  }
  const entries: ProjectListEntry[] = [];
  for (const name of names) {
    if (extname(name) !== PROJECT_EXTENSION) continue;
    const path = join(absoluteDir, name);
    try {
      const info = await stat(path);
      if (!info.isFile()) continue;
      // The file name, not the document's name: listing must stay cheap (art is embedded, files
      // can be large) and must not fail because one file in the folder is corrupt.
      entries.push({ path, name: basename(name, PROJECT_EXTENSION), modifiedMs: info.mtimeMs });
    } catch {
      // A file removed between readdir and stat is simply not listed.
    }
  }
  return entries.sort((a, b) => b.modifiedMs - a.modifiedMs);
}

/** Creates the projects folder if needed (the studio saves there). */
export async function ensureProjectsDir(dir: string): Promise<string> {
  const absoluteDir = resolve(dir);
  try {
    await mkdir(absoluteDir, { recursive: true });
  } catch (error) {
    throw fileSystemError(error, absoluteDir, 'write');
  }
  return absoluteDir;
}

/** assets/sample/sample.keypose of this installation, or null if it is missing. */
export function findSamplePath(appRoot = findAppRoot()): string | null {
  if (!appRoot) return null;
  const candidate = join(appRoot, 'assets', 'sample', `sample${PROJECT_EXTENSION}`);
  return existsSync(candidate) ? candidate : null;
}

/** Loads the bundled sample project. */
export async function loadSample(samplePath: string | null = findSamplePath()): Promise<ProjectDocument> {
  if (!samplePath) {
    throw new ApiError({
      code: 'not-found',
      message: 'The sample project (assets/sample/sample.keypose) is missing from this installation.',
    });
  }
  return loadProject(samplePath);
}

/** A file name for a document name: keeps letters, digits, spaces, dots, dashes and underscores. */
export function projectFileName(documentName: string): string {
  const safe = documentName
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N} ._-]+/gu, '-')
    .replace(/^[.\s-]+/, '')
    .trim()
    .slice(0, 100);
  return `${safe || 'Untitled'}${PROJECT_EXTENSION}`;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

function fileSystemError(error: unknown, file: string, operation: 'read' | 'write'): ApiError {
  if (error instanceof ApiError) return error;
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ENOENT':
      return new ApiError({
        code: 'not-found',
        message:
          operation === 'read'
            ? `${file}: no such file.`
            : `${file}: cannot save, the folder ${dirname(file)} does not exist.`,
        file,
      });
    case 'EISDIR':
      return new ApiError({
        code: 'invalid-argument',
        message: `${file} is a folder, not a project file.`,
        file,
      });
    case 'ENOTDIR':
      return new ApiError({
        code: 'not-found',
        message: `${file}: a part of the path is a file, not a folder.`,
        file,
      });
    case 'EDQUOT':
    case 'ENOSPC':
      return new ApiError({
        code: 'io-error',
        message: `${file}: the disk is full; nothing was saved and the previous file is unchanged.`,
        file,
      });
    case 'EACCES':
    case 'EPERM':
      return new ApiError({
        code: 'io-error',
        message:
          operation === 'read'
            ? `${file}: permission denied, the file cannot be read.`
            : `${file}: permission denied, cannot write here; the previous file is unchanged.`,
        file,
      });
    case 'EROFS':
      return new ApiError({
        code: 'io-error',
        message: `${file}: the disk is read-only; nothing was saved.`,
        file,
      });
    default:
      return new ApiError({
        code: 'io-error',
        message: `${file}: could not ${operation} the file (${detail}).`,
        file,
      });
  }
}

function documentError(error: unknown, file: string): ApiError {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code && DOCUMENT_ERROR_CODES.has(code as ApiErrorData['code'])) {
    return new ApiError({ code: code as ApiErrorData['code'], message, file });
  }
  return new ApiError({ code: 'invalid-project', message: `${file}: ${message}`, file });
}
