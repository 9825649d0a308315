/**
 * Search over one library and model: the in-memory matrix (library-matrix.ts) and image prior
 * (image-prior.ts), kept in step with the store before every query; per term one fused kernel pass,
 * awaited off the JS thread (logits, their log-sum-exp and softmax entropy: the query's bits); full PMI
 * in bits per term, combined (pmi.ts); filters as a row mask; the calibrated cut-off; the ranking of
 * just the rows that stand out; results read from the store for just the rows returned.
 */
import type { ArgsOf } from '../contract/api.ts';
import type { SearchResponse, TermContribution } from '../contract/types.ts';
import type { Encoder } from '../encoders/encoder.ts';
import { EidosError } from '../contract/errors.ts';
import { queryInformationBits } from '../explain/query-bound.ts';
import type { EmbeddingMatrix } from '../kernels/contract.ts';
import { kernels } from '../kernels/index.ts';
import type { ModelSpec } from '../models/manifest-types.ts';
import { DEFAULT_TOP } from '../contract/api.ts';
import type { IndexStore } from '../store/index-store.ts';
import { conceptBank } from './concept-bank.ts';
import { ImagePrior, type QueryBank } from './image-prior.ts';
import { LibraryMatrix } from './library-matrix.ts';
import { rowsAbove, STAND_OUT_FLOOR_BITS, STAND_OUT_SHARE, standOutBits } from './pmi.ts';
import { scoreTermsAsync } from './score-terms.ts';
import { imageTerm, parseQuery, quoteQuery, termSign, type QueryTerm } from '../contract/query-language.ts';
import { toSearchResult, photoDate } from './results.ts';
import { filteredFileIds } from './search-filters.ts';
import { bestRowPerFile, withMoment } from './moment-groups.ts';
import { termVectors } from './term-vectors.ts';
import type { StageClock } from './stage-clock.ts';
import { emptiedMessage, listReadPhotos, readWordFilters, withWordFilters } from './when-where/word-filters.ts';
import { filtersAreWordsInText } from './dates-in-text.ts';
import {
  matchedWordsAt,
  textBitsPerRow,
  textEvidence,
  textOnlyQueryBits,
  withTextBits,
  type TextEvidence,
} from './text-bits.ts';

type ConceptBank = QueryBank & { concepts: string[] };

export type SearchArgs = ArgsOf<'search'>;

export interface SearchOptions {
  /** CLI `--like <file>`: a photo file (indexed or not) as an image term. */
  likeFile?: string;
  /** Return every photo the terms and filters allow, not only those that stand out. */
  all?: boolean;
  /** Charged with the time of each stage (the latency breakdown of test/bench/search-e2e.ts). */
  clock?: StageClock;
}

/** One query scored over the whole library (for the explanation feature). */
export interface ScoredQuery {
  matrix: EmbeddingMatrix;
  /** Full PMI bits per row, combined over the terms; −∞ where a +term or −term rules the row out. */
  rowScores: Float32Array;
  fileIds: Uint32Array;
  /** log2 N − H(p(·|q)), bits. */
  queryBits: number;
  /** The query's words found in photos' text (text-bits.ts), already added into rowScores. */
  text: TextEvidence;
}

interface TermScores {
  term: QueryTerm;
  bits: Float32Array;
  /** The term's logits s(q,i) = τ·cos. */
  logits: Float32Array;
  lse: number;
  /** H(p(·|term)) in nats. */
  entropy: number;
}

interface Scored extends ScoredQuery {
  terms: TermScores[];
}

export class SearchService {
  private readonly store: IndexStore;
  private readonly model: ModelSpec;
  private readonly encoder: () => Promise<Pick<Encoder, 'embedTexts' | 'embedImages'>>;
  private library: LibraryMatrix | undefined;
  private prior: ImagePrior | undefined;
  private bank: ConceptBank | undefined;
  /** Catch-ups run one at a time (two queries arriving together must not both patch the matrix). */
  private catchUp: Promise<unknown> = Promise.resolve();

  constructor(options: {
    store: IndexStore;
    model: ModelSpec;
    encoder: () => Promise<Pick<Encoder, 'embedTexts' | 'embedImages'>>;
  }) {
    this.store = options.store;
    this.model = options.model;
    this.encoder = options.encoder;
  }

  /** Rows in memory and how the prior was last updated (tests, diagnostics). */
  state(): { rows: number; generation: number; prior: ImagePrior['lastUpdate'] | undefined } {
    return { rows: this.library?.n ?? 0, generation: this.library?.generation ?? -1, prior: this.prior?.lastUpdate };
  }

  /** Loads the matrix and prior on first use, else applies what changed in the store since. */
  async ready(): Promise<{ library: LibraryMatrix; prior: ImagePrior }> {
    const run = this.catchUp.then(() => this.bringUpToDate());
    this.catchUp = run.catch(() => undefined);
    return run;
  }

