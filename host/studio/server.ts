import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve } from 'node:path';
import type { ApiResponse } from '../../core/contract/api.js';
import { createServiceContext, type ServiceContext } from '../api/context.js';
import { type ApiImplementation, callApi, createServices } from '../api/services.js';
import { findAppRoot } from '../paths.js';
import { contentTypeOf, pathInside } from '../staticFiles.js';
import { CONTENT_SECURITY_POLICY } from './csp.js';
import { FRAMES_PREFIX, serveFrame } from './frames.js';

/**
 * The studio: the renderer and the host services on 127.0.0.1 for a browser. The same API table
 * Electron's preload exposes is served as POST /api/<method> with body {args: [...]}, answered
 * with the ApiResponse envelope; GET /api/events is a server-sent-event stream for job progress.
 */

export interface StudioServerOptions {
  projectsDir: string;
  /** 'dev' serves renderer/ through Vite (middleware mode); 'prod' serves build/renderer. */
  mode: 'dev' | 'prod';
  /** 0 picks a free port. */
  port?: number;
  /** When the port is taken, listen on a free one instead of failing. */
  portFallback?: boolean;
  /** Watch renderer/ and hot-reload edits (dev only, default on); tests turn it off. */
  hmr?: boolean;
  /** Overrides where the app lives (renderer/, build/renderer, assets/). */
  appRoot?: string;
  services?: ApiImplementation;
  /**
   * The services' shared context (job manager, render service, worker): its job events go out on
   * /api/events as 'job' and its frames are served at /frames/<key>. Created (and disposed of on
   * close) when neither services nor context is given.
   */
  context?: ServiceContext;
  /** Parent folder of the per-project frame caches (default ~/.cache/keypose). */
  cacheRoot?: string;
  /**
   * Start the frame worker (and its engine session) now rather than on the first frame: the app
   * does, so the first frame of a project does not wait for it; tests that never render do not.
   */
  startWorker?: boolean;
  log?: (line: string) => void;
}

export interface StudioServer {
  url: string;
  port: number;
  projectsDir: string;
  services: ApiImplementation;
  context: ServiceContext | null;
  /** Sends one server-sent event to every connected page. */
  broadcast(event: string, data: unknown): void;
  close(): Promise<void>;
}

