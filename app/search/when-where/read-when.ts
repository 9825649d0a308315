/**
 * Dates in a query's words → day ranges on the photo's own calendar (its EXIF local date), against the
 * user's calendar for relative words ("yesterday" is the user's yesterday).
 *
 * Our own small grammar reads what chrono-node does not, or reads too eagerly: bare years, seasons (by
 * hemisphere), holidays, decades, "last summer", "last weekend", "this year". chrono-node reads the
 * rest ("march 2022", "2 weeks ago", "yesterday", "5 june 2021"), and a reading of it is kept only
 * when it names a year or is relative ("ago", "yesterday", "last week"): a month alone ("may", "a
 * march") stays a description. A season or holiday without a year ("spring flowers", "a christmas
 * tree") stays a description too; "new year's eve" and "halloween" are read every year.
 */
import { createRequire } from 'node:module';
import type * as Chrono from 'chrono-node/en';
import { chronoMightRead } from './chrono-might-read.ts';

/**
 * chrono-node's English parsers (what its default `parse` is), loaded on the first query that needs them:
 * the package's main entry loads every language it has (≈ 5× the time), and a query naming no date,
 * or only a year, never needs them (chrono-might-read.ts).
 */
let chrono: typeof Chrono | undefined;
const loadChrono = (): typeof Chrono => (chrono ??= createRequire(import.meta.url)('chrono-node/en') as typeof Chrono);

/** Inclusive local dates, `YYYY-MM-DD`. */
export interface DayRange {
  from: string;
  to: string;
}

export interface WhenReading {
  /** The words read, as written. */
  source: string;
  /** Where they are in the words list: [start, end). */
  start: number;
  end: number;
  /** What the chip says, e.g. "summer 2018", "Mar 2022", "2019". */
  label: string;
  /** Ranges for photos north of the equator (and photos with no position when the user is north). */
  north: DayRange[];
  /** Ranges for photos south of it; equal to `north` except for seasons. */
  south: DayRange[];
}

const pad = (n: number) => String(n).padStart(2, '0');
const day = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const ymd = (y: number, m: number, d: number) => day(new Date(y, m - 1, d));
const lastDay = (y: number, m: number) => new Date(y, m, 0).getDate();
const range = (from: string, to: string): DayRange => ({ from, to });
const yearRange = (y: number) => range(`${y}-01-01`, `${y}-12-31`);
const monthRange = (y: number, m: number) => range(ymd(y, m, 1), ymd(y, m, lastDay(y, m)));

const EARLIEST_YEAR = 1900;

type Season = 'spring' | 'summer' | 'autumn' | 'winter';
const SEASONS: Record<string, Season> = {
  spring: 'spring',
  summer: 'summer',
  autumn: 'autumn',
  fall: 'autumn',
  winter: 'winter',
};
/** Meteorological seasons (first month, in the northern hemisphere); the south's is six months on. */
const SEASON_START: Record<Season, number> = { spring: 3, summer: 6, autumn: 9, winter: 12 };

/** The season of year `y` that starts in month `m` (winter 2019 = Dec 2019 – Feb 2020). */
function seasonRange(y: number, startMonth: number): DayRange {
  const end = new Date(y, startMonth - 1 + 3, 0);
  return range(ymd(y, startMonth, 1), day(end));
}
function seasonRanges(season: Season, year: number): { north: DayRange[]; south: DayRange[] } {
  const n = SEASON_START[season];
  const s = ((n + 5) % 12) + 1;
  // The season "of" a year is the one that starts in it, in either hemisphere: the southern summer
  // of 2018 is Dec 2018 – Feb 2019, as the northern winter of 2018 is.
  return { north: [seasonRange(year, n)], south: [seasonRange(year, s)] };
}

