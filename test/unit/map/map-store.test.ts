import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernels } from '../../../app/kernels/index.ts';
import { needsRelayout, RELAYOUT_DRIFT } from '../../../app/map/drift.ts';
import { fitLayout } from '../../../app/map/layout.ts';
import { libraryMap } from '../../../app/map/library-map.ts';
import { openIndex } from '../../../app/store/open.ts';
import type { MapLayoutRecord } from '../../../app/store/map.ts';
import { indexedItem } from '../../helpers/store-rows.ts';
import { useTempStore } from '../../helpers/temp-store.ts';
import { unitRows } from '../kernels/fixtures.ts';

const MODEL = 'test-model';
const layout: MapLayoutRecord = {
  seed: 3,
  laidOut: 2,
  placed: 0,
  removed: 0,
  regions: [{ x: 0.25, y: 0.5, concepts: [{ name: 'beach', bits: 0.4 }] }],
  computedAt: '2026-01-01T00:00:00.000Z',
};

describe('the stored map', () => {
  const temp = useTempStore();

  it('round-trips, survives a reopen, and a placement keeps the points it does not touch', () => {
    temp.store.writeBatch({ modelId: MODEL, items: [indexedItem(temp.folderId, temp.photo('a.jpg'), 'ha', 1)] });
    expect(temp.store.hasMap(MODEL)).toBe(false);
    temp.store.writeMap(MODEL, {
      layout,
      replace: true,
      upsert: new Map([
        ['ha', { x: 0.1, y: 0.2, region: 0 }],
        ['hb', { x: 0.3, y: 0.4, region: 0 }],
      ]),
      remove: [],
    });
    temp.store.writeMap(MODEL, {
      layout: { ...layout, placed: 1, removed: 1 },
      replace: false,
      upsert: new Map([['hc', { x: 0.5, y: 0.6, region: 0 }]]),
      remove: ['hb'],
    });
    temp.store.close();
    const reopened = openIndex(join(temp.dir, 'index.sqlite'), { readonly: true });
    try {
      const stored = reopened.readMap(MODEL)!;
      expect(reopened.hasMap(MODEL)).toBe(true);
      expect({ ...stored, points: undefined }).toEqual({ ...layout, placed: 1, removed: 1, points: undefined });
      expect([...stored.points]).toEqual([
        ['ha', { x: 0.1, y: 0.2, region: 0 }],
        ['hc', { x: 0.5, y: 0.6, region: 0 }],
      ]);
      expect(reopened.readMap('other-model')).toBeUndefined();
    } finally {
      reopened.close();
    }
  });
});

describe('re-layout rule', () => {
  it('places until added and removed photos pass the bound, then lays out afresh', () => {
    expect(needsRelayout({ laidOut: 100, placed: 100 * RELAYOUT_DRIFT, removed: 0 })).toBe(false);
    expect(needsRelayout({ laidOut: 100, placed: 15, removed: 6 })).toBe(true);
    expect(needsRelayout({ laidOut: 0, placed: 0, removed: 0 })).toBe(true);
  });
});

describe('a full layout', () => {
  const first = useTempStore();
  const second = useTempStore();

  it('is the same for the same photos and seed whatever order the index holds them in', async () => {
    // Parallel decoding commits rows in completion order: two indexes of one library differ in row order.
    const n = 60;
    const d = 16;
    const rows = unitRows(n, d, 7);
    const hashes = Array.from({ length: n }, (_, i) => `h${String(i).padStart(2, '0')}`);
    const permutation = Array.from({ length: n }, (_, i) => (i * 37) % n); // 37 is prime to 60
    const permuted = new Float32Array(n * d);
    permutation.forEach((row, i) => permuted.set(rows.subarray(row * d, (row + 1) * d), i * d));
    const mapOf = async (temp: typeof first, data: Float32Array, contentHashes: string[]) => {
      const { store } = temp;
      store.writeBatch({ modelId: MODEL, items: [indexedItem(temp.folderId, temp.photo('a.jpg'), 'ha', 1)] });
      const state = await libraryMap({
        store,
        modelId: MODEL,
        matrix: { dtype: 'f32', data, n, d },
        contentHashes,
        concepts: async () => ({ names: ['a', 'b'], embeddings: rows.slice(0, 2 * d) }),
        tau: 100,
        layout: async (matrix, options) => ({ xy: await fitLayout(matrix, options, kernels), matrix }),
        kernels,
      });
      return new Map(contentHashes.map((hash, row) => [hash, [state.xy[2 * row], state.xy[2 * row + 1]]]));
    };
    const inOrder = await mapOf(first, rows, hashes);
    const reordered = await mapOf(
      second,
      permuted,
      permutation.map((row) => hashes[row]!),
    );
    expect(reordered).toEqual(inOrder);
  });
});