  private async bringUpToDate(): Promise<{ library: LibraryMatrix; prior: ImagePrior }> {
    const tau = this.model.logitScale;
    if (!this.library) {
      const library = LibraryMatrix.load(this.store, this.model.id);
      if (!library || library.n === 0) {
        throw new EidosError(
          'NOT_FOUND',
          `Nothing is indexed with the model ${this.model.id} yet: run 'eidos index <folder>' first.`,
          { file: this.store.file },
        );
      }
      this.library = library;
    } else {
      const change = this.library.sync();
      if (change && this.prior && this.bank) await this.prior.update(change, this.store, this.library, this.bank, tau);
    }
    this.bank ??= await conceptBank(this.store, this.model.id, async (texts) =>
      (await this.encoder()).embedTexts(texts),
    );
    this.prior ??= await ImagePrior.open(this.store, this.library, this.bank, tau);
    if (this.library.n === 0)
      throw new EidosError('NOT_FOUND', `The library is empty now: add a folder with 'eidos index <folder>'.`, {
        file: this.store.file,
      });
    return { library: this.library, prior: this.prior };
  }

  /** The concept prompts the prior is estimated over; the explanation feature scores photos against them. */
  async concepts(): Promise<ConceptBank> {
    await this.ready();
    return this.bank as ConceptBank;
  }

  /** The query's full PMI per row (combined over its terms), for the explanation feature. */
  async scoreQuery(query: string, like?: { photoId: string } | { file: string }): Promise<ScoredQuery> {
    const { matrix, rowScores, fileIds, queryBits, text } = await this.score(termsOf(query, like));
    return { matrix, rowScores, fileIds, queryBits, text };
  }

  private async score(allTerms: QueryTerm[], clock?: StageClock): Promise<Scored> {
    const { library, prior } = await this.ready();
    clock?.lap('catch-up');
    // Words in photos' text add their bits to the image scores (text-bits.ts); `text:` terms are not encoded.
    const text = textEvidence(this.store, library, allTerms);
    const textBits = textBitsPerRow(text, library.n);
    const terms = allTerms.filter((term) => term.kind !== 'words');
    if (terms.length === 0) {
      const rowScores = withTextBits(new Float32Array(library.n), textBits);
      const queryBits = textOnlyQueryBits(rowScores);
      return { matrix: library.matrix, rowScores, fileIds: library.fileIds, queryBits, terms: [], text };
    }
    const tau = this.model.logitScale;
    const vectors = await termVectors(terms, {
      store: this.store,
      model: this.model,
      library,
      encoder: this.encoder,
      clock,
    });
    const inputs = terms.map((term, k) => ({ role: term.role, weight: term.weight, vector: vectors[k]! }));
    const { terms: termScores, combined: rowScores } = await scoreTermsAsync(
      library.matrix,
      inputs,
      tau,
      prior.logPrior,
      clock,
    );
    const scored = termScores.map((t, k): TermScores => ({ ...t, term: terms[k]! }));
    const queryBits = compoundQueryBits(scored, rowScores, textBits);
    clock?.lap('prior and PMI');
    return {
      matrix: library.matrix,
      rowScores: withTextBits(rowScores, textBits),
      fileIds: library.fileIds,
      queryBits,
      terms: scored,
      text,
    };
  }

  async search(args: SearchArgs, options: SearchOptions = {}): Promise<SearchResponse> {
    const started = performance.now();
    const clock = options.clock;
    clock?.start();
    const like =
      args.like !== undefined
        ? { photoId: args.like }
        : options.likeFile !== undefined
          ? { file: options.likeFile }
          : undefined;
    const query = args.query ?? '';
    // Dates and places in the words become filters; the rest goes to the model (app/search/when-where).
    let words = query.trim() === '' ? undefined : readWordFilters(this.store, query);
    // A date or place found nowhere but in photos' text is searched as those words (dates-in-text.ts).
    if (words && filtersAreWordsInText(this.store, words)) words = undefined;
    const described = words ? words.remainder : query;
    if (words && described === '' && like === undefined) return listReadPhotos(this.store, args, query, words, started);
    const terms = termsOf(described, like);
    clock?.lap('query terms');
    const scored = await this.score(terms, clock);
    const library = this.library!;
    const n = library.n;
    const filterMask = withWordFilters(
      args.filters && Object.keys(args.filters).length > 0
        ? library.maskOf(filteredFileIds(this.store, args.filters))
        : undefined,
      words,
      library,
    );
    const combined = filterMask ? scored.rowScores.map((v, i) => (filterMask[i] ? v : -Infinity)) : scored.rowScores;
    clock?.lap('filters');

    const standingRows = rowsAbove(combined, standOutBits(scored.queryBits));
    // A video is one result, at its best moment (moment-groups.ts).
    const standing = bestRowPerFile(standingRows, combined, library.fileIds);
    const eligible = options.all ? bestRowPerFile(rowsAbove(combined, -Infinity), combined, library.fileIds) : standing;
    const top = args.top ?? DEFAULT_TOP;
    const sort = args.sort ?? 'relevance';
    let rows: number[];
    if (sort === 'relevance') {
      rows = bestRows(combined, eligible, top);
    } else {
      const candidates = bestRows(combined, eligible, eligible.length);
      const dates = new Map(
        this.store.photoRows(candidates.map((row) => library.fileIds[row]!)).map((r) => [r.id, photoDate(r) ?? '']),
      );
      // Newest first; equal dates keep relevance order (the sort is stable).
      rows = candidates
        .sort((a, b) => (dates.get(library.fileIds[b]!) ?? '').localeCompare(dates.get(library.fileIds[a]!) ?? ''))
        .slice(0, top);
    }
    clock?.lap('selection');
    const photoRows = new Map(this.store.photoRows(rows.map((row) => library.fileIds[row]!)).map((r) => [r.id, r]));
    clock?.lap('reading rows');
    const shown = rows.filter((row) => photoRows.has(library.fileIds[row]!));
    const standingSet = new Set(standingRows);
    const results = shown.map((row) => {
      const result = withMoment(
        toSearchResult(photoRows.get(library.fileIds[row]!)!, combined[row]!),
        row,
        library,
        standingSet,
      );
      const words = matchedWordsAt(scored.text, row);
      return words.length > 0 ? { ...result, matchedWords: words } : result;
    });
    const termContributions: TermContribution[] = scored.terms.map((t) => ({
      term: t.term.source,
      weight: termSign(t.term) * t.term.weight,
      queryBits: entropyBits(t.entropy, n),
      perResultBits: shown.map((row) => t.bits[row]!),
    }));
    const response: SearchResponse = {
      query,
      queryBits: scored.queryBits,
      anyStandsOut: standing.length > 0,
      message:
        emptiedMessage(words, filterMask) ??
        message(query.trim() === '' ? 'this photo' : query, standing.length, scored.queryBits, filterMask, n),
      ...(words ? { read: words.applied, remainder: words.remainder } : {}),
      total: eligible.length,
      results,
      terms: termContributions,
      sort,
      elapsedMs: performance.now() - started,
    };
    clock?.lap('result shaping');
    return response;
  }
}

