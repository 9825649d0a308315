/**
 * Preprocessing speed, ours vs. the transformers.js reference processor, measured in one run:
 * ms/photo over the 500 imagenet-dev photos and over 12-megapixel JPEGs made by upscaling real photos
 * into a temporary folder. The limit to keep up with is the image encoder's time per photo
 * (set EIDOS_ENCODER_MS; ViT-B/32 int8 on 2 CPU cores is in the tens of ms).
 * Run: node bin/run-ts.js test/bench/preprocess.ts [count12mp=6]
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../../app/image/decode.ts';
import { preprocessDecoded, preprocessForModel } from '../../app/image/preprocess.ts';
import { CLIP_SPEC, IMAGENET_DIR, referencePixelValues } from '../integration/image/clip-reference.ts';

async function msPerPhoto(files: string[], run: (file: string) => Promise<unknown>): Promise<number> {
  await run(files[0]!); // warm-up: module load, libvips caches
  const start = performance.now();
  for (const file of files) await run(file);
  return (performance.now() - start) / files.length;
}

const imagenet = readdirSync(IMAGENET_DIR)
  .sort()
  .map((name) => join(IMAGENET_DIR, name));
const scratch = mkdtempSync(join(tmpdir(), 'eidos-bench-'));
const count12mp = Number(process.argv[2] ?? 6);
try {
  const large: string[] = [];
  for (const [i, file] of imagenet.slice(0, count12mp).entries()) {
    const out = join(scratch, `large-${i}.jpg`);
    await sharp(file).resize({ width: 4000, height: 3000, fit: 'fill' }).jpeg({ quality: 90 }).toFile(out);
    large.push(out);
  }
  const rows: [string, string[], (file: string) => Promise<unknown>][] = [
    ['imagenet-dev, ours (preprocessForModel)', imagenet, (f) => preprocessForModel(f, CLIP_SPEC)],
    ['imagenet-dev, transformers.js reference', imagenet, referencePixelValues],
    ['12 MP JPEG, ours (shrink-on-load)', large, (f) => preprocessForModel(f, CLIP_SPEC)],
    [
      '12 MP JPEG, ours (decode ≤1280 + tensor)',
      large,
      async (f) => preprocessDecoded(await decodeImage(f, { maxLongEdge: 1280, minShortEdge: 224 }), CLIP_SPEC),
    ],
    ['12 MP JPEG, transformers.js reference', large, referencePixelValues],
  ];
  const limit = Number(process.env.EIDOS_ENCODER_MS ?? NaN);
  console.log(
    `sharp concurrency ${sharp.concurrency()}; encoder limit ${Number.isNaN(limit) ? 'not given (EIDOS_ENCODER_MS)' : `${limit} ms/photo`}`,
  );
  for (const [label, files, run] of rows) {
    const ms = await msPerPhoto(files, run);
    console.log(
      `${label.padEnd(44)} ${ms.toFixed(1).padStart(7)} ms/photo (${files.length} photos)${Number.isNaN(limit) ? '' : `  ${(ms / limit).toFixed(2)}× the encoder`}`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
