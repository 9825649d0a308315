import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openIndex } from '../../../app/store/open.ts';
import type { IndexStore } from '../../../app/store/index-store.ts';
import type { BatchItem } from '../../../app/store/types.ts';
import { identity, indexedItem } from '../../helpers/store-rows.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

let dir: string;
let cleanup: () => void;
let store: IndexStore;
let folderId: number;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  store = openIndex(join(dir, 'index.sqlite'));
  folderId = store.addFolder(join(dir, 'photos')).id;
});
afterEach(() => {
  store.close();
  cleanup();
});
const photo = (name: string) => join(dir, 'photos', name);
/** An indexed item whose pixels came from `source`. */
const decoded = (name: string, hash: string, seed: number, source: string): BatchItem => ({
  ...(indexedItem(folderId, photo(name), hash, seed) as Extract<BatchItem, { kind: 'indexed' }>),
  decodeSource: source,
});

describe('decode source of each indexed file', () => {
  it('is counted by status, per source, over indexed files only', () => {
    store.writeBatch({
      modelId: 'clip',
      items: [
        decoded('a.heic', 'ha', 1, 'embedded-thumbnail'),
        decoded('b.heic', 'hb', 2, 'embedded-thumbnail'),
        decoded('c.jpg', 'hc', 3, 'shrink-on-load'),
        {
          kind: 'skipped',
          file: identity(folderId, photo('d.heic')),
          contentHash: 'hd',
          code: 'DECODE_FAILED',
          reason: 'damaged',
        },
      ],
    });
    expect(store.status().decodeSources).toEqual({ 'embedded-thumbnail': 2, 'shrink-on-load': 1 });
  });

  it('stays when a row is rewritten without decoding the same content, and goes when the content changes', () => {
    store.writeBatch({ modelId: 'clip', items: [decoded('a.heic', 'ha', 1, 'embedded-thumbnail')] });
    // Same content again, its vector reused (no decode this time): the source is still known.
    store.writeBatch({
      modelId: 'clip',
      items: [{ kind: 'indexed', file: identity(folderId, photo('a.heic'), 1001), contentHash: 'ha', metadata: {} }],
    });
    expect(store.status().decodeSources).toEqual({ 'embedded-thumbnail': 1 });
    // New content whose vector another file already had: not decoded, so no source is claimed.
    store.writeBatch({ modelId: 'clip', items: [indexedItem(folderId, photo('b.heic'), 'hb', 2)] });
    store.writeBatch({
      modelId: 'clip',
      items: [{ kind: 'indexed', file: identity(folderId, photo('a.heic'), 1002), contentHash: 'hb', metadata: {} }],
    });
    expect(store.status().decodeSources).toEqual({});
  });
});
