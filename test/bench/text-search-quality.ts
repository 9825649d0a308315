// Words in photos, the search figure of issue 23 (part 6): a query of two words from one photo's ground
// truth (a fixed seed) finds that photo at rank 1, for ≥ 90 % of receipts and ≥ 60 % of street scenes,
// with flickr8k-1k and imagenet-dev indexed beside the 160 text photos as distractors.
//
// The queries come from the ground truth (what a user remembers); the search reads photo_text as the
// reader wrote it, so after the reader is merged this measures the two together:
//   node bin/run-ts.js test/bench/text-search-quality.ts [--split dev|test|both]   (default both: one index)
// With --while-indexing the text is read as a new library's is: the index is made again with text on, so the
// image pass's look (app/ocr/text-gate.ts) decides which photos the reader reads; without it, the second
// run reads every photo as it does for a library indexed before Eidos read text. Either way it also prints the
// word recall of the text as the index holds it (text-reading.ts's measure; with --while-indexing, after the look).
// For developing the search side alone, --ground-truth fills photo_text with the ground truth itself
// (each receipt's lines, each scene's words as one line): an UPPER BOUND on what any reader allows,
// never the result; no reader runs in that mode, so the ranking before the truth is written is the
// image's alone. Choose on dev; report test once, and say so. SROIE holds one receipt image under two
// labels (X51005268262 in dev, X51005301659 in test): the index holds it once, with both labels' lines,
// and either file first is a hit.
//
// Which two words. Many SROIE receipts share words (the same shops, GST, TAX, TOTAL, 0.00): a pair drawn
// uniformly from a receipt's words is held by another receipt too for about 4 receipts in 10 ("tax
// invoice", "qty gst"), and no ranking can put its photo first except by luck. A user recalling a receipt
// names words that single it out (the shop and the total), so the figure draws, with the fixed seed, one
// of the photo's IDENTIFYING pairs: two of its words (≥ 3 characters, edge punctuation trimmed, case
// folded) that no other text photo's ground truth holds both of, as whole words. A photo with no such pair
// is not dropped: it gets a uniform pair, counted as it falls. The uniform draw of earlier sessions is
// printed beside it, with its share of ambiguous pairs and the rank-1 share among the others.
//
// Printed on 2026-12-05 with --ground-truth (1660 photos; dev chose PREFIX_SHARE, test reported once):
// identifying pairs, receipts dev 100.0 % (40), test 95.0 % (20); scenes dev 95.5 % (67), test 100.0 % (33);
// uniform pairs beside them, receipts dev 70.0 %, test 65.0 % (ambiguous 16 of 40, 11 of 20), scenes dev
// 92.5 %, test 93.9 %; the image alone 0.0 % everywhere. With the reader (ppocr-v4/1) and
// --no-distractors (160 photos: not the figure), identifying pairs: receipts dev 87.5 %, test 80.0 %;
// scenes dev 58.2 %, test 60.6 %. With the reader (ppocr-v4/3: the gate) reading all 1660 photos, the
// distractors indexed, test split once (2026-12-05; the reader read the library in 186 s): identifying pairs,
// receipts 85.0 % (17 of 20; target 90 %: missed), scenes 60.6 % (20 of 33; target 60 %: met); the image
// alone 0.0 % for both; uniform pairs receipts 50.0 %, scenes 51.5 %.
//
// With a query word also matching a word of the text one edit away (text-match.ts nearWordMatches: the
// reader's misreadings, "184810" read 1184810, "gst@6" read GST06%; NEAR_MIN_CHARS, NEAR_MIN_NUMBER_CHARS and
// NEAR_SHARE chosen on dev from the dev misses), the reader (ppocr-v4/3) reading all 1660 photos, one
// index, dev and test in one run (2026-12-06; test looked at once, after the choice): identifying pairs,
// receipts dev 100.0 % (40), test 95.0 % (19 of 20; target 90 %: met); scenes dev 68.7 % (67), test
// 66.7 % (22 of 33; target 60 %: met); the image alone 0.0 % everywhere; uniform pairs receipts dev
// 67.5 %, test 50.0 %, scenes dev 64.2 %, test 63.6 %. Before it, on the same kind of run (dev only):
// receipts 95.0 %, scenes 58.2 %. With reader ppocr-v4/4 (a document read from the gate's boxes), dev only
// (2026-12-06; the test split not run again): receipts 97.5 % (39 of 40), scenes 68.7 %; uniform pairs
// receipts 67.5 %, scenes 64.2 %. With v4/4 and no one-edit match for the concept vocabulary's words
// ("koala" found KUALA: a rule by design, not chosen on these figures), dev and test in one run
// (2026-12-06 01:36 UTC, the final code): receipts dev 97.5 %, test 95.0 % (19 of 20; met); scenes dev
// 68.7 %, test 66.7 % (22 of 33; met); the image alone 0.0 %; uniform pairs receipts 67.5 % / 65.0 %,
// scenes 64.2 % / 63.6 %.
//
// The image side is synthetic-tiny (it sees colours, no text), so a hit is the text's doing; the same
// queries are also ranked before any text is in the index (in both modes), the image-only comparator.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { fetchModel } from '../../app/models/fetch-model.ts';
import { indexPath, modelsDir } from '../../app/paths.ts';
import { Engine } from '../../app/service/engine.ts';
import { mulberry32 } from '../../app/util/mulberry32.ts';
import { contentHashOf, putPhotoText, textOfLines } from '../helpers/photo-text-rows.ts';
import { addCounts, recallCount, type RecallCount } from '../../app/ocr/word-recall.ts';
import { RECALL_TARGETS } from './text-reading.ts';

