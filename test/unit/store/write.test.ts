import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isEidosError } from '../../../app/contract/errors.ts';
import { rowMask } from '../../../app/store/matrix.ts';
import type { IndexStore } from '../../../app/store/index-store.ts';
import { identity, indexedItem, vectorFor } from '../../helpers/store-rows.ts';
import { useTempStore } from '../../helpers/temp-store.ts';

const fixture = useTempStore();

describe('writeBatch and loadMatrix', () => {
  it('reads back every vector in file-id order, one row per file, duplicates sharing one stored vector', () => {
    const { fileIds } = fixture.store.writeBatch({
      modelId: 'clip',
      items: [
        indexedItem(fixture.folderId, fixture.photo('a.jpg'), 'ha', 1),
        indexedItem(fixture.folderId, fixture.photo('b.jpg'), 'hb', 2),
      ],
    });
    // A copy of a.jpg: no embedding needed, the store has one for its hash.
    fixture.store.writeBatch({
      modelId: 'clip',
      items: [
        {
          kind: 'indexed',
          file: identity(fixture.folderId, fixture.photo('copy of a.jpg')),
          contentHash: 'ha',
          metadata: {},
        },
      ],
    });
    const matrix = fixture.store.loadMatrix('clip');
    expect(matrix).toBeDefined();
    if (!matrix) return;
    expect([matrix.n, matrix.d, matrix.dtype]).toEqual([3, 8, 'f32']);
    expect(Array.from(matrix.fileIds.slice(0, 2))).toEqual(fileIds);
    expect(matrix.paths).toEqual([fixture.photo('a.jpg'), fixture.photo('b.jpg'), fixture.photo('copy of a.jpg')]);
    expect(matrix.contentHashes).toEqual(['ha', 'hb', 'ha']);
    expect(Array.from(matrix.data.subarray(0, 8))).toEqual(Array.from(vectorFor(1)));
    expect(Array.from(matrix.data.subarray(8, 16))).toEqual(Array.from(vectorFor(2)));
    expect(Array.from(matrix.data.subarray(16, 24))).toEqual(Array.from(vectorFor(1)));
    expect(fixture.store.status().models).toEqual([
      { modelId: 'clip', dim: 8, dtype: 'f32', embeddings: 2, pending: 0 },
    ]);
  });

  it('stores f16 vectors as Uint16Array and fills a caller-supplied buffer', () => {
    const half = Uint16Array.from([0x3c00, 0x4000, 0xc000, 0x7bff]);
    fixture.store.writeBatch({
      modelId: 'half',
      items: [
        {
          kind: 'indexed',
          file: identity(fixture.folderId, fixture.photo('h.jpg')),
          contentHash: 'hh',
          metadata: {},
          embedding: half,
        },
      ],
    });
    const allocated: ArrayBuffer[] = [];
    const matrix = fixture.store.loadMatrix('half', (bytes) => {
      const buffer = new ArrayBuffer(bytes + 4096);
      allocated.push(buffer);
      return new Uint8Array(buffer, 4096, bytes); // the rows where the allocator placed them
    });
    expect(matrix?.dtype).toBe('f16');
    expect(matrix?.data).toBeInstanceOf(Uint16Array);
    expect(matrix?.data.buffer).toBe(allocated[0]);
    expect(matrix?.data.byteOffset).toBe(4096);
    expect(Array.from(matrix?.data ?? [])).toEqual(Array.from(half));
  });

  it('returns undefined for a model never indexed', () => {
    expect(fixture.store.loadMatrix('nope')).toBeUndefined();
  });

  it('records skipped files with their reason; they are counted but never in the matrix', () => {
    fixture.store.writeBatch({
      modelId: 'clip',
      items: [
        indexedItem(fixture.folderId, fixture.photo('ok.jpg'), 'h1', 1),
        {
          kind: 'skipped',
          file: identity(fixture.folderId, fixture.photo('broken.jpg')),
          contentHash: 'h2',
          code: 'DECODE_FAILED',
          reason: 'truncated JPEG',
        },
        {
          kind: 'skipped',
          file: identity(fixture.folderId, fixture.photo('huge.tif')),
          contentHash: null,
          code: 'TOO_LARGE',
          reason: '40000×40000',
        },
      ],
    });
    const status = fixture.store.status();
    expect(status.indexed).toBe(1);
    expect(status.skipped).toEqual({ total: 2, byCode: { DECODE_FAILED: 1, TOO_LARGE: 1 } });
    expect(status.folders).toEqual([
      { id: fixture.folderId, path: join(fixture.dir, 'photos'), files: 1, skipped: 2, lastIndexedAt: null },
    ]);
    expect(status.bytes).toBeGreaterThan(0);
    expect(fixture.store.loadMatrix('clip')?.n).toBe(1);
  });

  it('refuses a whole batch with a wrong-width vector or a missing embedding, writing nothing', () => {
    fixture.store.writeBatch({
      modelId: 'clip',
      items: [indexedItem(fixture.folderId, fixture.photo('a.jpg'), 'ha', 1)],
    });
    const generation = fixture.store.generation();
    for (const bad of [
      indexedItem(fixture.folderId, fixture.photo('wide.jpg'), 'hw', 2, 16),
      {
        kind: 'indexed' as const,
        file: identity(fixture.folderId, fixture.photo('none.jpg')),
        contentHash: 'unknown',
        metadata: {},
      },
    ]) {
      let error: unknown;
      try {
        fixture.store.writeBatch({
          modelId: 'clip',
          items: [indexedItem(fixture.folderId, fixture.photo('good.jpg'), 'hg', 3), bad],
        });
      } catch (caught) {
        error = caught;
      }
      expect(isEidosError(error, 'BAD_ARGUMENT')).toBe(true);
    }
    expect(fixture.store.generation()).toBe(generation);
    expect(fixture.store.fileByPath({ path: fixture.photo('good.jpg') })).toBeUndefined();
    expect(fixture.store.loadMatrix('clip')?.n).toBe(1);
  });

  it('counts indexed files without a vector for a second model as pending for it', () => {
    fixture.store.writeBatch({
      modelId: 'a',
      items: [
        indexedItem(fixture.folderId, fixture.photo('1.jpg'), 'h1', 1),
        indexedItem(fixture.folderId, fixture.photo('2.jpg'), 'h2', 2),
      ],
    });
    fixture.store.writeBatch({
      modelId: 'b',
      items: [indexedItem(fixture.folderId, fixture.photo('1.jpg'), 'h1', 5, 4)],
    });
    expect(fixture.store.status().models.map((m) => [m.modelId, m.dim, m.pending])).toEqual([
      ['a', 8, 0],
      ['b', 4, 1],
    ]);
  });

  it('keeps a file that is not valid UTF-8 apart from its look-alike and returns its exact bytes', () => {
    const raw = Buffer.concat([Buffer.from(fixture.photo('caf')), Buffer.from([0xe9]), Buffer.from('.jpg')]); // Latin-1 'é'
    const lookalike = fixture.photo('caf\ufffd.jpg');
    fixture.store.writeBatch({
      modelId: 'clip',
      items: [
        {
          kind: 'indexed',
          file: { ...identity(fixture.folderId, raw.toString('utf8')), rawPath: raw },
          contentHash: 'hr',
          metadata: {},
          embedding: vectorFor(1),
        },
        indexedItem(fixture.folderId, lookalike, 'hl', 2),
      ],
    });
    expect(fixture.store.loadMatrix('clip')?.n).toBe(2);
    const stored = fixture.store.fileByPath({ path: raw.toString('utf8'), rawPath: raw });
    expect(stored?.rawPath?.equals(raw)).toBe(true);
    expect(fixture.store.fileByPath({ path: lookalike })?.rawPath).toBeUndefined();
  });
});

