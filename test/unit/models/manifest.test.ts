import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isEidosError } from '../../../app/contract/errors.ts';
import { findModel, loadManifest, parseManifest } from '../../../app/models/manifest.ts';

const shipped = loadManifest();

/** The shipped manifest as plain JSON, to break one field at a time. */
function rawCopy(): { models: Array<Record<string, unknown> & { files: Array<Record<string, unknown>> }> } & Record<
  string,
  unknown
> {
  return JSON.parse(JSON.stringify(shipped)) as ReturnType<typeof rawCopy>;
}

function parseError(raw: unknown): Error {
  try {
    parseManifest(raw, 'manifest.json');
  } catch (error) {
    expect(isEidosError(error, 'MODEL_INVALID')).toBe(true);
    return error as Error;
  }
  throw new Error('expected the manifest to be rejected');
}

const siglip = (m: ReturnType<typeof rawCopy>): Record<string, unknown> =>
  m.models.find((x) => x.id === 'siglip2-base')!;

describe('the shipped model manifest', () => {
  it('describes SigLIP 2 as published: pinned at a revision, 768-d, 64 Gemma tokens, stretched 224 px, its scale and bias', () => {
    const model = findModel(shipped, 'siglip2-base');
    expect(
      model.files.every(
        (f) => f.sha256 !== null && f.url?.includes('/resolve/ba1f3b0843f24bc5417d38e19c37b287d719b2f4/'),
      ),
    ).toBe(true);
    expect([model.embeddingDim, model.contextLength]).toEqual([768, 64]);
    expect(model.text).toEqual({ tokenizer: 'gemma', lowercase: true, padId: 0 });
    expect(model.outputs).toEqual({ image: 'pooler_output', text: 'pooler_output' });
    expect(model.preprocess).toMatchObject({
      size: 224,
      resize: 'stretch',
      interpolation: 'bicubic',
      mean: [0.5, 0.5, 0.5],
      std: [0.5, 0.5, 0.5],
    });
    // exp(logit_scale) and logit_bias of google/siglip2-base-patch16-224 (model.safetensors).
    expect(model.logitScale).toBeCloseTo(Math.exp(4.724453449249268), 3);
    expect(model.logitBias).toBeCloseTo(-16.771724700927734, 10);
  });

  it('pins the default int8 CLIP exactly as published', () => {
    expect(shipped.defaultModel).toBe('clip-vit-b32-int8');
    const model = findModel(shipped, 'clip-vit-b32-int8');
    const vision = model.files.find((f) => f.role === 'vision');
    const text = model.files.find((f) => f.role === 'text');
    expect(vision).toMatchObject({
      path: 'onnx/vision_model_quantized.onnx',
      bytes: 89_117_001,
      sha256: '583fd1110a514667812fee7d684952aaf82a99b959760c8d7dca7e0ab9839299',
      url: 'https://huggingface.co/Xenova/clip-vit-base-patch32/resolve/d15189d7028b43f1d3e65039190477f6af591c2a/onnx/vision_model_quantized.onnx',
    });
    expect(text).toMatchObject({
      bytes: 64_504_507,
      sha256: '73baab855d406190da9faa498cfedf65f15cf309f4cc7385b7b032e6d08e5c3a',
    });
    expect(model).toMatchObject({ licence: 'MIT', logitScale: 100, embeddingDim: 512, coreMlFlags: 0x010 | 0x008 });
    expect(model.preprocess).toEqual({
      size: 224,
      shortestEdge: 224,
      interpolation: 'bicubic',
      rescaleFactor: 1 / 255,
      mean: [0.48145466, 0.4578275, 0.40821073],
      std: [0.26862954, 0.26130258, 0.27577711],
    });
  });

  it('names a commit revision, never main, in every URL of a pinned file', () => {
    const pinnedUrls = shipped.models.flatMap((m) =>
      m.files.filter((f) => f.sha256 !== null && f.url !== undefined).map((f) => f.url as string),
    );
    expect(pinnedUrls.length).toBeGreaterThan(0);
    for (const url of pinnedUrls) expect(url).toMatch(/\/resolve\/[0-9a-f]{40}\//);
  });

  it('pins the fp32 and fp16 CLIP towers at sizes their parameter counts imply (4 and 2 bytes each, under 1 % of graph on top)', () => {
    // Parameters of CLIP ViT-B/32 from its architecture (test/unit/models/clip-twin.test.ts derives them).
    const parameters = { vision: 87_849_216, text: 63_428_096 };
    for (const [id, bytesPerParameter] of [
      ['clip-vit-b32', 4],
      ['clip-vit-b32-fp16', 2],
    ] as const) {
      const model = findModel(shipped, id);
      expect(model.files.every((f) => f.sha256 !== null && f.bytes !== null)).toBe(true);
      for (const role of ['vision', 'text'] as const) {
        const ratio = model.files.find((f) => f.role === role)!.bytes! / (bytesPerParameter * parameters[role]);
        expect(ratio).toBeGreaterThan(1);
        expect(ratio).toBeLessThan(1.01);
      }
    }
    expect(findModel(shipped, 'clip-vit-b32').files.find((f) => f.role === 'vision')!.bytes).toBe(351_685_709);
    expect(findModel(shipped, 'clip-vit-b32-fp16').files.find((f) => f.role === 'text')!.bytes).toBe(127_339_794);
  });

  it('describes MobileCLIP2-S2: pinned at a revision, 256 px without mean/std, pad 0 after end-of-text, licence to accept', () => {
    const model = findModel(shipped, 'mobileclip2-s2');
    expect(model.files.every((f) => f.sha256 !== null)).toBe(true);
    for (const f of model.files)
      expect(f.url).toContain('/plhery/mobileclip2-onnx/resolve/ba95759a5bdbaca53e9111e2550a76ec09c8fd9e/');
    expect(model.preprocess).toMatchObject({
      size: 256,
      shortestEdge: 256,
      interpolation: 'bilinear',
      mean: [0, 0, 0],
      std: [1, 1, 1],
    });
    expect(model.text).toEqual({ tokenizer: 'clip', padId: 0 });
    expect(model.requiresLicenceAcceptance).toBe(true);
    expect(model.licence).toMatch(/Apple Machine Learning Research Model/);
    expect(model.licenceUrl).toMatch(/^https:\/\//);
    expect(model.card?.twin).toBe('mobileclip2-s2-twin');
    expect(shipped.coreMlPreferredModel).toBe('mobileclip2-s2');
  });

  it('gives every model a user may choose one card (languages, published figure with its source), test models none', () => {
    const isTest = (id: string): boolean => id.endsWith('-twin') || id.startsWith('synthetic-');
    for (const model of shipped.models)
      expect([model.id, model.card !== undefined]).toEqual([model.id, !isTest(model.id)]);
    // SigLIP 2 reads other languages (the app's "for other languages" badge), with its COCO text→image R@1.
    const siglip2 = findModel(shipped, 'siglip2-base');
    expect(siglip2.card?.languages).not.toBe('English');
    expect(siglip2.card).toMatchObject({ retrieval: { coco: 52.1 }, twin: 'siglip2-base-twin' });
  });

  it('describes MobileCLIP2-S0 like S2, from the export’s onnx/s0 files, with its own retrieval figure and twin', () => {
    const s0 = findModel(shipped, 'mobileclip2-s0');
    const s2 = findModel(shipped, 'mobileclip2-s2');
    expect(s0.files.filter((f) => f.role !== 'tokenizer').every((f) => f.url!.includes('/onnx/s0/'))).toBe(true);
    expect(s0.files.every((f) => f.sha256 !== null)).toBe(true);
    expect(s0.preprocess).toEqual(s2.preprocess);
    expect(s0).toMatchObject({ text: { padId: 0 }, requiresLicenceAcceptance: true, licence: s2.licence });
    expect(s0.card).toMatchObject({ retrieval: { flickr30k: 69.2, coco: 43.7 }, twin: 'mobileclip2-s0-twin' });
  });

  it('refuses a licence to accept without its link, a negative pad id and an unknown preferred model', () => {
    const noLink = rawCopy();
    delete noLink.models.find((m) => m.id === 'mobileclip2-s2')!.licenceUrl;
    expect(parseError(noLink).message).toMatch(/licenceUrl must link the licence/);
    const badPad = rawCopy();
    (badPad.models.find((m) => m.id === 'mobileclip2-s2')!.text as Record<string, unknown>).padId = -1;
    expect(parseError(badPad).message).toMatch(/text\.padId must be ≥ 0/);
    const badPreferred = rawCopy();
    badPreferred.coreMlPreferredModel = 'nope';
    expect(parseError(badPreferred).message).toMatch(/coreMlPreferredModel names 'nope'/);
    const badTwin = rawCopy();
    (badTwin.models.find((m) => m.id === 'mobileclip2-s2')!.card as Record<string, unknown>).twin = 'nope';
    expect(parseError(badTwin).message).toMatch(/card.twin names 'nope'/);
  });

  it('describes the synthetic model as generated, without URLs', () => {
    const model = findModel(shipped, 'synthetic-tiny');
    expect(model.source).toBe('generated');
    expect(model.files.every((f) => f.url === undefined)).toBe(true);
  });

  it('loads a PLACEHOLDER pin as unpinned (null)', () => {
    const raw = rawCopy();
    const synthetic = raw.models.find((m) => m.id === 'synthetic-tiny')!;
    synthetic.files[0]!.sha256 = 'PLACEHOLDER-pin-after-generator';
    synthetic.files[0]!.bytes = null;
    const model = findModel(parseManifest(raw, 'manifest.json'), 'synthetic-tiny');
    expect(model.files[0]).toMatchObject({ sha256: null, bytes: null });
  });

  it('names the unknown model and the known ones', () => {
    expect(() => findModel(shipped, 'nope')).toThrow(/unknown model 'nope'.*clip-vit-b32-int8/);
  });

  it.each([
    [
      'a malformed sha256',
      (m: ReturnType<typeof rawCopy>) => (m.models[0]!.files[0]!.sha256 = 'abc'),
      /models\[0\]\.files\[0\]\.sha256/,
    ],
    [
      'an http URL',
      (m: ReturnType<typeof rawCopy>) => (m.models[0]!.files[1]!.url = 'http://example.com/x'),
      /models\[0\]\.files\[1\]\.url/,
    ],
    [
      'a path leaving the folder',
      (m: ReturnType<typeof rawCopy>) => (m.models[1]!.files[0]!.path = '../evil.onnx'),
      /models\[1\]\.files\[0\]\.path/,
    ],
    [
      'an unknown role',
      (m: ReturnType<typeof rawCopy>) => (m.models[0]!.files[2]!.role = 'weights'),
      /models\[0\]\.files\[2\]\.role/,
    ],
    [
      'a missing text tower',
      (m: ReturnType<typeof rawCopy>) => m.models[0]!.files.splice(1, 1),
      /models\[0\]\.files must have exactly one 'text' file/,
    ],
    [
      'a duplicate id',
      (m: ReturnType<typeof rawCopy>) => (m.models[1]!.id = m.models[0]!.id),
      /id 'clip-vit-b32-int8' twice/,
    ],
    ['an unknown default', (m: ReturnType<typeof rawCopy>) => (m.defaultModel = 'gone'), /defaultModel names 'gone'/],
    [
      'a two-channel mean',
      (m: ReturnType<typeof rawCopy>) => ((m.models[0]!.preprocess as { mean: number[] }).mean = [0, 0]),
      /models\[0\]\.preprocess\.mean/,
    ],
    [
      'a negative size',
      (m: ReturnType<typeof rawCopy>) => (m.models[0]!.files[0]!.bytes = -1),
      /models\[0\]\.files\[0\]\.bytes must be ≥ 0/,
    ],
    ['a newer version', (m: ReturnType<typeof rawCopy>) => (m.version = 2), /version must be 1/],
    [
      'an unknown tokenizer kind',
      (m: ReturnType<typeof rawCopy>) => ((siglip(m).text as { tokenizer: string }).tokenizer = 'sentencepiece'),
      /models\[\d+\]\.text\.tokenizer must be 'clip' or 'gemma'/,
    ],
    [
      'an unknown resize',
      (m: ReturnType<typeof rawCopy>) => ((siglip(m).preprocess as { resize: string }).resize = 'pad'),
      /models\[\d+\]\.preprocess\.resize must be 'crop' or 'stretch'/,
    ],
    [
      'an output name left empty',
      (m: ReturnType<typeof rawCopy>) => ((siglip(m).outputs as { text: string }).text = ''),
      /models\[\d+\]\.outputs\.text must be a non-empty string/,
    ],
    [
      'a Gemma tokenizer without a pad id',
      (m: ReturnType<typeof rawCopy>) => delete (siglip(m).text as { padId?: number }).padId,
      /models\[\d+\]\.text\.padId must be a number/,
    ],
    [
      'a card without its source',
      (m: ReturnType<typeof rawCopy>) => delete (siglip(m).card as { retrieval: { source?: string } }).retrieval.source,
      /models\[\d+\]\.card\.retrieval\.source/,
    ],
  ])('rejects %s, naming the field', (_, breakIt, message) => {
    const raw = rawCopy();
    breakIt(raw);
    expect(parseError(raw).message).toMatch(message);
  });

  it('reports invalid JSON with the file name', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'eidos-manifest-')), 'manifest.json');
    writeFileSync(file, '{ "version": 1,');
    expect(() => loadManifest(file)).toThrow(new RegExp(`${file}: the model manifest is not valid JSON`));
  });
});