const SHARED = join(import.meta.dirname, '../../../shared/photos');
const TEXT_SET = join(SHARED, 'text-in-photos');
// --no-distractors: the 160 text photos alone (a quick check of the script, not the figure).
const DISTRACTORS = process.argv.includes('--no-distractors') ? [] : ['flickr8k-1k', 'imagenet-dev'];
const SEED = 23;
const TARGETS = { receipt: 0.9, scene: 0.6 } as const;
/** Words of at least this many characters, compared case-insensitively (the issue's rule). */
const MIN_CHARS = 3;

type Kind = 'receipt' | 'scene';
interface Truth {
  file: string;
  kind: Kind;
  words: string[];
  lines?: string[];
}
interface Query {
  photo: string;
  kind: Kind;
  text: string;
  /** Another photo's ground truth holds both words too (whole words): no ranking can single this photo out. */
  ambiguous: boolean;
}

const args = process.argv.slice(2);
const groundTruth = args.includes('--ground-truth');
const whileIndexing = args.includes('--while-indexing');
/** --show-misses: print each query whose photo is not first, and what was. */
const showMisses = args.includes('--show-misses');
const splitAt = args.indexOf('--split');
const splitArg = splitAt >= 0 ? args[splitAt + 1] : 'both';
if (splitArg !== 'dev' && splitArg !== 'test' && splitArg !== 'both')
  throw new Error(`--split must be dev, test or both, not ${splitArg}`);
// No constant of the ranking is chosen here (a word's bits have no free parameter), so dev and test
// are both reported from one index; a rule tuned on this figure must be tuned on dev alone.
const splits = splitArg === 'both' ? (['dev', 'test'] as const) : ([splitArg] as const);

const readSplit = (name: string): Truth[] =>
  readFileSync(join(TEXT_SET, name), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Truth);

const trimWord = (w: string) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').toLowerCase();

/** The distinct words of ≥ 3 characters of the photo's ground truth (edge punctuation trimmed, lower case). */
const wordsOf = (truth: Truth): string[] =>
  [...new Set(truth.words.map(trimWord))].filter((w) => [...w].length >= MIN_CHARS);

