import { describe, expect, it } from 'vitest';
import { kernels } from '../../../app/kernels/index.ts';
import { allocateMatrix } from '../../../app/kernels/matrix.ts';
import { fitLayout } from '../../../app/map/layout.ts';
import { membershipWeights, placePoints } from '../../../app/map/place.ts';
import { kMeans, regionCount } from '../../../app/map/regions.ts';
import { mulberry32 } from '../../../app/util/mulberry32.ts';

// Ground truth: unit vectors drawn around 8 well-separated centres in 32-d (noise norm 0.25 against
// centre distances ≈ √2), so each point's true neighbours are its own cluster's. Costs ~3 s (two layouts).
const CLUSTERS = 8;
const PER_CLUSTER = 30;
const D = 32;
const CENTRE_SEED = 3;

function clusteredRows(perCluster: number, seed: number): { data: Float32Array; label: Uint8Array } {
  const gaussianFrom = (random: () => number) => () =>
    Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  // The centres are the same for every call; `seed` draws the noise.
  const centreDraw = gaussianFrom(mulberry32(CENTRE_SEED));
  const centres = Array.from({ length: CLUSTERS }, () => unit(Float64Array.from({ length: D }, centreDraw)));
  const gaussian = gaussianFrom(mulberry32(seed));
  const n = CLUSTERS * perCluster;
  const data = new Float32Array(n * D);
  const label = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    label[i] = i % CLUSTERS;
    const row = unit(centres[label[i]!]!.map((c) => c + (0.25 / Math.sqrt(D)) * gaussian()));
    data.set(row, i * D);
  }
  return { data, label };
}

function unit(v: Float64Array): Float64Array {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function matrixOf(data: Float32Array) {
  const matrix = allocateMatrix('f32', data.length / D, D);
  matrix.data.set(data);
  return matrix;
}

/** Mean share of each point's k nearest 2-D neighbours that carry its label. */
function neighbourhoodAgreement(xy: Float32Array, label: Uint8Array, k: number): number {
  const n = label.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const order = Array.from({ length: n }, (_, j) => j)
      .filter((j) => j !== i)
      .sort(
        (a, b) =>
          (xy[2 * a]! - xy[2 * i]!) ** 2 +
          (xy[2 * a + 1]! - xy[2 * i + 1]!) ** 2 -
          ((xy[2 * b]! - xy[2 * i]!) ** 2 + (xy[2 * b + 1]! - xy[2 * i + 1]!) ** 2),
      );
    total += order.slice(0, k).filter((j) => label[j] === label[i]).length / k;
  }
  return total / n;
}

describe('map layout', () => {
  const { data, label } = clusteredRows(PER_CLUSTER, 3);
  const matrix = matrixOf(data);

  it('keeps clusters together, in the unit square, identically for the same seed', async () => {
    const xy = await fitLayout(matrix, { seed: 7 }, kernels);
    expect(xy.length).toBe(2 * matrix.n);
    expect(Math.min(...xy)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xy)).toBeLessThanOrEqual(1);
    // Chance is 1/8; the embedding's own 10-NN are all in-cluster here, so the map should keep nearly all.
    expect(neighbourhoodAgreement(xy, label, 10)).toBeGreaterThan(0.95);
    const again = await fitLayout(matrix, { seed: 7 }, kernels);
    expect(Array.from(again)).toEqual(Array.from(xy));
  });

  it('places a new photo among its own cluster without moving the old ones', async () => {
    const xy = await fitLayout(matrix, { seed: 7 }, kernels);
    const before = xy.slice();
    const fresh = clusteredRows(2, 99); // 16 new points: the same centres, other noise
    const placed = placePoints(matrix, xy, fresh.data, fresh.label.length, kernels);
    expect(Array.from(xy)).toEqual(Array.from(before));
    // Each new point lands nearer its own cluster's centroid on the map than any other cluster's.
    const centroid = (c: number): [number, number] => {
      const rows = Array.from(label.keys()).filter((i) => label[i] === c);
      return [
        rows.reduce((s, i) => s + xy[2 * i]!, 0) / rows.length,
        rows.reduce((s, i) => s + xy[2 * i + 1]!, 0) / rows.length,
      ];
    };
    const centroids = Array.from({ length: CLUSTERS }, (_, c) => centroid(c));
    fresh.label.forEach((c, q) => {
      const distances = centroids.map(([x, y]) => Math.hypot(x - placed[2 * q]!, y - placed[2 * q + 1]!));
      expect(distances.indexOf(Math.min(...distances))).toBe(c);
    });
  });
});

describe('membership weights (UMAP smooth kNN)', () => {
  it('sum to log2 k, give the nearest weight 1 and fall with distance', () => {
    const distances = [0.1, 0.15, 0.2, 0.4, 0.8];
    const weights = new Float64Array(distances.length);
    membershipWeights(distances, weights);
    expect(weights.reduce((s, w) => s + w, 0)).toBeCloseTo(Math.log2(distances.length), 4);
    expect(weights[0]).toBe(1);
    for (let j = 1; j < weights.length; j++) expect(weights[j]!).toBeLessThan(weights[j - 1]!);
  });
});

describe('regions', () => {
  it('k-means finds three separate blobs exactly, the same for the same seed', () => {
    const random = mulberry32(5);
    const blobs = [
      [0.1, 0.1],
      [0.9, 0.2],
      [0.5, 0.9],
    ];
    const xy = new Float32Array(3 * 40 * 2);
    for (let i = 0; i < 120; i++) {
      xy[2 * i] = blobs[i % 3]![0]! + 0.05 * (random() - 0.5);
      xy[2 * i + 1] = blobs[i % 3]![1]! + 0.05 * (random() - 0.5);
    }
    const { assignment } = kMeans(xy, 3, 1);
    for (let i = 3; i < 120; i++) expect(assignment[i]).toBe(assignment[i % 3]);
    expect(new Set(assignment).size).toBe(3);
    expect(Array.from(kMeans(xy, 3, 1).assignment)).toEqual(Array.from(assignment));
  });

  it('counts √(n/3) regions, between 2 and 16, never more than photos', () => {
    expect(regionCount(1)).toBe(1);
    expect(regionCount(5)).toBe(2);
    expect(regionCount(300)).toBe(10);
    expect(regionCount(100_000)).toBe(16);
  });
});
