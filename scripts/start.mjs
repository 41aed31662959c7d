// `npm start`: the desktop app when Electron's binary is there (downloading it once if it is
// missing), otherwise the studio in the browser, announced in one line.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  decideStart,
  electronBinaryStatus,
  fallbackMessage,
  openUrlCommand,
  studioUrlFromLine,
} from './lib/launch.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const electronDir = `${root}node_modules/electron`;
const DOWNLOAD_TIMEOUT_MS = 180_000;
const forceStudio = process.argv.includes('--studio') || process.env.KEYPOSE_SHELL === 'studio';

let status = electronBinaryStatus(electronDir);
let downloadTried = false;
let action = decideStart({ ...status, downloadTried, forceStudio });
if (action === 'download') {
  await downloadElectron();
  downloadTried = true;
  status = electronBinaryStatus(electronDir);
  action = decideStart({ ...status, downloadTried, forceStudio });
}

if (action === 'electron') {
  const build = spawnSync(process.execPath, [`${root}scripts/build.mjs`], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(status.executable, ['.'], { cwd: root, stdio: 'inherit', env });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  startStudio();
}

function startStudio() {
  const child = spawn(
    process.execPath,
    [`${root}scripts/studio.mjs`, ...process.argv.slice(2).filter((a) => a !== '--studio')],
    {
      cwd: root,
      stdio: ['inherit', 'pipe', 'inherit'],
    },
  );
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  let announced = false;
  createInterface({ input: child.stdout }).on('line', (line) => {
    const url = announced ? null : studioUrlFromLine(line);
    if (!url) {
      console.log(line);
      return;
    }
    announced = true;
    console.log(forceStudio ? `Keypose studio: ${url}` : fallbackMessage(url));
    openInBrowser(url);
  });
  child.on('exit', (code) => process.exit(code ?? 0));
}

function openInBrowser(url) {
  const { command, args } = openUrlCommand(process.platform, url);
  try {
    const opener = spawn(command, args, { stdio: 'ignore', detached: true });
    // No browser (a server, a container) is fine: the URL is printed above.
    opener.on('error', () => undefined);
    opener.unref();
  } catch {
    // see above
  }
}

/**
 * npm 11 does not run dependencies' install scripts unless allowed, so Electron's own download
 * may never have run: try it once. Where the host is unreachable it fails within a second and
 * nothing is printed (the fallback line says it all); a real download announces itself.
 */
async function downloadElectron() {
  const child = spawn(process.execPath, [`${electronDir}/install.js`], { cwd: root, stdio: 'ignore' });
  const announce = setTimeout(() => console.log("Downloading Electron's binary (once)…"), 3000);
  const giveUp = setTimeout(() => child.kill(), DOWNLOAD_TIMEOUT_MS);
  try {
    await once(child, 'exit');
  } catch {
    // spawn failure: treated like a failed download
  } finally {
    clearTimeout(announce);
    clearTimeout(giveUp);
  }
}
