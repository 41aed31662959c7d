/**
 * Where Debian's Chromium is and the flags it runs with, apart from the studio harness (which
 * starts a server), so benchmarks can launch the same browser (bench/groundTruth/truth.ts).
 */
export const CHROMIUM_PATH = process.env.KEYPOSE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags for a quiet, offline, headless Chromium. There is no GPU on the test machines; Debian's
 * Chromium 156 still gives WebGL 1/2 through ANGLE on SwiftShader (Vulkan) with --disable-gpu, so
 * no --use-angle/--enable-unsafe-swiftshader is needed (checked by tests/e2e/studio.test.ts).
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
