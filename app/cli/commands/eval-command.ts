import { mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, isAbsolute } from 'node:path';
import { EidosError } from '../../errors.ts';
import { dataDir, indexPath, modelsDir } from '../../paths.ts';
import { evaluateEmbeddings } from '../../evaluation/embedding-eval.ts';
import { loadEmbeddingSet } from '../../evaluation/embedding-set.ts';
import { embeddingReportLines } from '../../evaluation/report-text.ts';
import { RECALL_AT } from '../../evaluation/rank-metrics.ts';
import { evaluateRetrieval, readEvalQueries, type EvalReport } from '../../search/evaluate.ts';
import { openIndex } from '../../store/open.ts';
import type { Command, Io, ParsedArgs } from '../command.ts';
import { engineOptionHelp, engineOptionSpec, withEngine } from '../engine-options.ts';

const isInside = (child: string, parent: string) => {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/** Is the dataset already inside a library folder of the current index (so no re-indexing is needed)? */
function indexedHere(home: string, dataset: string): boolean {
  try {
    const store = openIndex(indexPath(home), { readonly: true });
    try {
      return store.listFolders().some((folder) => isInside(dataset, folder.path));
    } finally {
      store.close();
    }
  } catch {
    return false;
  }
}

const text = (args: ParsedArgs, name: string): string | undefined => (typeof args.values[name] === 'string' ? (args.values[name] as string) : undefined);

/** `--embeddings`: the product's scorer on precomputed .npy embeddings, no model or index needed. */
async function evalEmbeddings(args: ParsedArgs, io: Io): Promise<number> {
  const folder = text(args, 'embeddings')!;
  const images = text(args, 'images');
  const queries = text(args, 'queries');
  if (images === undefined || queries === undefined) throw new EidosError('BAD_ARGUMENT', 'eidos eval --embeddings <folder> needs --images <file> and --queries <file> (.npy).');
  const tau = Number(text(args, 'tau') ?? DEFAULT_TAU);
  if (!(tau > 0) || !Number.isFinite(tau)) throw new EidosError('BAD_ARGUMENT', `--tau must be the model's positive logit scale, got '${text(args, 'tau')}'.`);
  const bank = text(args, 'bank');
  const set = loadEmbeddingSet({ folder, images, queries, ...(bank !== undefined ? { bank } : {}) });
  const report = await evaluateEmbeddings(set, tau);
  if (args.json) io.out(JSON.stringify({ ...report, files: set.files }));
  else for (const line of embeddingReportLines(report)) io.out(line);
  return 0;
}

/** OpenAI CLIP's logit scale (exp of its learned temperature, 100). */
const DEFAULT_TAU = 100;

export const evalCommand: Command = {
  path: ['eval'],
  summary: 'Measure retrieval on a labelled folder or on precomputed embeddings: Recall@1/5/10 of cosine and of full PMI.',
  usage: '--dataset <folder with labels.csv> [--model <id>] [--json] | --embeddings <folder> --images <file> --queries <file> [--bank <file>] [--tau N] [--json]',
  help: [
    'With --embeddings: the scorer of eidos search (kernels, image prior, full PMI) on .npy files (float32 or',
    'float16, rows × d, any norm). Row i of --queries belongs to row i of --images; --bank stands in for the',
    "prior's concept prompts (without it the prior is uniform). Prints R@1/5/10, median and mean rank of the",
    "query's image, queries gained and lost against cosine at R@1 (McNemar, exact binomial), and hubness",
    '(skewness of the top-10 occurrence N10, images in no top 10).',
    '',
    'Queries come from labels.csv: the description column (synthetic sets), else "a photo of a {label}"',
    "(ImageNet-style). A folder already in the library is scored in place; otherwise it is indexed",
    'into a temporary data folder that is deleted afterwards (the installed models are shared).',
    '',
    'options:',
    '  --dataset <folder>  the labelled photo folder',
    '  --embeddings <dir>  folder of .npy files (--images, --queries, --bank are relative to it)',
    `  --tau <N>           the model's logit scale for --embeddings (default ${DEFAULT_TAU})`,
    ...engineOptionHelp,
    '  --json              the report as JSON',
  ].join('\n'),
  options: { ...engineOptionSpec, dataset: { type: 'string' }, embeddings: { type: 'string' }, images: { type: 'string' }, queries: { type: 'string' }, bank: { type: 'string' }, tau: { type: 'string' } },
  async run(args, io) {
    if (text(args, 'embeddings') !== undefined) return evalEmbeddings(args, io);
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
