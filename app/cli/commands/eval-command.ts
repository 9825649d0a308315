import { mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EidosError } from '../../contract/errors.ts';
import { dataDir, indexPath, modelsDir } from '../../paths.ts';
import { evaluateRetrieval, readEvalQueries, RECALL_AT, type EvalReport } from '../../search/evaluate.ts';
import { openIndex } from '../../store/open.ts';
import { isWithin } from '../../util/path-containment.ts';
import type { Command } from '../command.ts';
import { engineOptionHelp, engineOptionSpec, withEngine } from '../engine-options.ts';

/** Is the dataset already inside a library folder of the current index (so no re-indexing is needed)? */
function indexedHere(home: string, dataset: string): boolean {
  try {
    const store = openIndex(indexPath(home), { readonly: true });
    try {
      return store.listFolders().some((folder) => isWithin(dataset, folder.path));
    } finally {
      store.close();
    }
  } catch {
    return false;
  }
}

export const evalCommand: Command = {
  path: ['eval'],
  summary: 'Measure retrieval on a labelled folder: Recall@1/5/10 of plain cosine and of full PMI.',
  usage: '--dataset <folder with labels.csv> [--model <id>] [--json]',
  help: [
    'Queries come from labels.csv: the description column (synthetic sets), else "a photo of a {label}"',
    "(ImageNet-style). A folder already in the library is scored in place; otherwise it is indexed",
    'into a temporary data folder that is deleted afterwards (the installed models are shared).',
    '',
    'options:',
    '  --dataset <folder>  the labelled photo folder',
    ...engineOptionHelp,
    '  --json              the report as JSON',
  ].join('\n'),
  options: { ...engineOptionSpec, dataset: { type: 'string' } },
  async run(args, io) {
    const datasetArg = typeof args.values.dataset === 'string' ? args.values.dataset : args.positionals[0];
    if (!datasetArg) throw new EidosError('BAD_ARGUMENT', 'eidos eval needs --dataset <folder with labels.csv>.');
    const dataset = resolve(datasetArg);
    try {
      if (!statSync(dataset).isDirectory()) throw new Error('not a folder');
    } catch {
      throw new EidosError('NOT_FOUND', `${dataset} is not a folder; pass the folder that holds labels.csv.`, { file: dataset });
    }
    const { queries, queryColumn, photos } = readEvalQueries(dataset);
    const home = dataDir();
    const inPlace = indexedHere(home, dataset);
    const evalHome = inPlace ? home : mkdtempSync(join(tmpdir(), 'eidos-eval-'));
    if (!inPlace) symlinkSync(modelsDir(home), modelsDir(evalHome), 'dir');
    const where = inPlace ? `the current index (${home})` : `a temporary data folder (${evalHome})`;
    if (!args.json) io.err(`evaluating ${photos} photos, ${queries.length} queries (${queryColumn} column) in ${where}`);
    try {
      return await withEngine(
        args,
        async (engine) => {
          if (!inPlace) {
            engine.addFolders([dataset]);
            await engine.index({ onProgress: (p) => p.phase !== 'scanning' && io.progress(`indexing ${p.done}/${p.total}`) });
            io.progress('');
          } else {
            // Bring the folder up to date only when we may write; a locked index is scored as it is.
            if (!engine.store.readonly) await engine.index();
          }
          const encoder = await engine.encoder();
          const scores = await evaluateRetrieval({ service: engine.searcher, store: engine.store, tau: engine.model.logitScale, embedTexts: (t) => encoder.embedTexts(t) }, queries);
          const report: EvalReport & { model: string; index: string } = { ...scores, photos, queryColumn, model: engine.model.id, index: inPlace ? 'current' : 'temporary' };
          if (args.json) io.out(JSON.stringify(report));
          else {
            io.out(`model ${engine.model.id}, ${report.queries} queries over ${photos} photos (${inPlace ? 'current index' : 'temporary index'})`);
            io.out(`            ${RECALL_AT.map((k) => `R@${k}`.padStart(7)).join('')}`);
            for (const ranking of ['cosine', 'pmi'] as const) {
              io.out(`${(ranking === 'pmi' ? 'full PMI' : 'cosine').padEnd(12)}${RECALL_AT.map((k) => report[ranking][k]!.toFixed(3).padStart(7)).join('')}`);
            }
          }
          return 0;
        },
        { home: evalHome },
      );
    } finally {
      if (!inPlace) rmSync(evalHome, { recursive: true, force: true });
    }
  },
};
