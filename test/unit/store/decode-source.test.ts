import { describe, expect, it } from 'vitest';
import type { BatchItem } from '../../../app/store/types.ts';
import { identity, indexedItem } from '../../helpers/store-rows.ts';
import { useTempStore } from '../../helpers/temp-store.ts';

const fixture = useTempStore();
/** An indexed item whose pixels came from `source`. */
const decoded = (name: string, hash: string, seed: number, source: string): BatchItem => ({
  ...(indexedItem(fixture.folderId, fixture.photo(name), hash, seed) as Extract<BatchItem, { kind: 'indexed' }>),
  decodeSource: source,
});

describe('decode source of each indexed file', () => {
  it('is counted by status, per source, over indexed files only', () => {
    fixture.store.writeBatch({
      modelId: 'clip',
      items: [
        decoded('a.heic', 'ha', 1, 'embedded-thumbnail'),
        decoded('b.heic', 'hb', 2, 'embedded-thumbnail'),
        decoded('c.jpg', 'hc', 3, 'shrink-on-load'),
        {
          kind: 'skipped',
          file: identity(fixture.folderId, fixture.photo('d.heic')),
          contentHash: 'hd',
          code: 'DECODE_FAILED',
          reason: 'damaged',
        },
      ],
    });
    expect(fixture.store.status().decodeSources).toEqual({ 'embedded-thumbnail': 2, 'shrink-on-load': 1 });
  });

  it('stays when a row is rewritten without decoding the same content, and goes when the content changes', () => {
    fixture.store.writeBatch({ modelId: 'clip', items: [decoded('a.heic', 'ha', 1, 'embedded-thumbnail')] });
    // Same content again, its vector reused (no decode this time): the source is still known.
    fixture.store.writeBatch({
      modelId: 'clip',
      items: [
        {
          kind: 'indexed',
          file: identity(fixture.folderId, fixture.photo('a.heic'), 1001),
          contentHash: 'ha',
          metadata: {},
        },
      ],
    });
    expect(fixture.store.status().decodeSources).toEqual({ 'embedded-thumbnail': 1 });
    // New content whose vector another file already had: not decoded, so no source is claimed.
    fixture.store.writeBatch({
      modelId: 'clip',
      items: [indexedItem(fixture.folderId, fixture.photo('b.heic'), 'hb', 2)],
    });
    fixture.store.writeBatch({
      modelId: 'clip',
      items: [
        {
          kind: 'indexed',
          file: identity(fixture.folderId, fixture.photo('a.heic'), 1002),
          contentHash: 'hb',
          metadata: {},
        },
      ],
    });
    expect(fixture.store.status().decodeSources).toEqual({});
  });
});
