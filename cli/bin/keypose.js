#!/usr/bin/env node
// `keypose` / `npx keypose` from a clone: nothing has to be built first. The TypeScript CLI runs
// from a bundle of its sources that is rebuilt whenever one of them changes (~0.6 s to start
// instead of ~1.6 s through tsx; host/launch/entryBundle.mjs); where none can be kept, through tsx.
import { fileURLToPath } from 'node:url';
import { importEntry } from '../../host/launch/importEntry.mjs';

const cli = await importEntry(fileURLToPath(new URL('../main.ts', import.meta.url)));
process.exitCode = await cli.runCli(process.argv.slice(2));
