import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../app/service/engine.ts';
import { halfBitsToFloat } from '../../../app/kernels/f16.ts';
import { loadConcepts } from '../../../app/mi/concept-prompts.ts';
import { fetchModel } from '../../../app/models/fetch-model.ts';
import { modelsDir } from '../../../app/paths.ts';
import type { LabelRow } from '../../../models/synthetic/labels.ts';
import { writePhotoSet } from '../../../models/synthetic/photos.ts';
import { PRIOR_TEMPERATURE_RATIO } from '../../../app/search/image-prior.ts';

// Ground truth: the synthetic model sees only colours and where they are (models/synthetic/world.ts);
// labels.csv says which colours each photo holds, and each description names one photo exactly.
const COUNT = 300;
let root: string;
let engine: Engine;
let labels: LabelRow[];
const byPath = new Map<string, LabelRow>();
const colours = (path: string) => byPath.get(path)!.colours.split(';');

async function addPhotos(folder: string, count: number, seed: number): Promise<LabelRow[]> {
  const rows = await writePhotoSet(folder, { count, width: 320, height: 240, seed });
  for (const row of rows) byPath.set(join(folder, row.relative_path), row);
  return rows;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eidos-search-'));
  const home = join(root, 'home');
  await fetchModel('synthetic-tiny', {}, { modelsDir: modelsDir(home) });
  labels = await addPhotos(join(root, 'photos'), COUNT, 3);
  engine = Engine.open({ home, model: 'synthetic-tiny' });
  engine.addFolders([join(root, 'photos')]);
  await engine.index();
}, 240_000);

afterAll(async () => {
  await engine?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('search on the synthetic world', () => {
  it('ranks each photo first for its own description (R@1)', async () => {
    let hits = 0;
    for (const row of labels) {
      const { results } = await engine.search({ query: row.description, top: 1 });
      if (results[0]?.path === join(root, 'photos', row.relative_path)) hits++;
    }
    // Measured 1.000 on this set; descriptions are unique, so anything below 0.95 is a regression.
    expect(hits / labels.length).toBeGreaterThanOrEqual(0.95);
  });

  it('a -term removes every photo holding that colour', async () => {
    const response = await engine.search({ query: '-blue', top: 1000 }, { all: true });
    const withoutBlue = [...byPath.keys()].filter((p) => !colours(p).includes('blue'));
    expect(response.results.map((r) => r.path).sort()).toEqual(withoutBlue.sort());
  });

  it('"red -blue" returns photos with red and without blue, all of them', async () => {
    const response = await engine.search({ query: 'red -blue', top: 1000 });
    expect(response.anyStandsOut).toBe(true);
    const expected = [...byPath.keys()].filter((p) => colours(p).includes('red') && !colours(p).includes('blue'));
    expect(response.results.map((r) => r.path).sort()).toEqual(expected.sort());
    expect(response.terms.map((t) => [t.term, t.weight])).toEqual([
      ['red', 1],
      ['-blue', -1],
    ]);
  });

  it('"+green" requires green', async () => {
    const response = await engine.search({ query: '+green', top: 1000 }, { all: true });
    const green = [...byPath.keys()].filter((p) => colours(p).includes('green'));
    expect(response.results.map((r) => r.path).sort()).toEqual(green.sort());
  });

  it('a query about something absent stands out nowhere', async () => {
    const response = await engine.search({ query: 'a cat' });
    expect(response.anyStandsOut).toBe(false);
    expect(response.results).toEqual([]);
    expect(response.message).toMatch(/^No photo stands out for 'a cat'/);
    expect(response.queryBits).toBeLessThan(1);
  });

  it('reports full PMI bits equal to the formula computed directly', async () => {
    const scored = await engine.searcher.scoreQuery('red top left');
    const { data: q, d } = await (await engine.tower('text')).embedTexts(['red top left']);
    const concepts = loadConcepts();
    const bankMap = engine.store.getConceptEmbeddings('synthetic-tiny', concepts);
    const bank = concepts.map((c) => bankMap.get(c)!);
    const tau = engine.model.logitScale;
    const n = scored.matrix.n;
    const rows = Array.from({ length: n }, (_, i) =>
      Float64Array.from(scored.matrix.data.subarray(i * d, i * d + d) as Uint16Array, halfBitsToFloat),
    );
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, j) => s + x * b[j]!, 0);
    const logSumExp = (xs: number[]) => {
      const max = Math.max(...xs);
      return max + Math.log(xs.reduce((s, x) => s + Math.exp(x - max), 0));
    };
    // The prior's bank softmax runs at PRIOR_TEMPERATURE_RATIO·τ (image-prior.ts).
    const bankLogits = bank.map((b) => rows.map((row) => PRIOR_TEMPERATURE_RATIO * tau * dot(b, row)));
    const bankLse = bankLogits.map(logSumExp);
    const logPrior = rows.map(
      (_, i) => logSumExp(bankLogits.map((logits, b) => logits[i]! - bankLse[b]!)) - Math.log(bank.length),
    );
    const logits = rows.map((row) => tau * dot(q, row));
    const lse = logSumExp(logits);
    for (let i = 0; i < n; i++)
      expect(scored.rowScores[i]).toBeCloseTo((logits[i]! - lse - logPrior[i]!) / Math.LN2, 3);
    const p = logits.map((s) => Math.exp(s - lse));
    const entropyBits = -p.reduce((s, pi) => s + (pi > 0 ? pi * Math.log2(pi) : 0), 0);
    expect(scored.queryBits).toBeCloseTo(Math.log2(n) - entropyBits, 3);
  });

  it('filters narrow the results', async () => {
    const all = await engine.search({ query: 'red', top: 1000 });
    expect(all.total).toBeGreaterThan(0);
    expect((await engine.search({ query: 'red', top: 1000, filters: { type: 'jpeg' } })).total).toBe(all.total);
    const png = await engine.search({ query: 'red', filters: { type: 'png' } });
    expect(png.total).toBe(0);
    expect(png.message).toMatch(/No photo matches the filters/);
    expect((await engine.search({ query: 'red', filters: { hasGps: true } })).total).toBe(0);
  });

  it('follows photos added and removed in the store without reloading', async () => {
    const before = engine.searcher.state();
    const extraFolder = join(root, 'extra');
    const extra = await addPhotos(extraFolder, 8, 99);
    engine.addFolders([extraFolder]);
    await engine.index();
    const newest = join(extraFolder, extra[0]!.relative_path);
    const found = await engine.search({ query: extra[0]!.description, top: 1 });
    expect(found.results[0]?.path).toBe(newest);
    // 8 new photos of 300 (under 10% growth) patch the prior instead of recomputing it (image-prior.ts).
    expect(engine.searcher.state().prior).toBe('incremental');
    expect(engine.searcher.state().rows).toBe(before.rows + 8);
    expect(engine.searcher.state().generation).toBeGreaterThan(before.generation);
    const inExtra = await engine.search({ query: 'red', top: 1000, filters: { folder: extraFolder } }, { all: true });
    expect(inExtra.results.length).toBe(8);
    expect(inExtra.results.every((r) => r.path.startsWith(extraFolder))).toBe(true);

    rmSync(newest);
    await engine.index();
    const after = await engine.search({ query: extra[0]!.description, top: 5 });
    expect(after.results.map((r) => r.path)).not.toContain(newest);
    expect(engine.searcher.state().rows).toBe(before.rows + 7);
  }, 120_000);
});
