import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Io } from '../../../app/cli/command.ts';
import { progressReporter } from '../../../app/cli/commands/models-progress.ts';
import { main } from '../../../app/cli/main.ts';

function captureIo(isTTY: boolean): Io & { outText: string[]; errText: string[]; progressText: string[] } {
  const io = {
    outText: [] as string[],
    errText: [] as string[],
    progressText: [] as string[],
    out: (text: string) => void io.outText.push(text),
    err: (text: string) => void io.errText.push(text),
    progress: (text: string) => void io.progressText.push(text),
    isTTY,
  };
  return io;
}

describe('eidos models …', () => {
  beforeEach(() => {
    process.env.EIDOS_HOME = mkdtempSync(join(tmpdir(), 'eidos-home-'));
  });

  it.each(['list', 'fetch', 'import', 'verify'])('models %s --help prints its usage', async (name) => {
    const io = captureIo(false);
    expect(await main(['models', name, '--help'], io)).toBe(0);
    expect(io.outText.join('\n')).toContain(`usage: eidos models ${name}`);
  });

  it('lists the manifest models as JSON, none installed', async () => {
    const io = captureIo(false);
    expect(await main(['models', 'list', '--json'], io)).toBe(0);
    const models = JSON.parse(io.outText.join('')) as Array<{ id: string; installed: boolean; isDefault: boolean }>;
    expect(models.map((m) => m.id)).toEqual([
      'clip-vit-b32-int8',
      'clip-vit-b32',
      'clip-vit-b32-fp16',
      'mobileclip2-s2',
      'mobileclip2-s0',
      'synthetic-tiny',
      'synthetic-tiny-left',
      'clip-vit-b32-int8-twin',
      'clip-vit-b32-twin',
      'siglip2-base',
      'siglip2-base-twin',
      'mobileclip2-s2-twin',
      'mobileclip2-s0-twin',
    ]);
    expect(models.every((m) => !m.installed)).toBe(true);
    expect(models.find((m) => m.isDefault)?.id).toBe('clip-vit-b32-int8');
  });

  it('shows the model-table entry (languages, published figure and source, memory, speed) of a real model', async () => {
    const json = captureIo(false);
    expect(await main(['models', 'list', '--json'], json)).toBe(0);
    const models = JSON.parse(json.outText.join('')) as Array<{
      id: string;
      card?: { languages: string; retrieval: { coco: number; source: string } };
    }>;
    const siglip = models.find((m) => m.id === 'siglip2-base');
    expect(siglip?.card?.languages).toMatch(/100\+ languages/);
    expect(siglip?.card?.retrieval).toMatchObject({ coco: 52.1, source: expect.stringMatching(/arXiv:2502\.14786/) });
    // Test models carry no entry: they are not for choosing.
    expect(models.find((m) => m.id === 'siglip2-base-twin')?.card).toBeUndefined();
    const text = captureIo(false);
    expect(await main(['models', 'list'], text)).toBe(0);
    const lines = text.outText.join('\n');
    expect(lines).toMatch(/siglip2-base +SigLIP 2 .*412\.4 MB/);
    expect(lines).toContain('retrieval: zero-shot text→image R@1 COCO 52.1; image→text COCO R@1 68.9; ImageNet');
    expect(lines).toContain('memory: not measured yet');
  });

  it('fetches the synthetic model, then verify passes and list shows it verified', async () => {
    const io = captureIo(false);
    expect(await main(['models', 'fetch', 'synthetic-tiny'], io)).toBe(0);
    expect(io.outText.at(-1)).toMatch(/^installed synthetic-tiny in /);
    expect(io.errText.some((line) => line.startsWith('unpinned'))).toBe(false);

    const verify = captureIo(false);
    expect(await main(['models', 'verify', '--json'], verify)).toBe(0);
    const [check] = JSON.parse(verify.outText.join('')) as Array<{
      id: string;
      ok: boolean;
      files: Array<{ status: string }>;
    }>;
    expect(check).toMatchObject({ id: 'synthetic-tiny', ok: true });

    const list = captureIo(false);
    await main(['models', 'list'], list);
    expect(list.outText.find((line) => line.includes('synthetic-tiny'))).toContain('installed, verified');
  });

  it('refuses MobileCLIP2-S2 without --accept-licence, before any network use, naming the licence and its link', async () => {
    const io = captureIo(false);
    expect(await main(['models', 'fetch', 'mobileclip2-s2'], io)).toBe(1);
    const message = io.errText.join('\n');
    expect(message).toContain('Apple Machine Learning Research Model License');
    expect(message).toContain('https://github.com/apple/ml-mobileclip/blob/main/LICENSE_MODELS');
    expect(message).toContain('--accept-licence');
  });

  it('lists each model’s languages, published retrieval figure and source, licence state and twin', async () => {
    const io = captureIo(false);
    expect(await main(['models', 'list'], io)).toBe(0);
    const text = io.outText.join('\n');
    expect(text).toContain(
      'text→image R@1 Flickr30k 74.8, COCO 48.8 (apple/ml-mobileclip results/mobileclip2_s2.jsonl',
    );
    expect(text).toContain('text→image R@1 Flickr30k 58.8, COCO 30.4 (open_clip');
    expect(text).toContain('licence NOT accepted yet: fetch with --accept-licence');
    expect(text).toContain('languages: English');
    expect(text).toMatch(/default model on this machine \((CPU|Core ML)\): \S+ \(onnx\//);
  });

  it('rejects an import folder that does not exist, with exit code 1 and the path', async () => {
    const io = captureIo(false);
    expect(await main(['models', 'import', '/no/such/folder'], io)).toBe(1);
    expect(io.errText.join('\n')).toContain('/no/such/folder is not a folder');
  });

  it('draws a progress bar with bytes, rate and ETA on a terminal', () => {
    const io = captureIo(true);
    let clock = 0;
    const report = progressReporter(io, () => clock);
    report({ id: 'm', state: 'downloading', file: 'onnx/a.onnx', receivedBytes: 0, totalBytes: 10_000_000 });
    clock = 2000;
    report({ id: 'm', state: 'downloading', file: 'onnx/a.onnx', receivedBytes: 4_000_000, totalBytes: 10_000_000 });
    // 4 MB in 2 s = 2 MB/s; 6 MB left → 3 s.
    expect(io.progressText.at(-1)).toMatch(
      /\[#{10}\.{14}\]\s+40%\s+4\.0 MB \/ 10\.0 MB\s+2\.0 MB\/s\s+ETA 0:03\s+onnx\/a\.onnx/,
    );
  });
});
