/**
 * Editing the query text from the UI (clicking a feature in "why these results"), read with the
 * engine's own lexer (app/contract/query-language.ts), so the UI and the engine agree on what a part is:
 * plain words, `+term`, `-term`, `2:term`, `"a phrase"`, and both prefixes together (`-2:"red car"`).
 */
import { lexQuery } from '../../../app/contract/query-language.ts';

/** A term as the query syntax spells it: multi-word terms in quotes, quotes inside dropped. */
export function spellTerm(term: string): string {
  const clean = term.replace(/"/g, '').trim();
  return /\s/.test(clean) ? `"${clean}"` : clean;
}

const sameTerm = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Adds `term` to `query` as `+term` or `-term`, replacing any part that already names it (so clicking
 * "−sand" after "+sand" flips it rather than leaving both).
 */
export function withTerm(query: string, term: string, sign: '+' | '-'): string {
  const name = term.replace(/"/g, '');
  if (name.trim() === '') return query.trim();
  // A `text:` part is named with its prefix (the explanation offers words in photos as `text:walmart`).
  const kept = lexQuery(query).filter((part) => !sameTerm(part.inText ? `text:${part.text}` : part.text, name));
  return [...kept.map((part) => part.source), `${sign}${spellTerm(term)}`].join(' ');
}
