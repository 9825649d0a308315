/**
 * The image pass's first look for text (app/ocr/text-gate.ts, issue 23 part 2): while the vision tower
 * embeds, each new photo's decode is looked at by the text reader's detector; a photo with no trace of text
 * is recorded as holding no words before the text pass starts, and the text pass reads only the others.
 * Checked with the real reader on real photos: synthetic photos of flat colours (no text) and two photos of
 * text-in-photos (a receipt and a street scene, whose ground truth holds words), indexed by the synthetic model.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fetchModel } from '../../../app/models/fetch-model.ts';
import { modelsDir } from '../../../app/paths.ts';
import { hashBytes } from '../../../app/library/content-hash.ts';
import { PORTABLE_READER } from '../../../app/ocr/text-reader.ts';
import type { IndexSummary } from '../../../app/indexer/pipeline.ts';
import type { PipelineProgress } from '../../../app/indexer/progress.ts';
import { Engine } from '../../../app/service/engine.ts';
import { indexPath } from '../../../app/paths.ts';
import Database from 'better-sqlite3';
import { writePhotoSet } from '../../../models/synthetic/photos.ts';

const TEXT_SET = resolve(import.meta.dirname, '../../../../shared/photos/text-in-photos/images');
const WITH_TEXT = ['receipt/sroie_X51005255805.jpg', 'scene/icdar15_test_img_11.jpg'];
const PLAIN = 12;
const LONG = 600_000;

let root: string;
let home: string;
const progress: PipelineProgress[] = [];
let summary: IndexSummary | undefined;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eidos-prefilter-'));
  home = join(root, 'home');
  await fetchModel('synthetic-tiny', {}, { modelsDir: modelsDir(home) });
  await writePhotoSet(join(root, 'photos'), { count: PLAIN, width: 640, height: 480, seed: 5 });
  mkdirSync(join(root, 'photos', 'text'));
  for (const file of WITH_TEXT) copyFileSync(join(TEXT_SET, file), join(root, 'photos', 'text', file.split('/')[1]!));
  const engine = Engine.open({ home, model: 'synthetic-tiny', readText: true });
  try {
    engine.addFolders([join(root, 'photos')]);
    summary = await engine.index({ oneShot: true, onProgress: (p) => progress.push(structuredClone(p)) });
  } finally {
    await engine.close();
  }
}, LONG);

afterAll(() => rmSync(root, { recursive: true, force: true }));

it(
  'records the photos without text as read, with no words, in the image pass; the text pass reads only the others',
  () => {
    const rows = new Database(indexPath(home), { readonly: true })
      .prepare('SELECT content_hash AS hash, reader, status, full_text AS text FROM photo_text')
      .all() as Array<{ hash: string; reader: string; status: string; text: string | null }>;
    // Every photo's text is recorded, by this reader, none failed.
    expect(rows).toHaveLength(PLAIN + WITH_TEXT.length);
    expect(rows.every((row) => row.reader === PORTABLE_READER && row.status === 'read')).toBe(true);
    for (const file of WITH_TEXT) {
      const row = rows.find((r) => r.hash === hashBytes(readFileSync(join(TEXT_SET, file))));
      expect(row?.text?.trim()).toBeTruthy();
    }
    // The text pass was given the photos the first look let through: the two with text, and fewer than all.
    const pass = progress.filter((p) => p.phase === 'reading-text' && p.text !== undefined).at(-1)?.text;
    expect(pass?.failed).toBe(0);
    expect(pass?.total).toBeGreaterThanOrEqual(WITH_TEXT.length);
    expect(pass?.total).toBeLessThan(PLAIN + WITH_TEXT.length);
    expect(summary?.text?.read).toBe(PLAIN + WITH_TEXT.length);
  },
  LONG,
);
