import { describe, expect, it } from 'vitest';
import { explainRanking } from '../../../app/explain/explain.ts';
import { allocateMatrix } from '../../../app/kernels/matrix.ts';
import { normalSource } from '../mi/helpers/random.ts';

// Photos and concepts are random unit vectors; a query's "top results" are picked (1) by scores that
// have nothing to do with the photos, so every feature is independent of Y and none may be selected, or
// (2) by two planted concept directions, which must be selected, and nothing else of the noise.
const D = 48;
const CONCEPTS = 200;

function unitRows(count: number, normal: () => number): Float32Array {
  const out = new Float32Array(count * D);
  for (let r = 0; r < count; r++) {
    const row = Float32Array.from({ length: D }, () => normal());
    const norm = Math.hypot(...row);
    for (let j = 0; j < D; j++) out[r * D + j] = row[j]! / norm;
  }
  return out;
}

function world(photos: number, seed: number) {
  const normal = normalSource(seed);
  const library = allocateMatrix('f32', photos, D);
  library.data.set(unitRows(photos, normal));
  const embeddings = unitRows(CONCEPTS, normal);
  const names = Array.from({ length: CONCEPTS }, (_, c) => `concept ${c}`);
  const cos = (row: number, concept: number) => {
    let s = 0;
    for (let j = 0; j < D; j++) s += library.data[row * D + j]! * embeddings[concept * D + j]!;
    return s;
  };
  return { library, features: { kind: 'concepts' as const, names, embeddings }, normal, cos };
}

const explainOf = (w: ReturnType<typeof world>, rowScores: Float32Array) =>
  explainRanking({
    matrix: w.library,
    rowScores,
    scoreKind: 'cosine',
    features: w.features,
    tau: 100,
    k: Math.min(50, w.library.n / 2),
  });

describe('explanations stop at noise', () => {
  it.each([100, 1000, 10_000])(
    'selects no feature when the ranking is independent of every feature (%i photos, 10 queries)',
    (photos) => {
      for (let seed = 1; seed <= 10; seed++) {
        const w = world(photos, seed);
        const result = explainOf(
          w,
          Float32Array.from({ length: photos }, () => w.normal()),
        );
        expect(
          result.selected.map((f) => `${f.name} p=${f.pValue}`),
          `seed ${seed}`,
        ).toEqual([]);
      }
    },
  );

  it.each([300, 1000, 10_000])(
    'selects the two planted concepts first, no noise concept, and cumulative bits ≤ H(Y) (%i photos)',
    (photos) => {
      for (let seed = 1; seed <= 3; seed++) {
        const w = world(photos, 100 + seed);
        // Concepts 0 and 1 drive the ranking (plus a little noise); the other 198 do not.
        const rowScores = Float32Array.from(
          { length: photos },
          (_, i) => w.cos(i, 0) + w.cos(i, 1) + 0.05 * w.normal(),
        );
        const result = explainOf(w, rowScores);
        const names = result.selected.map((f) => f.name);
        expect(names.slice(0, 2).sort(), `seed ${seed}`).toEqual(['concept 0', 'concept 1']);
        expect(names.slice(2), `seed ${seed}: noise selected`).toEqual([]);
        for (const f of result.selected) {
          expect(f.pValue).toBeLessThan(1e-6);
          expect(f.cumulativeBits).toBeLessThanOrEqual(result.labelEntropyBits + 1e-12);
        }
      }
    },
  );
});
