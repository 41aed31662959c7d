// `npm run studio` (and `npm start` where Electron is missing, through scripts/start.mjs): the
// studio server, host/studio/main.ts, run from the kept bundle of its sources (~1 s to its URL
// instead of ~3 s through tsx on a 2-core machine; host/launch/entryBundle.mjs), else through tsx.
// Its arguments are this script's (main.ts reads process.argv).
import { fileURLToPath } from 'node:url';
import { importEntry } from '../host/launch/importEntry.mjs';

await importEntry(fileURLToPath(new URL('../host/studio/main.ts', import.meta.url)));
