import { parseArgs } from 'node:util';
import { describeError, EidosError } from '../contract/errors.ts';
import type { Command, CommandEntry, Io } from './command.ts';
import { commands } from './commands/index.ts';

export function processIo(): Io {
  const isTTY = Boolean(process.stderr.isTTY);
  // `eidos search … | head` closes the pipe early: that is the reader being done, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    progress: (text) => {
      if (isTTY) process.stderr.write(`\r\x1b[2K${text}`);
    },
    isTTY,
  };
}

function findCommand(argv: string[]): { entry: CommandEntry; rest: string[] } | undefined {
  let best: { entry: CommandEntry; rest: string[] } | undefined;
  for (const entry of commands) {
    const n = entry.path.length;
    if (argv.length >= n && entry.path.every((word, i) => argv[i] === word)) {
      if (!best || n > best.entry.path.length) best = { entry, rest: argv.slice(n) };
    }
  }
  return best;
}

function overview(): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  const lines = commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  return [
    'eidos: private, offline photo search by description.',
    '',
    'usage: eidos <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    'Every command takes --help, and --json for machine-readable output.',
    'Data lives in $EIDOS_HOME (default: the platform app-data folder).',
  ].join('\n');
}

function commandHelp(entry: CommandEntry, command: Command): string {
  return [`usage: eidos ${entry.path.join(' ')} ${command.usage}`.trimEnd(), '', entry.summary, '', command.help]
    .join('\n')
    .trimEnd();
}

/** Runs the CLI; returns the exit code (0 ok, 1 failure, 2 bad usage). */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(overview());
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.err(`eidos: unknown command '${argv.join(' ')}'. Run 'eidos --help' for the list.`);
    return 2;
  }
  const { entry, rest } = found;
  const command = await entry.load();
  const name = entry.path.join(' ');
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.err(`eidos ${name}: ${describeError(error)}\n${commandHelp(entry, command)}`);
    return 2;
  }
  if (parsed.values.help) {
    io.out(commandHelp(entry, command));
    return 0;
  }
  const json = Boolean(parsed.values.json);
  try {
    return await command.run({ positionals: parsed.positionals, values: parsed.values, json }, io);
  } catch (error) {
    const code = error instanceof EidosError ? error.code : 'INTERNAL';
    if (json) {
      io.out(JSON.stringify({ error: { code, message: describeError(error) } }));
    } else {
      io.err(`eidos ${name}: ${describeError(error)}`);
      if (!(error instanceof EidosError) && process.env.EIDOS_DEBUG && error instanceof Error)
        io.err(error.stack ?? '');
    }
    return error instanceof EidosError && error.code === 'BAD_ARGUMENT' ? 2 : 1;
  }
}
