import type { ParseArgsConfig } from 'node:util';

/** Options in the shape `util.parseArgs` takes; every command also gets `--help` and `--json`. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  json: boolean;
}

/** Where a command writes: kept apart from `console` so tests can capture it. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** A progress line that overwrites itself on a terminal and is dropped elsewhere. */
  progress(text: string): void;
  isTTY: boolean;
}

export interface Command {
  /** Words that select the command, e.g. ['models', 'fetch']. */
  path: string[];
  summary: string;
  /** The argument part of the usage line, e.g. '<id>'. */
  usage: string;
  /** Longer help: option descriptions and examples. */
  help: string;
  options: OptionSpec;
  run(args: ParsedArgs, io: Io): Promise<number>;
}
