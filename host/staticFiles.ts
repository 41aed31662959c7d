import { extname, isAbsolute, relative, resolve } from 'node:path';

/**
 * What the studio server (host/studio/server.ts) and Electron's app:// protocol
 * (electron/appProtocol.ts) share when they serve the built renderer: content types, and keeping
 * a URL's path inside the folder served.
 */

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.map': 'application/json; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The absolute path a URL path (already decoded, starting with '/') names under `root` (root
 * itself for '/'), or null when `..` segments lead outside it.
 */
export function pathInside(root: string, urlPath: string): string | null {
  const file = resolve(root, `.${urlPath}`);
  const inside = relative(root, file);
  if (inside.startsWith('..') || isAbsolute(inside)) return null;
  return file;
}
