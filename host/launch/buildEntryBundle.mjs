// `node host/launch/buildEntryBundle.mjs <entry.ts> [bundle folder]`: builds and keeps one entry's
// bundle (entryBundle.mjs). What entryBundleSync runs in a child process, where a fork must be
// decided synchronously and esbuild's plugins need its asynchronous API.
import { resolve } from 'node:path';
import { buildBundle, defaultBundleDir } from './entryBundle.mjs';

const [entry, dir] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node host/launch/buildEntryBundle.mjs <entry.ts> [bundle folder]\n');
  process.exitCode = 2;
} else {
  await buildBundle(resolve(entry), dir ? resolve(dir) : defaultBundleDir());
}