/** Holidays: a function of the year → its day range. */
const HOLIDAYS: Array<{ words: string[]; label: string; on: (y: number) => DayRange; bare: boolean }> = [
  { words: ['christmas', 'xmas'], label: 'Christmas', on: (y) => range(`${y}-12-24`, `${y}-12-26`), bare: false },
  { words: ['christmas eve'], label: 'Christmas Eve', on: (y) => range(`${y}-12-24`, `${y}-12-24`), bare: true },
  { words: ['christmas day'], label: 'Christmas Day', on: (y) => range(`${y}-12-25`, `${y}-12-25`), bare: true },
  // New Year's Eve runs into the small hours of the next day.
  {
    words: ["new year's eve", 'new years eve', 'new year eve', 'nye'],
    label: "New Year's Eve",
    on: (y) => range(`${y}-12-31`, `${y + 1}-01-01`),
    bare: true,
  },
  {
    words: ["new year's day", 'new years day'],
    label: "New Year's Day",
    on: (y) => range(`${y}-01-01`, `${y}-01-01`),
    bare: true,
  },
  { words: ['halloween'], label: 'Halloween', on: (y) => range(`${y}-10-31`, `${y}-10-31`), bare: false },
  {
    words: ["valentine's day", 'valentines day'],
    label: "Valentine's Day",
    on: (y) => range(`${y}-02-14`, `${y}-02-14`),
    bare: true,
  },
  {
    words: ['easter'],
    label: 'Easter',
    on: (y) => {
      const sunday = easterSunday(y);
      return range(
        day(new Date(y, sunday.month - 1, sunday.day - 2)),
        day(new Date(y, sunday.month - 1, sunday.day + 1)),
      );
    },
    bare: false,
  },
  {
    words: ['thanksgiving'],
    label: 'Thanksgiving (US)',
    on: (y) => {
      const first = new Date(y, 10, 1).getDay();
      const thursday = 1 + ((4 - first + 7) % 7) + 21;
      return range(ymd(y, 11, thursday), ymd(y, 11, thursday + 3));
    },
    bare: false,
  },
];

/** Gregorian Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(y: number): { month: number; day: number } {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  return { month, day: ((h + l - 7 * m + 114) % 31) + 1 };
}

/** Lower-cased words with apostrophes kept ("new year's eve"), punctuation at their ends dropped. */
export const normalWord = (w: string) => {
  const low = w.toLowerCase();
  // ASCII words (nearly all) trim with an ASCII class: the same result, without compiling the Unicode
  // one (≈ 2 ms of a first search).
  if (/^[\x20-\x7e]*$/.test(low)) return low.replace(/^[^a-z0-9']+|[^a-z0-9']+$/g, '');
  return low.replace(/[’‘]/g, "'").replace(/^[^\p{L}\p{N}']+|[^\p{L}\p{N}']+$/gu, '');
};

function year(word: string | undefined, now: Date): number | undefined {
  if (word === undefined || !/^(19|20)\d\d$/.test(word)) return undefined;
  const y = Number(word);
  return y >= EARLIEST_YEAR && y <= now.getFullYear() + 1 ? y : undefined;
}

function decade(word: string | undefined, now: Date): { from: number; label: string } | undefined {
  if (word === undefined) return undefined;
  const full = /^(1[89]|20)(\d)0'?s$/.exec(word);
  if (full) {
    const from = Number(`${full[1]}${full[2]}0`);
    return from <= now.getFullYear() ? { from, label: `the ${from}s` } : undefined;
  }
  const short = /^'?(\d)0'?s$/.exec(word);
  if (short) {
    // "the 90s" is 1990, "the 10s" 2010; a decade not begun yet is read a century back.
    const d = Number(short[1]) * 10;
    const from = 2000 + d <= now.getFullYear() ? 2000 + d : 1900 + d;
    return { from: d >= 30 ? 1900 + d : from, label: `the ${d >= 30 ? 1900 + d : from}s` };
  }
  return undefined;
}

const same = (ranges: DayRange[]) => ({ north: ranges, south: ranges });

/**
 * Reads dates from `words` (a query's plain words, as written). Each reading names the words it used;
 * words may be read at most once. `now` is the user's clock (its local calendar).
 */
