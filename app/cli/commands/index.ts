import type { Command } from '../command.ts';
import { modelsFetchCommand } from './models-fetch.ts';
import { modelsImportCommand } from './models-import.ts';
import { modelsListCommand } from './models-list.ts';
import { modelsVerifyCommand } from './models-verify.ts';
import { indexCommand } from './index-command.ts';
import { statusCommand } from './status-command.ts';
import { searchCommand } from './search-command.ts';
import { evalCommand } from './eval-command.ts';
import { embedImageCommand, embedTextCommand } from './embed-command.ts';
import { doctorCommand } from './doctor-command.ts';
import { explainCommand } from './explain-command.ts';
import { serveCommand } from './serve-command.ts';

/** Every CLI command, in the order `eidos --help` lists them. One line a command. */
export const commands: Command[] = [
  indexCommand,
  statusCommand,
  searchCommand,
  explainCommand,
  evalCommand,
  modelsListCommand,
  modelsFetchCommand,
  modelsImportCommand,
  modelsVerifyCommand,
  serveCommand,
  embedTextCommand,
  embedImageCommand,
  doctorCommand,
];
