import type { Command } from '../command.ts';
import { formatBytes } from './models-progress.ts';
import { EidosError } from '../../contract/errors.ts';
import { dataDir } from '../../paths.ts';
import { readIndexReport } from '../../service/index-status.ts';

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
    if (args.json) {
      io.out(JSON.stringify(status, null, 2));
      return 0;
    }
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
      io.out(`model      ${m.modelId}: ${m.embeddings} vectors (${m.dim}-d ${m.dtype}), ${m.pending} pending`);
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
