import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RenderService } from '../render/renderService.js';

/** GET /frames/<key>: a cached frame's raw straight RGBA8 bytes (width x height x 4). */
export const FRAMES_PREFIX = '/frames/';

/**
 * Serves one frame from the render service's cache. Raw bytes rather than PNG: encoding a 768x1024
 * frame costs more than rendering it, and the page uploads the bytes straight into a texture.
 * Frames are content-addressed, so a key's bytes never change: the browser may cache them forever.
 */
export async function serveFrame(
  render: RenderService,
  pathname: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Method not allowed.');
    return;
  }
  const key = decodeURIComponent(pathname.slice(FRAMES_PREFIX.length));
  // Keys are content hashes (as Electron's app:// checks, electron/appProtocol.ts); nothing else is looked up.
  const image = /^[0-9a-zA-Z_-]{8,128}$/.test(key) ? await render.getFrame(key) : null;
  if (!image) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`No frame with key "${key}".`);
    return;
  }
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': image.data.byteLength,
    'x-frame-width': String(image.width),
    'x-frame-height': String(image.height),
    'access-control-expose-headers': 'X-Frame-Width, X-Frame-Height',
    'x-content-type-options': 'nosniff',
    'cache-control': 'private, max-age=31536000, immutable',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  res.end(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength));
}
