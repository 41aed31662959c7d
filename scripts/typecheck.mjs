// Typechecks every layer with its own compiler settings (core sees no DOM and no Node types,
// renderer sees the DOM, host/electron/cli see Node), so a layer cannot lean on another's runtime.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const projects = [
  'core',
  'inference',
  'host',
  'electron',
  'renderer',
  'cli',
  'tests',
  'bench',
  'scripts',
].filter((p) => existsSync(`${p}/tsconfig.json`));
let failed = false;
for (const project of projects) {
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], {
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error(`typecheck failed in ${project}/`);
    failed = true;
  }
}
if (failed) process.exit(1);
console.log(`typecheck ok: ${projects.join(', ')}`);
