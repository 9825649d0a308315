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
  const rows = base.length / d;
  const random = mulberry32(seed);
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const sigma = NOISE_NORM / Math.sqrt(d);
  const matrix = allocateMatrix('f32', n, d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const source = base.subarray((i % rows) * d, (i % rows) * d + d);
    let norm = 0;
    for (let j = 0; j < d; j++) {
      row[j] = source[j]! + (i < rows ? 0 : sigma * gaussian());
      norm += row[j]! ** 2;
    }
    norm = Math.sqrt(norm);
    for (let j = 0; j < d; j++) matrix.data[i * d + j] = row[j]! / norm;
  }
  return matrix;
}
