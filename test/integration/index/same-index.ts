/**
 * What an index holds that a run must reproduce exactly: every path with its content hash, every
 * vector bit for bit, and every skipped file with its code and reason.
 */
import { expect } from 'vitest';
import { hashesByPath, vectorsByHash } from './harness.ts';
import { skippedList } from './probe.ts';

export interface IndexContent {
  hashes: Array<[string, string]>;
  vectors: Map<string, Uint16Array>;
  skipped: ReturnType<typeof skippedList>;
}

export function indexContent(home: string): IndexContent {
  const hashes = [...hashesByPath(home)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { hashes, vectors: vectorsByHash(home), skipped: skippedList(home) };
}

export function expectSameIndex(home: string, reference: IndexContent, where: string): void {
  const actual = indexContent(home);
  expect(actual.hashes, `${where}: paths and content hashes`).toEqual(reference.hashes);
  const differing = [...reference.vectors].filter(([hash, vector]) => !sameBits(vector, actual.vectors.get(hash))).map(([hash]) => hash);
  expect(differing, `${where}: vectors that differ from the reference's in any bit`).toEqual([]);
  expect(actual.vectors.size, `${where}: vectors`).toBe(reference.vectors.size);
  expect(actual.skipped, `${where}: skipped files and reasons`).toEqual(reference.skipped);
}

function sameBits(a: Uint16Array, b: Uint16Array | undefined): boolean {
  return b !== undefined && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
