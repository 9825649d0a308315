/**
 * Retrieval quality on a labelled folder (`eidos eval`): Recall@k of plain cosine ranking and of full
 * PMI ranking, for the same queries over the same matrix. A query's relevant photos are those whose
 * label row produced the same query text (ImageNet-style sets share a label across photos).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EidosError } from '../contract/errors.ts';
import { RECALL_AT } from './rank-metrics.ts';
import { pairedAlignment, type PairedAlignment } from './paired-alignment.ts';
import { DEFAULT_K } from '../alignment/align.ts';
import { selectRows } from '../alignment/rows.ts';
import { kernels } from '../kernels/index.ts';
import { scoreTerms } from '../search/score-terms.ts';
import type { IndexStore } from '../store/index-store.ts';
import type { SearchService } from '../search/search-service.ts';

export interface EvalQuery {
  text: string;
  /** Absolute paths of the photos that answer it. */
  relevant: string[];
}

export interface EvalReport {
  queries: number;
  photos: number;
  /** Recall@k per ranking, keyed by k. */
  cosine: Record<number, number>;
  pmi: Record<number, number>;
  queryColumn: 'description' | 'label';
  /**
   * The model's image and text sides over the pairs (photo, the first query naming it): mutual-kNN
   * alignment of the photos' neighbourhoods with their texts'; absent with too few pairs.
   */
  alignment?: PairedAlignment;
}

/** RFC 4180 rows (quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

/** The queries of `<dataset>/labels.csv`: its `description` column, else "a photo of a {label}". */
export function readEvalQueries(dataset: string): {
  queries: EvalQuery[];
  queryColumn: EvalReport['queryColumn'];
  photos: number;
} {
  const file = join(dataset, 'labels.csv');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new EidosError(
      'NOT_FOUND',
      `Cannot read ${file}: a dataset folder needs a labels.csv (relative_path plus a description or label column).`,
      { file, cause },
    );
  }
  const [header, ...rows] = parseCsv(text);
  const column = (name: string) => header?.indexOf(name) ?? -1;
  const pathAt = column('relative_path');
  const queryColumn = column('description') >= 0 ? 'description' : 'label';
  const queryAt = column(queryColumn);
  if (pathAt < 0 || queryAt < 0) {
    throw new EidosError(
      'BAD_ARGUMENT',
      `${file} needs a relative_path column and a description or label column; its header is "${header?.join(',')}".`,
      { file },
    );
  }
  const byText = new Map<string, string[]>();
  for (const row of rows) {
    const value = row[queryAt]?.trim();
    if (!value) continue;
    const text = queryColumn === 'label' ? `a photo of a ${value}` : value;
    const list = byText.get(text) ?? [];
    list.push(resolve(dataset, row[pathAt]!));
    byText.set(text, list);
  }
  return { queries: [...byText].map(([text, relevant]) => ({ text, relevant })), queryColumn, photos: rows.length };
}

/** Recall@k of both rankings; photos of the set that are not indexed count as misses. */
export interface EvalContext {
  service: SearchService;
  store: IndexStore;
  /** The model's logit scale. */
  tau: number;
  embedTexts: (texts: string[]) => Promise<{ data: Float32Array; d: number }>;
}

export async function evaluateRetrieval(
  context: EvalContext,
  queries: readonly EvalQuery[],
): Promise<Omit<EvalReport, 'photos' | 'queryColumn'>> {
  const { service, store, tau, embedTexts } = context;
  const { library, prior } = await service.ready();
  const rowOfPath = new Map<string, number>();
  const pathOfId = new Map(store.photoRows(Array.from(library.fileIds)).map((row) => [row.id, row.path]));
  library.fileIds.forEach((id, row) => {
    const path = pathOfId.get(id);
    if (path !== undefined) rowOfPath.set(path, row);
  });
  const maxK = Math.max(...RECALL_AT);
  const hits = { cosine: RECALL_AT.map(() => 0), pmi: RECALL_AT.map(() => 0) };
  const BATCH = 64;
  // Each photo paired with the first query that names it: the items of the image–text alignment.
  const pairedRows: number[] = [];
  const pairedTexts: Float32Array[] = [];
  const paired = new Set<number>();
  for (let start = 0; start < queries.length; start += BATCH) {
    const batch = queries.slice(start, start + BATCH);
    const { data, d } = await embedTexts(batch.map((q) => q.text));
    batch.forEach((query, j) => {
      const relevant = new Set(query.relevant.flatMap((p) => rowOfPath.get(p) ?? []));
      const vector = data.subarray(j * d, j * d + d);
      for (const row of relevant) {
        if (paired.has(row)) continue;
        paired.add(row);
        pairedRows.push(row);
        pairedTexts.push(vector);
      }
      const { terms, combined } = scoreTerms(
        library.matrix,
        [{ role: 'plain', weight: 1, vector }],
        tau,
        prior.logPrior,
      );
      const cosineTop = kernels.topK(terms[0]!.logits, maxK).indices;
      const pmiTop = kernels.topK(combined, maxK).indices;
      for (const [ranking, top] of [
        ['cosine', cosineTop],
        ['pmi', pmiTop],
      ] as const) {
        RECALL_AT.forEach((k, m) => {
          if (Array.from(top.subarray(0, k)).some((row) => relevant.has(row))) hits[ranking][m]!++;
        });
      }
    });
  }
  const recall = (counts: number[]) =>
    Object.fromEntries(RECALL_AT.map((k, m) => [k, counts[m]! / Math.max(1, queries.length)]));
  const matrix = library.matrix;
  const alignment =
    pairedRows.length >= DEFAULT_K + 2 && matrix.dtype !== 'i8'
      ? await pairedAlignment(selectRows(matrix, pairedRows), concatRows(pairedTexts))
      : undefined;
  return {
    queries: queries.length,
    cosine: recall(hits.cosine),
    pmi: recall(hits.pmi),
    ...(alignment ? { alignment } : {}),
  };
}

function concatRows(rows: readonly Float32Array[]): Float32Array {
  const d = rows[0]?.length ?? 0;
  const out = new Float32Array(rows.length * d);
  rows.forEach((row, i) => out.set(row, i * d));
  return out;
}
