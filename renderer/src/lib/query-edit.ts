/**
 * Editing the query text from the UI (clicking a feature in "why these results"), in the engine's
 * query language (app/search/query.ts): plain words, `+term`, `-term`, `2:term`, `"a phrase"`, and
 * both prefixes together (`-2:"red car"`).
 */

/** A term as the query syntax spells it: multi-word terms in quotes, quotes inside dropped. */
export function spellTerm(term: string): string {
  const clean = term.replace(/"/g, '').trim();
  return /\s/.test(clean) ? `"${clean}"` : clean;
}

/** Splits a query into its written parts, keeping quoted phrases (with their prefix) whole. */
export function queryParts(query: string): string[] {
  return query.match(/[+-]?(?:\d*\.?\d+:)?"[^"]*"?|\S+/g) ?? [];
}

/** The bare term a part names: `-"red car"` → `red car`, `2:beach` → `beach`. */
export function partTerm(part: string): string {
  return part.replace(/^[+-]?(?:\d*\.?\d+:(?=\D))?/, '').replace(/"/g, '').trim().toLowerCase();
}

/**
 * Adds `term` to `query` as `+term` or `-term`, replacing any part that already names it (so clicking
 * "−sand" after "+sand" flips it rather than leaving both).
 */
export function withTerm(query: string, term: string, sign: '+' | '-'): string {
  const name = partTerm(term);
  if (name === '') return query.trim();
  const kept = queryParts(query).filter((part) => partTerm(part) !== name);
  return [...kept, `${sign}${spellTerm(term)}`].join(' ');
}
