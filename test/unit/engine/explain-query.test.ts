import { describe, expect, it } from 'vitest';
import { explainedTopCount, explainQuery, MIN_EXPLAIN_PHOTOS } from '../../../app/service/explain-query.ts';
import { allocateMatrix } from '../../../app/kernels/matrix.ts';
import { mulberry32 } from '../../../app/util/mulberry32.ts';
import { isEidosError } from '../../../app/contract/errors.ts';
import { rejection } from '../../helpers/errors.ts';

const D = 8;

/** A library of `n` random rows where the query's score is the first coordinate, and a vocabulary naming coordinates. */
function scoredLibrary(n: number) {
  const random = mulberry32(n);
  const matrix = allocateMatrix('f32', n, D);
  for (let i = 0; i < n * D; i++) matrix.data[i] = random() - 0.5;
  const rowScores = Float32Array.from({ length: n }, (_, i) => matrix.data[i * D]! * 10);
  const names = Array.from({ length: D }, (_, j) => `axis ${j}`);
  const embeddings = new Float32Array(D * D);
  for (let j = 0; j < D; j++) embeddings[j * D + j] = 1;
  return {
    scored: { matrix, rowScores, fileIds: Array.from({ length: n }, (_, i) => i + 1), queryBits: 3 },
    concepts: async () => ({ names, embeddings }),
  };
}

describe('explaining the results of a small library', () => {
  it('explains a quarter of the library at most, and the usual 50 once the library is large enough', () => {
    expect(explainedTopCount(MIN_EXPLAIN_PHOTOS)).toBe(5);
    expect(explainedTopCount(120)).toBe(30);
    expect(explainedTopCount(200)).toBe(50);
    expect(explainedTopCount(100_000)).toBe(50);
  });

  it('answers for a 30-photo library (the feature carrying the score comes first)', async () => {
    const { scored, concepts } = scoredLibrary(30);
    const answer = await explainQuery(scored, { query: 'axis' }, concepts, 30);
    expect(answer.positives).toBe(7);
    expect(answer.background).toBe(23);
    expect(answer.features[0]?.name).toBe('axis 0');
  });

  it('refuses a library below the minimum with a message that says why and what to do', async () => {
    const { scored, concepts } = scoredLibrary(MIN_EXPLAIN_PHOTOS - 1);
    const error = await rejection(explainQuery(scored, { query: 'axis' }, concepts, 30));
    expect(isEidosError(error) && error.code).toBe('BAD_ARGUMENT');
    expect(error.message).toMatch(/at least 20 indexed photos.*has 19.*Index more photos/);
  });
});
