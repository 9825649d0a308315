import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../../app/contract/types.ts';
import { EIDOS, indexFolder, makeHome, PHOTOS, runEidos } from '../../helpers/eidos-cli.ts';

// Real GPS photos (exif-edge; where each was taken checked by hand on a map, dates from their EXIF as
// exiftool reads them) indexed by the built CLI: places named at index time, and dates and places read
// from the query's words.
const EXIF = join(PHOTOS, 'exif-edge', 'files', 'jpg');
const TUSCANY = ['0010', '0012', '0021', '0025', '0027', '0029', '0038', '0040', '0042'].map((n) => `DSCN${n}.jpg`);
const MADRID = ['iphone_hdr_NO.jpg', 'iphone_hdr_YES.jpg']; // 2015-04-10
const HELSINKI = 'HMD_Nokia_8.3_5G.jpg'; // 2022-08-14
const KENYA = 'Kodak_CX7530.jpg'; // 2005-08-13

let home: string;
let dispose: () => void;

beforeAll(async () => {
  const made = await makeHome();
  home = made.home;
  dispose = made.dispose;
  const folder = join(made.scratch, 'trips');
  mkdirSync(folder);
  for (const name of TUSCANY) copyFileSync(join(EXIF, 'gps', name), join(folder, name));
  for (const name of MADRID) copyFileSync(join(EXIF, 'hdr', name), join(folder, name));
  copyFileSync(join(EXIF, 'mobile', HELSINKI), join(folder, HELSINKI));
  copyFileSync(join(EXIF, KENYA), join(folder, KENYA));
  await indexFolder(home, folder);
}, 240_000);
afterAll(() => dispose?.());

async function search(...args: string[]): Promise<SearchResponse> {
  const result = await runEidos(home, ['search', ...args, '--json']);
  expect(result.code, result.stderr + result.stdout).toBe(0);
  return JSON.parse(result.stdout) as SearchResponse;
}
const names = (response: SearchResponse) => response.results.map((r) => basename(r.path));

describe('when and where through eidos search', () => {
  it('"photos in Italy" lists the photos taken in Italy, newest first, with their place names', async () => {
    const response = await search('photos in Italy');
    expect(response.read).toEqual([
      { kind: 'place', source: 'in Italy', label: 'Italy', photos: TUSCANY.length, alternatives: [] },
    ]);
    expect(response.remainder).toBe('');
    expect(names(response).sort()).toEqual([...TUSCANY].sort());
    const dates = response.results.map((r) => r.takenAt!);
    expect(dates).toEqual([...dates].sort().reverse());
    for (const r of response.results) expect(r.place?.name).toMatch(/, Tuscany, Italy$/);
  });

  it('a date and a place together, and --place by a stored name', async () => {
    expect(names(await search('in Madrid 2015')).sort()).toEqual([...MADRID].sort());
    expect(names(await search('photos 2008', '--place', 'Tuscany')).sort()).toEqual([...TUSCANY].sort());
    expect(names(await search('photos', '--place', 'finland', '--all'))).toEqual([HELSINKI]);
    expect(names(await search('last summer in Finland'))).toEqual([]); // 2022, not last summer
    expect(names(await search('summer 2022 in Finland'))).toEqual([HELSINKI]);
    expect(names(await search('Kenya'))).toEqual([KENYA]);
  });

  it('says which filter emptied the answer, and prints what it read', async () => {
    const empty = await search('photos in Finland 2008');
    expect(empty.results).toEqual([]);
    expect(empty.message).toContain("'in Finland'");
    const text = await runEidos(home, ['search', 'photos in Italy']);
    expect(text.stdout).toContain(`read: place 'in Italy' → Italy, ${TUSCANY.length} photos`);
    expect(text.stdout).toContain('described: nothing else (newest first)');
  });

  it('a description with words read goes to the model with the rest of the words', async () => {
    const response = await search('red in Italy', '--all');
    expect(response.remainder).toBe('red');
    expect(response.terms.map((t) => t.term)).toEqual(['red']);
    expect(names(response).every((name) => TUSCANY.includes(name))).toBe(true);
  });
});

describe('an index made before place names', () => {
  it('is named by the next indexing run', async () => {
    // As an older Eidos left it: the photos and their positions, no place names.
    const db = new Database(join(home, 'index.sqlite'));
    db.prepare('DELETE FROM photo_places').run();
    db.close();
    expect((await search('photos in Italy')).results).toEqual([]);
    await indexFolder(home);
    expect(names(await search('photos in Italy')).sort()).toEqual([...TUSCANY].sort());
  });
});

describe('cheap', () => {
  it('eidos --help does not open the gazetteer', async () => {
    const trace = join(home, '..', 'help.strace');
    await promisify(execFile)('strace', [
      '-f',
      '-e',
      'trace=open,openat',
      '-o',
      trace,
      process.execPath,
      EIDOS,
      '--help',
    ]);
    const opened = readFileSync(trace, 'utf8');
    expect(opened).toContain('eidos'); // the trace saw the CLI start
    expect(opened).not.toMatch(/cities\.pbf|towns\.bin|admin1\.json|chrono-node/);
  });
});
