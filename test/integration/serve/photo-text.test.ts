/**
 * The `photoText` API method (the UI draws its boxes): a library indexed through the real CLI, then the
 * engine's handlers as `eidos serve` and the app run them. A receipt's words with boxes in its displayed
 * pixels; every indexed photo read; an id not in the index: NOT_FOUND.
 */
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../../app/contract/api.ts';
import { isEidosError } from '../../../app/contract/errors.ts';
import { indexPath } from '../../../app/paths.ts';
import { createEngineHandlers } from '../../../app/service/api-handlers.ts';
import { writePhotoSet } from '../../../models/synthetic/photos.ts';
import { indexFolder, makeHome, PHOTOS } from '../../helpers/eidos-cli.ts';
import { PORTABLE_READER } from '../../../app/ocr/text-reader.ts';

const RECEIPT = join(PHOTOS, 'text-in-photos/images/receipt/sroie_X51005255805.jpg');
const LONG = 600_000;

describe('photoText', () => {
  let fixture: Awaited<ReturnType<typeof makeHome>>;
  let handlers: ApiHandlers;
  let ids: Map<string, string>;
  beforeAll(async () => {
    fixture = await makeHome();
    const library = join(fixture.scratch, 'library');
    mkdirSync(library);
    copyFileSync(RECEIPT, join(library, 'receipt.jpg'));
    await writePhotoSet(join(library, 'synth'), { count: 2, width: 128, height: 96, seed: 3 });
    expect((await indexFolder(fixture.home, library)).text?.failed).toBe(0);
    const db = new Database(indexPath(fixture.home), { readonly: true });
    ids = new Map(
      (db.prepare('SELECT path, id FROM files').all() as Array<{ path: string; id: number }>).map((r) => [
        r.path,
        String(r.id),
      ]),
    );
    db.close();
    handlers = await createEngineHandlers(fixture.home);
  }, LONG);
  afterAll(async () => {
    await handlers?.close?.();
    fixture?.dispose();
  });

  it('gives a photo its words, lines and boxes in its displayed pixels', async () => {
    const id = ids.get(join(fixture.scratch, 'library', 'receipt.jpg'))!;
    const text = await handlers.photoText({ id });
    expect(text).not.toBeNull();
    expect(text).toMatchObject({ width: 843, height: 1600 });
    const total = text!.lines.find((line) => line.words.some((word) => word.text === 'TOTAL'));
    expect(total).toBeDefined();
    for (const p of total!.quad) {
      expect(p.x).toBeGreaterThanOrEqual(-10);
      expect(p.x).toBeLessThanOrEqual(853);
      expect(p.y).toBeGreaterThan(800); // the total is in the receipt's lower half
    }
  });

  it('gives every indexed photo its reading once the run has read it, and refuses an id not in the index', async () => {
    const synthetic = [...ids.entries()].find(([path]) => path.includes('synth'))![1];
    const read = await handlers.photoText({ id: synthetic });
    expect(read).toMatchObject({ reader: PORTABLE_READER, width: 128, height: 96 });
    const error = await handlers.photoText({ id: '999999' }).catch((e: unknown) => e);
    expect(isEidosError(error, 'NOT_FOUND')).toBe(true);
  });
});
