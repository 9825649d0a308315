/**
 * Checks on search answers taken while another process indexes: each answer must describe one
 * committed state of the index, and once indexing is over it must match a clean index's answer
 * (exactly for a fresh reader, within the image prior's drift bound for a reader that followed along).
 */
import { expect } from 'vitest';
import type { SearchResult } from '../../../app/contract/types.ts';
import { PRIOR_ERROR_BOUND_NATS } from '../../../app/search/image-prior.ts';

import { peek, readIndex } from './probe.ts';

const indexedPathsSql = "SELECT path FROM files WHERE status = 'indexed'";

/** Paths of the indexed photos as committed now. */
export const indexedPaths = (home: string): Set<string> =>
  new Set(readIndex(home, (db) => db.prepare(indexedPathsSql).pluck().all() as string[]));

/** How many photos are indexed now (0 while the index does not exist yet). */
export const indexedCount = (home: string): number =>
  peek(home, (db) => db.prepare(`SELECT count(*) FROM (${indexedPathsSql})`).pluck().get() as number) ?? 0;

/**
 * One answer is internally consistent: no photo twice, scores in descending order, every photo in the
 * index as committed right after the answer (`committedAfter`; the indexer only adds, so the answer's
 * snapshot lies between the states read before and after it).
 */
export function expectConsistent(
  results: readonly SearchResult[],
  committedAfter: ReadonlySet<string>,
  where: string,
): void {
  const paths = results.map((r) => r.path);
  expect(new Set(paths).size, `${where}: a photo appears twice`).toBe(paths.length);
  const unsorted = results.findIndex((r, i) => i > 0 && r.bits > results[i - 1]!.bits);
  expect(unsorted, `${where}: scores out of order at rank ${unsorted}`).toBe(-1);
  const unknown = paths.filter((path) => !committedAfter.has(path));
  expect(unknown, `${where}: photos the index does not hold`).toEqual([]);
  expect(
    results.every((r) => Number.isFinite(r.bits)),
    `${where}: a score is not finite`,
  ).toBe(true);
}

/** Same photos, same order, same scores (up to float summation order) as the clean index's answer. */
export function expectSameAnswer(actual: readonly SearchResult[], clean: readonly SearchResult[], where: string): void {
  expect(
    actual.map((r) => r.path),
    `${where}: photos and their order`,
  ).toEqual(clean.map((r) => r.path));
  const worst = Math.max(0, ...actual.map((r, i) => Math.abs(r.bits - clean[i]!.bits)));
  expect(worst, `${where}: largest score difference in bits`).toBeLessThan(1e-4);
}

/**
 * A reader that followed the index while it grew keeps stored priors for old rows until the incremental
 * rule (image-prior.ts) calls for a recompute, so its scores may differ from a clean index's by up to the
 * error that rule allows (PRIOR_ERROR_BOUND_NATS): every score within it, the ranking consistent beyond
 * twice it, and, when only photos that stand out are returned (`standOutCutoff`, pmi.ts standOutBits),
 * exactly those whose clean score is clear of the cut-off by more than the bound.
 */
export function expectWithinDrift(
  actual: readonly SearchResult[],
  cleanAll: ReadonlyMap<string, number>,
  standOutCutoff: number | undefined,
  where: string,
): void {
  const bound = PRIOR_ERROR_BOUND_NATS / Math.LN2 + 1e-4;
  const off = actual
    .filter((r) => !(Math.abs(r.bits - (cleanAll.get(r.path) ?? NaN)) <= bound))
    .map((r) => `${r.path}: ${r.bits} vs ${cleanAll.get(r.path)}`);
  expect(off, `${where}: scores beyond the drift bound of ${bound.toFixed(3)} bits`).toEqual([]);
  const clean = (r: SearchResult): number => cleanAll.get(r.path)!;
  const swapped = actual.findIndex((r, i) => actual.slice(i + 1).some((later) => clean(later) > clean(r) + 2 * bound));
  expect(swapped, `${where}: a photo ranked above one that scores clearly higher on the clean index`).toBe(-1);
  const returned = new Set(actual.map((r) => r.path));
  if (standOutCutoff !== undefined) {
    const missed = [...cleanAll]
      .filter(([path, bits]) => bits > standOutCutoff + bound && !returned.has(path))
      .map(([path]) => path);
    expect(missed, `${where}: photos that clearly stand out on the clean index but were not returned`).toEqual([]);
    const extra = actual.filter((r) => clean(r) < standOutCutoff - bound).map((r) => r.path);
    expect(extra, `${where}: photos returned that clearly do not stand out on the clean index`).toEqual([]);
  } else {
    expect(returned.size, `${where}: every photo`).toBe(cleanAll.size);
  }
}
