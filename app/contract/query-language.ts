/**
 * The query language: a query is a list of terms, each scored on its own and combined by PMI
 * (docs/architecture.md "Scores"):
 *
 *   kids on a beach      plain words; consecutive plain words form ONE term, because a description is
 *                        one query for CLIP ("red car" is not "red" + "car")
 *   "red car"            a quoted phrase, one term (unclosed quotes run to the end of the query)
 *   +dog                 must be associated: the photo's PMI with it must be > 0
 *   -people              removes photos associated with it, and subtracts its PMI
 *   2:beach  0.5:sky     weights (a positive number and a colon); combine with a sign: +2:beach, -0.5:"red car"
 *   text:walmart         words written in the photo (read by its text reader), required; by substring,
 *   text:"total 12.50"   case and accents ignored; -text:draft removes photos whose text has them
 *
 * A sign or weight applies to one word or one quoted phrase. `10:30` is a plain word (a weight must be
 * followed by a non-digit), so times and ratios stay searchable. An image term (a photo as the query)
 * does not come from the text: the caller adds it with `imageTerm`.
 */
import { EidosError } from './errors.ts';

export type TermRole = 'plain' | 'must' | 'not';

export type QueryTerm =
  | {
      kind: 'text';
      role: TermRole;
      weight: number;
      text: string;
      /** As written, e.g. `-2:"red car"`. */ source: string;
    }
  | {
      /** `text:…`: words that must (or, with `-`, must not) be written in the photo; never encoded. */
      kind: 'words';
      role: TermRole;
      weight: number;
      text: string;
      source: string;
    }
  | {
      kind: 'image';
      role: TermRole;
      weight: number;
      /** A photo id (API) or a file path (CLI `--like`). */ ref: { photoId: string } | { file: string };
      source: string;
    };

/** Largest weight: enough to dominate any other term, small enough that a typo is not a silent 1e9. */
export const MAX_WEIGHT = 100;

const WEIGHT = /^(\d+(?:\.\d+)?|\.\d+):(?=[^\d\s])/;
/** `text:` before a word or a quoted phrase: words written in the photo. */
const IN_TEXT = /^text:(?=[^\s])/i;
/** The shortest `text:` term: the index finds text by its three-character pieces (trigrams). */
const MIN_TEXT_CHARS = 3;
/** Letters, digits in any script, and emoji (CLIP's vocabulary has them: 🐶 finds dogs). */
const meaningful = /[\p{L}\p{N}\p{Extended_Pictographic}]/u;
/** Control characters (NUL, ESC, BEL…): pasted noise, never part of a description. */
const CONTROL = /\p{Cc}/gu;
/** Longest stretch of a query quoted back in a message. */
const QUOTED_MAX = 80;

/**
 * The query as messages quote it: control and bidirectional-override characters shown as spaces
 * (an ESC sequence must not reach a terminal, a U+202E must not reverse the text around it), and cut
 * to 80 characters.
 */
export function quoteQuery(query: string): string {
  const shown = query.replace(CONTROL, ' ').replace(/[\u202a-\u202e\u2066-\u2069]/g, ' ');
  return shown.length > QUOTED_MAX ? `${shown.slice(0, QUOTED_MAX - 1)}…` : shown;
}

function fail(query: string, reason: string): never {
  throw new EidosError('BAD_ARGUMENT', `Cannot read the query '${quoteQuery(query)}': ${reason}`);
}

/** One written part of a query: a plain word, or a quoted phrase or word with its sign and weight. */
export interface QueryPart {
  role: TermRole;
  weight: number;
  /** The words, without prefix or quotes (blanks folded inside quotes). */
  text: string;
  /** As written, e.g. `-2:"red car"`. */
  source: string;
  /** A sign, a weight or quotes make a part a term of its own; bare words join their neighbours. */
  standsAlone: boolean;
  /** Written `text:…`: words in the photo, not a description of it. */
  inText: boolean;
}

/**
 * Splits a query into its written parts, never failing: the engine's parser and the UI's query edits
 * (app `renderer/src/lib/query-edit.ts`) read the language through this one lexer. Control characters
 * count as spaces.
 */
