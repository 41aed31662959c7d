#!/usr/bin/env node
// `keypose` / `npx keypose` from a clone: nothing has to be built first. The TypeScript CLI runs
// from a bundle of its sources that is rebuilt whenever one of them changes (~0.6 s to start
// instead of ~1.6 s through tsx; host/launch/entryBundle.mjs); where none can be kept, through tsx.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { entryBundle } from '../../host/launch/entryBundle.mjs';

const bundle = await entryBundle(fileURLToPath(new URL('../main.ts', import.meta.url)));
let cli;
if (bundle) {
  // Stack traces in an 'internal' error name the .ts files, as they do through tsx.
  process.setSourceMapsEnabled(true);
  cli = await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../main.ts');
}
process.exitCode = await cli.runCli(process.argv.slice(2));
