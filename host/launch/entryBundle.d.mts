// Types of entryBundle.mjs (plain JavaScript: the `keypose` launcher runs it before TypeScript can load).

/** Where bundles are kept: node_modules/.cache/keypose/entries under the app's root. */
export function defaultBundleDir(): string;
/** False inside Electron and where KEYPOSE_ENTRY_BUNDLES=off. */
export function entryBundlesEnabled(env?: NodeJS.ProcessEnv): boolean;
/** The kept bundle of `entry` (absolute .ts path) if every file it was built from is unchanged. */
export function freshBundle(entry: string, dir?: string): string | null;
/** Builds and keeps the bundle of `entry`; resolves with its path. */
export function buildBundle(entry: string, dir?: string): Promise<string>;
/** The fresh bundle, built if needed; null where there can be none (the caller uses tsx). */
export function entryBundle(entry: string, dir?: string): Promise<string | null>;
/** As entryBundle, deciding synchronously (a stale bundle is built by a short child process). */
export function entryBundleSync(entry: string, dir?: string): string | null;