describe('moves, removals and the change counter', () => {
  it('a move keeps the id and embedding; removals leave tombstones; changesSince reports both', () => {
    const [a, b, c] = fixture.store.writeBatch({
      modelId: 'clip',
      items: [
        indexedItem(fixture.folderId, fixture.photo('a.jpg'), 'ha', 1),
        indexedItem(fixture.folderId, fixture.photo('b.jpg'), 'hb', 2),
        indexedItem(fixture.folderId, fixture.photo('c.jpg'), 'hc', 3),
      ],
    }).fileIds as [number, number, number];
    const loaded = fixture.store.loadMatrix('clip');
    if (!loaded) throw new Error('no matrix');
    fixture.store.moveFiles([{ fileId: a, to: identity(fixture.folderId, fixture.photo('renamed/a.jpg')) }]);
    fixture.store.removeFiles([b]);
    const [d] = fixture.store.writeBatch({
      modelId: 'clip',
      items: [indexedItem(fixture.folderId, fixture.photo('d.jpg'), 'hd', 4)],
    }).fileIds as [number];
    const changes = fixture.store.changesSince(loaded.generation);
    expect(changes.upserted).toEqual([a, d]);
    expect(changes.removed).toEqual([b]);
    expect(changes.generation).toBe(fixture.store.generation());
    const rows = fixture.store.loadRows('clip', changes.upserted);
    expect(rows?.paths).toEqual([fixture.photo('renamed/a.jpg'), fixture.photo('d.jpg')]);
    expect(Array.from(rows?.data.subarray(0, 8) ?? [])).toEqual(Array.from(vectorFor(1)));
    expect(fixture.store.changesSince(changes.generation)).toEqual({
      generation: changes.generation,
      upserted: [],
      removed: [],
    });
    // c was untouched throughout.
    expect(changes.upserted).not.toContain(c);
  });

  it('removing a folder removes its files (tombstoned) but not the photos; pruneOrphans then drops unused vectors', () => {
    const other = fixture.store.addFolder(join(fixture.dir, 'other')).id;
    fixture.store.writeBatch({
      modelId: 'clip',
      items: [
        indexedItem(fixture.folderId, fixture.photo('a.jpg'), 'ha', 1),
        indexedItem(other, join(fixture.dir, 'other', 'b.jpg'), 'hb', 2),
      ],
    });
    const before = fixture.store.generation();
    expect(fixture.store.removeFolder(join(fixture.dir, 'other'))).toBe(true);
    expect(fixture.store.changesSince(before).removed).toHaveLength(1);
    expect(fixture.store.loadMatrix('clip')?.paths).toEqual([fixture.photo('a.jpg')]);
    expect(fixture.store.pruneOrphans()).toEqual({ embeddings: 1, priors: 0, texts: 0 });
    expect(fixture.store.status().models[0]?.embeddings).toBe(1);
  });

  it('refuses a folder nested in an existing one', () => {
    expect(() => fixture.store.addFolder(join(fixture.dir, 'photos', 'inner'))).toThrow(/overlaps/);
    expect(() => fixture.store.addFolder(fixture.dir)).toThrow(/overlaps/);
    expect(fixture.store.addFolder(join(fixture.dir, 'photos')).id).toBe(fixture.folderId);
  });
});

