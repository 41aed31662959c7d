// Decisions of `npm start`, kept free of side effects so tests/cli/start.test.ts can check them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether Electron's binary is installed: its npm package writes path.txt (the executable's path
 * inside dist/) only after the download succeeded, and the executable must exist.
 * @param {string} electronDir node_modules/electron
 * @param {{ existsSync(path: string): boolean; readFileSync(path: string, encoding: 'utf8'): string }} [fs]
 * @returns {{ packagePresent: boolean; installed: boolean; executable: string | null }}
 */
export function electronBinaryStatus(electronDir, fs = { existsSync, readFileSync }) {
  const packagePresent = fs.existsSync(join(electronDir, 'package.json'));
  if (!packagePresent) return { packagePresent, installed: false, executable: null };
  let relativePath;
  try {
    relativePath = fs.readFileSync(join(electronDir, 'path.txt'), 'utf8').trim();
  } catch {
    return { packagePresent, installed: false, executable: null };
  }
  const executable = join(electronDir, 'dist', relativePath);
  const installed = relativePath !== '' && fs.existsSync(executable);
  return { packagePresent, installed, executable: installed ? executable : null };
}

/**
 * What `npm start` does next.
 * @param {{ installed: boolean; packagePresent: boolean; downloadTried: boolean; forceStudio: boolean }} state
 * @returns {'electron' | 'download' | 'studio'}
 */
export function decideStart(state) {
  if (state.forceStudio) return 'studio';
  if (state.installed) return 'electron';
  if (state.packagePresent && !state.downloadTried) return 'download';
  return 'studio';
}

/** The one line `npm start` prints when it falls back to the studio. */
export function fallbackMessage(url) {
  return `Electron's binary is not installed and cannot be downloaded here; starting the studio in your browser instead: ${url}`;
}

/**
 * The command that opens a URL in the user's browser on this platform.
 * @param {NodeJS.Platform} platform
 * @param {string} url
 * @returns {{ command: string; args: string[] }}
 */
export function openUrlCommand(platform, url) {
  if (platform === 'darwin') return { command: 'open', args: [url] };
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url] };
  return { command: 'xdg-open', args: [url] };
}

/** The studio's URL from a line it prints ("Keypose studio: http://127.0.0.1:5183/"), or null. */
export function studioUrlFromLine(line) {
  const match = /^Keypose studio: (http:\/\/\S+)/.exec(line.trim());
  return match ? match[1] : null;
}
