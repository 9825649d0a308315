/**
 * Embeddings for the map benches: the 2,000 real CLIP ViT-B/32 image embeddings of Flickr8k (test and
 * dev splits, ../shared/real-embeddings) repeated with a small seeded jitter up to the size asked for,
 * so a large library has the real one's neighbourhood structure (each jittered copy stays nearer its
 * source than the source's nearest other photo: noise norm ≈ 0.2 against typical neighbour distances ≈ 0.5).
 */
import { join, resolve } from 'node:path';
import { readNpy } from '../../app/evaluation/npy.ts';
import { allocateMatrix } from '../../app/kernels/matrix.ts';
import { mulberry32 } from '../../app/util/mulberry32.ts';

const EMBEDDINGS = resolve(import.meta.dirname, '../../../shared/real-embeddings/flickr8k-clip-vit-b32');
const NOISE_NORM = 0.2;

export function benchEmbeddings(n: number, seed = 1) {
  const rows = jitteredRows(seed);
  const matrix = allocateMatrix('f32', n, rows.d);
  for (let i = 0; i < n; i++) rows.next(i, matrix.data.subarray(i * rows.d, (i + 1) * rows.d));
  return matrix;
}

/**
 * The same rows as `benchEmbeddings` in f16, as the index keeps them, made a block at a time: a million
 * rows never exist in f32 at once (2 GiB that a memory bench would otherwise count until it is collected).
 */
export function benchEmbeddingsF16(n: number, toF16: (values: Float32Array) => Uint16Array, seed = 1) {
  const rows = jitteredRows(seed);
  const { d } = rows;
  const matrix = allocateMatrix('f16', n, d);
  const BLOCK = 4096;
  const block = new Float32Array(BLOCK * d);
  for (let start = 0; start < n; start += BLOCK) {
    const count = Math.min(BLOCK, n - start);
    for (let i = 0; i < count; i++) rows.next(start + i, block.subarray(i * d, (i + 1) * d));
    matrix.data.set(toF16(block.subarray(0, count * d)), start * d);
  }
  return matrix;
}

/** Row i (in order from 0: the jitter is one seeded sequence) written as a unit vector into `out`. */
function jitteredRows(seed: number) {
  const sources = ['flickr8k_hf_test_image_embs.npy', 'flickr8k_hf_val_image_embs.npy'].map((f) =>
    readNpy(join(EMBEDDINGS, f)),
  );
  const d = sources[0]!.cols;
  const base = new Float32Array(sources.reduce((sum, s) => sum + s.values.length, 0));
  let at = 0;
  for (const s of sources) {
    base.set(s.values, at);
    at += s.values.length;
  }
  const count = base.length / d;
  const random = mulberry32(seed);
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const sigma = NOISE_NORM / Math.sqrt(d);
  const row = new Float64Array(d);
  const next = (i: number, out: Float32Array): void => {
    const source = base.subarray((i % count) * d, (i % count) * d + d);
    let norm = 0;
    for (let j = 0; j < d; j++) {
      row[j] = source[j]! + (i < count ? 0 : sigma * gaussian());
      norm += row[j]! ** 2;
    }
    norm = Math.sqrt(norm);
    for (let j = 0; j < d; j++) out[j] = row[j]! / norm;
  };
  return { d, next };
}
