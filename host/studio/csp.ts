/**
 * The Content-Security-Policy of the renderer, shared by Electron (session headers) and the
 * studio's production server. Scripts only from the app itself ('wasm-unsafe-eval' lets
 * WebAssembly pose models compile, nothing else is evaluated); images may be data:/blob: because
 * art and rendered frames arrive as bytes; no remote origins at all.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
