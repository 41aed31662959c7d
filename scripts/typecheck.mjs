// Typechecks every layer with its own compiler settings (core sees no DOM and no Node types,
// renderer sees the DOM, host/electron/cli see Node), so a layer cannot lean on another's runtime.
// The layers are independent checks, so they run side by side, one compiler per core. tsc's own
// garbage collector already keeps a second core partly busy, so on this project's 2-core machines
// this saves little (52 s -> 47 s, docs/testing.md); more cores gain more. Each layer's messages are
// printed together when it ends.
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

function check(project) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project, '--pretty'], {
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
const lanes = Math.max(1, Math.min(availableParallelism(), projects.length));
await Promise.all(Array.from({ length: lanes }, lane));
if (failed.length) process.exit(1);
console.log(`typecheck ok: ${projects.join(', ')}`);
