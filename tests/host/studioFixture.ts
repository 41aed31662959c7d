import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StudioServer, startStudioServer } from '../../host/studio/server.js';

export interface StudioFixture {
  /** The stand-in app folder; projects are saved in root/projects. */
  root: string;
  server: StudioServer;
  /** Stops the server and removes the folder. */
  close(): Promise<void>;
}

/**
 * A production-mode studio server on a free port over a stand-in app folder in the temp dir: its
 * build/renderer holds a one-line index.html (production mode serves that folder), and `prepare`
 * may add files before the server starts. With `ownCache` the frame cache is root/cache rather
 * than the user's cache.
 */
export async function startStudioFixture(opts: {
  prefix: string;
  ownCache?: boolean;
  prepare?: (root: string) => Promise<void>;
}): Promise<StudioFixture> {
  const root = await mkdtemp(join(tmpdir(), opts.prefix));
  await mkdir(join(root, 'build', 'renderer'), { recursive: true });
  await writeFile(join(root, 'build', 'renderer', 'index.html'), '<!doctype html><title>Keypose</title>');
  await opts.prepare?.(root);
  const server = await startStudioServer({
    projectsDir: join(root, 'projects'),
    ...(opts.ownCache ? { cacheRoot: join(root, 'cache') } : {}),
    mode: 'prod',
    port: 0,
    appRoot: root,
    log: () => undefined,
  });
  return {
    root,
    server,
    async close() {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
