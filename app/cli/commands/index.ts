import type { Command } from '../command.ts';

/** Every CLI command, in the order `eidos --help` lists them. One line a command. */
export const commands: Command[] = [
];
