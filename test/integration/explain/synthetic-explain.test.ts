import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Encoder } from '../../../app/encoders/encoder.ts';
import { explainRanking } from '../../../app/explain/explain.ts';
import type { ExplainResult } from '../../../app/explain/types.ts';
import { preprocessForModel } from '../../../app/image/preprocess.ts';
import type { EmbeddingMatrix } from '../../../app/kernels/contract.ts';
import { kernels } from '../../../app/kernels/index.ts';
import { allocateMatrix } from '../../../app/kernels/matrix.ts';
import { conceptPrompt, loadConcepts } from '../../../app/mi/concept-prompts.ts';
import { findModel, loadManifest } from '../../../app/models/manifest.ts';
import {
  COLOUR_NAMES,
  QUADRANTS,
  SYNTHETIC_LOGIT_SCALE,
  generateSyntheticModel,
} from '../../../models/synthetic/generate-model.ts';
import type { LabelRow } from '../../../models/synthetic/labels.ts';
import { writePhotoSet } from '../../../models/synthetic/photos.ts';

// Ground truth: the synthetic model sees only colours and their quadrants (models/synthetic/world.ts), and
// maps "crimson" and "scarlet" to exactly the embedding of "red". So explaining a colour query must pick
// that colour's concept first, never its synonyms, and the information must add up.
const PHOTO_COUNT = 300;
const TAU = SYNTHETIC_LOGIT_SCALE;

let root: string;
let encoder: Encoder;
let labels: LabelRow[];
let library: EmbeddingMatrix;
let names: string[];
let conceptEmbeddings: Float32Array;

/** "red top left" for every colour and quadrant: what a compound query is made of. */
const positionalConcepts = COLOUR_NAMES.flatMap((colour) => QUADRANTS.map((q) => `${colour} ${q.replace('-', ' ')}`));

async function pmiBits(query: string): Promise<Float32Array> {
  const { data } = await encoder.embedTexts([query]);
  const cosines = kernels.scores(library, data, 1);
  const lse = kernels.logSumExp(cosines, TAU);
  // Query-side PMI (docs/architecture.md "Scores"): τ·cos − (lse − log N), in bits.
  return cosines.map((c) => (TAU * c - lse + Math.log(library.n)) / Math.LN2);
}

function explain(rowScores: Float32Array, k: number): ExplainResult {
  return explainRanking({
    matrix: library,
    rowScores,
    features: { kind: 'concepts', names, embeddings: conceptEmbeddings },
    k,
    background: 1000,
    bins: 8,
    maxFeatures: 6,
    tau: TAU,
  });
}

function expectHonestBits(result: ExplainResult): void {
  result.selected.forEach((f, i) => {
    expect(f.marginalBits).toBeGreaterThan(0);
    expect(f.gainBits).toBeGreaterThan(0);
    expect(f.cumulativeBits).toBeGreaterThan(0);
    // Non-decreasing up to rounding: once the joint determines Y, later picks recompute the same H(Y).
    if (i > 0) expect(f.cumulativeBits).toBeGreaterThanOrEqual(result.selected[i - 1]!.cumulativeBits - 1e-12);
    expect(f.cumulativeBits).toBeLessThanOrEqual(result.labelEntropyBits + 1e-12);
  });
  expect(result.infoNce.bits).toBeLessThanOrEqual(result.infoNce.ceilingBits);
  expect(result.queryInformationBits).toBeGreaterThan(0);
  expect(result.queryInformationBits).toBeLessThanOrEqual(result.infoNce.ceilingBits);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eidos-explain-'));
  const modelDir = join(root, 'model');
  await generateSyntheticModel(modelDir);
  labels = await writePhotoSet(join(root, 'photos'), { count: PHOTO_COUNT, width: 320, height: 240, seed: 11 });
  const model = findModel(loadManifest(), 'synthetic-tiny');
  encoder = await Encoder.open({ model, modelDir, towers: ['vision', 'text'], threads: 1 });

  const size = model.preprocess.size;
  const pixels = new Float32Array(PHOTO_COUNT * 3 * size * size);
  for (const [i, row] of labels.entries()) {
    pixels.set(
      await preprocessForModel(join(root, 'photos', row.relative_path), model.preprocess),
      i * 3 * size * size,
    );
  }
  const images = await encoder.embedImages(pixels, PHOTO_COUNT);
  library = allocateMatrix('f32', images.n, images.d);
  library.data.set(images.data);

  names = [...loadConcepts(), ...positionalConcepts];
  const prompts = [...loadConcepts().map(conceptPrompt), ...positionalConcepts.map((c) => `a photo of ${c}`)];
  conceptEmbeddings = (await encoder.embedTexts(prompts)).data;
}, 300_000);

afterAll(async () => {
  await encoder?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('explanations on the synthetic world', () => {
  it('explains "red" by the concept red first, never by its synonyms crimson or scarlet', async () => {
    const holders = labels.filter((l) => l.colours.split(';').includes('red')).length;
    const scores = await pmiBits('red');
    const result = explain(scores, holders);
    // Precondition from the model's design: the top `holders` rows are exactly the photos holding red.
    expect(result.results.every((r) => labels[r.row]!.colours.split(';').includes('red'))).toBe(true);

    const picked = result.selected.map((f) => f.name);
    console.log(
      `"red" (${holders} of ${PHOTO_COUNT} photos): ${result.selected.map((f) => `${f.name} ${f.gainBits.toFixed(3)}`).join(', ')}; H(Y) ${result.labelEntropyBits.toFixed(3)}`,
    );
    expect(picked[0]).toBe('red');
    expect(result.selected[0]!.direction).toBe('higher');
    expect(picked).not.toContain('crimson');
    expect(picked).not.toContain('scarlet');
    // Red sets Y completely, so red alone carries nearly all of H(Y).
    expect(result.selected[0]!.marginalBits).toBeGreaterThan(0.8 * result.labelEntropyBits);
    // Every red photo has about the same score, so the mean PMI of the top-k (the InfoNCE bound) is
    // near log2(N / holders) and the query information is the same figure (p(·|q) is flat on the holders).
    expect(result.infoNce.bits).toBeGreaterThan(0.8 * Math.log2(PHOTO_COUNT / holders));
    expect(result.infoNce.bits).toBeLessThanOrEqual(result.queryInformationBits + 0.5);
    expectHonestBits(result);
  });

  it('explains "red top left, blue bottom right" by red and blue, each before any other colour', async () => {
    const scores = await pmiBits('red top left, blue bottom right');
    const result = explain(scores, 30);
    const picked = result.selected.map((f) => f.name);
    console.log(
      `compound: ${result.selected.map((f) => `${f.name} ${f.gainBits.toFixed(3)}`).join(', ')}; H(Y) ${result.labelEntropyBits.toFixed(3)}; InfoNCE ${result.infoNce.bits.toFixed(2)}, query information ${result.queryInformationBits.toFixed(2)} bits`,
    );
    const colourOf = (name: string): string | undefined =>
      COLOUR_NAMES.find((c) => name === c || name.startsWith(`${c} `));
    expect(new Set(picked.slice(0, 2).map(colourOf))).toEqual(new Set(['red', 'blue']));
    expect(picked).not.toContain('crimson');
    expect(picked).not.toContain('scarlet');
    expectHonestBits(result);
  });
});