export function lexQuery(rawQuery: string): QueryPart[] {
  const query = rawQuery.replace(CONTROL, ' ');
  const parts: QueryPart[] = [];
  let at = 0;
  const rest = () => query.slice(at);
  while (at < query.length) {
    const space = /^\s+/.exec(rest());
    if (space) {
      at += space[0].length;
      continue;
    }
    const start = at;
    let role: TermRole = 'plain';
    let weight = 1;
    let standsAlone = false;
    let inText = false;
    if (query[at] === '+' || query[at] === '-') {
      role = query[at] === '+' ? 'must' : 'not';
      standsAlone = true;
      at++;
    }
    const weightMatch = WEIGHT.exec(rest());
    if (weightMatch) {
      weight = Number(weightMatch[1]);
      standsAlone = true;
      at += weightMatch[0].length;
    }
    const inTextMatch = IN_TEXT.exec(rest());
    if (inTextMatch) {
      inText = true;
      standsAlone = true;
      at += inTextMatch[0].length;
    }
    let text: string;
    if (query[at] === '"') {
      standsAlone = true;
      const close = query.indexOf('"', at + 1);
      const end = close < 0 ? query.length : close;
      text = query
        .slice(at + 1, end)
        .trim()
        .replace(/\s+/g, ' ');
      at = close < 0 ? query.length : close + 1;
    } else {
      text = /^[^\s"]*/.exec(rest())![0];
      at += text.length;
    }
    parts.push({ role, weight, text, source: query.slice(start, at), standsAlone, inText });
  }
  return parts;
}

/**
 * Reads a query into terms: consecutive bare words form one term, every other part is a term of its
 * own. Throws BAD_ARGUMENT naming the problem (an empty term, a weight out of range, no words at all).
 */
export function parseQuery(rawQuery: string): QueryTerm[] {
  const query = rawQuery.replace(CONTROL, ' ');
  const terms: QueryTerm[] = [];
  let plain: string[] = [];
  const flushPlain = () => {
    if (plain.length === 0) return;
    const text = plain.join(' ');
    terms.push({ kind: 'text', role: 'plain', weight: 1, text, source: text });
    plain = [];
  };
  for (const part of lexQuery(query)) {
    const { role, weight, text, source } = part;
    if (weight !== 1 && !(weight > 0 && weight <= MAX_WEIGHT)) {
      fail(
        query,
        `the weight ${WEIGHT.exec(source.replace(/^[+-]/, ''))?.[1] ?? weight} must be above 0 and at most ${MAX_WEIGHT}.`,
      );
    }
    if (text === '') {
      const shown = quoteQuery(source);
      const prefixed = /^[+-]/.test(source) || WEIGHT.test(source);
      fail(
        query,
        prefixed
          ? `'${shown}' has nothing after it; write e.g. '${shown}beach'.`
          : 'an empty quoted phrase ""; put words between the quotes or remove them.',
      );
    }
    if (!part.standsAlone) {
      plain.push(text);
      continue;
    }
    flushPlain();
    if (part.inText && [...text].length < MIN_TEXT_CHARS) {
      fail(
        query,
        `'${quoteQuery(source)}' is shorter than ${MIN_TEXT_CHARS} characters; words in photos are found by three-character pieces, so write at least three, e.g. 'text:walmart'.`,
      );
    }
    terms.push({ kind: part.inText ? 'words' : 'text', role, weight, text, source });
  }
  flushPlain();

  if (terms.length === 0) fail(query, 'it is empty; describe the photos you want, e.g. "kids on a beach at sunset".');
  for (const term of terms) {
    if (term.kind !== 'image' && !meaningful.test(term.text)) {
      fail(
        query,
        `'${quoteQuery(term.source)}' has no letters, digits or emoji; describe the photos with words, e.g. "receipt" or "-people snow mountain".`,
      );
    }
  }
  return terms;
}

/** The image-as-query term (`like`), always a plain, weight-1 term. */
export function imageTerm(ref: { photoId: string } | { file: string }): QueryTerm {
  const source = 'photoId' in ref ? `like:${ref.photoId}` : `like:${ref.file}`;
  return { kind: 'image', role: 'plain', weight: 1, ref, source };
}

/** The sign a term's PMI enters the score with. */
export const termSign = (term: QueryTerm): 1 | -1 => (term.role === 'not' ? -1 : 1);
