import { entryBundleSync } from './entryBundle.mjs';

/** What child_process.fork needs to run a TypeScript entry of this app. */
export interface EntryLaunch {
  readonly modulePath: string;
  readonly execArgv: string[];
}

/**
 * How to fork `entry` (an absolute path to one of this app's entries): for a .ts entry its kept
 * bundle when there is one (~1 s sooner to start than through tsx; entryBundle.mjs), else the entry
 * itself through tsx. `execArgv`, when given, is used as it is, with the entry as it is. tsx is named by absolute URL: a bare `--import tsx` resolves from the working folder, which
 * for `npx keypose` run in a user's folder is not this app's.
 */
export function forkEntry(entry: string, execArgv?: string[]): EntryLaunch {
  if (execArgv) return { modulePath: entry, execArgv };
  const bundle = entry.endsWith('.ts') ? entryBundleSync(entry) : null;
  if (bundle) return { modulePath: bundle, execArgv: ['--enable-source-maps'] };
  return { modulePath: entry, execArgv: ['--import', import.meta.resolve('tsx')] };
}
