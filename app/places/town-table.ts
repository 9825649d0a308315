/**
 * The places a query may name, in the form a search loads fast: the towns (population ≥ MIN_POPULATION,
 * not a neighbourhood or a ruin) and the names of countries (with everyday aliases) and first-order
 * regions, each list sorted by folded name so that a name is found by binary search, with nothing built
 * when the table is loaded. Derived from the gazetteer (gazetteer.ts) and, for the release, written once
 * by `npm run build` to `dist/places/towns.bin`: the first search reads 1.2 MB and decodes only the
 * lines its words probe (≈ 15 a name), instead of walking the 6 MB GeoNames file. Without that file
 * (source runs, tests) it is derived in memory, the same way; test/unit/places/gazetteer.test.ts checks
 * the file round-trips exactly.
 *
 * File: "EIDOS-TOWNS 2\n", the gazetteer version and "\n", padded to 4 bytes; u32 n (towns), u32 m
 * (names); f32 lat[n], f32 lon[n], u32 population[n]; u32 townAt[n + 1], u32 nameAt[m + 1] (byte offsets
 * of the lines in the text that follows); then the text: a UTF-8 line `folded\tname\tcountry\tadmin1\tregion`
 * per town, a line `folded\tkind\tcountry\tadmin1\tname` per name (kind `country` or `region`), and
 * lines `CC\tcountry name`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourceRoot } from '../resources.ts';
import { COUNTRY_ALIASES } from './country-aliases.ts';
import { gazetteer, gazetteerVersion, PlaceKind, type Gazetteer } from './gazetteer.ts';

/** Smaller towns are not read from words: too many are also words ("Beach", "Sandy", "Surprise"). */
export const MIN_POPULATION = 15_000;

export interface TownTable {
  readonly size: number;
  readonly lat: Float32Array;
  readonly lon: Float32Array;
  readonly population: Uint32Array;
  /** Town i, sorted by folded name: folded name, name, ISO country code, admin1 code, region name ('' when none), tab-separated. */
  townLine(i: number): string;
  /** How many country and region names there are. */
  readonly names: number;
  /**
   * Name j, sorted by folded name (a name's places in the order countries by code, each with its aliases,
   * then regions as GeoNames lists them): folded name, `country` or `region`, ISO country code, admin1
   * code ('' for a country), the place's name, tab-separated.
   */
  nameLine(j: number): string;
  /** English country names by ISO code (ICU's, computed when the table is made: ICU's data costs a first search ~25 ms). */
  readonly countries: ReadonlyMap<string, string>;
  readonly version: string;
}

const MAGIC = 'EIDOS-TOWNS 2\n';

/** Folded for lookup: lower case, no accents, no apostrophes or dots, hyphens as spaces. */
export function foldName(name: string): string {
  // Plain ASCII letters and single spaces need none of the work below (most names).
  if (/^[A-Za-z]+(?: [A-Za-z]+)*$/.test(name)) return name.toLowerCase();
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’.]/g, '')
    .replace(/[-‐]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function deriveTownTable(g: Gazetteer, version: string): TownTable {
  const keep: number[] = [];
  for (let i = 0; i < g.size; i++) {
    if (g.population[i]! >= MIN_POPULATION && g.kind[i] !== PlaceKind.Gone && g.kind[i] !== PlaceKind.Section)
      keep.push(i);
  }
  const folded = new Map(keep.map((i) => [i, foldName(g.name(i))]));
  // By folded name; a name's towns keep the file's order.
  keep.sort((a, b) => compareFolded(folded.get(a)!, folded.get(b)!) || a - b);
  const towns = keep.map((i) =>
    [folded.get(i)!, g.name(i), g.country(i), g.admin1(i), g.regionName(i) ?? ''].join('\t'),
  );
  const codes = new Set<string>([...g.countries, ...[...g.regions.keys()].map((key) => key.slice(0, 2))]);
  const countries = new Map(
    [...codes]
      .filter((c) => /^[A-Z]{2}$/.test(c))
      .sort()
      .map((c) => [c, g.countryName(c)]),
  );
  const names: Array<[folded: string, line: string]> = [];
  const add = (said: string, kind: 'country' | 'region', code: string, admin1: string, name: string) => {
    const key = foldName(said);
    if (key !== '') names.push([key, [key, kind, code, admin1, name].join('\t')]);
  };
  for (const [code, name] of countries) {
    add(name, 'country', code, '', name);
    for (const alias of COUNTRY_ALIASES[code] ?? []) add(alias, 'country', code, '', name);
  }
  for (const [key, name] of g.regions) {
    const [code, admin1] = key.split('.') as [string, string];
    add(name, 'region', code, admin1, name);
  }
  // By folded name only (a stable sort): a name's places keep the order they were added in.
  names.sort((a, b) => compareFolded(a[0], b[0]));
  const nameLines = names.map(([, line]) => line);
  return {
    size: keep.length,
    lat: Float32Array.from(keep, (i) => g.lat[i]!),
    lon: Float32Array.from(keep, (i) => g.lon[i]!),
    population: Uint32Array.from(keep, (i) => g.population[i]!),
    townLine: (i) => towns[i]!,
    names: nameLines.length,
    nameLine: (j) => nameLines[j]!,
    countries,
    version,
  };
}

/** Code-unit order (what binary search over the lines needs: no locale). */
export const compareFolded = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The rows of `count` lines sorted by folded name whose folded name is `folded` (binary search). */
function rowsNamed(count: number, line: (i: number) => string, folded: string): number[] {
  const key = `${folded}\t`;
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareFolded(line(mid), key) < 0) lo = mid + 1;
    else hi = mid;
  }
  const rows: number[] = [];
  for (let i = lo; i < count && line(i).startsWith(key); i++) rows.push(i);
  return rows;
}

