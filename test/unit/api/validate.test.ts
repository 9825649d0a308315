import { describe, expect, it } from 'vitest';
import { isEidosError } from '../../../app/contract/errors.ts';
import { parseArgs } from '../../../app/contract/api.ts';
import { array, number, object, oneOf, optional, string } from '../../../app/contract/validate.ts';

function messageOf(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    expect(isEidosError(error, 'BAD_ARGUMENT')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a BAD_ARGUMENT error');
}

describe('schema primitives', () => {
  it('checks string length bounds and patterns', () => {
    const s = string({ min: 2, max: 4, pattern: /^[a-z]+$/ });
    expect(s.parse('abc', 'x')).toBe('abc');
    expect(messageOf(() => s.parse('a', 'x'))).toMatch(/^x must be a string of 2 to 4 characters/);
    expect(messageOf(() => s.parse('abcde', 'x'))).toMatch(/^x must be/);
    expect(messageOf(() => s.parse('AB', 'x'))).toMatch(/^x must be/);
    expect(messageOf(() => s.parse(12, 'x'))).toContain('got 12');
  });

  it('checks numbers: finite, in range, integer when asked', () => {
    const n = number({ min: 0, max: 10, integer: true });
    expect(n.parse(0, 'n')).toBe(0);
    expect(n.parse(10, 'n')).toBe(10);
    for (const bad of [-1, 11, 2.5, Number.NaN, Infinity, '3', null])
      expect(() => n.parse(bad, 'n')).toThrow(/n must be an integer between 0 and 10/);
  });

  it('checks enumerations and lists', () => {
    const e = oneOf(['a', 'b']);
    expect(e.parse('b', 'e')).toBe('b');
    expect(messageOf(() => e.parse('c', 'e'))).toBe(`e must be one of 'a', 'b' (got "c").`);
    const l = array(number({ min: 0, max: 1 }), { max: 2 });
    expect(messageOf(() => l.parse([0, 5], 'l'))).toMatch(/^l\[1\] must be a number between 0 and 1/);
    expect(messageOf(() => l.parse([0, 0, 0], 'l'))).toMatch(/^l must be a list of at most 2 items/);
  });

  it('rejects unknown keys (including __proto__) and reports missing required ones', () => {
    const o = object({ a: number({ min: 0, max: 1 }), b: optional(string({ max: 3 })) });
    expect(o.parse({ a: 1 }, 'o')).toEqual({ a: 1 });
    expect(messageOf(() => o.parse({ a: 1, c: 2 }, 'o'))).toBe('o.c is not a known field (allowed: a, b).');
    expect(messageOf(() => o.parse(JSON.parse('{"a":1,"__proto__":{"x":1}}'), 'o'))).toMatch(
      /^o.__proto__ is not a known field/,
    );
    expect(messageOf(() => o.parse({}, 'o'))).toBe('o.a must be a number between 0 and 1 (it is missing).');
    expect(messageOf(() => o.parse([], 'o'))).toMatch(/^o must be an object with keys a, b/);
    // A key as long as the body is quoted by its start only.
    expect(messageOf(() => o.parse({ a: 1, ['k'.repeat(60_000)]: 1 }, 'o'))).toBe(
      `o.${JSON.stringify('k'.repeat(40))}… is not a known field (allowed: a, b).`,
    );
  });

  it('says why a string is too long when the schema knows', () => {
    const s = string({ min: 1, max: 3, tooLongHint: 'keep it short.' });
    expect(messageOf(() => s.parse('abcd', 's'))).toBe(
      's must be a string of 1 to 3 characters (got a string of 4 characters); keep it short.',
    );
    expect(messageOf(() => s.parse('', 's'))).toBe('s must be a string of 1 to 3 characters (got "").');
  });
});

describe('contract arguments', () => {
  it('names the full field path of a nested error', () => {
    const arg = { query: 'beach', filters: { near: { lat: 1, lon: 2, km: 30000 } } };
    expect(messageOf(() => parseArgs('search', arg))).toBe(
      'search.filters.near.km must be a number between 0 and 20000 (got 30000).',
    );
  });

  it('accepts a full search and treats a missing argument as {}', () => {
    const arg = {
      query: 'kids on a beach -people',
      top: 50,
      sort: 'date',
      filters: {
        from: '2020-01-01',
        to: '2021-06-30T12:00:00Z',
        hasGps: true,
        type: 'heic',
        near: { lat: 48.1, lon: 11.6, km: 5 },
      },
      like: 'p_123',
    };
    expect(parseArgs('search', arg)).toEqual(arg);
    expect(parseArgs('status', undefined)).toEqual({});
    expect(messageOf(() => parseArgs('status', { verbose: true }))).toBe(
      'status.verbose is not a known field (it takes no fields).',
    );
  });

  it('refuses photo ids that could spell a path and over-long queries', () => {
    for (const id of ['..', '../x', 'a/b', '%2e%2e', 'a\\b', ''])
      expect(() => parseArgs('photo', { id })).toThrow(/photo.id must be a photo id/);
    expect(messageOf(() => parseArgs('search', { query: 'x'.repeat(1001) }))).toContain(
      'got a string of 1001 characters); the text encoder reads about 77 tokens',
    );
    expect(() => parseArgs('search', { query: 'x', filters: { from: 'yesterday' } })).toThrow(
      /search.filters.from must be an ISO date/,
    );
  });
});
