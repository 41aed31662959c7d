import { parseFrameRange } from '../../host/export/formats.js';
import { UsageError } from '../command.js';

/**
 * A small argv parser for the subcommands: positionals, and `--name value` / `--name=value` /
 * `-o value` options from a fixed list (an unknown option is a usage error, not ignored).
 */
export interface ParsedOptions {
  readonly positionals: string[];
  readonly values: Map<string, string>;
}

export function parseOptions(
  args: readonly string[],
  known: Readonly<Record<string, string>>,
): ParsedOptions {
  const positionals: string[] = [];
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const name = known[flag];
    if (!name) throw new UsageError(`unknown option ${flag}.`);
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value.`);
    values.set(name, value);
  }
  return { positionals, values };
}

/** `--range START-END` (inclusive frames) when given; a malformed one is a usage error. */
export function rangeOption(
  values: ReadonlyMap<string, string>,
): { startFrame: number; endFrame: number } | undefined {
  const text = values.get('range');
  if (text === undefined) return undefined;
  try {
    return parseFrameRange(text);
  } catch (error) {
    throw new UsageError(`--range: ${(error as Error).message}.`);
  }
}