/** The rows of towns whose folded name is `folded`. */
export const townsNamed = (t: TownTable, folded: string): number[] => rowsNamed(t.size, (i) => t.townLine(i), folded);

/** The rows of country and region names (`nameLine`) whose folded name is `folded`. */
export const namesNamed = (t: TownTable, folded: string): number[] => rowsNamed(t.names, (j) => t.nameLine(j), folded);

export function encodeTownTable(t: TownTable): Buffer {
  let head = Buffer.from(`${MAGIC}${t.version}\n`, 'utf8');
  head = Buffer.concat([head, Buffer.alloc((4 - (head.length % 4)) % 4, 0x20)]);
  const line = (text: string) => Buffer.from(`${text}\n`, 'utf8');
  const towns = Array.from({ length: t.size }, (_, i) => line(t.townLine(i)));
  const names = Array.from({ length: t.names }, (_, j) => line(t.nameLine(j)));
  // Where each line starts, and where each list ends: towns at 0…n, names at n + 1…n + m + 1.
  const offsets = new Uint32Array(t.size + t.names + 2);
  let at = 0;
  towns.forEach((bytes, i) => {
    offsets[i] = at;
    at += bytes.length;
  });
  offsets[t.size] = at;
  names.forEach((bytes, j) => {
    offsets[t.size + 1 + j] = at;
    at += bytes.length;
  });
  offsets[t.size + t.names + 1] = at;
  const counts = new Uint32Array([t.size, t.names]);
  const arrays = [counts, t.lat, t.lon, t.population, offsets].map((a) =>
    Buffer.from(a.buffer, a.byteOffset, a.byteLength),
  );
  const countries = [...t.countries].map(([code, name]) => `${code}\t${name}`).join('\n');
  return Buffer.concat([head, ...arrays, ...towns, ...names, Buffer.from(countries, 'utf8')]);
}

export function decodeTownTable(bytes: Buffer, file: string): TownTable {
  const text = bytes.toString('latin1', 0, 200);
  if (!text.startsWith(MAGIC)) throw new Error(`${file}: not an Eidos town table (no "${MAGIC.trim()}" header)`);
  const versionEnd = text.indexOf('\n', MAGIC.length);
  const version = text.slice(MAGIC.length, versionEnd);
  let at = versionEnd + 1;
  while (bytes[at] === 0x20) at++;
  if (at % 4 !== 0) throw new Error(`${file}: the header is not padded to 4 bytes`);
  const n = bytes.readUInt32LE(at);
  const m = bytes.readUInt32LE(at + 4);
  at += 8;
  const arraysLength = 12 * n + 4 * (n + m + 2);
  if (at + arraysLength > bytes.length) throw new Error(`${file}: shorter than its ${n} towns and ${m} names`);
  // Copy into fresh aligned memory: a Buffer from readFileSync may sit at any offset of its pool.
  const block = bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + arraysLength);
  const offsets = new Uint32Array(block, 12 * n, n + m + 2);
  const textStart = at + arraysLength;
  const namesEnd = offsets[n + m + 1]!;
  if (textStart + namesEnd > bytes.length) throw new Error(`${file}: its lines run past the end of the file`);
  const countries = new Map(
    bytes
      .toString('utf8', textStart + namesEnd)
      .split('\n')
      .map((line) => line.split('\t') as [string, string]),
  );
  // A line is decoded when a lookup probes it: a search reads a few dozen of the table's 30,000.
  const line = (k: number) => bytes.toString('utf8', textStart + offsets[k]!, textStart + offsets[k + 1]! - 1);
  return {
    size: n,
    lat: new Float32Array(block, 0, n),
    lon: new Float32Array(block, 4 * n, n),
    population: new Uint32Array(block, 8 * n, n),
    townLine: (i) => line(i),
    names: m,
    nameLine: (j) => line(n + 1 + j),
    countries,
    version,
  };
}

/** Where `npm run build` writes the table (under the package or app folder, as every resource). */
export const townTableFile = (): string => join(resourceRoot(), 'dist', 'places', 'towns.bin');

let loaded: TownTable | undefined;

/** The table, from the built file when it is there and of this gazetteer, else derived from the gazetteer. */
export function townTable(): TownTable {
  if (loaded) return loaded;
  const version = gazetteerVersion(resourceRoot());
  const file = townTableFile();
  if (existsSync(file)) {
    const table = decodeTownTable(readFileSync(file), file);
    if (table.version === version) return (loaded = table);
  }
  loaded = deriveTownTable(gazetteer(), version);
  return loaded;
}
