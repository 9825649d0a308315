/**
 * The query language: a query is a list of terms, each scored on its own and combined by PMI
 * (docs/design.md "Scores"):
 *
 *   kids on a beach      plain words; consecutive plain words form ONE term, because a description is
 *                        one query for CLIP ("red car" is not "red" + "car")
 *   "red car"            a quoted phrase, one term (unclosed quotes run to the end of the query)
 *   +dog                 must be associated: the photo's PMI with it must be > 0
 *   -people              removes photos associated with it, and subtracts its PMI
 *   2:beach  0.5:sky     weights (a positive number and a colon); combine with a sign: +2:beach, -0.5:"red car"
 *
 * A sign or weight applies to one word or one quoted phrase. `10:30` is a plain word (a weight must be
 * followed by a non-digit), so times and ratios stay searchable. An image term (a photo as the query)
 * does not come from the text: the caller adds it with `imageTerm`.
 */
import { EidosError } from '../errors.ts';

export type TermRole = 'plain' | 'must' | 'not';

export type QueryTerm =
  | { kind: 'text'; role: TermRole; weight: number; text: string; /** As written, e.g. `-2:"red car"`. */ source: string }
  | { kind: 'image'; role: TermRole; weight: number; /** A photo id (API) or a file path (CLI `--like`). */ ref: { photoId: string } | { file: string }; source: string };

/** Largest weight: enough to dominate any other term, small enough that a typo is not a silent 1e9. */
export const MAX_WEIGHT = 100;

const WEIGHT = /^(\d+(?:\.\d+)?|\.\d+):(?=[^\d\s])/;
const meaningful = /[\p{L}\p{N}]/u;

function fail(query: string, reason: string): never {
  throw new EidosError('BAD_ARGUMENT', `Cannot read the query '${query}': ${reason}`);
}

/** Splits the query into words and quoted phrases, keeping each one's sign/weight prefix. */
export function parseQuery(query: string): QueryTerm[] {
  const terms: QueryTerm[] = [];
  let plain: string[] = [];
  const flushPlain = () => {
    if (plain.length === 0) return;
    const text = plain.join(' ');
    terms.push({ kind: 'text', role: 'plain', weight: 1, text, source: text });
    plain = [];
  };

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
    let prefixed = false;
    if (query[at] === '+' || query[at] === '-') {
      role = query[at] === '+' ? 'must' : 'not';
      prefixed = true;
      at++;
    }
    const weightMatch = WEIGHT.exec(rest());
    if (weightMatch) {
      weight = Number(weightMatch[1]);
      prefixed = true;
      at += weightMatch[0].length;
      if (!(weight > 0 && weight <= MAX_WEIGHT)) fail(query, `the weight ${weightMatch[1]} must be above 0 and at most ${MAX_WEIGHT}.`);
    }
    let text: string;
    let quoted = false;
    if (query[at] === '"') {
      quoted = true;
      const close = query.indexOf('"', at + 1);
      const end = close < 0 ? query.length : close;
      text = query.slice(at + 1, end).trim().replace(/\s+/g, ' ');
      at = close < 0 ? query.length : close + 1;
    } else {
      const word = /^[^\s"]*/.exec(rest())![0];
      text = word;
      at += word.length;
    }
    const source = query.slice(start, at);
    if (text === '') {
      fail(query, prefixed ? `'${source}' has nothing after it; write e.g. '${source}beach'.` : 'an empty quoted phrase ""; put words between the quotes or remove them.');
    }
    if (!prefixed && !quoted) {
      plain.push(text);
      continue;
    }
    flushPlain();
    terms.push({ kind: 'text', role, weight, text, source });
  }
  flushPlain();

  if (terms.length === 0) fail(query, 'it is empty; describe the photos you want, e.g. "kids on a beach at sunset".');
  for (const term of terms) {
    if (term.kind === 'text' && !meaningful.test(term.text)) {
      fail(query, `'${term.source}' has no letters or digits; describe the photos with words, e.g. "receipt" or "-people snow mountain".`);
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
