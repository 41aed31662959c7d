import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
