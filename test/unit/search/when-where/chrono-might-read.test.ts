import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as chrono from 'chrono-node';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../../app/evaluation/dataset-eval.ts';
import { chronoMightRead } from '../../../../app/search/when-where/chrono-might-read.ts';
import { normalWord } from '../../../../app/search/when-where/read-when.ts';
import { PHOTOS } from '../../../helpers/eidos-cli.ts';

// The reader asks chrono-node only when chronoMightRead says it could read something; the truth here is
// chrono itself (its full package, as the reader used before): on every query the check says no to,
// chrono finds at most a time of day, never a day, month or year (which is all the reader keeps).
const NOW = new Date(2026, 11, 5, 12);
const low = (text: string) => text.split(/\s+/).map(normalWord);
const findsADate = (text: string) =>
  chrono
    .parse(low(text).join(' '), NOW)
    .some((r) => r.start.isCertain('year') || r.start.isCertain('month') || r.start.isCertain('day'));

// Queries where a bare year stands beside words chrono reads as a date on their own or with the year.
const CHRONO_READS = [
  'photos now 2019',
  'tomorrow 2019',
  'last night 2019',
  'in a few days 2019',
  'in 2019 days',
  '2019 days later',
  'a second after 2019',
  'for a day 2019',
  'next d 2019',
  'the hours before 2019',
  'couple of hours earlier 2019',
];

describe('chronoMightRead', () => {
  it('says yes wherever chrono reads a date beside a bare year', () => {
    for (const text of CHRONO_READS) {
      expect(findsADate(text), text).toBe(true);
      expect(chronoMightRead(low(text)), text).toBe(true);
    }
  });

  it('says no to a query whose only date is a bare year, and to one with no date', () => {
    for (const text of ['beach in Portugal 2019', 'Lisbon 2019', 'dogs from 1998', 'paris at night 2019', 'red car'])
      expect(chronoMightRead(low(text)), text).toBe(false);
  });

  it('on 5,000 real captions, each with a year before and after, chrono finds no date where it says no', () => {
    const rows = parseCsv(readFileSync(join(PHOTOS, 'flickr8k-1k', 'labels.csv'), 'utf8')).slice(1);
    let skipped = 0;
    for (const caption of rows.map((row) => row[1]!)) {
      for (const text of [`${caption} 2019`, `1998 ${caption}`, caption]) {
        if (chronoMightRead(low(text))) continue;
        skipped++;
        expect(findsADate(text), text).toBe(false);
      }
    }
    expect(skipped).toBeGreaterThan(10_000); // the check does skip chrono for most of them
  });
});
