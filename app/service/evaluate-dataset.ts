/**
 * `eidos eval`: retrieval quality of the installed model on a labelled folder, measured through the
 * same engine a search uses. A folder already in the library is scored in place; any other is indexed
 * into a temporary data folder (sharing the installed models) that is deleted afterwards.
 */
import { mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EidosError } from '../contract/errors.ts';
import { indexPath, modelsDir } from '../paths.ts';
import { readEvalQueries, type EvalReport } from '../evaluation/dataset-eval.ts';
import { evaluateEmbeddings, type EmbeddingEvalReport } from '../evaluation/embedding-eval.ts';
import { loadEmbeddingSet, type EmbeddingFiles, type EmbeddingSet } from '../evaluation/embedding-set.ts';
import { embeddingReportLines } from '../evaluation/report-text.ts';
import { Engine, type EngineOptions } from './engine.ts';
import { isWithin } from '../util/path-containment.ts';
import { openIndex } from '../store/open.ts';

export { RECALL_AT } from '../evaluation/rank-metrics.ts';
export { pairedAlignmentLine } from '../evaluation/paired-alignment.ts';
export type { EvalReport } from '../evaluation/dataset-eval.ts';

/**
 * `eidos eval --embeddings`: the product's scorer on precomputed embeddings (.npy), no model or index;
 * the report, the files it read, and the report in lines of text.
 */
export async function evaluateEmbeddingFiles(
  files: EmbeddingFiles,
  tau: number,
): Promise<{ report: EmbeddingEvalReport; files: EmbeddingSet['files']; lines: string[] }> {
  const set = loadEmbeddingSet(files);
  const report = await evaluateEmbeddings(set, tau);
  return { report, files: set.files, lines: embeddingReportLines(report) };
}

export interface DatasetReport extends EvalReport {
  model: string;
  index: 'current' | 'temporary';
}

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

export interface EvalProgress {
  /** Once, before any work: what is measured and where. */
  onStart?(what: { photos: number; queries: number; queryColumn: string; where: string }): void;
  onIndexing?(done: number, total: number): void;
}

export async function evaluateDataset(
  options: EngineOptions,
  datasetFolder: string,
  progress: EvalProgress = {},
): Promise<DatasetReport> {
  const dataset = resolve(datasetFolder);
  try {
    if (!statSync(dataset).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new EidosError('NOT_FOUND', `${dataset} is not a folder; pass the folder that holds labels.csv.`, {
      file: dataset,
    });
  }
  const { queries, queryColumn, photos } = readEvalQueries(dataset);
  const home = options.home;
  const inPlace = indexedHere(home, dataset);
  const evalHome = inPlace ? home : mkdtempSync(join(tmpdir(), 'eidos-eval-'));
  if (!inPlace) symlinkSync(modelsDir(home), modelsDir(evalHome), 'dir');
  progress.onStart?.({
    photos,
    queries: queries.length,
    queryColumn,
    where: inPlace ? `the current index (${home})` : `a temporary data folder (${evalHome})`,
  });
  const engine = Engine.open({ ...options, home: evalHome });
  try {
    if (!inPlace) {
      engine.addFolders([dataset]);
      await engine.index({ onProgress: (p) => p.phase !== 'scanning' && progress.onIndexing?.(p.done, p.total) });
    } else if (!engine.readonly) {
      // Bring the folder up to date only when we may write; a locked index is scored as it is.
      await engine.index();
    }
    const scores = await engine.evaluate(queries);
    return { ...scores, photos, queryColumn, model: engine.model.id, index: inPlace ? 'current' : 'temporary' };
  } finally {
    await engine.close();
    if (!inPlace) rmSync(evalHome, { recursive: true, force: true });
  }
}
