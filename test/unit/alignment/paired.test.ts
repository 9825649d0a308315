// Image–text alignment as `eidos eval` reports it, on real CLIP ViT-B/32 embeddings of Flickr8k (val split,
// ../shared/real-embeddings/flickr8k-clip-vit-b32/SOURCE.md): the figure equals mutual-kNN computed by
// sorting on the same rows, and breaking the pairing (captions shuffled among the images) brings it to
// the chance level k/(n − 1), within the spread that random neighbourhoods have.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pairedAlignment } from '../../../app/evaluation/paired-alignment.ts';
import { readNpy } from '../../../app/evaluation/npy.ts';
import { mulberry32 } from '../../../app/util/mulberry32.ts';
import {
  bruteForceKnn,
  bruteForceMutualKnn,
  f32Matrix,
  mean,
  randomNeighbourhoodAlignment,
  sd,
  unitRows,
} from './simulate.ts';

const REAL = '/work/shared/real-embeddings/flickr8k-clip-vit-b32';
const K = 10;

function load(name: string): { rows: Float64Array; n: number; d: number } {
  const m = readNpy(join(REAL, name));
  return { rows: unitRows(Float64Array.from(m.values), m.cols), n: m.rows, d: m.cols };
}

describe('image–caption alignment on real CLIP embeddings (Flickr8k val)', () => {
  const images = load('flickr8k_hf_val_image_embs.npy');
  const texts = load('flickr8k_hf_val_text_embs.npy');
  const { n, d } = images;
  const imageLists = bruteForceKnn(images.rows, d, K);

  it('equals mutual kNN computed by sorting, with its chance level', async () => {
    const result = await pairedAlignment(f32Matrix(images.rows, d), Float32Array.from(texts.rows));
    expect(result.pairs).toBe(n);
    expect(result.chance).toBe(K / (n - 1));
    expect(result.mutualKnn).toBeCloseTo(bruteForceMutualKnn(imageLists, bruteForceKnn(texts.rows, d, K), K), 12);
    expect(result.interval.low).toBeLessThan(result.mutualKnn);
    expect(result.interval.high).toBeGreaterThan(result.mutualKnn);
  }, 60_000);

  it('falls to chance when the captions are shuffled among the images', async () => {
    const random = mulberry32(8);
    const values: number[] = [];
    for (let t = 0; t < 6; t++) {
      const order = Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const shuffled = new Float32Array(n * d);
      order.forEach((from, to) => shuffled.set(texts.rows.subarray(from * d, from * d + d), to * d));
      values.push((await pairedAlignment(f32Matrix(images.rows, d), shuffled)).mutualKnn);
    }
    // The spread of one library's alignment under random neighbourhoods, simulated without embeddings.
    const simulated = Array.from({ length: 400 }, () => randomNeighbourhoodAlignment(n, K, random));
    expect(Math.abs(mean(values) - K / (n - 1))).toBeLessThan((4 * sd(simulated)) / Math.sqrt(values.length));
  }, 60_000);
});
