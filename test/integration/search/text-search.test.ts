import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../../app/contract/types.ts';
import { fetchModel } from '../../../app/models/fetch-model.ts';
import { indexPath, modelsDir } from '../../../app/paths.ts';
import { NEAR_SHARE, PREFIX_SHARE } from '../../../app/search/text-bits.ts';
import { Engine } from '../../../app/service/engine.ts';
import type { LabelRow } from '../../../models/synthetic/labels.ts';
import { writePhotoSet } from '../../../models/synthetic/photos.ts';
import { contentHashOf, putPhotoText, textOfLines } from '../../helpers/photo-text-rows.ts';

// Words in photos, the search side (issue 23). No text reader runs here: photo_text is filled directly
// with known text, the independent truth the ranking is checked against: the ground-truth words of real
// receipts and street scenes (../shared/photos/text-in-photos, ICDAR 2015 and SROIE) and hand-written
// lines on synthetic photos. The image side is the synthetic model, whose descriptions (colours and
// places) name nothing written, so "ranks exactly as without text" can be checked on every one of them.
const TEXT_SET = '/work/shared/photos/text-in-photos';
const SYNTHETIC = 40;
const REAL = 12;

interface Truth {
  file: string;
  kind: 'receipt' | 'scene';
  words: string[];
  lines?: string[];
}

let root: string;
let engine: Engine;
let db: Database.Database;
let synthetic: LabelRow[];
const truth = new Map<string, Truth>(); // path → its ground truth
const handWritten = new Map<string, string[]>(); // path → lines
const hashOf = new Map<string, string>();
let total = 0;

const photo = (name: string) => join(root, 'photos', name);
const top = (response: SearchResponse) => response.results[0]?.path;
/** Every text the index holds, as plain tokens (the test's own reading of the truth). */
const allTexts = (): Map<string, string[]> => {
  const texts = new Map<string, string[]>();
  for (const [path, t] of truth) texts.set(path, t.lines ? t.lines.join(' ').split(/\s+/) : t.words);
  for (const [path, lines] of handWritten) texts.set(path, lines.join(' ').split(/\s+/));
  return texts;
};
/** A token as compared: lower case, Latin accents removed. */
const folded = (token: string) =>
  token
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
const escaped = (word: string) => word.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Where a word may begin or end: not beside a letter or digit, or where letters meet digits ("RM14.10"). */
const EDGE = '(?:(?<![a-z0-9])|(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z]))';
const END = '(?:(?![a-z0-9])|(?<=[a-z])(?=[0-9])|(?<=[0-9])(?=[a-z]))';
/** Photos holding a token in which `word` starts at the token's start or after punctuation ("$12.50"). */
const photosStartingWith = (word: string) => {
  const starts = new RegExp(`${EDGE}${escaped(word)}`);
  return [...allTexts()].filter(([, tokens]) => tokens.some((token) => starts.test(folded(token)))).length;
};
/** Photos holding `word` whole: so starting, and ending at the token's end or before punctuation. */
const photosWithWhole = (word: string) => {
  const whole = new RegExp(`${EDGE}${escaped(word)}${END}`);
  return [...allTexts()].filter(([, tokens]) => tokens.some((token) => whole.test(folded(token)))).length;
};
/** Levenshtein distance by code point, the textbook dynamic programme (the test's own, not the app's). */
const editDistance = (a: string, b: string): number => {
  const x = [...a];
  const y = [...b];
  let row = y.map((_, j) => j + 1);
  row.unshift(0);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++)
      next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[y.length]!;
};
/**
 * Photos where `word` starts no word but a word of the text (edge punctuation trimmed) is one edit from
 * it: a misreading, for words of five characters with a letter, or six without (app/search/text-match.ts).
 */
