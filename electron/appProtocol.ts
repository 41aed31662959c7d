import { resolve } from 'node:path';
import { pathInside } from '../host/staticFiles.js';
import { APP_HOST, APP_SCHEME } from './channels.js';

/**
 * The renderer is served from app://keypose/ rather than file://: the page gets an origin of its
 * own (it cannot read arbitrary file:// URLs), and every response carries the CSP header, which
 * file:// responses cannot carry reliably.
 */

/** The URL when it is well-formed and on this app's own origin (app://keypose), else null. */
function parseAppUrl(url: string): URL | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST ? parsed : null;
}

/** The file under `rendererDir` an app:// URL names, or null for anything outside it or malformed. */
export function resolveAppUrl(url: string, rendererDir: string): string | null {
  const parsed = parseAppUrl(url);
  if (!parsed) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const root = resolve(rendererDir);
  const file = pathInside(root, pathname === '/' ? '/index.html' : pathname);
  // The folder itself (e.g. app://keypose/.) is not a file.
  return file === root ? null : file;
}

/** Where rendered frames live on the app:// origin: app://keypose/frames/<key> (raw RGBA8 bytes). */
export const APP_FRAMES_PREFIX = '/frames/';

/** The frame key an app:// URL asks for, or null when it is not a frame URL (or malformed). */
export function frameKeyOfAppUrl(url: string): string | null {
  const parsed = parseAppUrl(url);
  if (!parsed?.pathname.startsWith(APP_FRAMES_PREFIX)) return null;
  const key = parsed.pathname.slice(APP_FRAMES_PREFIX.length);
  // Keys are content hashes; anything else is not a frame (and never reaches the file system).
  return /^[0-9a-zA-Z_-]{8,128}$/.test(key) ? key : null;
}

/** A frame as the studio serves it (host/studio/frames.ts): raw RGBA8 with its size in headers. */
export async function appFrameResponse(
  key: string,
  getFrame: (key: string) => Promise<{ width: number; height: number; data: Uint8Array } | null>,
): Promise<Response> {
  const image = await getFrame(key);
  if (!image) return new Response(`No frame with key "${key}".`, { status: 404 });
  // A copy into a plain ArrayBuffer: the cache's bytes may sit in a shared or larger buffer.
  const body = image.data.slice().buffer as ArrayBuffer;
  return new Response(body, {
    headers: {
      'content-type': 'application/octet-stream',
      'x-frame-width': String(image.width),
      'x-frame-height': String(image.height),
      'cache-control': 'private, max-age=31536000, immutable',
    },
  });
}