/** Two distinct words of the photo's ground truth (wordsOf), drawn uniformly, seeded. */
function twoWords(truth: Truth, random: () => number): string | undefined {
  const words = wordsOf(truth);
  if (words.length < 2) return undefined;
  const first = Math.floor(random() * words.length);
  let second = Math.floor(random() * (words.length - 1));
  if (second >= first) second++;
  return `${words[first]} ${words[second]}`;
}

/**
 * Two words of the photo's ground truth that together identify it: drawn uniformly, seeded, among its
 * pairs that `heldElsewhere` (another photo's ground truth holds both) rejects; a uniform pair (twoWords)
 * where it has none.
 */
function identifyingWords(
  truth: Truth,
  random: () => number,
  heldElsewhere: (file: string, text: string) => boolean,
): string | undefined {
  const words = wordsOf(truth);
  const pairs: string[] = [];
  for (let a = 0; a < words.length; a++)
    for (let b = a + 1; b < words.length; b++) {
      const text = `${words[a]} ${words[b]}`;
      if (!heldElsewhere(truth.file, text)) pairs.push(text);
    }
  return pairs.length > 0 ? pairs[Math.floor(random() * pairs.length)] : twoWords(truth, random);
}

interface Tally {
  hits: number;
  total: number;
  /** The same over the queries that are not ambiguous. */
  clearHits: number;
  clear: number;
}

/**
 * Rank 1 of each query's photo: a hit when the first result is that photo or a copy of it (SROIE holds one
 * receipt image twice, under two labels: `sameContent`). Misses are printed with --show-misses when `show`.
 */
async function rankOnes(
  engine: Engine,
  queries: Query[],
  sameContent: (a: string, b: string) => boolean,
  show: boolean,
): Promise<Map<Kind, Tally>> {
  const out = new Map<Kind, Tally>([
    ['receipt', { hits: 0, total: 0, clearHits: 0, clear: 0 }],
    ['scene', { hits: 0, total: 0, clearHits: 0, clear: 0 }],
  ]);
  for (const query of queries) {
    const { results } = await engine.search({ query: query.text, top: 1 });
    const tally = out.get(query.kind)!;
    tally.total++;
    const first = results[0]?.path;
    const hit = first !== undefined && (first === query.photo || sameContent(first, query.photo));
    if (!query.ambiguous) tally.clear++;
    if (hit && !query.ambiguous) tally.clearHits++;
    if (hit) tally.hits++;
    else if (show) {
      const words = (r: (typeof results)[number] | undefined) =>
        r?.matchedWords?.map((w) => `${w.near ? `${w.near} ≈ ` : ''}${w.text} ${w.bits.toFixed(1)}`).join(', ') ??
        'no words';
      console.log(
        `  miss "${query.text}" (${basename(query.photo)}): first ${basename(results[0]?.path ?? 'none')} [${words(results[0])}]`,
      );
    }
  }
  return out;
}

const percent = (t: { hits: number; total: number }): number => (t.total === 0 ? 0 : t.hits / t.total);

/**
 * Word recall of the text as the index holds it (text-reading.ts's measure, on what the run stored): with
 * --while-indexing that is after the image pass's look, which text-reading.ts, the reader alone, does not make.
 */
