import { ensureProjectsDir } from '../project/store.js';
import { parseStudioArgs } from './options.js';
import { startStudioServer } from './server.js';

/** `npm run studio`: starts the studio server and prints its URL; it opens nothing itself. */
async function main(): Promise<void> {
  let options: ReturnType<typeof parseStudioArgs>;
  try {
    options = parseStudioArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const projectsDir = await ensureProjectsDir(options.projectsDir);
  const server = await startStudioServer({
    projectsDir,
    mode: options.mode,
    port: options.port,
    startWorker: true,
    ...(options.cacheRoot ? { cacheRoot: options.cacheRoot } : {}),
  });
  console.log(`Keypose studio: ${server.url}`);
  console.log(`Projects folder: ${projectsDir}`);
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // A closed terminal (SIGHUP) stops it as cleanly as Ctrl+C: jobs cancelled, temporary files removed.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, shutdown);
}

main().catch((error: unknown) => {
  console.error(`Keypose studio could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
