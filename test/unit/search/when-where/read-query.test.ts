import { describe, expect, it } from 'vitest';
import { readQuery } from '../../../../app/search/when-where/read-query.ts';

// Hand-written queries and what a person reads in them, on Saturday 5 December 2026 at noon (the user's
// calendar). Dates are the first range a photo north of the equator must fall in (and, after `|`, a
// southern photo's where it differs); places are the place chosen, as the chip names it; the remainder
// is what the image model is asked for. Each expectation was worked out by hand (calendar, Easter by
// the tables, GeoNames' names), not copied from the reader's output.
const NOW = new Date(2026, 11, 5, 12);

type Row = [query: string, dates: string[], places: string[], remainder: string];

const dates: Row[] = [
  ['2019', ['2019-01-01..2019-12-31'], [], ''],
  ['beach 2019', ['2019-01-01..2019-12-31'], [], 'beach'],
  ['beach in 2019', ['2019-01-01..2019-12-31'], [], 'beach'],
  ['dogs from 1998', ['1998-01-01..1998-12-31'], [], 'dogs'],
  ['march 2022', ['2022-03-01..2022-03-31'], [], ''],
  ['wedding may 2019', ['2019-05-01..2019-05-31'], [], 'wedding'],
  ['snow in february 2021', ['2021-02-01..2021-02-28'], [], 'snow'],
  ['december 2020 party', ['2020-12-01..2020-12-31'], [], 'party'],
  ['last summer', ['2026-06-01..2026-08-31|2025-12-01..2026-02-28'], [], ''],
  ['dog last summer', ['2026-06-01..2026-08-31|2025-12-01..2026-02-28'], [], 'dog'],
  ['this summer', ['2026-06-01..2026-08-31|2026-12-01..2027-02-28'], [], ''],
  ['last winter', ['2025-12-01..2026-02-28|2026-06-01..2026-08-31'], [], ''],
  ['summer 2018', ['2018-06-01..2018-08-31|2018-12-01..2019-02-28'], [], ''],
  ['beach summer 2018', ['2018-06-01..2018-08-31|2018-12-01..2019-02-28'], [], 'beach'],
  ['winter 2019', ['2019-12-01..2020-02-29|2019-06-01..2019-08-31'], [], ''],
  ['spring 2020', ['2020-03-01..2020-05-31|2020-09-01..2020-11-30'], [], ''],
  ['autumn 2021 leaves', ['2021-09-01..2021-11-30|2021-03-01..2021-05-31'], [], 'leaves'],
  ['fall 2021', ['2021-09-01..2021-11-30|2021-03-01..2021-05-31'], [], ''],
  ['summer of 2015', ['2015-06-01..2015-08-31|2015-12-01..2016-02-29'], [], ''],
  ['christmas 2019', ['2019-12-24..2019-12-26'], [], ''],
  ['family christmas 2019', ['2019-12-24..2019-12-26'], [], 'family'],
  ['xmas 2020', ['2020-12-24..2020-12-26'], [], ''],
  ['last christmas', ['2025-12-24..2025-12-26'], [], ''],
  ["new year's eve", ['1900-12-31..1901-01-01'], [], ''],
  ['fireworks new years eve', ['1900-12-31..1901-01-01'], [], 'fireworks'],
  ["new year's eve 2019", ['2019-12-31..2020-01-01'], [], ''],
  ['halloween 2020', ['2020-10-31..2020-10-31'], [], ''],
  ['easter 2024', ['2024-03-29..2024-04-01'], [], ''],
  ['easter 2019', ['2019-04-19..2019-04-22'], [], ''],
  ['thanksgiving 2023', ['2023-11-23..2023-11-26'], [], ''],
  ["valentine's day 2022", ['2022-02-14..2022-02-14'], [], ''],
  ['christmas eve', ['1900-12-24..1900-12-24'], [], ''],
  ['yesterday', ['2026-12-04..2026-12-04'], [], ''],
  ['cat yesterday', ['2026-12-04..2026-12-04'], [], 'cat'],
  ['3 days ago', ['2026-12-02..2026-12-02'], [], ''],
  ['2 weeks ago', ['2026-11-18..2026-11-24'], [], ''],
  ['2 months ago', ['2026-10-01..2026-10-31'], [], ''],
  ['in the 90s', ['1990-01-01..1999-12-31'], [], ''],
  ['the 80s', ['1980-01-01..1989-12-31'], [], ''],
  ['1970s cars', ['1970-01-01..1979-12-31'], [], 'cars'],
  ['the 2010s', ['2010-01-01..2019-12-31'], [], ''],
  ['last weekend', ['2026-11-28..2026-11-29'], [], ''],
  ['hike last weekend', ['2026-11-28..2026-11-29'], [], 'hike'],
  ['this year', ['2026-01-01..2026-12-31'], [], ''],
  ['snow last year', ['2025-01-01..2025-12-31'], [], 'snow'],
  ['5 june 2021', ['2021-06-05..2021-06-05'], [], ''],
  ['june 5 2021 graduation', ['2021-06-05..2021-06-05'], [], 'graduation'],
  ['2021-06-05', ['2021-06-05..2021-06-05'], [], ''],
];

