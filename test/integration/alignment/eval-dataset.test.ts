// `eidos eval --dataset` reports the image–text alignment over (photo, its description) pairs. Truth:
// the same figure computed here from the photos' stored vectors and the descriptions' text vectors
// (encoded in-process through the engine's text tower), with kNN by sorting (test/unit/alignment/simulate.ts).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../app/service/engine.ts';
import type { DatasetReport } from '../../../app/service/evaluate-dataset.ts';
import { referenceKernels } from '../../../app/kernels/reference.ts';
import { writePhotoSet } from '../../../models/synthetic/photos.ts';
import type { PairedAlignment } from '../../../app/evaluation/paired-alignment.ts';
import { makeHome, MODEL_ID, runEidos } from '../../helpers/eidos-cli.ts';
import { boundaryTies, bruteForceKnn, bruteForceMutualKnn } from '../../unit/alignment/simulate.ts';

const PHOTOS = 40;
const K = 10;
let home: string;
let scratch: string;
let dispose: () => void;

beforeAll(async () => {
  ({ home, scratch, dispose } = await makeHome());
}, 60_000);
afterAll(() => dispose());

describe('eidos eval --dataset: image–text alignment', () => {
  it('equals mutual kNN of the photos against their descriptions, computed apart', async () => {
    const rows = await writePhotoSet(scratch, { count: PHOTOS, width: 256, height: 256, seed: 4 });
    expect((await runEidos(home, ['index', scratch, '--json'])).code).toBe(0);
    const result = await runEidos(home, ['eval', '--dataset', scratch, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as DatasetReport & { alignment: PairedAlignment };
    expect(report.index).toBe('current');
    expect(report.alignment).toMatchObject({ pairs: PHOTOS, k: K, chance: K / (PHOTOS - 1) });

    const engine = Engine.open({ home, model: MODEL_ID, readonly: true, inference: 'this-thread' });
    try {
      const stored = engine.store.loadMatrix(MODEL_ID)!;
      const images = Float64Array.from(referenceKernels.f16ToF32(stored.data as Uint16Array));
      // Row i of the matrix is the photo at stored.paths[i]; its description from labels.csv.
      const description = new Map(rows.map((row) => [join(scratch, row.relative_path), row.description]));
      const texts = await (await engine.tower('text')).embedTexts(stored.paths.map((path) => description.get(path)!));
      const textRows = Float64Array.from(texts.data);
      const expected = bruteForceMutualKnn(bruteForceKnn(images, stored.d, K), bruteForceKnn(textRows, texts.d, K), K);
      // Descriptions built from the same few words give exactly tied similarities, which the kernel's f32
      // sums and these f64 sums may order differently: allow each neighbour within 1e-5 of the boundary
      // to be swapped (f32 rounding of a 64-term dot product of unit vectors is ~1e-7).
      const ties = [...boundaryTies(images, stored.d, K, 1e-5), ...boundaryTies(textRows, texts.d, K, 1e-5)];
      const tolerance = ties.reduce((sum, t) => sum + t, 0) / (PHOTOS * K);
      expect(Math.abs(report.alignment.mutualKnn - expected)).toBeLessThanOrEqual(tolerance);
      expect(tolerance).toBeLessThan(0.1); // the bound still says something
    } finally {
      await engine.close();
    }
    expect(report.alignment.interval.low).toBeLessThanOrEqual(report.alignment.mutualKnn);
    expect(report.alignment.interval.high).toBeGreaterThanOrEqual(report.alignment.mutualKnn);
  }, 120_000);
});