export function readWhen(words: readonly string[], now: Date): WhenReading[] {
  const low = words.map(normalWord);
  const used = new Array<boolean>(words.length).fill(false);
  const readings: WhenReading[] = [];
  const take = (start: number, end: number, label: string, ranges: { north: DayRange[]; south: DayRange[] }) => {
    for (let k = start; k < end; k++) used[k] = true;
    readings.push({ source: words.slice(start, end).join(' '), start, end, label, ...ranges });
  };
  const free = (start: number, end: number) => {
    for (let k = start; k < end; k++) if (used[k] || k >= words.length) return false;
    return true;
  };
  const thisYear = now.getFullYear();
  const phrase = (k: number, n: number) => low.slice(k, k + n).join(' ');

  // Holidays, with a year ("christmas 2019"), "last"/"this" before them, or bare when they are a date only.
  for (let k = 0; k < words.length; k++) {
    for (const h of HOLIDAYS) {
      for (const w of h.words) {
        const n = w.split(' ').length;
        if (!free(k, k + n) || phrase(k, n) !== w) continue;
        const y = year(low[k + n], now);
        const before = low[k - 1];
        if (y !== undefined && free(k + n, k + n + 1)) {
          take(k, k + n + 1, `${h.label} ${y}`, same([h.on(y)]));
        } else if ((before === 'last' || before === 'this') && free(k - 1, k)) {
          // The most recent one that has begun (this Christmas = this year's; last = the one before now).
          let yy = thisYear;
          if (before === 'last' && h.on(yy).from > day(now)) yy--;
          else if (before === 'last') yy = h.on(yy).to < day(now) ? yy : yy - 1;
          take(k - 1, k + n, `${h.label} ${yy}`, same([h.on(yy)]));
        } else if (h.bare) {
          const every: DayRange[] = [];
          for (let yy = EARLIEST_YEAR; yy <= thisYear; yy++) every.push(h.on(yy));
          take(k, k + n, `${h.label} (every year)`, same(every));
        }
      }
    }
  }

  // Seasons: "summer 2018", "last summer", "this winter"; never a season alone ("spring flowers").
  for (let k = 0; k < words.length; k++) {
    const season = SEASONS[low[k]!];
    if (!season || !free(k, k + 1)) continue;
    const y = year(low[k + 1], now) ?? (low[k + 1] === 'of' ? year(low[k + 2], now) : undefined);
    if (y !== undefined) {
      const end = low[k + 1] === 'of' ? k + 3 : k + 2;
      if (free(k, end)) take(k, end, `${season} ${y}`, seasonRanges(season, y));
      continue;
    }
    const before = low[k - 1];
    if ((before === 'last' || before === 'this') && free(k - 1, k)) {
      // "last summer": in each hemisphere the most recent one that has ended; "this summer": the one
      // that starts this year.
      const latest = (hemisphere: 'north' | 'south'): DayRange => {
        let yy = thisYear;
        if (before === 'this') return seasonRanges(season, yy)[hemisphere][0]!;
        while (seasonRanges(season, yy)[hemisphere][0]!.to >= day(now)) yy--;
        return seasonRanges(season, yy)[hemisphere][0]!;
      };
      const north = latest('north');
      take(k - 1, k + 1, `${before} ${season} (${north.from.slice(0, 7)} – ${north.to.slice(0, 7)})`, {
        north: [north],
        south: [latest('south')],
      });
    }
  }

  // Decades: "the 90s", "1990s", "in the 80's".
  for (let k = 0; k < words.length; k++) {
    const d = decade(low[k], now);
    if (!d || !free(k, k + 1)) continue;
    const start = low[k - 1] === 'the' && free(k - 1, k) ? k - 1 : k;
    take(start, k + 1, d.label, same([range(`${d.from}-01-01`, `${d.from + 9}-12-31`)]));
  }

  // Fixed relative spans of our own: "last weekend", "this year", "last year", "last month".
  for (let k = 0; k + 1 < words.length; k++) {
    if (!free(k, k + 2)) continue;
    const p = phrase(k, 2);
    if (p === 'last weekend' || p === 'this weekend') {
      const saturday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - ((now.getDay() + 1) % 7));
      if (p === 'last weekend' && now.getDay() !== 0 && now.getDay() !== 6) saturday.setDate(saturday.getDate());
      if (p === 'last weekend' && (now.getDay() === 0 || now.getDay() === 6)) saturday.setDate(saturday.getDate() - 7);
      const sunday = new Date(saturday.getFullYear(), saturday.getMonth(), saturday.getDate() + 1);
      take(k, k + 2, `${p} (${day(saturday)} – ${day(sunday)})`, same([range(day(saturday), day(sunday))]));
    } else if (p === 'this year' || p === 'last year') {
      const y = p === 'this year' ? thisYear : thisYear - 1;
      take(k, k + 2, `${p} (${y})`, same([yearRange(y)]));
    } else if (p === 'this month' || p === 'last month') {
      const first = new Date(thisYear, now.getMonth() - (p === 'last month' ? 1 : 0), 1);
      take(k, k + 2, `${p}`, same([monthRange(first.getFullYear(), first.getMonth() + 1)]));
    }
  }

  // chrono-node: explicit dates, month + year, "yesterday", "3 days ago", "2 weeks ago", "last week".
  readChrono(words, low, now, free, take);

  // Bare years last (a year inside "christmas 2019" or "march 2022" is taken already).
  for (let k = 0; k < words.length; k++) {
    const y = year(low[k], now);
    if (y === undefined || !free(k, k + 1) || !/^(19|20)\d\d$/.test(words[k]!.replace(/[,.;!?]$/, ''))) continue;
    // "2000 people", "1500 cars": a count, not a year.
    if (COUNTED.has(low[k + 1] ?? '') || /^[a-z]+s$/.test(low[k + 1] ?? '')) continue;
    take(k, k + 1, String(y), same([yearRange(y)]));
  }
  return readings.sort((a, b) => a.start - b.start);
}

