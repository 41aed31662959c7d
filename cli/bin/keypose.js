#!/usr/bin/env node
// `keypose` / `npx keypose` from a clone: runs the TypeScript CLI through tsx, so nothing has to
// be built first.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../main.ts');
process.exitCode = await runCli(process.argv.slice(2));
