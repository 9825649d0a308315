import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../../app/contract/query-language.ts';
import { withTerm } from '../../../renderer/src/lib/query-edit.ts';

/** The engine's reading of a query (app/contract/query-language.ts) is the truth the UI's edits must agree with. */
const read = (query: string) =>
  parseQuery(query).map((term) =>
    term.kind === 'text' ? { role: term.role, text: term.text.toLowerCase() } : { role: term.role, text: '' },
  );

describe('withTerm', () => {
  it('adds +term and -term as the engine reads them', () => {
    expect(read(withTerm('beach', 'sand', '+'))).toEqual([
      { role: 'plain', text: 'beach' },
      { role: 'must', text: 'sand' },
    ]);
    expect(read(withTerm('beach', 'people', '-'))).toEqual([
      { role: 'plain', text: 'beach' },
      { role: 'not', text: 'people' },
    ]);
  });

  it('quotes a multi-word feature so the engine keeps it one term', () => {
    expect(read(withTerm('city', 'red car', '-'))).toEqual([
      { role: 'plain', text: 'city' },
      { role: 'not', text: 'red car' },
    ]);
  });

  it('replaces an earlier mention of the same term instead of adding a contradiction', () => {
    const once = withTerm('beach +sand', 'sand', '-');
    expect(read(once)).toEqual([
      { role: 'plain', text: 'beach' },
      { role: 'not', text: 'sand' },
    ]);
    const weighted = withTerm('-2:"Red Car" street', 'red car', '+');
    expect(read(weighted)).toEqual([
      { role: 'plain', text: 'street' },
      { role: 'must', text: 'red car' },
    ]);
  });

  it('leaves other terms, weights and phrases as written', () => {
    expect(withTerm('2:beach "blue sky" -people', 'sun', '+')).toBe('2:beach "blue sky" -people +sun');
  });

  it('does not take a time like 10:30 for a weight', () => {
    expect(withTerm('clock 10:30 +2:"a b"', 'x', '+')).toBe('clock 10:30 +2:"a b" +x');
    expect(read(withTerm('clock 10:30', '10:30', '-'))).toEqual([
      { role: 'plain', text: 'clock' },
      { role: 'not', text: '10:30' },
    ]);
  });

  it('edits a query the engine would still refuse (typed half-way) without failing', () => {
    expect(withTerm('beach - 0:x', 'sun', '+')).toBe('beach - 0:x +sun');
  });
});