/** Words after a number that make it a count. */
const COUNTED = new Set([
  'people',
  'men',
  'women',
  'children',
  'kids',
  'sheep',
  'fish',
  'feet',
  'metres',
  'meters',
  'miles',
  'km',
  'mph',
  'pieces',
]);

const RELATIVE = /\b(ago|yesterday|today|last week|this week|last month|days? before)\b/;

function readChrono(
  words: readonly string[],
  low: readonly string[],
  now: Date,
  free: (start: number, end: number) => boolean,
  take: (start: number, end: number, label: string, ranges: { north: DayRange[]; south: DayRange[] }) => void,
): void {
  const text = low.join(' ');
  // Without words chrono reads (numbers other than a bare year, month names, relative words) it has
  // nothing for us, and neither its load nor its first parse is paid.
  if (!chronoMightRead(low)) return;
  // Word k starts at offsets[k] in `text`.
  const offsets: number[] = [];
  let at = 0;
  for (const w of low) {
    offsets.push(at);
    at += w.length + 1;
  }
  for (const result of loadChrono().parse(text, now)) {
    const start = offsets.findIndex((o) => o === result.index);
    if (start < 0) continue;
    const endOffset = result.index + result.text.length;
    let end = start;
    while (end < low.length && offsets[end]! < endOffset) end++;
    if (!free(start, end)) continue;
    const said = low.slice(start, end).join(' ');
    const c = result.start;
    const hasYear = c.isCertain('year');
    const relative = RELATIVE.test(said);
    // A month or weekday alone ("may", "a march", "sunday") is a description, not a date.
    if (!hasYear && !relative) continue;
    const y = c.get('year')!;
    const m = c.get('month')!;
    const d = c.get('day')!;
    let ranges: DayRange[];
    let label: string;
    if (/\bweeks? ago\b|\bweek\b/.test(said)) {
      // "2 weeks ago": the week around that day.
      const centre = new Date(y, m - 1, d);
      ranges = [range(day(new Date(y, m - 1, d - 3)), day(new Date(y, m - 1, d + 3)))];
      label = `${said} (week of ${day(centre)})`;
    } else if (/\bmonths? ago\b/.test(said)) {
      ranges = [monthRange(y, m)];
      label = `${said} (${y}-${pad(m)})`;
    } else if (/\byears? ago\b/.test(said)) {
      ranges = [yearRange(y)];
      label = `${said} (${y})`;
    } else if (c.isCertain('day') || relative) {
      const endDay = result.end ? day(result.end.date()) : ymd(y, m, d);
      ranges = [range(ymd(y, m, d), endDay)];
      label = relative ? `${said} (${ymd(y, m, d)})` : ymd(y, m, d) + (endDay !== ymd(y, m, d) ? ` – ${endDay}` : '');
    } else if (c.isCertain('month')) {
      ranges = [monthRange(y, m)];
      label = `${y}-${pad(m)}`;
    } else {
      ranges = [yearRange(y)];
      label = String(y);
    }
    take(start, end, label, same(ranges));
  }
}