export const DEFAULT_STUDIO_PORT = 5183;
const HOST = '127.0.0.1';
/** Projects embed their art as base64, so a save can be large; anything beyond this is refused. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;
const HEARTBEAT_MS = 25_000;

export async function startStudioServer(options: StudioServerOptions): Promise<StudioServer> {
  const appRoot = options.appRoot ?? findAppRoot();
  if (!appRoot) throw new Error('Cannot find the Keypose folder (package.json) above host/studio/.');
  const projectsDir = resolve(options.projectsDir);
  const ownsContext = !options.context && !options.services;
  const servicesOptions = {
    shell: 'studio' as const,
    projectsDir,
    confineToProjectsDir: true,
    ...(options.cacheRoot ? { cacheRoot: options.cacheRoot } : {}),
  };
  const context = options.context ?? (ownsContext ? createServiceContext(servicesOptions) : null);
  const services = options.services ?? createServices(servicesOptions, context ?? undefined);
  if (options.startWorker && context) context.render.warmUp();
  const log = options.log ?? ((line: string) => console.log(line));
  const eventClients = new Set<ServerResponse>();
  // Set once listening; requests cannot arrive before that.
  let port = 0;

  const httpServer = createServer();
  let renderer: (req: IncomingMessage, res: ServerResponse) => void;
  let closeRenderer: () => Promise<void> = async () => undefined;

  if (options.mode === 'dev') {
    const { createServer: createViteServer } = await import('vite');
    const vite = await createViteServer({
      configFile: join(appRoot, 'vite.config.ts'),
      root: join(appRoot, 'renderer'),
      appType: 'spa',
      clearScreen: false,
      logLevel: 'warn',
      server: {
        middlewareMode: { server: httpServer },
        // The page's Vite client always opens a websocket; serving it on our own port keeps it
        // within the page's CSP (connect-src 'self').
        hmr: { server: httpServer },
        // Tests start many servers and edit nothing: no file watcher, so no reloads either.
        ...(options.hmr === false ? { watch: null } : {}),
      },
    });
    renderer = (req, res) =>
      vite.middlewares(req, res, () => sendText(res, 404, `Not found: ${req.url ?? ''}`));
    closeRenderer = () => vite.close();
  } else {
    const staticRoot = join(appRoot, 'build', 'renderer');
    renderer = (req, res) => {
      serveStatic(staticRoot, req, res).catch((error: unknown) => {
        log(`Studio: ${req.url ?? ''} failed: ${String(error)}`);
        if (!res.headersSent) sendText(res, 500, 'Internal error; see the studio log.');
        else res.destroy();
      });
    };
  }

  // No request may take the process down: a handler that throws (synchronously or later) answers
  // 500 without details, a request line or URL that cannot be parsed answers 400, and a socket
  // error (a client gone mid-answer) is dropped.
  const handleRequest = (req: IncomingMessage, res: ServerResponse) => {
    res.on('error', () => undefined);
    req.on('error', () => undefined);
    let url: URL;
    let pathname: string;
    try {
      url = new URL(req.url ?? '/', `http://${HOST}`);
      // The path as the handlers see it must decode (bad %-escapes are the client's mistake).
      pathname = decodeURIComponent(url.pathname);
    } catch {
      sendText(res, 400, 'Bad request: the URL cannot be parsed.');
      return;
    }
    if (pathname.includes('\0')) {
      sendText(res, 400, 'Bad request: the URL cannot be parsed.');
      return;
    }
    // API calls are POSTs and the event stream is GET /api/events; every other request, GETs
    // under /api/ included, belongs to the renderer (Vite serves renderer/api/*.ts at /api/…).
    const isEvents = url.pathname === '/api/events';
    if (url.pathname.startsWith(FRAMES_PREFIX) && context) {
      const refused = refuseForeignRequest(req, port);
      if (refused) {
        sendText(res, 403, refused);
        return;
      }
      serveFrame(context.render, url.pathname, req, res).catch((error: unknown) => {
        log(`Studio: frame ${url.pathname} failed: ${String(error)}`);
        if (!res.headersSent) sendText(res, 500, 'Internal error; see the studio log.');
        else res.destroy();
      });
      return;
    }
    const isApiCall = url.pathname.startsWith('/api/') && req.method !== 'GET' && req.method !== 'HEAD';
    if (!isEvents && !isApiCall) {
      renderer(req, res);
      return;
    }
    const refusal = refuseForeignRequest(req, port);
    if (refusal) {
      sendJson(res, 403, { ok: false, error: { code: 'invalid-argument', message: refusal } });
      return;
    }
    if (isEvents) {
      openEventStream(req, res, eventClients);
      return;
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, {
        ok: false,
        error: { code: 'invalid-argument', message: 'API calls are POST /api/<method>.' },
      });
      return;
    }
    const method = pathname.slice('/api/'.length);
    handleApiCall(services, method, req)
      .then((response) =>
        sendJson(res, response.ok || response.error.code !== 'not-found' ? 200 : 404, response),
      )
      .catch((error: unknown) => {
        log(`Studio: API ${method} failed unexpectedly: ${String(error)}`);
        sendJson(res, 500, {
          ok: false,
          error: { code: 'internal', message: `The studio could not answer ${method}; see its log.` },
        });
      });
  };
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    try {
      handleRequest(req, res);
    } catch (error) {
      log(`Studio: request ${JSON.stringify(req.url ?? '')} failed: ${String(error)}`);
      if (!res.headersSent) sendText(res, 500, 'Internal error; see the studio log.');
      else res.destroy();
    }
  });
  // A malformed request line or header never reaches 'request': Node parses it first.
  httpServer.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const status =
      error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    else socket.destroy();
  });

  port = await listen(httpServer, options.port ?? DEFAULT_STUDIO_PORT, options.portFallback ?? true, log);
  const heartbeat = setInterval(() => {
    for (const client of eventClients) client.write(': heartbeat\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const broadcast = (event: string, data: unknown) => {
    const payload = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const client of eventClients) client.write(payload);
  };
  const unsubscribeJobs = context?.jobs.subscribe((event) => broadcast('job', event));

  return {
    url: `http://${HOST}:${port}/`,
    port,
    projectsDir,
    services,
    context,
    broadcast,
    async close() {
      clearInterval(heartbeat);
      unsubscribeJobs?.();
      if (ownsContext) await context?.dispose();
      for (const client of eventClients) client.end();
      eventClients.clear();
      await closeRenderer();
      httpServer.closeAllConnections();
      await new Promise<void>((done) => httpServer.close(() => done()));
    },
  };
}

async function handleApiCall(
  services: ApiImplementation,
  method: string,
  req: IncomingMessage,
): Promise<ApiResponse<unknown>> {
  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.startsWith('application/json')) {
    req.resume();
    // Requiring JSON makes a cross-site form or a "simple" fetch unable to call the API at all.
    return {
      ok: false,
      error: { code: 'invalid-argument', message: 'API calls must send application/json.' },
    };
  }
  let body: string;
  try {
    body = await readBody(req, MAX_BODY_BYTES);
  } catch (error) {
    return { ok: false, error: { code: 'invalid-argument', message: String((error as Error).message) } };
  }
  let parsed: unknown;
  try {
    parsed = body.length === 0 ? {} : JSON.parse(body);
  } catch {
    return { ok: false, error: { code: 'invalid-argument', message: 'The request body is not valid JSON.' } };
  }
  const args =
    typeof parsed === 'object' && parsed !== null && 'args' in parsed
      ? (parsed as { args: unknown }).args
      : [];
  return callApi(services, method, args);
}

/**
 * The studio listens on loopback only, but any web page the user visits can still send requests
 * to it, and a rebinding DNS name can make them look same-origin. The Host header must name the
 * loopback address and a cross-site Origin is refused.
 */
