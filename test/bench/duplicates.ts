/**
 * Near-duplicate threshold (issue 24, part 6): chosen on a development half, reported once on the
 * held-out half. The photos of ../shared/photos (ImageNet samples, Flickr8k, Oxford flowers — many
 * flowers look alike — and photos of text) are split in two by a hash of their names. In each half,
 * `copies` photos each get six copies (near-duplicate-edits.ts: resize, JPEG quality 40–95, crop up to
 * 10 %, rotation up to ±3°, colour edits, HEIC round trip through heif-enc), and every pair of the
 * half's library (all its originals and the copies) is scored by the fingerprint similarity
 * (app/image/fingerprint.ts). Targets on the held-out half: precision ≥ 0.99, recall ≥ 0.95.
 * The threshold found here is `NEAR_DUPLICATE_MIN_SIMILARITY` in app/duplicates/near-duplicates.ts.
 *
 * Run: flock /tmp/eidos-bench.lock node bin/run-ts.js test/bench/duplicates.ts [copies=150] [--dev-only]
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fingerprintPhoto, fingerprintSimilarity } from '../../app/image/fingerprint.ts';
import { stopHeifWorkers } from '../../app/image/heif-workers.ts';
import { EDIT_KINDS, writeEdit, type Edit } from '../../app/evaluation/near-duplicate-edits.ts';
import {
  chooseThreshold,
  halfOf,
  measure,
  scorePairs,
  type FingerprintedItem,
} from '../../app/evaluation/near-duplicate-eval.ts';
import { mulberry32 } from '../../app/util/mulberry32.ts';
import { NEAR_DUPLICATE_MIN_SIMILARITY } from '../../app/duplicates/near-duplicates.ts';
import { BURST_MIN_SIMILARITY } from '../../app/duplicates/bursts.ts';

const PHOTOS = resolve(import.meta.dirname, '../../../shared/photos');
const FOLDERS = [
  'imagenet-dev/images',
  'imagenet-holdout/images',
  'flickr8k-1k/images',
  'flowers102/images',
  'text-in-photos',
];
const MIN_PRECISION_DEV = 0.995; // a margin over the 0.99 target, for pairs the dev half has not seen

interface Item extends FingerprintedItem {
  file: string;
  edit?: Edit;
}

function photosOf(folder: string): string[] {
  const dir = join(PHOTOS, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.(jpe?g|png)$/i.test(name))
    .sort()
    .map((name) => join(dir, name));
}

async function buildLibrary(originals: string[], copies: number, seed: number, cache: string): Promise<Item[]> {
  const random = mulberry32(seed);
  const items: Item[] = [];
  for (const [source, file] of originals.entries())
    items.push({ source, file, fingerprint: await fingerprintPhoto(file) });
  // A seeded choice of the photos that get copies.
  const order = originals.map((_, i) => i).sort(() => random() - 0.5);
  for (const source of order.slice(0, copies)) {
    const file = originals[source]!;
    for (const kind of EDIT_KINDS) {
      const { file: copy, edit } = await writeEdit(file, kind, cache, `${seed}-${source}-${kind}`, random);
      items.push({ source, file: copy, edit, fingerprint: await fingerprintPhoto(copy) });
    }
  }
  return items;
}

function report(name: string, items: Item[], threshold: number | undefined): number {
  const scores = scorePairs(items);
  const chosen = threshold === undefined ? chooseThreshold(scores, MIN_PRECISION_DEV) : measure(scores, threshold);
  const copies = items.filter((i) => i.edit).length;
  console.log(
    `${name}: ${items.length - copies} photos + ${copies} copies; ${scores.same.length} same-photo pairs, ` +
      `${scores.different.length} different-photo pairs with cosine ≥ 0.5`,
  );
  console.log(
    `  threshold ${chosen.threshold.toFixed(4)}${threshold === undefined ? ' (chosen here)' : ''}: precision ${chosen.precision.toFixed(4)} ` +
      `(${chosen.falsePositives} false), recall ${chosen.recall.toFixed(4)} (${chosen.falseNegatives} missed)`,
  );
  // Recall per edit: the copies' pairs with their own original.
  for (const kind of EDIT_KINDS) {
    const pairs = items.filter((i) => i.edit?.kind === kind);
    const found = pairs.filter((copy) => {
      const original = items.find((i) => i.source === copy.source && !i.edit)!;
      return fingerprintSimilarity(copy.fingerprint, original.fingerprint) >= chosen.threshold;
    });
    console.log(`  ${kind.padEnd(7)} ${found.length}/${pairs.length} found with their original`);
  }
  const differentPairs = (items.length * (items.length - 1)) / 2 - scores.same.length;
  const burstLike = scores.different.filter((s) => s >= BURST_MIN_SIMILARITY).length;
  console.log(
    `  different-photo pairs at least ${BURST_MIN_SIMILARITY} alike (the burst rule's pixel part): ${burstLike} of ${differentPairs} (${((100 * burstLike) / differentPairs).toFixed(2)} %)`,
  );
  for (const pair of scores.closestDifferent.slice(0, 3))
    console.log(
      `  closest different photos: ${pair.similarity.toFixed(4)} ${basename(items[pair.a]!.file)} / ${basename(items[pair.b]!.file)}`,
    );
  return chosen.threshold;
}

async function main(): Promise<void> {
  const copies = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 150);
  const devOnly = process.argv.includes('--dev-only');
  const cache = join(tmpdir(), 'eidos-duplicates-bench');
  mkdirSync(cache, { recursive: true });
  const all = FOLDERS.flatMap(photosOf);
  const dev = all.filter((f) => halfOf(f) === 'dev');
  const test = all.filter((f) => halfOf(f) === 'test');
  const devItems = await buildLibrary(dev, copies, 1, cache);
  const chosen = report('development half', devItems, undefined);
  console.log(`  in use: NEAR_DUPLICATE_MIN_SIMILARITY = ${NEAR_DUPLICATE_MIN_SIMILARITY}`);
  if (devOnly) return;
  const testItems = await buildLibrary(test, copies, 2, cache);
  const held = report('held-out half (once)', testItems, NEAR_DUPLICATE_MIN_SIMILARITY);
  console.log(`  (the development half alone would have chosen ${chosen.toFixed(4)}; held-out used ${held})`);
}

await main().finally(() => stopHeifWorkers());