function termsOf(query: string, like: { photoId: string } | { file: string } | undefined): QueryTerm[] {
  if (like === undefined) return parseQuery(query);
  return query.trim() === '' ? [imageTerm(like)] : [...parseQuery(query), imageTerm(like)];
}

/**
 * log2 N − H(p(·|q)) of the compound query, with log p(i|q) ∝ Σ_t ±w_t·s_t(i) (+ the words' bits found in
 * the photo's text, text-bits.ts, in nats) over the rows its +/− terms allow (p = 0 elsewhere). For one
 * plain term and no words found this is exactly the term's information.
 */
function compoundQueryBits(terms: readonly TermScores[], combined: Float32Array, textBits?: Float32Array): number {
  if (terms.length === 1 && terms[0]!.term.role === 'plain' && !textBits)
    return entropyBits(terms[0]!.entropy, combined.length);
  const logits = new Float32Array(combined.length);
  for (let i = 0; i < combined.length; i++) {
    if (combined[i] === -Infinity || textBits?.[i] === -Infinity) {
      logits[i] = -Infinity;
      continue;
    }
    let sum = 0;
    for (const t of terms) sum += termSign(t.term) * t.term.weight * t.logits[i]!;
    logits[i] = sum + (textBits ? textBits[i]! * Math.LN2 : 0);
  }
  const lse = kernels.logSumExp(logits, 1);
  return lse === -Infinity ? 0 : queryInformationBits(logits, 1, lse);
}

/** log2 N − H(p(·|q)) bits from the kernel pass's entropy (nats): queryInformationBits without another pass. */
function entropyBits(entropyNats: number, n: number): number {
  return Math.log2(n) - entropyNats / Math.LN2;
}

/**
 * The best k of `rows` (ascending row indices) by `values`, best first, ties to the lower row: the
 * kernels' top-k over just these rows (usually the few that stand out), not a masked pass over all N.
 */
function bestRows(values: Float32Array, rows: Uint32Array, k: number): number[] {
  if (rows.length === 0 || k === 0) return [];
  const candidates = new Float32Array(rows.length);
  for (let j = 0; j < rows.length; j++) candidates[j] = values[rows[j]!]!;
  const best = kernels.topK(candidates, Math.min(k, rows.length));
  return Array.from(best.indices, (j) => rows[j]!);
}

function message(
  query: string,
  standing: number,
  queryBits: number,
  filterMask: Uint8Array | undefined,
  n: number,
): string {
  if (filterMask && !filterMask.includes(1)) return 'No photo matches the filters; widen or remove them.';
  if (standing === 0) {
    const hint =
      queryBits < STAND_OUT_FLOOR_BITS
        ? `the query carries only ${queryBits.toFixed(2)} bits about this library of ${n} photos, so it picks out nothing; describe what is in the photo more specifically.`
        : `no photo scores ${Math.round(100 * STAND_OUT_SHARE)}% of the query's ${queryBits.toFixed(1)} bits (at least ${Math.pow(2, standOutBits(queryBits)).toFixed(0)}× as likely under it as an average photo here); try other words, or fewer constraints.`;
    return `No photo stands out for '${quoteQuery(query)}'; ${hint}`;
  }
  return `${standing} ${standing === 1 ? 'photo stands' : 'photos stand'} out for '${quoteQuery(query)}'.`;
}
