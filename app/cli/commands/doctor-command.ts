import type { Command } from '../command.ts';
import { engineOptionHelp, engineOptionSpec, modelChoice } from '../engine-options.ts';
import { doctorReport } from '../../service/model-encoder.ts';

/** What runs where on this machine: the facts a bug report needs, measured rather than assumed. */
export const doctorCommand: Command = {
  usage: '[--json] [--model <id>] [--ep <name>]',
  help: [
    'Opens the model for real (both towers), so the provider shown is the one that ran, including any fallback.',
    '',
    'options:',
    ...engineOptionHelp,
  ].join('\n'),
  options: { ...engineOptionSpec },
  async run(args, io) {
    const { ok, report } = await doctorReport(modelChoice(args));
    if (args.json) {
      io.out(JSON.stringify(report, null, 2));
    } else {
      for (const [key, value] of Object.entries(report))
        io.out(
          `${key.padEnd(18)} ${typeof value === 'string' || typeof value === 'number' ? value : JSON.stringify(value)}`,
        );
    }
    return ok ? 0 : 1;
  },
};
