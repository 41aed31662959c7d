// Types of importEntry.mjs (plain JavaScript, like entryBundle.mjs).

/** Imports `entry` (an absolute .ts path): from its kept bundle, else through tsx. */
export function importEntry(entry: string): Promise<Record<string, unknown>>;
