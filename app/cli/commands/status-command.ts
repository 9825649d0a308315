import type { Command } from '../command.ts';
import { formatBytes } from './models-progress.ts';
import { EidosError } from '../../contract/errors.ts';
import { dataDir } from '../../paths.ts';
import { readIndexReport } from '../../service/index-status.ts';
import { vectorBytes } from '../../service/model-switch.ts';
import type { IndexProgress } from '../../contract/types.ts';
import { connectHolder, holderName } from '../../server/local-socket-client.ts';

export const statusCommand: Command = {
  usage: '[--json] [--skipped N]',
  help: [
    'options:',
    '  --skipped N   list up to N skipped files, and N files or folders the scan could not read, with their reasons (default 20)',
    '  --json        everything as one JSON object',
  ].join('\n'),
  options: { skipped: { type: 'string' } },
  async run(args, io) {
    const limit = Number(args.values.skipped ?? 20);
    if (!Number.isInteger(limit) || limit < 0) throw new EidosError('BAD_ARGUMENT', '--skipped takes a whole number');
    const status = readIndexReport(dataDir(), limit);
    const { skippedFiles, scanProblems } = status;
    // The index reads the same beside the process that holds it; what only that process knows is
    // whether it is indexing right now, and how far it is.
    const indexing = await holderIndexing((message) => io.err(message));
    if (args.json) {
      io.out(JSON.stringify(indexing ? { ...status, indexing } : status, null, 2));
      return 0;
    }
    if (indexing)
      io.out(
        `indexing   in ${indexing.by}: ${indexing.state === 'scanning' ? 'scanning' : `${indexing.done}/${indexing.total}`}, ${indexing.skipped} skipped`,
      );
    io.out(`index      ${status.index} (${formatBytes(status.bytes)}, schema v${status.schemaVersion})`);
    io.out(`indexed    ${status.indexed} photos`);
    const reasons = Object.entries(status.skipped.byCode)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    io.out(`skipped    ${status.skipped.total}${reasons ? ` (${reasons})` : ''}`);
    const sources = Object.entries(status.decodeSources)
      .map(([source, n]) => `${source} ${n}`)
      .join(', ');
    if (sources) io.out(`decoded    from ${sources}`);
    for (const m of status.models)
      io.out(
        `model      ${m.modelId}: ${m.embeddings} vectors (${m.dim}-d ${m.dtype}, ${formatBytes(vectorBytes(m))}), ${m.pending} pending`,
      );
    for (const f of status.folders)
      io.out(
        `folder     ${f.path} (${f.files} indexed, ${f.skipped} skipped; last indexed ${f.lastIndexedAt ?? 'never'})`,
      );
    if (skippedFiles.length > 0) {
      io.out('\nskipped files:');
      for (const s of skippedFiles) io.out(`  ${s.path}\n      ${s.code}: ${s.reason}`);
    }
    if (scanProblems.length > 0) {
      io.out('\nnot scanned (the last index run could not read these, or they lead out of the library):');
      for (const p of scanProblems) io.out(`  ${p.path}${p.isDirectory ? '/' : ''}\n      ${p.code}: ${p.reason}`);
    }
    return 0;
  },
};

/** The holder's indexing run, when one runs there. */
async function holderIndexing(warn: (message: string) => void): Promise<(IndexProgress & { by: string }) | undefined> {
  const holder = await connectHolder(dataDir(), { warn });
  if (!holder) return undefined;
  try {
    const { indexing } = await holder.call('status', {});
    const running = indexing.state === 'scanning' || indexing.state === 'indexing';
    return running ? { ...indexing, by: holderName(holder.holder) } : undefined;
  } finally {
    holder.close();
  }
}
