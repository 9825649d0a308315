import { describe, expect, it } from 'vitest';
import { isolateQuery } from '../../../renderer/src/lib/isolate-query.ts';

describe('isolateQuery', () => {
  it('cuts an engine message around the quoted right-to-left query, keeping every character', () => {
    const query = 'كلب على الشاطئ';
    const message = `No photo stands out for '${query}'; no photo scores 55% of the query's 2.0 bits.`;
    const parts = isolateQuery(message, query);
    expect(parts).toEqual([
      { text: "No photo stands out for '", isQuery: false },
      { text: query, isQuery: true },
      { text: "'; no photo scores 55% of the query's 2.0 bits.", isQuery: false },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe(message);
  });

  it('marks every occurrence, at the start and the end too, and nothing when the query is absent or empty', () => {
    expect(isolateQuery('שלום and שלום', 'שלום').map((p) => p.isQuery)).toEqual([true, false, true]);
    expect(isolateQuery('nothing here', 'שלום')).toEqual([{ text: 'nothing here', isQuery: false }]);
    expect(isolateQuery('nothing here', '')).toEqual([{ text: 'nothing here', isQuery: false }]);
  });
});
