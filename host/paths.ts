import { existsSync, readFileSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiError } from '../core/contract/api.js';

/**
 * The application's root folder: the nearest folder above this module whose package.json is
 * Keypose's. Modules run from host/… in the source tree, from build/… when bundled and from
 * inside app.asar when packaged, so paths to assets/ and build/ are found, not hard-coded.
 */
export function findAppRoot(startDir = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = startDir;
  for (let level = 0; level < 10; level++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
        if (pkg.name === 'keypose') return dir;
      } catch {
        // an unreadable package.json is not ours; keep looking further up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
  return null;
}

/** Keypose's folder in the user's cache: XDG_CACHE_HOME/keypose, or ~/.cache/keypose. */
export function defaultCacheRoot(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.cache'), 'keypose');
}

/**
 * The version of an installed dependency (its own package.json, found above its main entry, since
 * packages' `exports` often hide package.json); null when it is not installed. Caches key on it
 * where a package's model decides the answer (host/motion/videoMotion.ts).
 */
export function installedPackageVersion(name: string): string | null {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve(name));
  } catch {
    return null;
  }
  for (let level = 0; level < 6; level++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === name && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json at this level (or not readable): look further up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** The version in Keypose's package.json, or 0.0.0 when it cannot be found. */
export function readAppVersion(appRoot = findAppRoot()): string {
  if (!appRoot) return '0.0.0';
  try {
    const pkg = JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * The real path `path` names: the `realpath` of its deepest existing ancestor (every symlink in
 * it resolved, the path itself included when it exists) followed by the components that do not
 * exist yet, which cannot be links. A symlink inside a folder therefore never passes for a path
 * inside it when it points elsewhere.
 */
export async function realPathOf(path: string): Promise<string> {
  let existing = resolve(path);
  const missing: string[] = [];
  for (;;) {
    try {
      const real = await realpath(existing);
      return missing.length === 0 ? real : join(real, ...missing.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOENT: not there yet; ENOTDIR: a file where a folder is named (the write will fail).
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const parent = dirname(existing);
      if (parent === existing) return join(existing, ...missing.reverse());
      missing.push(basename(existing));
      existing = parent;
    }
  }
}

/** True when `inner` is `outer` or lies under it (both absolute, already real). */
export function isWithin(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Which files a shell may touch for its page: the one place paths from the renderer are checked.
 * The studio allows its projects folder; Electron allows the folders and files the user chose in
 * a dialog (or dropped). A path is allowed when its real path (realPathOf) lies inside the real
 * path of an allowed folder, or is an allowed file; so `..`, symlinks and hard-to-read spellings
 * all end up at the same answer. Paths handed back are real paths: the caller then reads and
 * writes the file it checked, not a link that could be changed afterwards.
 */
export class PathAccess {
  private readonly folders: string[] = [];
  private readonly files: string[] = [];

  /** `base` resolves relative paths (the studio's projects folder). */
  constructor(
    private readonly describe: string,
    private readonly base: string | null = null,
  ) {}

  /** Allows a folder and everything in it (a projects folder, a folder chosen in a dialog). */
  allowFolder(dir: string): void {
    const absolute = resolve(dir);
    if (!this.folders.includes(absolute)) this.folders.push(absolute);
  }

  /** Allows one file (or a folder an export will create) chosen in a dialog or dropped. */
  allowFile(file: string): void {
    const absolute = resolve(file);
    if (!this.files.includes(absolute)) this.files.push(absolute);
  }

  /**
   * The real path of `path` when it is allowed; throws ApiError 'invalid-argument' naming it
   * otherwise. `purpose` completes the sentence ("…; the studio only opens and saves projects there").
   */
  async confine(path: string, purpose = ''): Promise<string> {
    if (path.includes('\0')) {
      throw new ApiError({
        code: 'invalid-argument',
        message: 'A file name cannot contain a NUL character.',
      });
    }
    const absolute = this.base && !isAbsolute(path) ? resolve(this.base, path) : resolve(path);
    const real = await realPathOf(absolute);
    // Allowed places are resolved at each check: a folder may be created, or be a link, later.
    const folders = await Promise.all(this.folders.map(realPathOf));
    const files = await Promise.all(this.files.map(realPathOf));
    // The folder itself is not a file anyone asked for.
    if (files.includes(real) || folders.some((dir) => real !== dir && isWithin(real, dir))) return real;
    const shown = real === absolute ? absolute : `${absolute} (a link to ${real})`;
    throw new ApiError({
      code: 'invalid-argument',
      message: `${shown} is outside ${this.describe}${purpose ? `; ${purpose}` : ''}.`,
      file: absolute,
    });
  }
}
