import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readAppVersion } from '../host/paths.js';
import { type CliCommand, type CliContext, EXIT, UsageError } from './command.js';
import { COMMANDS } from './commands/index.js';

/**
 * `keypose <command> [args] [--json]`. Global flags: --json (machine-readable output on stdout),
 * --help / -h, --version.
 */
export async function runCli(
  argv: readonly string[],
  io: Pick<CliContext, 'stdout' | 'stderr' | 'cwd' | 'stderrIsTTY'> = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    stderrIsTTY: process.stderr.isTTY === true,
  },
  commands: readonly CliCommand[] = COMMANDS,
): Promise<number> {
  const json = argv.includes('--json');
  const rest = argv.filter((arg) => arg !== '--json');
  const context: CliContext = { ...io, json };
  const [name, ...args] = rest;

  if (name === '--version' || name === '-v') {
    context.stdout(`${readAppVersion()}\n`);
    return EXIT.ok;
  }
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? args[0] : undefined;
    const command = topic ? commands.find((c) => c.name === topic) : undefined;
    if (topic && !command) {
      context.stderr(`keypose: no command "${topic}".\n${helpText(commands)}`);
      return EXIT.badInput;
    }
    if (json) {
      const list = (command ? [command] : commands).map(({ name, summary, usage }) => ({
        name,
        summary,
        usage,
      }));
      context.stdout(`${JSON.stringify({ ok: true, commands: list }, null, 2)}\n`);
    } else {
      const text = command ? `${command.usage}\n  ${command.summary}\n` : helpText(commands);
      if (name === undefined) context.stderr(text);
      else context.stdout(text);
    }
    // `keypose` with no command is a usage mistake; asking for help is not.
    return name === undefined ? EXIT.badInput : EXIT.ok;
  }

  const command = commands.find((c) => c.name === name);
  if (!command) {
    reportError(context, 'unknown-command', `keypose: unknown command "${name}".`, helpText(commands));
    return EXIT.badInput;
  }
  if (args.includes('--help') || args.includes('-h')) {
    context.stdout(`${command.usage}\n  ${command.summary}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(args, context);
  } catch (error) {
    if (error instanceof UsageError) {
      reportError(
        context,
        'invalid-argument',
        `keypose ${command.name}: ${error.message}`,
        `usage: ${command.usage}\n`,
      );
      return EXIT.badInput;
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    reportError(context, 'internal', `keypose ${command.name} failed unexpectedly: ${message}`, '');
    return EXIT.failure;
  }
}

function reportError(context: CliContext, code: string, message: string, hint: string): void {
  if (context.json) context.stdout(`${JSON.stringify({ ok: false, error: { code, message } }, null, 2)}\n`);
  else context.stderr(`${message}\n${hint}`);
}

export function helpText(commands: readonly CliCommand[]): string {
  const width = Math.max(4, ...commands.map((c) => c.name.length));
  return [
    'keypose — pose a skeleton over one picture and get consistent character frames.',
    '',
    'usage: keypose <command> [arguments] [--json]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  Show this help, or one command's: keypose help <command>.`,
    '',
    '--json prints one JSON document on stdout. Exit codes: 0 ok, 2 bad input (file or arguments,',
    'or a destination that exists: --force replaces it), 1 internal error, 3 render/export failed,',
    '130/143/129 stopped by Ctrl+C/SIGTERM/SIGHUP (no partial file is left).',
    '',
  ].join('\n');
}

function isEntryModule(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

// Run directly (the bundle build/cli/main.js, or `tsx cli/main.ts`); the bin launcher imports
// runCli instead.
if (isEntryModule()) {
  process.exitCode = await runCli(process.argv.slice(2));
}
