import type { Command, Io } from '../command.ts';
import { EidosError } from '../../contract/errors.ts';
import { defaultModelOf, fetchModel, type FileCheck } from '../../service/models.ts';
import { formatBytes, progressReporter } from './models-progress.ts';

/** Prints the hashes of files accepted without a pin, so they can be checked and pinned. */
export function reportUnpinned(io: Io, files: FileCheck[]): void {
  for (const f of files.filter((c) => c.status === 'unpinned')) {
    io.err(
      `unpinned ${f.path}: sha256 ${f.actualSha256} (${f.actualBytes} bytes); check it against the publisher and pin it in models/manifest.json`,
    );
  }
}

export const modelsFetchCommand: Command = {
  usage: '[<id>] [--accept-licence] [--trust-unpinned]',
  help: [
    'arguments:',
    '  <id>               a model from `eidos models list` (default: the default model)',
    'options:',
    '  --accept-licence   accept the model’s licence where it restricts use (MobileCLIP2: Apple’s research-only',
    '                     model licence; `eidos models list` links it); remembered for that model',
    '  --trust-unpinned   accept files the manifest has no sha256 for; their hashes are printed',
    '  --json             print the result (files, statuses, hashes) as JSON',
    '',
    'This is the only command that uses the network. An interrupted fetch (Ctrl-C, lost connection) resumes',
    "where it stopped when run again. Without network, copy the files from another machine and use 'eidos models import'.",
  ].join('\n'),
  options: { 'accept-licence': { type: 'boolean' }, 'trust-unpinned': { type: 'boolean' } },
  async run(args, io) {
    if (args.positionals.length > 1) throw new EidosError('BAD_ARGUMENT', 'models fetch takes one model id.');
    const id = args.positionals[0] ?? defaultModelOf().id;
    const controller = new AbortController();
    const onSigint = (): void => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      const result = await fetchModel(id, {
        trustUnpinned: Boolean(args.values['trust-unpinned']),
        acceptLicence: Boolean(args.values['accept-licence']),
        signal: controller.signal,
        onProgress: args.json ? undefined : progressReporter(io),
      });
      if (args.json) {
        io.out(JSON.stringify(result, null, 2));
        return 0;
      }
      reportUnpinned(io, result.files);
      const bytes = result.files.reduce((sum, f) => sum + (f.actualBytes ?? 0), 0);
      io.out(`installed ${id} in ${result.path} (${result.files.length} files, ${formatBytes(bytes)})`);
      return 0;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
