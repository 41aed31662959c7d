// Runs after every `npm install` / `npm ci`. It must be fast and must never fail the install, so
// it only reports; `npm start` downloads Electron's binary itself when it is missing.
import { fileURLToPath } from 'node:url';

try {
  const { electronBinaryStatus } = await import('./lib/launch.mjs');
  const root = fileURLToPath(new URL('..', import.meta.url));
  const status = electronBinaryStatus(`${root}node_modules/electron`);
  if (status.packagePresent && !status.installed) {
    console.log(
      "keypose: Electron's binary is not installed (npm skipped its download or it failed). `npm start` tries to download it once and otherwise opens the studio in your browser; `npm run studio` always works.",
    );
  }
} catch {
  // Never fail an install over a hint.
}
