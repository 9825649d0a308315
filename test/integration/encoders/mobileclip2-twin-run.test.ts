/**
 * The MobileCLIP2-S2 and -S0 twins' image towers through Eidos's encoder: 256-pixel photos from imagenet-dev,
 * embedded on the CPU from the original graph and through the Core ML path's fixed-batch copy (batch 8,
 * app/models/coreml-copy.ts; run here on the CPU), which must agree row for row, padded batch or not.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Encoder } from '../../../app/encoders/encoder.ts';
import { preprocessForModel } from '../../../app/image/preprocess.ts';
import { findModel, loadManifest } from '../../../app/models/manifest.ts';
import { fetchModel } from '../../../app/models/store.ts';
import type { ModelSpec } from '../../../app/models/manifest-types.ts';
import { copyCachedMobileClip2S0Twin, copyCachedMobileClip2Twin } from '../../../models/mobileclip2-twin/twin-cache.ts';
import { IMAGENET_DIR } from '../image/clip-reference.ts';

vi.setConfig({ testTimeout: 600_000, hookTimeout: 300_000 });

const D = 512;
const PER = 3 * 256 * 256;
const manifest = loadManifest();
const modelsDir = mkdtempSync(join(tmpdir(), 'eidos-mobileclip2-run-'));
afterAll(() => rmSync(modelsDir, { recursive: true, force: true }));

async function embed(
  model: ModelSpec,
  dir: string,
  pixels: Float32Array,
  n: number,
  fixedBatchGraph: boolean,
): Promise<Float32Array> {
  const encoder = await Encoder.open({
    model,
    modelDir: dir,
    towers: ['vision'],
    provider: 'cpu',
    threads: 2,
    fixedBatchGraph,
  });
  try {
    if (fixedBatchGraph) expect(encoder.sessions[0]?.fixedBatch).toBe(8);
    return (await encoder.embedImages(pixels, n)).data;
  } finally {
    await encoder.close();
  }
}

describe.each([
  { id: 'mobileclip2-s2-twin', copy: copyCachedMobileClip2Twin },
  { id: 'mobileclip2-s0-twin', copy: copyCachedMobileClip2S0Twin },
])('the $id image tower in Eidos', ({ id, copy }) => {
  it('embeds 256-pixel photos, and its fixed-batch Core ML copy gives the same rows', async () => {
    const model = findModel(manifest, id);
    const dir = (await fetchModel(model.id, { generate: copy }, { modelsDir, manifest })).path;
    const files = readdirSync(IMAGENET_DIR)
      .filter((f) => /\.jpe?g$/i.test(f))
      .sort()
      .slice(0, 3);
    const pixels = new Float32Array(files.length * PER);
    for (const [i, file] of files.entries())
      pixels.set(await preprocessForModel(join(IMAGENET_DIR, file), model.preprocess), i * PER);
    const free = await embed(model, dir, pixels, files.length, false);
    const fixed = await embed(model, dir, pixels, files.length, true);
    expect(free.every(Number.isFinite)).toBe(true);
    for (let row = 0; row < files.length; row++) {
      let dot = 0;
      let self = 0;
      for (let i = row * D; i < (row + 1) * D; i++) {
        dot += free[i]! * fixed[i]!;
        self += free[i]! * free[i]!;
      }
      expect(self).toBeCloseTo(1, 5); // L2-normalised
      expect(dot).toBeGreaterThan(0.99999);
    }
    // Different photos, different embeddings (the twin is not degenerate).
    let cross = 0;
    for (let i = 0; i < D; i++) cross += free[i]! * free[D + i]!;
    expect(cross).toBeLessThan(0.999);
  });
});
