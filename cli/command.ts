/**
 * A subcommand of `keypose`. To add one (rig, render, export, bench…): write
 * cli/commands/<name>.ts exporting a CliCommand and add it to the table in cli/commands/index.ts.
 */
export interface CliCommand {
  name: string;
  /** One line for `keypose help`. */
  summary: string;
  /** e.g. "keypose info <project.keypose> [--json]" */
  usage: string;
  /** Resolves to the process exit code (see EXIT). */
  run(args: readonly string[], context: CliContext): Promise<number>;
}

export interface CliContext {
  /** --json was given: print one JSON document on stdout and nothing else there. */
  json: boolean;
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /** stderr is a terminal: progress is one line redrawn in place (else periodic plain lines). */
  stderrIsTTY?: boolean;
}

/**
 * Exit codes: 2 means the input (a file, an argument) is at fault, 1 that Keypose is, 3 that
 * rendering or encoding failed (ffmpeg, the frame worker, the destination), 130 that the user
 * stopped it with Ctrl+C (128 + SIGINT, as shells report it).
 */
export const EXIT = { ok: 0, failure: 1, badInput: 2, renderFailed: 3, cancelled: 130 } as const;

/** A usage mistake, reported with the command's usage line and exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
