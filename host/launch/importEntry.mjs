// Imports one of this app's TypeScript entries into the running process: from its kept bundle
// (entryBundle.mjs), else through tsx. Used by the `keypose` launcher (cli/bin/keypose.js) and the
// studio script (scripts/studio.mjs). A module of its own, not part of entryBundle.mjs: host code
// imports entryBundle.mjs, and scripts/build.mjs would then bundle tsx into the built app.
import { pathToFileURL } from 'node:url';
import { entryBundle } from './entryBundle.mjs';

/** The entry's module namespace. */
export async function importEntry(entry) {
  const bundle = await entryBundle(entry);
  if (bundle) {
    // Stack traces name the .ts files, as they do through tsx.
    process.setSourceMapsEnabled(true);
    return import(pathToFileURL(bundle).href);
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(entry).href);
}