const places: Row[] = [
  ['in Lisbon', [], ['Lisbon, Portugal'], ''],
  ['Lisbon', [], ['Lisbon, Portugal'], ''],
  ['tram in lisbon', [], ['Lisbon, Portugal'], 'tram'],
  ['Portugal', [], ['Portugal'], ''],
  ['Portugal beach', [], ['Portugal'], 'beach'],
  ['near Paris', [], ['Paris, Île-de-France, France'], ''],
  ['eiffel tower in paris', [], ['Paris, Île-de-France, France'], 'eiffel tower'],
  ['Paris, Texas', [], ['Paris, Texas, United States'], ''],
  ['photos in Italy', [], ['Italy'], ''],
  ['pictures of Spain', [], ['Spain'], ''],
  ['in turkey', [], ['Türkiye'], ''],
  ['mosque in Turkey', [], ['Türkiye'], 'mosque'],
  ['Porto, Portugal', [], ['Porto, Portugal'], ''],
  ['in Texas', [], ['Texas, United States'], ''],
  ['castle in Bavaria', [], ['Bavaria, Germany'], 'castle'],
  ['in Munich', [], ['Munich, Bavaria, Germany'], ''],
  ['in Rome', [], ['Rome, Lazio, Italy'], ''],
  ['near London', [], ['London, England, United Kingdom'], ''],
  ['in Madrid', [], ['Madrid, Spain'], ''],
  ['opera house in Sydney', [], ['Sydney, New South Wales, Australia'], 'opera house'],
  ['temple in Kyoto', [], ['Kyoto, Japan'], 'temple'],
  ['Japan', [], ['Japan'], ''],
  ['mountains in Switzerland', [], ['Switzerland'], 'mountains'],
  ['lake in canada', [], ['Canada'], 'lake'],
  ['in the usa', [], ['United States'], ''],
  ['tulips in the Netherlands', [], ['Netherlands'], 'tulips'],
  ['in Helsinki', [], ['Helsinki, Uusimaa, Finland'], ''],
  ['Berlin', [], ['Berlin, State of Berlin, Germany'], ''],
  ['in Prague', [], ['Prague, Czechia'], ''],
  ['in Vienna', [], ['Vienna, Austria'], ''],
  ['street food in Bangkok', [], ['Bangkok, Thailand'], 'street food'],
  ['in Florence', [], ['Florence, Tuscany, Italy'], ''],
  ['in Georgia', [], ['Georgia'], ''],
  ['Kansas City, Missouri', [], ['Kansas City, Missouri, United States'], ''],
  ['Springfield, Illinois', [], ['Springfield, Illinois, United States'], ''],
  ['at Fountain', [], ['Fountain, Colorado, United States'], ''],
];

const both: Row[] = [
  ['beach in Portugal 2019', ['2019-01-01..2019-12-31'], ['Portugal'], 'beach'],
  ['Lisbon 2019', ['2019-01-01..2019-12-31'], ['Lisbon, Portugal'], ''],
  ['in Canada last summer', ['2026-06-01..2026-08-31|2025-12-01..2026-02-28'], ['Canada'], ''],
  ['cherry blossoms in Japan 2019', ['2019-01-01..2019-12-31'], ['Japan'], 'cherry blossoms'],
  ['eiffel tower in paris 2018', ['2018-01-01..2018-12-31'], ['Paris, Île-de-France, France'], 'eiffel tower'],
  ['christmas 2019 in Berlin', ['2019-12-24..2019-12-26'], ['Berlin, State of Berlin, Germany'], ''],
  [
    'snow in Helsinki last winter',
    ['2025-12-01..2026-02-28|2026-06-01..2026-08-31'],
    ['Helsinki, Uusimaa, Finland'],
    'snow',
  ],
  ['Italy summer 2018', ['2018-06-01..2018-08-31|2018-12-01..2019-02-28'], ['Italy'], ''],
  ['+dog in Lisbon 2019', ['2019-01-01..2019-12-31'], ['Lisbon, Portugal'], '+dog'],
  ['sunset -people in Spain', [], ['Spain'], 'sunset -people'],
];

