import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { findAppRoot } from '../paths.js';
import { entryBundleSync } from './entryBundle.mjs';

/** What child_process.fork needs to run an entry of this app. */
export interface EntryLaunch {
  readonly modulePath: string;
  readonly execArgv: string[];
}

/**
 * How to fork `entry` (an absolute path to one of this app's entries):
 * - `execArgv` given: the entry as it is, with those arguments;
 * - a .ts entry in a clone: its kept bundle when there is one (~1 s sooner to start than through
 *   tsx; entryBundle.mjs), else the .ts itself through tsx (named by absolute URL: a bare
 *   `--import tsx` resolves from the working folder, which for `npx keypose` run in a user's
 *   folder is not this app's);
 * - a .ts entry whose sources are not there (a packaged app ships build/ only): the one
 *   `npm run build` made of it, build/worker/<name>.js (scripts/build.mjs), as plain JavaScript.
 */
export function forkEntry(entry: string, execArgv?: string[]): EntryLaunch {
  if (execArgv) return { modulePath: entry, execArgv };
  if (entry.endsWith('.ts')) {
    if (!existsSync(entry)) {
      const root = findAppRoot();
      const built = root ? join(root, 'build', 'worker', `${basename(entry, '.ts')}.js`) : null;
      if (built && existsSync(built)) return { modulePath: built, execArgv: [] };
    } else {
      const bundle = entryBundleSync(entry);
      if (bundle) return { modulePath: bundle, execArgv: ['--enable-source-maps'] };
    }
  }
  return { modulePath: entry, execArgv: ['--import', import.meta.resolve('tsx')] };
}