function printIndexedRecall(
  db: Database.Database,
  splits: Iterable<string>,
  contentOf: (truth: Truth) => string,
): void {
  const stored = db.prepare('SELECT full_text AS text FROM photo_text WHERE content_hash = ?');
  for (const split of splits) {
    const totals: Partial<Record<Kind, RecallCount>> = {};
    for (const truth of readSplit(`${split}.jsonl`)) {
      const row = stored.get(contentOf(truth)) as { text: string } | undefined;
      const count = recallCount(truth.words, row?.text ?? '');
      totals[truth.kind] = addCounts(totals[truth.kind] ?? { words: 0, found: 0, within: 0 }, count);
    }
    for (const kind of ['receipt', 'scene'] as const) {
      const t = totals[kind];
      if (!t) continue;
      const recall = t.found / t.words;
      console.log(
        `${split} split, ${kind}s: word recall of the text as indexed ${recall.toFixed(3)} (${t.found}/${t.words} words)` +
          `  target ≥ ${RECALL_TARGETS[kind]}: ${recall >= RECALL_TARGETS[kind] ? 'met' : 'MISSED'}`,
      );
    }
  }
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'eidos-text-quality-'));
  try {
    const home = join(root, 'home');
    await fetchModel('synthetic-tiny', {}, { modelsDir: modelsDir(home) });
    // The 160 text photos (both splits: the library is the same whichever split is queried), copied so the
    // reader and the index see them as any library's photos.
    const textFolder = join(root, 'text-in-photos');
    mkdirSync(textFolder);
    const all = readSplit('labels.jsonl');
    const pathOf = new Map<string, string>();
    for (const truth of all) {
      const to = join(textFolder, `${truth.kind}-${basename(truth.file)}`);
      copyFileSync(join(TEXT_SET, truth.file), to);
      pathOf.set(truth.file, to);
    }
    // The photos are indexed first without their text, so the same queries are ranked by the image alone
    // (the comparator); then the ground truth is written (--ground-truth) or the reader reads them (a
    // second run, which reads the text only, as it does for a library indexed before Eidos read text).
    let engine = Engine.open({ home, model: 'synthetic-tiny', readText: false });
    engine.addFolders([textFolder, ...DISTRACTORS.map((name) => join(SHARED, name))]);
    const started = performance.now();
    const summary = await engine.index();
    let db = new Database(indexPath(home));
    const library = (db.prepare("SELECT count(*) AS n FROM files WHERE status = 'indexed'").get() as { n: number }).n;
    console.log(
      `library: ${library} photos (160 with text + ${DISTRACTORS.join(', ')}), indexed in ${((performance.now() - started) / 1000).toFixed(0)} s` +
        ` (${JSON.stringify(summary).slice(0, 120)}…)`,
    );

    // A photo and its copies are one content (one reading of its text); another content holding both
    // words makes a pair ambiguous.
    const contentOf = new Map(
      all.map((truth) => [pathOf.get(truth.file)!, contentHashOf(db, pathOf.get(truth.file)!)]),
    );
    const sameContent = (a: string, b: string) => contentOf.has(a) && contentOf.get(a) === contentOf.get(b);
    const wordSets = all.map((truth) => ({
      content: contentOf.get(pathOf.get(truth.file)!)!,
      words: new Set(truth.words.map(trimWord)),
    }));
    const ambiguous = (file: string, text: string) => {
      const [a, b] = text.split(' ');
      const content = contentOf.get(pathOf.get(file)!);
      return wordSets.some((other) => other.content !== content && other.words.has(a!) && other.words.has(b!));
    };
    const draws = {
      identifying: (truth: Truth, random: () => number) => identifyingWords(truth, random, ambiguous),
      uniform: twoWords,
    } as const;
    // split → draw → queries; the figure is the identifying draw.
    const queriesOf = new Map<string, Map<keyof typeof draws, Query[]>>();
    for (const split of splits) {
      const byDraw = new Map<keyof typeof draws, Query[]>();
      for (const [draw, pick] of Object.entries(draws) as Array<[keyof typeof draws, typeof twoWords]>) {
        const random = mulberry32(SEED);
        const queries: Query[] = [];
        let skipped = 0;
        for (const truth of readSplit(`${split}.jsonl`)) {
          const text = pick(truth, random);
          if (text === undefined) skipped++;
          else
            queries.push({
              photo: pathOf.get(truth.file)!,
              kind: truth.kind,
              text,
              ambiguous: ambiguous(truth.file, text),
            });
        }
        byDraw.set(draw, queries);
        console.log(
          `${split} split, ${draw} pairs: ${queries.length} queries (seed ${SEED}; ${skipped} photos with fewer than two words of ≥ ${MIN_CHARS} characters left out;` +
            ` ${queries.filter((q) => q.ambiguous).length} ambiguous)` +
            `, e.g. ${queries
              .slice(0, 3)
              .map((q) => `"${q.text}"`)
              .join(', ')}`,
        );
      }
      queriesOf.set(split, byDraw);
    }

    const imageOnly = new Map<string, Map<Kind, Tally>>();
    for (const [split, byDraw] of queriesOf)
      for (const [draw, queries] of byDraw)
        imageOnly.set(`${split} ${draw}`, await rankOnes(engine, queries, sameContent, false));
    if (!groundTruth) {
      await engine.close();
      if (whileIndexing) {
        db.close();
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${indexPath(home)}${suffix}`, { force: true });
      }
      engine = Engine.open({ home, model: 'synthetic-tiny', readText: true });
      if (whileIndexing) engine.addFolders([textFolder, ...DISTRACTORS.map((name) => join(SHARED, name))]);
      const reading = performance.now();
      const read = await engine.index();
      if (whileIndexing) db = new Database(indexPath(home));
      console.log(
        `the reader read the library's text in ${((performance.now() - reading) / 1000).toFixed(0)} s (${JSON.stringify(read.text)})`,
      );
    } else {
      // One text per content: a receipt image labelled twice holds the lines of both labels.
      const linesOf = new Map<string, string[]>();
      for (const truth of all) {
        const content = contentOf.get(pathOf.get(truth.file)!)!;
        const lines = linesOf.get(content) ?? [];
        for (const line of truth.lines ?? [truth.words.join(' ')]) if (!lines.includes(line)) lines.push(line);
        linesOf.set(content, lines);
      }
      for (const [content, lines] of linesOf) putPhotoText(db, content, textOfLines(lines));
    }
    const read = (db.prepare("SELECT count(*) AS n FROM photo_text WHERE status = 'read'").get() as { n: number }).n;
    const readers = db.prepare('SELECT reader, status, count(*) AS n FROM photo_text GROUP BY reader, status').all();
    console.log(
      `photo_text: ${read} photos read ${JSON.stringify(readers)}${groundTruth ? ': GROUND TRUTH, an upper bound' : ''}`,
    );
    if (!groundTruth) printIndexedRecall(db, queriesOf.keys(), (truth) => contentOf.get(pathOf.get(truth.file)!)!);
    if (read === 0) {
      console.log(
        'No text was read in any photo: this figure needs the reader (issue 23, ocr-read) merged, or --ground-truth.',
      );
      process.exitCode = 1;
      return;
    }
    for (const [split, byDraw] of queriesOf)
      for (const [draw, queries] of byDraw) {
        if (showMisses) console.log(`\n${split} split, ${draw} pairs:`);
        const timer = performance.now();
        const withText = await rankOnes(engine, queries, sameContent, showMisses);
        const perQuery = (performance.now() - timer) / queries.length;
        console.log('');
        console.log(
          `rank 1 of the photo the two words come from (${split} split, ${draw} pairs${draw === 'identifying' ? ': the figure' : ': beside it'}` +
            `${groundTruth ? ', text = ground truth: UPPER BOUND' : ''})`,
        );
        console.log('kind       queries   ours     image only   target        | not ambiguous: queries  ours');
        for (const kind of ['receipt', 'scene'] as const) {
          const ours = withText.get(kind)!;
          const base = imageOnly.get(`${split} ${draw}`)?.get(kind);
          console.log(
            `${kind.padEnd(10)} ${String(ours.total).padStart(7)}   ${(100 * percent(ours)).toFixed(1).padStart(5)} %  ` +
              `${base ? `${(100 * percent(base)).toFixed(1).padStart(7)} %` : '      n/a'}   ≥ ${100 * TARGETS[kind]} %  ` +
              `${(percent(ours) >= TARGETS[kind] ? 'met' : 'NOT met').padEnd(7)} | ${String(ours.clear).padStart(22)}  ` +
              `${(100 * percent({ hits: ours.clearHits, total: ours.clear })).toFixed(1).padStart(5)} %`,
          );
        }
        console.log(`search: ${perQuery.toFixed(1)} ms per query over ${library} photos`);
      }
    db.close();
    await engine.close();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
