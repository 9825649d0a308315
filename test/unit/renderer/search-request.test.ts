import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../app/contract/api.ts';
import { buildSearchArgs, cleanFilters } from '../../../renderer/src/lib/search-request.ts';

describe('buildSearchArgs', () => {
  it('sends nothing for an empty box and no photo', () => {
    expect(buildSearchArgs({ query: '   ', sort: 'relevance', filters: {}, top: 100 })).toBeUndefined();
  });

  it('builds requests the API contract accepts, with untouched filters left out', () => {
    const args = buildSearchArgs({
      query: ' beach ',
      sort: 'date',
      filters: { folder: '', camera: undefined, hasGps: false },
      top: 100,
    });
    expect(args).toEqual({ query: 'beach', top: 100, sort: 'date' });
    expect(parseArgs('search', args)).toEqual(args);
    const filtered = buildSearchArgs({
      query: 'x',
      sort: 'relevance',
      filters: { from: '2020-01-01', type: 'heic', hasGps: true },
      top: 5,
    });
    expect(parseArgs('search', filtered)).toEqual(filtered);
  });

  it('searches by a photo alone without any query text, as the contract allows', () => {
    const args = buildSearchArgs({ query: '', like: 'abc_12', sort: 'relevance', filters: {}, top: 50 });
    expect(args).toEqual({ like: 'abc_12', top: 50, sort: 'relevance' });
    expect(parseArgs('search', args)).toEqual(args);
  });

  it('is refused by the contract with neither a query nor a photo', () => {
    expect(() => parseArgs('search', { top: 5 })).toThrow(/needs a query, a photo to search like/);
  });
});

describe('cleanFilters', () => {
  it('keeps set values only', () => {
    expect(cleanFilters({})).toBeUndefined();
    expect(cleanFilters({ camera: 'Apple iPhone 13', to: '' })).toEqual({ camera: 'Apple iPhone 13' });
  });
});
