/**
 * A query's words → the dates and places they name, and the words left for the image model. Only bare
 * words are read: a quoted phrase, a +term or a -term is a description as written ("\"paris\"" is the
 * look of the word). Dates first (read-when.ts), then places among the words left (read-where.ts).
 */
import { lexQuery } from '../../contract/query-language.ts';
import { readWhen, type WhenReading } from './read-when.ts';
import { FILLER, readWhere, type WhereReading } from './read-where.ts';

export interface QueryReading {
  when: WhenReading[];
  where: WhereReading[];
  /** The query without the words read (and "photos", "in", … left dangling); '' when nothing is left. */
  remainder: string;
}

/** Prepositions that only joined the words read to the rest: dropped with them ("beach in 2019"). */
const JOINERS = new Set(['in', 'from', 'during', 'on', 'at', 'taken', 'of', 'since']);

export function readQuery(query: string, now: Date): QueryReading {
  const parts = lexQuery(query);
  // Word k of `words` is part partOf[k]; only bare words are read.
  const words: string[] = [];
  const partOf: number[] = [];
  parts.forEach((part, p) => {
    if (part.standsAlone) return;
    words.push(part.source);
    partOf.push(p);
  });
  if (words.length === 0) return { when: [], where: [], remainder: query.trim() };
  const when = readWhen(words, now);
  const taken = new Set<number>();
  for (const r of when) for (let k = r.start; k < r.end; k++) taken.add(k);
  const where = readWhere(words, taken);
  for (const r of where) for (let k = r.start; k < r.end; k++) taken.add(k);
  if (when.length === 0 && where.length === 0) return { when, where, remainder: query.trim() };

  const low = words.map((w) => w.toLowerCase());
  for (const r of when) {
    if (r.start > 0 && JOINERS.has(low[r.start - 1]!) && !taken.has(r.start - 1)) {
      taken.add(r.start - 1);
      r.source = `${words[r.start - 1]} ${r.source}`;
      r.start--;
    }
  }
  const droppedParts = new Set([...taken].map((k) => partOf[k]!));
  let kept = parts.filter((_, p) => !droppedParts.has(p));
  // "photos", "pictures of", a trailing "in": nothing for the model when they are all that is left.
  const bare = kept.filter((part) => !part.standsAlone);
  if (
    bare.length > 0 &&
    bare.every((part) => FILLER.has(part.text.toLowerCase()) || JOINERS.has(part.text.toLowerCase()))
  )
    kept = kept.filter((part) => part.standsAlone);
  while (
    kept.length > 0 &&
    !kept[kept.length - 1]!.standsAlone &&
    JOINERS.has(kept[kept.length - 1]!.text.toLowerCase())
  )
    kept.pop();
  const remainder = kept
    .map((part) => part.source)
    .join(' ')
    .replace(/\s*,\s*$/, '')
    .trim();
  return { when, where, remainder };
}

/**
 * Reads phrases that need every reader (chrono-node's parsers, the place index), so what a first date or
 * place query would pay is paid while the app waits for its first query instead: loading chrono, then V8
 * compiling its patterns, which happens on their second use (V8 first interprets a regular expression and
 * compiles it to machine code once it runs again), a few hundred ms each. For a long-running process (the
 * app, `eidos serve`) only.
 */
export function warmQueryReading(): void {
  const now = new Date();
  for (const phrase of ['beach in Paris 2 weeks ago', 'dogs on 5 june 2021 in Rome', 'last tuesday of march 2022'])
    readQuery(phrase, now);
}
