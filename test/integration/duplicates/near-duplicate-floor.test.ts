// The near-duplicate rule's floor on held-out photos (issue 24): photos of the held-out half (never
// used to choose the threshold), ten of them each with six copies (resize, JPEG quality 40–95, crop up
// to 10 %, rotation up to 3°, colour edit, HEIC round trip through heif-enc), every pair scored. The
// full report is test/bench/duplicates.ts; this guards the figures it promises: precision ≥ 0.99,
// recall ≥ 0.95, with the threshold in use.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NEAR_DUPLICATE_MIN_SIMILARITY } from '../../../app/duplicates/near-duplicates.ts';
import { EDIT_KINDS, writeEdit } from '../../../app/evaluation/near-duplicate-edits.ts';
import { halfOf, measure, scorePairs, type FingerprintedItem } from '../../../app/evaluation/near-duplicate-eval.ts';
import { fingerprintPhoto } from '../../../app/image/fingerprint.ts';
import { stopHeifWorkers } from '../../../app/image/heif-workers.ts';
import { mulberry32 } from '../../../app/util/mulberry32.ts';
import { PHOTOS } from '../../helpers/eidos-cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'eidos-near-floor-'));
afterAll(async () => {
  await stopHeifWorkers();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the near-duplicate rule on held-out photos', () => {
  it('finds copies with precision ≥ 0.99 and recall ≥ 0.95 among 80 photos and 60 copies', async () => {
    const folder = join(PHOTOS, 'imagenet-holdout/images');
    const photos = readdirSync(folder)
      .sort()
      .map((name) => join(folder, name))
      .filter((file) => halfOf(file) === 'test')
      .slice(0, 80);
    const items: FingerprintedItem[] = [];
    for (const [source, file] of photos.entries()) items.push({ source, fingerprint: await fingerprintPhoto(file) });
    const random = mulberry32(7);
    for (let source = 0; source < 10; source++)
      for (const kind of EDIT_KINDS) {
        const { file } = await writeEdit(photos[source * 8]!, kind, scratch, `${source}-${kind}`, random);
        items.push({ source: source * 8, fingerprint: await fingerprintPhoto(file) });
      }
    const result = measure(scorePairs(items), NEAR_DUPLICATE_MIN_SIMILARITY);
    expect(result.truePositives + result.falseNegatives).toBe(10 * 21);
    expect(result.precision).toBeGreaterThanOrEqual(0.99);
    expect(result.recall).toBeGreaterThanOrEqual(0.95);
  }, 300_000);
});
