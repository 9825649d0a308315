import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Io } from '../../../app/cli/command.ts';
import { main } from '../../../app/cli/main.ts';
import type { EmbeddingEvalReport } from '../../../app/evaluation/embedding-eval.ts';
import { readNpy } from '../../../app/evaluation/npy.ts';

// Real OpenAI CLIP ViT-B/32 embeddings (../shared/real-embeddings/flickr8k-clip-vit-b32/SOURCE.md). Its
// author's notebook and SOURCE.md's own check give cosine R@1/5/10 of 52.7/82.0/88.7 (test) and
// 55.9/80.8/88.6 (dev): independent truth for the evaluation, which runs the product's scorer.
const REAL = '/work/shared/real-embeddings/flickr8k-clip-vit-b32';

async function evalJson(args: string[]): Promise<{ code: number; report: EmbeddingEvalReport; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    progress: () => undefined,
    isTTY: false,
  };
  const code = await main(['eval', '--embeddings', REAL, ...args, '--json'], io);
  // With --json an error is the JSON on stdout.
  return {
    code,
    report: code === 0 ? (JSON.parse(out.join('\n')) as EmbeddingEvalReport) : (undefined as never),
    err: [...err, ...out],
  };
}

describe('eidos eval --embeddings on real CLIP embeddings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eidos-eval-npy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['test', 52.7, 82.0, 88.7],
    ['val', 55.9, 80.8, 88.6],
  ])('reproduces cosine R@1/5/10 on the %s split exactly', async (split, r1, r5, r10) => {
    const { code, report } = await evalJson([
      '--images',
      `flickr8k_hf_${split}_image_embs.npy`,
      '--queries',
      `flickr8k_hf_${split}_text_embs.npy`,
    ]);
    expect(code).toBe(0);
    expect(report.cosine.recallAt).toEqual({ 1: r1, 5: r5, 10: r10 });
    // No bank: the prior is uniform, so full PMI ranks every query exactly as cosine does.
    expect(report.pmi.recallAt).toEqual(report.cosine.recallAt);
    expect(report.vsCosine).toMatchObject({ gained: 0, lost: 0, pValue: 1 });
    expect(report.cosine.hubness.k).toBe(10);
    expect(report.cosine.hubness.skewness).toBeGreaterThan(0); // CLIP's galleries have hubs
  });

  it('scores a float16 copy of the images like the index stores them, within a query or two of float32', async () => {
    const images = readNpy(join(REAL, 'flickr8k_hf_val_image_embs.npy'));
    const header =
      `{'descr': '<f2', 'fortran_order': False, 'shape': (${images.rows}, ${images.cols}), }`.padEnd(117) + '\n';
    const half = join(dir, 'images-f16.npy');
    const { kernels } = await import('../../../app/kernels/index.ts');
    const body = kernels.f32ToF16(images.values);
    const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
    writeFileSync(
      half,
      Buffer.concat([
        prefix,
        Buffer.from(header, 'latin1'),
        Buffer.from(body.buffer, body.byteOffset, body.byteLength),
      ]),
    );
    const { code, report } = await evalJson([
      '--images',
      half,
      '--queries',
      'flickr8k_hf_val_text_embs.npy',
      '--bank',
      'flickr8k_hf_test_text_embs.npy',
    ]);
    expect(code).toBe(0);
    expect(report.dtype).toBe('f16');
    expect(report.bank?.rows).toBe(1000);
    expect(Math.abs(report.cosine.recallAt[1] - 55.9)).toBeLessThanOrEqual(0.2);
    const { gained, lost } = report.vsCosine;
    expect(report.pmi.recallAt[1] - report.cosine.recallAt[1]).toBeCloseTo((gained - lost) / 10, 10);
  });

  it('refuses queries that do not pair with the images, and a missing bank, naming the files', async () => {
    const few = join(dir, 'three-queries.npy');
    const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 512), }`.padEnd(117) + '\n';
    const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length, 0]);
    writeFileSync(
      few,
      Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(new Float32Array(3 * 512).fill(1).buffer)]),
    );
    const mismatch = await evalJson(['--images', 'flickr8k_hf_val_image_embs.npy', '--queries', few]);
    expect(mismatch.code).not.toBe(0);
    expect(mismatch.err.join('\n')).toMatch(
      /three-queries\.npy has 3 rows but .*flickr8k_hf_val_image_embs\.npy has 1000/,
    );
    const missing = await evalJson([
      '--images',
      'flickr8k_hf_val_image_embs.npy',
      '--queries',
      'flickr8k_hf_val_text_embs.npy',
      '--bank',
      'nope.npy',
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.err.join('\n')).toMatch(/nope\.npy: ENOENT/);
  });
});
