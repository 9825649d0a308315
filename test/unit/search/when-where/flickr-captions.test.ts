import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../../app/evaluation/dataset-eval.ts';
import { readQuery } from '../../../../app/search/when-where/read-query.ts';
import { PHOTOS } from '../../../helpers/eidos-cli.ts';

// Real descriptions of real photos (Flickr8k, 5000 captions written by people who described what they
// saw): run through the reader as queries, at most 0.5 % may be read as a date or place filter, and
// every one that is is listed here with a judgement.
const NOW = new Date(2026, 11, 5, 12);

const JUDGED: Record<string, string> = {
  'Some young people take photos of each other while in New York .':
    'right: the caption says where (the state of New York holds the city; GeoNames names the city "New York City")',
  'A baseball player from New York waiting to bat during a game .':
    'wrong: "from New York" says where the player is from, not where the photo was taken',
  'Pedestrians and cars make their way through Times Square in New York .': 'right: Times Square is in New York',
  'Times Square in New York .': 'right',
  'A wild animal not found in America jumping through a field .':
    'wrong: a negated place ("not found in America") read as a place',
};

describe('Flickr8k captions as queries', () => {
  const rows = parseCsv(readFileSync(join(PHOTOS, 'flickr8k-1k', 'labels.csv'), 'utf8')).slice(1);
  const captions = rows.map((row) => row[1]!);

  it('read at most 0.5 % of them as a date or place, each one listed and judged', () => {
    expect(captions.length).toBe(5000);
    const read = captions.filter((caption) => {
      const r = readQuery(caption, NOW);
      return r.when.length > 0 || r.where.length > 0;
    });
    expect(read.length / captions.length).toBeLessThanOrEqual(0.005);
    expect(read.sort()).toEqual(Object.keys(JUDGED).sort());
  });
});
