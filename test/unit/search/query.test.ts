import { describe, expect, it } from 'vitest';
import { isEidosError } from '../../../app/errors.ts';
import { imageTerm, parseQuery } from '../../../app/search/query.ts';

const brief = (query: string) => parseQuery(query).map((t) => (t.kind === 'text' ? [t.role, t.weight, t.text] : [t.role, t.weight, 'image']));

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
    ['!!! ???', 'no letters or digits'],
    ['red -', "'-' has nothing after it"],
    ['+', "'+' has nothing after it"],
    ['+2:""', "'+2:\"\"' has nothing after it"],
    ['""', 'empty quoted phrase'],
    ['0:red', 'must be above 0'],
    ['500:red', 'at most 100'],
    ['-"..."', 'no letters or digits'],
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

  it('makes an image term for a photo id or a file', () => {
    expect(imageTerm({ photoId: '42' })).toEqual({ kind: 'image', role: 'plain', weight: 1, ref: { photoId: '42' }, source: 'like:42' });
  });
});
