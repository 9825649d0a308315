/**
 * Word recall of the portable text reader on ../shared/photos/text-in-photos (issue 23, part 6), per kind,
 * against the targets (receipts ≥ 0.85, street scenes ≥ 0.5), and the time per photo with text.
 * Every threshold of the reader was chosen on the dev split; the test split is run once to report.
 * Run: node bin/run-ts.js test/bench/text-reading.ts [dev|test] [first=N] [kind=receipt|scene] [key=value settings overrides…]
 *   e.g. detectorLimit=1280 boxThreshold=0.5 unclipRatio=1.6 minLineConfidence=0.5
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openPortableReader } from '../../app/ocr/text-reader.ts';
import { DEFAULT_READER_SETTINGS, type ReaderSettings } from '../../app/ocr/ppocr-reader.ts';
import { addCounts, recallCount, type RecallCount } from '../../app/ocr/word-recall.ts';
import { setResourceRoot } from '../../app/resources.ts';

const REPO = resolve(import.meta.dirname, '../..');
export const TEXT_SET = resolve(REPO, '../shared/photos/text-in-photos');
export const RECALL_TARGETS = { receipt: 0.85, scene: 0.5 } as const;

export interface LabelledPhoto {
  file: string;
  kind: 'receipt' | 'scene';
  words: string[];
}

export function labelledPhotos(split: 'dev' | 'test'): LabelledPhoto[] {
  return readFileSync(join(TEXT_SET, `${split}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LabelledPhoto);
}

export function settingsFrom(args: string[]): ReaderSettings {
  const settings: ReaderSettings = { ...DEFAULT_READER_SETTINGS, db: { ...DEFAULT_READER_SETTINGS.db } };
  for (const arg of args) {
    const [key, value] = arg.split('=') as [string, string];
    if (key in settings.db) (settings.db as unknown as Record<string, number>)[key] = Number(value);
    else if (key in settings) (settings as unknown as Record<string, number>)[key] = Number(value);
    else throw new Error(`unknown setting ${key}`);
  }
  return settings;
}

async function main(): Promise<void> {
  setResourceRoot(REPO);
  const split = (process.argv[2] ?? 'dev') as 'dev' | 'test';
  const args = process.argv.slice(3);
  // first=N: only the first N photos of each kind (for quick comparisons while choosing on dev).
  const first = Number(args.find((a) => a.startsWith('first='))?.slice(6) ?? Infinity);
  // kind=receipt|scene: only the photos of that kind.
  const kind = args.find((a) => a.startsWith('kind='))?.slice(5);
  const settings = settingsFrom(args.filter((a) => !a.startsWith('first=') && !a.startsWith('kind=')));
  const photos = labelledPhotos(split)
    .filter((photo) => kind === undefined || photo.kind === kind)
    .filter((photo, i, all) => all.slice(0, i).filter((p) => p.kind === photo.kind).length < first);
  const reader = openPortableReader({ settings });
  const totals: Record<string, RecallCount> = {};
  const wallMs: number[] = [];
  const cpuStart = process.cpuUsage();
  try {
    // The worker's start (sessions opening) is not a photo's cost.
    await reader.readPhoto(join(TEXT_SET, photos[0]!.file), readFileSync(join(TEXT_SET, photos[0]!.file)));
    const cpuAfterWarmUp = process.cpuUsage(cpuStart);
    for (const photo of photos) {
      const path = join(TEXT_SET, photo.file);
      const started = performance.now();
      const text = await reader.readPhoto(path, readFileSync(path));
      wallMs.push(performance.now() - started);
      const count = recallCount(photo.words, text.lines.map((line) => line.text).join('\n'));
      totals[photo.kind] = addCounts(totals[photo.kind] ?? { words: 0, found: 0, within: 0 }, count);
    }
    const cpu = process.cpuUsage(cpuStart);
    const cpuMs = (cpu.user + cpu.system - cpuAfterWarmUp.user - cpuAfterWarmUp.system) / 1000;
    console.log(
      `text-in-photos ${split} (${photos.length} photos), settings ${JSON.stringify(settings, (_, v: unknown) => (v === Infinity ? 'Infinity' : v))}`,
    );
    for (const kind of ['receipt', 'scene'] as const) {
      const t = totals[kind];
      if (!t) continue;
      const recall = t.found / t.words;
      console.log(
        `  ${kind.padEnd(8)} word recall ${recall.toFixed(3)} (${t.found}/${t.words} words; as part of a longer word read: ${(t.within / t.words).toFixed(3)})` +
          `  target ≥ ${RECALL_TARGETS[kind]}: ${recall >= RECALL_TARGETS[kind] ? 'met' : 'MISSED'}`,
      );
    }
    const sorted = [...wallMs].sort((a, b) => a - b);
    const mean = wallMs.reduce((a, b) => a + b, 0) / wallMs.length;
    console.log(
      `  per photo: wall mean ${mean.toFixed(0)} ms, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms;` +
        ` CPU (all threads) ${(cpuMs / photos.length).toFixed(0)} ms, i.e. ${(cpuMs / photos.length / availableParallelism()).toFixed(0)} ms on ${availableParallelism()} cores fully used` +
        `  (target ≤ 400 ms on 2 cores)`,
    );
  } finally {
    await reader.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
