/**
 * Editing the query from a chip of what was read (a date or place, app/search/when-where): removing a
 * chip takes its words out of the query; choosing another place of the same name puts the words that
 * name it in their stead ("near Paris" → "near Paris, Texas"). Words are matched as written.
 */

/** The query without the chip's words (and the blanks they leave). */
export function withoutReading(query: string, source: string): string {
  const at = query.indexOf(source);
  if (at < 0) return query;
  return `${query.slice(0, at)} ${query.slice(at + source.length)}`.replace(/\s+/g, ' ').trim();
}

/** The query with the chip's place words replaced by the words of another place (the preposition kept). */
export function withPlace(query: string, source: string, words: string): string {
  const at = query.indexOf(source);
  if (at < 0) return query;
  const preposition = /^(in|near|at|around|from|visiting|across)\s+/i.exec(source)?.[0] ?? '';
  return `${query.slice(0, at)}${preposition}${words}${query.slice(at + source.length)}`.trim();
}
