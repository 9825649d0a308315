/**
 * The towns a query may name (population ≥ MIN_POPULATION, not a neighbourhood or a ruin), in the form a
 * search loads fast: derived from the gazetteer (gazetteer.ts) and, for the release, written once by
 * `npm run build` to `dist/places/towns.bin` so that the first search reads 1.5 MB of ready arrays
 * instead of walking the 6 MB GeoNames file. Without that file (source runs, tests) it is derived in
 * memory, the same way; test/unit/places/town-table.test.ts checks the file round-trips exactly.
 *
 * File: "EIDOS-TOWNS 1\n", the gazetteer version and "\n", padded to 4 bytes; u32 n; f32 lat[n],
 * f32 lon[n], u32 population[n]; then UTF-8 lines `folded\tname\tcountry\tadmin1\tregion`, one per town,
 * sorted by folded name; a NUL; then lines `CC\tcountry name`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourceRoot } from '../resources.ts';
import { gazetteer, gazetteerFiles, gazetteerVersion, PlaceKind, readRegions, type Gazetteer } from './gazetteer.ts';

/** Smaller towns are not read from words: too many are also words ("Beach", "Sandy", "Surprise"). */
export const MIN_POPULATION = 15_000;

export interface TownTable {
  readonly size: number;
  readonly lat: Float32Array;
  readonly lon: Float32Array;
  readonly population: Uint32Array;
  /** Per town, sorted by folded name (looked up by binary search): folded name, name, ISO country code, admin1 code, region name ('' when none). */
  readonly lines: readonly string[];
  /** English country names by ISO code (ICU's, computed when the table is made: ICU's data costs a first search ~25 ms). */
  readonly countries: ReadonlyMap<string, string>;
  /** Region names by `CC.admin1` (all of GeoNames' first-order divisions). */
  readonly regions: ReadonlyMap<string, string>;
  readonly version: string;
}

const MAGIC = 'EIDOS-TOWNS 1\n';

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
  const lines = keep.map((i) =>
    [folded.get(i)!, g.name(i), g.country(i), g.admin1(i), g.regionName(i) ?? ''].join('\t'),
  );
  const codes = new Set<string>([...g.countries, ...[...g.regions.keys()].map((key) => key.slice(0, 2))]);
  return {
    size: keep.length,
    lat: Float32Array.from(keep, (i) => g.lat[i]!),
    lon: Float32Array.from(keep, (i) => g.lon[i]!),
    population: Uint32Array.from(keep, (i) => g.population[i]!),
    lines,
    countries: new Map(
      [...codes]
        .filter((c) => /^[A-Z]{2}$/.test(c))
        .sort()
        .map((c) => [c, g.countryName(c)]),
    ),
    regions: g.regions,
    version,
  };
}

/** Code-unit order (what binary search over the lines needs: no locale). */
export const compareFolded = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The rows of towns whose folded name is `folded`, by binary search over the sorted lines. */
export function townsNamed(t: TownTable, folded: string): number[] {
  const key = `${folded}\t`;
  let lo = 0;
  let hi = t.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareFolded(t.lines[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  const rows: number[] = [];
  for (let i = lo; i < t.size && t.lines[i]!.startsWith(key); i++) rows.push(i);
  return rows;
}

export function encodeTownTable(t: TownTable): Buffer {
  let head = Buffer.from(`${MAGIC}${t.version}\n`, 'utf8');
  head = Buffer.concat([head, Buffer.alloc((4 - (head.length % 4)) % 4, 0x20)]);
  const count = Buffer.alloc(4);
  count.writeUInt32LE(t.size);
  const arrays = [t.lat, t.lon, t.population].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  const countries = [...t.countries].map(([code, name]) => `${code}\t${name}`).join('\n');
  return Buffer.concat([head, count, ...arrays, Buffer.from(`${t.lines.join('\n')}\0${countries}`, 'utf8')]);
}

export function decodeTownTable(bytes: Buffer, regions: ReadonlyMap<string, string>, file: string): TownTable {
  const text = bytes.toString('latin1', 0, 200);
  if (!text.startsWith(MAGIC)) throw new Error(`${file}: not an Eidos town table (no "${MAGIC.trim()}" header)`);
  const versionEnd = text.indexOf('\n', MAGIC.length);
  const version = text.slice(MAGIC.length, versionEnd);
  let at = versionEnd + 1;
  while (bytes[at] === 0x20) at++;
  if (at % 4 !== 0) throw new Error(`${file}: the header is not padded to 4 bytes`);
  const n = bytes.readUInt32LE(at);
  at += 4;
  // Copy into fresh aligned memory: a Buffer from readFileSync may sit at any offset of its pool.
  const block = bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + 12 * n);
  const [towns = '', countryLines = ''] = bytes.toString('utf8', at + 12 * n).split('\0');
  const lines = towns.split('\n');
  const countries = new Map(countryLines.split('\n').map((line) => line.split('\t') as [string, string]));
  if (lines.length !== n) throw new Error(`${file}: ${lines.length} town names for ${n} towns`);
  return {
    size: n,
    lat: new Float32Array(block, 0, n),
    lon: new Float32Array(block, 4 * n, n),
    population: new Uint32Array(block, 8 * n, n),
    lines,
    countries,
    regions,
    version,
  };
}

/** Where `npm run build` writes the table (under the package or app folder, as every resource). */
export const townTableFile = (): string => join(resourceRoot(), 'dist', 'places', 'towns.bin');

let loaded: TownTable | undefined;

/** The towns, from the built file when it is there and of this gazetteer, else derived from the gazetteer. */
export function townTable(): TownTable {
  if (loaded) return loaded;
  const version = gazetteerVersion();
  const regions = readRegions(gazetteerFiles().admin1);
  const file = townTableFile();
  if (existsSync(file)) {
    const table = decodeTownTable(readFileSync(file), regions, file);
    if (table.version === version) return (loaded = table);
  }
  loaded = deriveTownTable(gazetteer(), version);
  return loaded;
}
