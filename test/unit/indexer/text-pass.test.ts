/**
 * The text pass of an indexing run (app/indexer/text-pass.ts) with the real reader on real photos: each
 * indexed content read once and stored; a photo whose text cannot be read recorded as failed with its
 * reason (and still indexed); an interrupted pass resumed where it stopped; a reading by an older reader
 * read again; the rows gone with their content.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTextInPhotos } from '../../../app/indexer/text-pass.ts';
import { hashBytes } from '../../../app/library/content-hash.ts';
import { openPortableReader, PORTABLE_READER } from '../../../app/ocr/text-reader.ts';
import { indexedItem } from '../../helpers/store-rows.ts';
import { useTempStore } from '../../helpers/temp-store.ts';

const TEXT_SET = resolve(import.meta.dirname, '../../../../shared/photos/text-in-photos');
const RECEIPT = join(TEXT_SET, 'images/receipt/sroie_X51005255805.jpg');
const SCENE = join(TEXT_SET, 'images/scene/icdar15_test_img_11.jpg');
const LONG = 600_000;

const fixture = useTempStore();
const reader = openPortableReader();
afterAll(() => reader.close());

/** Copies `source` into the library as `name` and records it as indexed (its content hash from its bytes). */
function indexed(name: string, source: Buffer | string, seed: number): string {
  const path = fixture.photo(name);
  mkdirSync(dirname(path), { recursive: true });
  if (typeof source === 'string') copyFileSync(source, path);
  else writeFileSync(path, source);
  const hash = hashBytes(readFileSync(path));
  fixture.store.writeBatch({ modelId: 'clip', items: [indexedItem(fixture.folderId, path, hash, seed)] });
  return hash;
}

describe('the text pass', () => {
  it(
    'reads every indexed content once, and records a photo it cannot read as failed with the reason',
    async () => {
      const receipt = indexed('receipt.jpg', RECEIPT, 1);
      indexed('copy-of-receipt.jpg', RECEIPT, 1); // same content: read once
      const broken = indexed('broken.jpg', Buffer.from('not a photo at all, though named .jpg'), 2);
      const result = await readTextInPhotos({ store: fixture.store, reader });
      expect(result).toEqual({ done: 2, total: 2, failed: 1 });
      const read = fixture.store.photoText(receipt);
      expect(read?.status).toBe('read');
      if (read?.status !== 'read') return;
      expect(read.text.reader).toBe(PORTABLE_READER);
      // The receipt's size as displayed, and words printed on it (SROIE ground truth).
      expect([read.text.width, read.text.height]).toEqual([843, 1600]);
      const words = read.text.lines.flatMap((line) => line.words.map((w) => w.text.toUpperCase()));
      expect(words).toEqual(expect.arrayContaining(['TRADING', 'INVOICE', 'TOTAL', 'CASH']));
      const failed = fixture.store.photoText(broken);
      expect(failed).toMatchObject({ status: 'failed', reader: PORTABLE_READER });
      if (failed?.status === 'failed') expect(failed.reason).toContain(fixture.photo('broken.jpg'));
      // Still indexed for its image: the failure is the text's alone.
      expect(fixture.store.fileByPath({ path: fixture.photo('broken.jpg') })?.status).toBe('indexed');
      // Nothing left to read by this reader.
      expect(fixture.store.countContentsToRead(PORTABLE_READER)).toBe(0);
      expect((await readTextInPhotos({ store: fixture.store, reader })).total).toBe(0);
    },
    LONG,
  );

  it(
    'resumes where an interrupted pass stopped: what was written stays, only the rest is read',
    async () => {
      const first = indexed('a.jpg', SCENE, 1);
      const second = indexed('b.jpg', RECEIPT, 2);
      const stop = new AbortController();
      const interrupted = await readTextInPhotos({
        store: fixture.store,
        reader,
        batchSize: 1,
        signal: stop.signal,
        onProgress: (p) => p.done === 1 && stop.abort(),
      });
      expect(interrupted).toMatchObject({ done: 1, total: 2 });
      expect(fixture.store.photoText(first)?.status).toBe('read');
      expect(fixture.store.photoText(second)).toBeUndefined();
      const resumed = await readTextInPhotos({ store: fixture.store, reader });
      expect(resumed).toEqual({ done: 1, total: 1, failed: 0 });
      expect(fixture.store.photoText(second)?.status).toBe('read');
    },
    LONG,
  );

  it(
    'reads again what an older reader read, and forgets the words of content no file holds',
    async () => {
      const scene = indexed('scene.jpg', SCENE, 1);
      fixture.store.writePhotoTexts([
        { contentHash: scene, status: 'read', text: { reader: 'ppocr-v3/0', width: 1, height: 1, lines: [] } },
      ]);
      expect(fixture.store.countContentsToRead(PORTABLE_READER)).toBe(1);
      await readTextInPhotos({ store: fixture.store, reader });
      const stored = fixture.store.photoText(scene);
      expect(stored?.status === 'read' && stored.text.reader).toBe(PORTABLE_READER);
      // ICDAR 2015 ground truth for this photo: BEWARE OF MAINTENANCE VEHICLES.
      const text = stored?.status === 'read' ? stored.text.lines.map((l) => l.text).join(' ') : '';
      expect(text.toUpperCase()).toContain('MAINTENANCE');
      expect(text.toUpperCase()).toContain('VEHICLES');

      fixture.store.removeFiles([fixture.store.fileByPath({ path: fixture.photo('scene.jpg') })!.id]);
      expect(fixture.store.pruneOrphans().texts).toBe(1);
      expect(fixture.store.photoText(scene)).toBeUndefined();
    },
    LONG,
  );
});
