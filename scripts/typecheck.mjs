// Typechecks every layer with its own compiler settings (core sees no DOM and no Node types,
// renderer sees the DOM, host/electron/cli see Node), so a layer cannot lean on another's runtime.
//
// The checker is TypeScript 7 (the native compiler, devDependency `typescript-native`, an npm alias
// of typescript@7): the nine layers took 89 s with TypeScript 5.9 and take 29 s with it on a
// 2-core machine (docs/testing.md). TypeScript 5.9 stays as `typescript` for what needs its
// JavaScript API, which TypeScript 7 does not have yet: the layer test's import scanner
// (tests/layers/rules.ts), electronegativity's parser, editors' language service. Both read the
// same tsconfig files (`node node_modules/typescript/bin/tsc -p core` checks a layer with 5.9).
// The layers are independent checks, so they run side by side; TypeScript 7 already checks on
// several threads, so two at a time is enough. Each layer's messages are printed together when
// it ends.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const projects = [
  // The slowest first, so the pool does not end waiting on one of them.
  'tests',
  'renderer',
  'host',
  'inference',
  'core',
  'cli',
  'bench',
  'electron',
  'scripts',
].filter((p) => existsSync(`${p}/tsconfig.json`));

const compiler = 'node_modules/typescript-native/bin/tsc';

function check(project) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [compiler, '-p', project, '--pretty'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('error', (error) => resolve({ project, ok: false, output: String(error) }));
    child.on('close', (code) => resolve({ project, ok: code === 0, output }));
  });
}

const queue = [...projects];
const failed = [];
async function lane() {
  for (let project = queue.shift(); project; project = queue.shift()) {
    const result = await check(project);
    if (result.output) process.stdout.write(result.output);
    if (!result.ok) {
      console.error(`typecheck failed in ${project}/`);
      failed.push(project);
    }
  }
}
const lanes = Math.max(1, Math.min(2, availableParallelism(), projects.length));
await Promise.all(Array.from({ length: lanes }, lane));
if (failed.length) process.exit(1);
console.log(`typecheck ok: ${projects.join(', ')}`);
