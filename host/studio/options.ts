import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_STUDIO_PORT } from './server.js';

export interface StudioCliOptions {
  port: number;
  projectsDir: string;
  mode: 'dev' | 'prod';
  /** Parent of the per-project frame caches; absent: XDG_CACHE_HOME/keypose or ~/.cache/keypose. */
  cacheRoot?: string;
}

/** The folder the studio uses when none is given. */
export function defaultProjectsDir(home = homedir()): string {
  return join(home, 'Keypose Projects');
}

/**
 * `npm run studio [-- --port N] [--projects DIR] [--cache DIR] [--prod]`; KEYPOSE_PORT sets the
 * port when no --port is given. Throws with a usage line on anything it does not understand.
 */
export function parseStudioArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): StudioCliOptions {
  let port: number | undefined;
  let projectsDir: string | undefined;
  let mode: 'dev' | 'prod' = 'dev';
  let cacheRoot: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inlineValue] =
      arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => {
      const next = inlineValue ?? argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value.`);
      return next;
    };
    switch (flag) {
      case '--port':
        port = parsePort(value(), '--port');
        break;
      case '--projects':
        projectsDir = resolve(value());
        break;
      case '--cache':
        cacheRoot = resolve(value());
        break;
      case '--prod':
        mode = 'prod';
        break;
      default:
        throw new Error(
          `Unknown option ${arg}. Usage: npm run studio -- [--port N] [--projects DIR] [--cache DIR] [--prod]`,
        );
    }
  }
  if (port === undefined && env.KEYPOSE_PORT) port = parsePort(env.KEYPOSE_PORT, 'KEYPOSE_PORT');
  return {
    port: port ?? DEFAULT_STUDIO_PORT,
    projectsDir: projectsDir ?? defaultProjectsDir(),
    mode,
    ...(cacheRoot ? { cacheRoot } : {}),
  };
}

function parsePort(text: string, source: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${source} must be a port number (0-65535), got "${text}".`);
  }
  return port;
}
