import type { Command } from '../command.ts';
import { EidosError } from '../../contract/errors.ts';
import { importModel } from '../../service/models.ts';
import { reportUnpinned } from './models-fetch.ts';

export const modelsImportCommand: Command = {
  usage: '<folder> [--id <id>] [--trust-unpinned]',
  help: [
    'arguments:',
    '  <folder>           holds the model files, either in their layout (onnx/…, tokenizer.json, …) or all at the top',
    'options:',
    "  --id <id>          which model the folder holds (default: recognised by the files' sha256)",
    '  --trust-unpinned   accept files the manifest has no sha256 for (needs --id)',
    '  --json             print the result as JSON',
    '',
    'Every file is copied and checked; nothing is installed unless all of them match.',
  ].join('\n'),
  options: { id: { type: 'string' }, 'trust-unpinned': { type: 'boolean' } },
  async run(args, io) {
    const [folder, ...extra] = args.positionals;
    if (!folder || extra.length > 0) throw new EidosError('BAD_ARGUMENT', 'models import takes exactly one folder.');
    const id = args.values.id;
    const result = await importModel(folder, {
      ...(typeof id === 'string' ? { id } : {}),
      trustUnpinned: Boolean(args.values['trust-unpinned']),
    });
    if (args.json) {
      io.out(JSON.stringify(result, null, 2));
      return 0;
    }
    reportUnpinned(io, result.files);
    io.out(`installed ${result.id} in ${result.path} (${result.files.length} files checked)`);
    return 0;
  },
};