describe('filters', () => {
  it('selects files by date range, folder, camera, format and GPS', () => {
    const other = fixture.store.addFolder(join(fixture.dir, 'phone')).id;
    const file = (folder: number, name: string, format: string) => ({
      ...identity(folder, join(fixture.dir, folder === other ? 'phone' : 'photos', name)),
      format,
    });
    const [beach, city, night, old] = fixture.store.writeBatch({
      modelId: 'clip',
      items: [
        {
          kind: 'indexed',
          file: file(fixture.folderId, 'beach.jpg', 'jpeg'),
          contentHash: '1',
          embedding: vectorFor(1),
          metadata: { takenAt: '2024-05-01T18:00:00', make: 'Canon', model: 'EOS R6', lat: 43.1, lon: 5.9 },
        },
        {
          kind: 'indexed',
          file: file(other, 'city.heic', 'heic'),
          contentHash: '2',
          embedding: vectorFor(2),
          metadata: { takenAt: '2024-05-02T09:00:00', make: 'Apple', model: 'iPhone 14', lat: 48.8, lon: 2.3 },
        },
        {
          kind: 'indexed',
          file: file(other, 'night.heic', 'heic'),
          contentHash: '3',
          embedding: vectorFor(3),
          metadata: { takenAt: '2024-06-10T23:00:00', make: 'Apple', model: 'iPhone 14' },
        },
        {
          kind: 'indexed',
          file: file(fixture.folderId, 'old.png', 'png'),
          contentHash: '4',
          embedding: vectorFor(4),
          metadata: {},
        },
      ],
    }).fileIds as [number, number, number, number];
    const ids = (filter: Parameters<IndexStore['selectFileIds']>[0]) => Array.from(fixture.store.selectFileIds(filter));
    expect(ids({})).toEqual([beach, city, night, old]);
    expect(ids({ takenFrom: '2024-05-01', takenTo: '2024-05-01' })).toEqual([beach]);
    expect(ids({ takenFrom: '2024-05-02' })).toEqual([city, night]);
    expect(ids({ folders: [join(fixture.dir, 'phone')] })).toEqual([city, night]);
    expect(ids({ camera: 'iphone' })).toEqual([city, night]);
    expect(ids({ camera: 'canon', hasGps: true })).toEqual([beach]);
    expect(ids({ formats: ['HEIC', 'png'], hasGps: false })).toEqual([night, old]);
    const matrix = fixture.store.loadMatrix('clip');
    if (!matrix) throw new Error('no matrix');
    expect(Array.from(rowMask(matrix, fixture.store.selectFileIds({ hasGps: true })))).toEqual([1, 1, 0, 0]);
  });
});

describe('priors and concept vectors', () => {
  it('round-trips image priors, the bank state and concept embeddings', () => {
    fixture.store.writeBatch({
      modelId: 'clip',
      items: [indexedItem(fixture.folderId, fixture.photo('a.jpg'), 'ha', 1)],
    });
    const state = {
      logSumExp: Float64Array.from([1.5, -2.25, Math.PI]),
      bankSize: 3,
      librarySize: 1,
      computedAt: '2025-01-01T00:00:00.000Z',
      bankKey: 'scale=50;nb=3',
      fullLibrarySize: 1,
    };
    fixture.store.writeImagePriors('clip', new Map([['ha', -0.5]]), state);
    expect(fixture.store.readImagePriors('clip')).toEqual(new Map([['ha', -0.5]]));
    expect(fixture.store.readPriorState('clip')).toEqual(state);
    fixture.store.writeImagePriors('clip', new Map([['ha', -0.75]]), { ...state, librarySize: 2 });
    expect(fixture.store.readImagePriors('clip').get('ha')).toBe(-0.75);
    fixture.store.putConceptEmbeddings(
      'clip',
      new Map([
        ['beach', vectorFor(7, 4)],
        ['snow', vectorFor(8, 4)],
      ]),
    );
    expect(fixture.store.getConceptEmbeddings('clip', ['snow', 'missing'])).toEqual(
      new Map([['snow', vectorFor(8, 4)]]),
    );
    expect(fixture.store.getConceptEmbeddings('clip').size).toBe(2);
  });
});