// Words that look like dates or places but describe the picture: nothing is read.
const descriptions = [
  'spring flowers',
  'may',
  'a turkey',
  'turkey',
  'roast turkey dinner',
  'china plates',
  'jordan sneakers',
  'orange',
  'a man in orange',
  'paris hilton',
  'the sun',
  'a march',
  'a march in the street',
  'a Christmas tree',
  'christmas lights',
  'christmas',
  'summer dress',
  'winter coat',
  'halloween costume',
  'easter eggs',
  'thanksgiving dinner',
  'dog in snow',
  'kids at the beach',
  'woman at fountain',
  'kids on a beach at sunset',
  'birthday cake',
  '10:30 clock',
  '2000 people',
  '1500 cars',
  'a georgia peach',
  'jersey number 10',
  'sunday morning',
  'monday',
  'fireworks on the 4th of july',
  'a red car in the park',
  'man in black',
  'fall leaves',
  'the fall',
  'a spring',
  'mobile phone',
  'reading a book',
  'nice view',
  'bath time',
  'split screen',
  '"paris"',
  '-2019',
  'a dog in the water',
  'chad on a bike',
  'new balance shoes',
  'sandy beach',
];

function expectedRanges(r: ReturnType<typeof readQuery>): string[] {
  return r.when.map((w) => {
    const north = `${w.north[0]!.from}..${w.north[0]!.to}`;
    const south = `${w.south[0]!.from}..${w.south[0]!.to}`;
    return north === south ? north : `${north}|${south}`;
  });
}

describe('readQuery: hand-written queries and their reading', () => {
  it('has at least 100 queries', () => {
    expect(dates.length + places.length + both.length + descriptions.length).toBeGreaterThanOrEqual(100);
  });
  it.each([...dates, ...places, ...both])('%s', (query, dateRanges, placeLabels, remainder) => {
    const r = readQuery(query, NOW);
    expect(expectedRanges(r)).toEqual(dateRanges);
    expect(r.where.map((w) => w.label)).toEqual(placeLabels);
    expect(r.remainder).toBe(remainder);
  });
  it.each(descriptions)('%s stays a description', (query) => {
    const r = readQuery(query, NOW);
    expect({ when: r.when.map((w) => w.source), where: r.where.map((w) => w.source) }).toEqual({ when: [], where: [] });
    expect(r.remainder).toBe(query);
  });
});

describe('readQuery: what a reading offers', () => {
  it('"new year\'s eve" is every 31 December into the next morning', () => {
    const r = readQuery("new year's eve", NOW);
    expect(r.when[0]!.north).toContainEqual({ from: '2019-12-31', to: '2020-01-01' });
    expect(r.when[0]!.north).toContainEqual({ from: '2025-12-31', to: '2026-01-01' });
  });
  it('"near Paris" is near, and offers Paris, Texas as the words that choose it', () => {
    const [paris] = readQuery('near Paris', NOW).where;
    expect(paris!.near).toBe(true);
    expect(paris!.alternatives.map((a) => a.words)).toContain('Paris, Texas');
    // Choosing it: the words the alternative gives read as that place.
    expect(readQuery('Paris, Texas', NOW).where[0]!.place).toMatchObject({
      kind: 'city',
      countryCode: 'US',
      admin1: 'TX',
    });
  });
  it('a population prior: the largest place of a name wins', () => {
    const [rome] = readQuery('in Rome', NOW).where;
    expect(rome!.place).toMatchObject({ kind: 'city', countryCode: 'IT' });
    expect(rome!.alternatives.some((a) => a.label.includes('Georgia'))).toBe(true);
  });
});
