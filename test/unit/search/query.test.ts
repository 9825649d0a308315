import { describe, expect, it } from 'vitest';
import { isEidosError } from '../../../app/contract/errors.ts';
import { imageTerm, parseQuery, quoteQuery } from '../../../app/contract/query-language.ts';

const brief = (query: string) =>
  parseQuery(query).map((t) => (t.kind === 'text' ? [t.role, t.weight, t.text] : [t.role, t.weight, 'image']));

describe('parseQuery', () => {
  it('groups consecutive plain words into one phrase term', () => {
    expect(brief('kids on a  beach at sunset')).toEqual([['plain', 1, 'kids on a beach at sunset']]);
  });

  it('delimits terms with signs, weights and quotes', () => {
    expect(brief('red car -people +2:beach "blue sky" 0.5:snow at dusk')).toEqual([
      ['plain', 1, 'red car'],
      ['not', 1, 'people'],
      ['must', 2, 'beach'],
      ['plain', 1, 'blue sky'],
      ['plain', 0.5, 'snow'],
      ['plain', 1, 'at dusk'],
    ]);
  });

  it('applies a sign or weight to a whole quoted phrase and keeps the source', () => {
    const [term] = parseQuery('-2:"red  car"');
    expect(term).toEqual({ kind: 'text', role: 'not', weight: 2, text: 'red car', source: '-2:"red  car"' });
  });

  it('reads times and inner hyphens as words, an unclosed quote to the end', () => {
    expect(brief('meeting 10:30 t-shirt')).toEqual([['plain', 1, 'meeting 10:30 t-shirt']]);
    expect(brief('"red car')).toEqual([['plain', 1, 'red car']]);
    expect(brief('2: dogs')).toEqual([['plain', 1, '2: dogs']]);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['!!! ???', 'no letters, digits or emoji'],
    ['\u0000', 'empty'],
    ['\u0007\u001b', 'empty'],
    ['red -', "'-' has nothing after it"],
    ['+', "'+' has nothing after it"],
    ['+2:""', '\'+2:""\' has nothing after it'],
    ['""', 'empty quoted phrase'],
    ['0:red', 'must be above 0'],
    ['500:red', 'at most 100'],
    ['-"..."', 'no letters, digits or emoji'],
    ["'; DROP TABLE files; --", "'--' has no letters"],
  ])('refuses %j with a clear BAD_ARGUMENT (%s)', (query, reason) => {
    let error: unknown;
    try {
      parseQuery(query);
    } catch (e) {
      error = e;
    }
    expect(isEidosError(error, 'BAD_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain(reason);
  });

  it('reads every script and emoji as words, control characters as spaces', () => {
    for (const text of ['猫と犬', 'قطة', 'кошка на диване', 'बिल्ली', '🐶', '👨‍👩‍👧 🏳️‍🌈'])
      expect(brief(text)).toEqual([['plain', 1, text]]);
    expect(brief('red\u0000car\u001b[2J')).toEqual([['plain', 1, 'red car [2J']]);
    expect(brief('beach\u0000-people')).toEqual([
      ['plain', 1, 'beach'],
      ['not', 1, 'people'],
    ]);
  });

  it('quotes a query in messages without control or bidi-override characters, cut to 80 characters', () => {
    expect(quoteQuery('a\u001b[2Jb\u202ec')).toBe('a [2Jb c');
    const long = quoteQuery('x'.repeat(1000));
    expect(long).toHaveLength(80);
    expect(long.endsWith('…')).toBe(true);
    let message = '';
    try {
      parseQuery(`${'!'.repeat(999)}`);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.length).toBeLessThan(300);
  });

  it('makes an image term for a photo id or a file', () => {
    expect(imageTerm({ photoId: '42' })).toEqual({
      kind: 'image',
      role: 'plain',
      weight: 1,
      ref: { photoId: '42' },
      source: 'like:42',
    });
  });
});