export function refuseForeignRequest(req: Pick<IncomingMessage, 'headers'>, port: number): string | null {
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const host = req.headers.host ?? '';
  if (!allowedHosts.has(host)) return `Refused: the studio API only answers requests for 127.0.0.1:${port}.`;
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedHosts.has(origin.replace(/^http:\/\//, ''))) {
    return `Refused: cross-site request from ${origin}.`;
  }
  return null;
}

function openEventStream(req: IncomingMessage, res: ServerResponse, clients: Set<ServerResponse>): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
  });
  res.write('retry: 2000\n\n');
  res.write('event: hello\ndata: {}\n\n');
  clients.add(res);
  req.on('close', () => clients.delete(res));
}

function readBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        fail(new Error(`The request is larger than ${limitBytes} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed.');
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', `http://${HOST}`).pathname);
  } catch {
    return sendText(res, 400, 'Bad URL.');
  }
  let file = pathInside(root, pathname);
  if (file === null) return sendText(res, 403, 'Forbidden.');
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    file = join(file, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) {
    // Client-side routes fall back to the app; a missing asset (it has an extension) is a 404.
    if (extname(pathname) !== '') return sendText(res, 404, `Not found: ${pathname}`);
    file = join(root, 'index.html');
    info = await stat(file).catch(() => null);
    if (!info?.isFile()) {
      return sendText(
        res,
        503,
        'The renderer is not built (build/renderer is missing): run npm run build first.',
      );
    }
  }
  res.writeHead(200, {
    'content-type': contentTypeOf(file),
    'content-length': info.size,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'cache-control': extname(file) === '.html' ? 'no-cache' : 'public, max-age=3600',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function listen(
  server: Server,
  port: number,
  fallback: boolean,
  log: (line: string) => void,
): Promise<number> {
  return new Promise((done, fail) => {
    const attempt = (tryPort: number) => {
      const onError = (error: NodeJS.ErrnoException) => {
        server.off('listening', onListening);
        if (error.code === 'EADDRINUSE' && fallback && tryPort !== 0) {
          log(`Port ${tryPort} is in use; using a free port instead.`);
          attempt(0);
        } else {
          fail(error);
        }
      };
      const onListening = () => {
        server.off('error', onError);
        done((server.address() as AddressInfo).port);
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(tryPort, HOST);
    };
    attempt(port);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}
