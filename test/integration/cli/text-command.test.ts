/**
 * `eidos text <photo>` through the built CLI: after `eidos index` has read a receipt, its words come from
 * the index (the index run's summary counts the photo as read); a photo outside the library is read on the
 * spot; a file that is not a photo is an error naming it.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexFolder, makeHome, PHOTOS, runEidos } from '../../helpers/eidos-cli.ts';

const RECEIPT = join(PHOTOS, 'text-in-photos/images/receipt/sroie_X51005255805.jpg');
const SCENE = join(PHOTOS, 'text-in-photos/images/scene/icdar15_test_img_11.jpg');
const LONG = 600_000;

describe('eidos text', () => {
  let fixture: Awaited<ReturnType<typeof makeHome>>;
  beforeAll(async () => {
    fixture = await makeHome();
    copyFileSync(RECEIPT, join(fixture.scratch, 'receipt.jpg'));
  }, LONG);
  afterAll(() => fixture?.dispose());

  it(
    "prints a photo's words from the index once an indexing run has read them",
    async () => {
      const summary = await indexFolder(fixture.home, fixture.scratch);
      expect(summary.text).toMatchObject({ read: 1, failed: 0 });
      // Reading took some of the run's time, not more than all of it.
      expect(summary.text!.seconds).toBeGreaterThan(0);
      expect(summary.text!.seconds).toBeLessThanOrEqual(summary.seconds);
      const json = await runEidos(fixture.home, ['text', join(fixture.scratch, 'receipt.jpg'), '--json']);
      expect(json.code).toBe(0);
      const reading = JSON.parse(json.stdout) as { source: string; width: number; height: number };
      expect(reading).toMatchObject({ source: 'index', width: 843, height: 1600 });
      const plain = await runEidos(fixture.home, ['text', join(fixture.scratch, 'receipt.jpg')]);
      // Printed on the receipt (SROIE ground truth), one line of text per line, top to bottom.
      const lines = plain.stdout.trim().split('\n');
      expect(lines[0]).toContain('TRADING');
      expect(plain.stdout).toContain('THANK YOU');
      expect(lines.findIndex((l) => l.includes('TRADING'))).toBeLessThan(lines.findIndex((l) => l.includes('THANK')));
    },
    LONG,
  );

  it(
    'reads a photo outside the library on the spot, and names a file that is not a photo',
    async () => {
      const outside = await runEidos(fixture.home, ['text', SCENE, '--json']);
      expect(outside.code).toBe(0);
      expect(JSON.parse(outside.stdout)).toMatchObject({ source: 'read-now', width: 1280, height: 720 });
      const notPhoto = join(fixture.scratch, 'notes.jpg');
      writeFileSync(notPhoto, 'not a photo');
      const bad = await runEidos(fixture.home, ['text', notPhoto]);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain(notPhoto);
    },
    LONG,
  );
});
