import type { ParseArgsConfig } from 'node:util';

/** Options in the shape `util.parseArgs` takes; every command also gets `--help` and `--json`. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  json: boolean;
}

/** A string option's value, or undefined when it was not given. */
export const stringOption = (args: ParsedArgs, name: string): string | undefined =>
  typeof args.values[name] === 'string' ? (args.values[name] as string) : undefined;

/** Where a command writes: kept apart from `console` so tests can capture it. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** A progress line that overwrites itself on a terminal and is dropped elsewhere. */
  progress(text: string): void;
  isTTY: boolean;
}

/**
 * One CLI command as the command table lists it: the words that select it and one line for
 * `eidos --help`. `load` imports the command's module only when it is run (or asked for its own help),
 * so `eidos --help` loads none of the engine's heavy modules (onnxruntime, sharp, SQLite, the addon).
 */
export interface CommandEntry {
  /** Words that select the command, e.g. ['models', 'fetch']. */
  path: string[];
  summary: string;
  load(): Promise<Command>;
}

/** What a command's module provides. */
export interface Command {
  /** The argument part of the usage line, e.g. '<id>'. */
  usage: string;
  /** Longer help: option descriptions and examples. */
  help: string;
  options: OptionSpec;
  run(args: ParsedArgs, io: Io): Promise<number>;
}