const photosOnlyNear = (typed: string) => {
  const word = folded(typed);
  if ([...word].length < (/\p{L}/u.test(word) ? 5 : 6)) return 0;
  const starts = new RegExp(`${EDGE}${escaped(word)}`);
  return [...allTexts()].filter(
    ([, tokens]) =>
      !tokens.some((token) => starts.test(folded(token))) &&
      tokens.some((token) => editDistance(folded(token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')), word) === 1),
  ).length;
};
/**
 * A word's bits in a photo holding it whole, only as the start of a longer word, or one edit away: the
 * share of the library's photos holding it, where a photo where it only starts a word counts
 * PREFIX_SHARE and one holding it one edit away NEAR_SHARE (app/search/text-bits.ts), never below 0.
 */
const expectedBits = (word: string, how: 'whole' | 'start' | 'near') => {
  const w = photosWithWhole(word);
  const share = (w + PREFIX_SHARE * (photosStartingWith(word) - w) + NEAR_SHARE * photosOnlyNear(word)) / total;
  return Math.max(0, Math.log2({ whole: 1, start: PREFIX_SHARE, near: NEAR_SHARE }[how] / share));
};

function fill(path: string, lines: string[]): void {
  putPhotoText(db, hashOf.get(path)!, textOfLines(lines));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'eidos-text-search-'));
  const home = join(root, 'home');
  await fetchModel('synthetic-tiny', {}, { modelsDir: modelsDir(home) });
  synthetic = await writePhotoSet(join(root, 'photos'), { count: SYNTHETIC, width: 320, height: 240, seed: 11 });
  mkdirSync(join(root, 'photos', 'real'));
  const rows = readFileSync(join(TEXT_SET, 'dev.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Truth);
  const chosen = [
    ...rows.filter((r) => r.kind === 'receipt').slice(0, REAL / 2),
    ...rows.filter((r) => r.kind === 'scene' && r.words.length >= 3).slice(0, REAL / 2),
  ];
  for (const row of chosen) {
    const to = photo(join('real', basename(row.file)));
    copyFileSync(join(TEXT_SET, row.file), to);
    truth.set(to, row);
  }
  engine = Engine.open({ home, model: 'synthetic-tiny' });
  engine.addFolders([join(root, 'photos')]);
  await engine.index();
  db = new Database(indexPath(home));
  for (const path of [...truth.keys(), ...synthetic.map((r) => photo(r.relative_path))])
    hashOf.set(path, contentHashOf(db, path));
  total = hashOf.size;
}, 240_000);

afterAll(async () => {
  db?.close();
  await engine?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('words in photos, ranked in bits', () => {
  let before: SearchResponse[] = [];
  const queries = () => synthetic.map((r) => r.description);

  it('before any text is read, records the image ranking of every synthetic description', async () => {
    before = [];
    for (const query of queries()) before.push(await engine.search({ query, top: 20 }));
    expect(before).toHaveLength(SYNTHETIC);
  });

  it('with text in photos, a query whose words are in no photo ranks exactly as without text', async () => {
    for (const [path, t] of truth) fill(path, t.lines ?? [t.words.join(' ')]);
    handWritten.set(photo(synthetic[0]!.relative_path), ['WALMART SUPERCENTER', 'TOTAL $12.50']);
    handWritten.set(photo(synthetic[1]!.relative_path), ['Café Crème', 'LOCATION 4']);
    handWritten.set(photo(synthetic[2]!.relative_path), ['walmart parking']);
    for (const [path, lines] of handWritten) fill(path, lines);
    let compared = 0;
    for (const [k, query] of queries().entries()) {
      const words = query.split(/[\s,]+/).filter((w) => w.length >= 3);
      // This description names some text, as it stands or one edit away.
      if (words.some((w) => photosStartingWith(w) > 0 || photosOnlyNear(w) > 0)) continue;
      const after = await engine.search({ query, top: 20 });
      const strip = (r: SearchResponse) => ({ ...r, elapsedMs: 0 });
      expect(strip(after)).toEqual(strip(before[k]!));
      expect(after.results.every((r) => r.matchedWords === undefined)).toBe(true);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(SYNTHETIC / 2);
  });

  it("two words from one photo's ground truth find that photo first, each worth −log2(share of photos holding it)", async () => {
    let checked = 0;
    for (const [path, t] of truth) {
      const words = [...new Set(t.words.map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')))].filter(
        (w) => /^[A-Za-z]{4,}$/.test(w) && !['THANK', 'TOTAL', 'THIS', 'WITH', 'FROM'].includes(w.toUpperCase()),
      );
      if (words.length < 2) continue;
      const [a, b] = [words[0]!, words[words.length - 1]!];
      const response = await engine.search({ query: `${a.toLowerCase()} ${b.toLowerCase()}`, top: 5 });
      expect(top(response), `${a} ${b}`).toBe(path);
      const matched = response.results[0]!.matchedWords!;
      for (const word of [a, b]) {
        // The ground truth's own word, whole: worth −log2 of the (prefix-weighted) share of photos holding it.
        const entry = matched.find((m) => folded(m.text) === word.toLowerCase());
        expect(entry, word).toBeDefined();
        expect(entry!.bits, word).toBeCloseTo(expectedBits(word, 'whole'), 5);
        if (photosStartingWith(word) === photosWithWhole(word) && photosOnlyNear(word) === 0)
          expect(entry!.bits).toBeCloseTo(Math.log2(total / photosWithWhole(word)), 5);
      }
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it('matches by word start, case- and accent-insensitively, numbers included', async () => {
    const walmart = photo(synthetic[0]!.relative_path);
    const cafe = photo(synthetic[1]!.relative_path);
    const walm = await engine.search({ query: 'walm', top: 3 });
    expect(
      walm.results
        .slice(0, 2)
        .map((r) => r.path)
        .sort(),
    ).toEqual([walmart, photo(synthetic[2]!.relative_path)].sort());
    expect(walm.results[0]!.matchedWords!.map((m) => m.text)).toContain(
      walm.results[0]!.path === walmart ? 'WALMART' : 'walmart',
    );
    expect(walm.results[0]!.matchedWords![0]!.bits).toBeCloseTo(Math.log2(total / 2), 5);
    const total1250 = await engine.search({ query: '12.50', top: 1 });
    expect(top(total1250)).toBe(walmart);
    // As read, without the punctuation around it ($12.50 → 12.50), so the card can highlight it.
    expect(total1250.results[0]!.matchedWords).toEqual([{ text: '12.50', bits: expect.closeTo(Math.log2(total), 5) }]);
    expect(top(await engine.search({ query: 'CAFE creme', top: 1 }))).toBe(cafe);
    expect(top(await engine.search({ query: 'café', top: 1 }))).toBe(cafe);
    // "cat" is inside LOCATION but starts no word there: a description does not pick it up.
    const cat = await engine.search({ query: 'cat', top: 20 });
    expect(cat.results.some((r) => r.matchedWords !== undefined)).toBe(false);
  });

  it('text:"…" requires the words anywhere in the text (substring); -text: removes the photos holding them', async () => {
    const walmart = photo(synthetic[0]!.relative_path);
    const required = await engine.search({ query: 'text:mart', top: 50 });
    expect(required.results.map((r) => r.path).sort()).toEqual([walmart, photo(synthetic[2]!.relative_path)].sort());
    // A text-only query's information: one of 2 photos among `total`.
    expect(required.queryBits).toBeCloseTo(Math.log2(total / 2), 5);
    const phrase = await engine.search({ query: 'text:"walmart super"', top: 50 });
    expect(phrase.results.map((r) => r.path)).toEqual([walmart]);
    expect(phrase.results[0]!.matchedWords).toEqual([
      { text: 'walmart super', bits: expect.closeTo(Math.log2(total), 5) },
    ]);
    const described = synthetic[0]!.description;
    const kept = await engine.search({ query: `${described} text:supercenter`, top: 50 });
    expect(kept.results.map((r) => r.path)).toEqual([walmart]);
    const removed = await engine.search({ query: `${described} -text:walmart`, top: 50 }, { all: true });
    expect(removed.results.map((r) => r.path)).not.toContain(walmart);
    expect(removed.results.length).toBe(total - 2);
    expect((await engine.search({ query: 'text:zzqx', top: 5 })).results).toEqual([]);
  });

  it('"why these results" lists the words found in the photos beside the concepts, with their bits', async () => {
    const explained = await engine.explain({ query: 'walm', features: 'concepts', k: 5 });
    expect(explained.words).toEqual([
      { name: 'text:walm', word: 'walm', bits: expect.closeTo(Math.log2(total / 2), 5), inTop: 2 },
    ]);
    // A query naming no text explains exactly as before: no words, no text feature among the candidates.
    const plain = await engine.explain({ query: synthetic[5]!.description, features: 'concepts', k: 5 });
    expect(plain.words).toBeUndefined();
    expect(plain.features.every((f) => f.kind === 'concept')).toBe(true);
  });

  it('keeps the FTS index in step with photo_text: replaced, updated and deleted text', async () => {
    const path = photo(synthetic[3]!.relative_path);
    const hash = hashOf.get(path)!;
    fill(path, ['OLDSHOP']);
    expect(top(await engine.search({ query: 'text:oldshop', top: 5 }))).toBe(path);
    fill(path, ['NEWSHOP']); // INSERT OR REPLACE, as a reader re-reading with a newer version does
    expect((await engine.search({ query: 'text:oldshop', top: 5 })).results).toEqual([]);
    expect(top(await engine.search({ query: 'text:newshop', top: 5 }))).toBe(path);
    db.prepare("UPDATE photo_text SET full_text = 'THIRDSHOP' WHERE content_hash = ?").run(hash);
    expect((await engine.search({ query: 'text:newshop', top: 5 })).results).toEqual([]);
    expect(top(await engine.search({ query: 'text:thirdshop', top: 5 }))).toBe(path);
    // An upsert, the other way a writer may replace a row.
    db.prepare(
      `INSERT INTO photo_text (content_hash, reader, status, reason, full_text, lines, width, height, read_at)
       VALUES (?, 'r/2', 'read', NULL, 'FOURTHSHOP', '[]', 1, 1, '')
       ON CONFLICT (content_hash) DO UPDATE SET full_text = excluded.full_text, reader = excluded.reader`,
    ).run(hash);
    expect((await engine.search({ query: 'text:thirdshop', top: 5 })).results).toEqual([]);
    expect(top(await engine.search({ query: 'text:fourthshop', top: 5 }))).toBe(path);
    db.prepare('DELETE FROM photo_text WHERE content_hash = ?').run(hash);
    expect((await engine.search({ query: 'text:fourthshop', top: 5 })).results).toEqual([]);
    expect((await engine.search({ query: 'text:thirdshop', top: 5 })).results).toEqual([]);
    // A failed read holds no text and is never found.
    db.prepare(
      "INSERT INTO photo_text (content_hash, reader, status, reason, full_text, lines, width, height, read_at) VALUES (?, 'r/1', 'failed', 'too small', '', '[]', 0, 0, '')",
    ).run(hash);
    db.exec("INSERT INTO photo_text_fts (photo_text_fts) VALUES ('integrity-check')");
    const ftsRows = (db.prepare('SELECT count(*) AS n FROM photo_text_fts').get() as { n: number }).n;
    const textRows = (db.prepare('SELECT count(*) AS n FROM photo_text').get() as { n: number }).n;
    expect(ftsRows).toBe(textRows);
  });

  it('a whole word outranks a word it only starts, and a photo holding every word outranks one holding one of them often', async () => {
    const zebu = photo(synthetic[6]!.relative_path);
    const zebulon = photo(synthetic[7]!.relative_path);
    const often = photo(synthetic[8]!.relative_path);
    handWritten.set(zebu, ['ZEBU GROCER', 'QUOKKA LANE']);
    handWritten.set(zebulon, ['ZEBULON ZEBULON ZEBULON', 'FREE ZEBUS']);
    handWritten.set(often, ['QUOKKA QUOKKA QUOKKA', 'QUOKKA']);
    // The image's ranking of "quokka" while no photo's text holds it: the order equal words leave alone.
    const quokkaImageOnly = (await engine.search({ query: 'quokka', top: total }, { all: true })).results;
    expect(quokkaImageOnly.every((r) => r.matchedWords === undefined)).toBe(true);
    for (const path of [zebu, zebulon, often]) fill(path, handWritten.get(path)!);
    // "zebu": whole on one photo, the start of ZEBULON and ZEBUS on another.
    const byZebu = await engine.search({ query: 'zebu', top: 50 });
    expect(top(byZebu)).toBe(zebu);
    const zebuBits = byZebu.results[0]!.matchedWords!.find((m) => m.text === 'ZEBU')!.bits;
    expect(zebuBits).toBeCloseTo(expectedBits('zebu', 'whole'), 5);
    const startResult = byZebu.results.find((r) => r.path === zebulon)!;
    expect(startResult.matchedWords!.map((m) => m.text)).toEqual(['ZEBULON', 'ZEBUS']);
    expect(startResult.matchedWords![0]!.bits).toBeCloseTo(expectedBits('zebu', 'start'), 5);
    expect(zebuBits - startResult.matchedWords![0]!.bits).toBeCloseTo(Math.log2(1 / PREFIX_SHARE), 5);
    // "quokka grocer": the photo holding both words first, ahead of the one that says QUOKKA four times.
    const both = await engine.search({ query: 'quokka grocer', top: 2 });
    expect(both.results.map((r) => r.path)).toEqual([zebu, often]);
    expect(both.results[1]!.matchedWords).toEqual([{ text: 'QUOKKA', bits: expect.closeTo(Math.log2(total / 2), 5) }]);
    // Two photos holding the same words gain the same bits; the image then decides, as without text.
    const tie = await engine.search({ query: 'quokka', top: 2 }, { all: true });
    expect(tie.results.map((r) => r.path).sort()).toEqual([zebu, often].sort());
    const order = (paths: string[]) => paths.filter((p) => p === zebu || p === often);
    expect(order(tie.results.map((r) => r.path))).toEqual(order(quokkaImageOnly.map((r) => r.path)));
    expect(tie.results[0]!.bits - tie.results[1]!.bits).toBeCloseTo(
      quokkaImageOnly.find((r) => r.path === tie.results[0]!.path)!.bits -
        quokkaImageOnly.find((r) => r.path === tie.results[1]!.path)!.bits,
      4,
    );
  });

  it('a date typed from a photo’s text finds that photo when no photo was taken then', async () => {
    const receipt = photo(synthetic[9]!.relative_path);
    handWritten.set(receipt, ['INVOICE 31-01-09', 'TOTAL RM 14.10']);
    fill(receipt, handWritten.get(receipt)!);
    const found = await engine.search({ query: '31-01-09 invoice', top: 3 });
    expect(top(found)).toBe(receipt);
    expect(found.results[0]!.matchedWords!.map((m) => m.text)).toEqual(['31-01-09', 'INVOICE']);
    // A date no photo's text holds is still a date filter, and says what emptied the answer.
    const dated = await engine.search({ query: '30-01-09 invoice', top: 3 });
    expect(dated.results).toEqual([]);
    expect(dated.message).toContain('30-01-09');
  });

  it('a word the reader misread by one character still finds its photo, weaker than the word itself, and says so', async () => {
    const misread = photo(synthetic[10]!.relative_path);
    const right = photo(synthetic[11]!.relative_path);
    const prices = photo(synthetic[12]!.relative_path);
    handWritten.set(misread, ['MARZlPAN GROCERS', 'REF 17730415']); // an l read for the i; a 1 added in front
    handWritten.set(right, ['MARZIPAN TEA ROOM']);
    handWritten.set(prices, ['TOTAL 38.20', 'CASH 38.50']);
    for (const path of [misread, right, prices]) fill(path, handWritten.get(path)!);
    // "marzipan": whole on one photo, one edit away on the other: both found, the misreading 3 bits lower.
    // (all: the word's bits decide here, whatever the synthetic image side makes of the word.)
    const byName = await engine.search({ query: 'marzipan', top: 2 }, { all: true });
    expect(byName.results.map((r) => r.path)).toEqual([right, misread]);
    expect(byName.results[0]!.matchedWords).toEqual([
      { text: 'MARZIPAN', bits: expect.closeTo(expectedBits('marzipan', 'whole'), 5) },
    ]);
    expect(byName.results[1]!.matchedWords).toEqual([
      { text: 'MARZlPAN', bits: expect.closeTo(expectedBits('marzipan', 'near'), 5), near: 'marzipan' },
    ]);
    expect(expectedBits('marzipan', 'whole') - expectedBits('marzipan', 'near')).toBeCloseTo(
      Math.log2(1 / NEAR_SHARE),
      5,
    );
    // With the other word of that photo, the misread photo first.
    expect(top(await engine.search({ query: 'marzipan grocers', top: 1 }))).toBe(misread);
    // A number standing in no photo, read with a digit added in one: found there, worth −log2(1/N).
    const byNumber = await engine.search({ query: '7730415', top: 1 });
    expect(top(byNumber)).toBe(misread);
    expect(byNumber.results[0]!.matchedWords).toEqual([
      { text: '17730415', bits: expect.closeTo(Math.log2(total / photosOnlyNear('7730415')), 5), near: '7730415' },
    ]);
    expect(photosOnlyNear('7730415')).toBe(1);
    // Typing a start still finds it by substring, as before; a five-character price one digit off does not.
    expect((await engine.search({ query: 'marz', top: 2 })).results.map((r) => r.path).sort()).toEqual(
      [misread, right].sort(),
    );
    const price = await engine.search({ query: '38.40', top: 20 });
    expect(price.results.some((r) => r.matchedWords !== undefined)).toBe(false);
  });
});
