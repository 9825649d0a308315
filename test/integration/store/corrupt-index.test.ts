import { closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callEngine } from '../../../app/api/dispatch.ts';
import { createEngineHandlers } from '../../../app/api/handlers.ts';
import { isEidosError } from '../../../app/errors.ts';
import { indexPath, modelsDir } from '../../../app/paths.ts';
import { mulberry32 } from '../../../app/util/mulberry32.ts';
import { rejection } from '../../helpers/errors.ts';
import { copyImagenet, indexFolder, makeHome } from '../index/harness.ts';
import { eidos, fingerprint, jsonError, readIndex, worstVectorDifference, type IndexContent } from './store-faults.ts';

// A real index of real photos, damaged in the ways disks and crashes damage files. Every command
// must name the file and the rebuild; `eidos index --rebuild` must keep the damaged file aside,
// leave every photo byte-identical and produce the same index as a clean run over the same photos.
const COUNT = 30;
const PAGE = 4096;

let clean: Awaited<ReturnType<typeof makeHome>>;
let library: string;
let photosBefore: Map<string, string>;
let expected: IndexContent;

beforeAll(async () => {
  clean = await makeHome();
  library = join(clean.scratch, 'library');
  copyImagenet(library, COUNT);
  photosBefore = fingerprint(library);
  const summary = await indexFolder(clean.home, library);
  expect(summary.encoded).toBe(COUNT);
  // The CLI closed its connection, so the WAL was checkpointed: the main file is the whole index.
  expect(existsSync(`${indexPath(clean.home)}-wal`)).toBe(false);
  expected = readIndex(indexPath(clean.home));
  expect(expected.integrity).toEqual(['ok']);
});
afterAll(() => clean?.dispose());

/** The last leaf page of `table`, checked to be below an interior root (so not a page the schema names). */
function leafPageOf(file: string, table: string): number {
  const db = new Database(file, { readonly: true });
  try {
    const pages = db.prepare('SELECT pageno, pagetype FROM dbstat WHERE name = ? ORDER BY pageno').all(table) as { pageno: number; pagetype: string }[];
    const root = db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').pluck().get(table) as number;
    const leaf = pages.filter((p) => p.pagetype === 'leaf').at(-1);
    expect(leaf, `${table} has a leaf page`).toBeDefined();
    expect(leaf!.pageno).not.toBe(root);
    return leaf!.pageno;
  } finally {
    db.close();
  }
}

function overwrite(file: string, offset: number, bytes: Buffer): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, bytes, 0, bytes.length, offset);
  closeSync(fd);
}

interface Damage {
  name: string;
  damage(file: string): void;
  /** Whether the folders table survives (else the rebuild must be told the folder). */
  foldersReadable: boolean;
}

const random = mulberry32(8);
const damages: Damage[] = [
  {
    name: 'header overwritten with garbage',
    damage: (file) => overwrite(file, 0, Buffer.from(Array.from({ length: 100 }, () => Math.floor(random() * 256)))),
    foldersReadable: false,
  },
  { name: 'a zeroed leaf page of files', damage: (file) => overwrite(file, (leafPageOf(file, 'files') - 1) * PAGE, Buffer.alloc(PAGE)), foldersReadable: true },
  { name: 'a zeroed leaf page of embeddings', damage: (file) => overwrite(file, (leafPageOf(file, 'embeddings') - 1) * PAGE, Buffer.alloc(PAGE)), foldersReadable: true },
  // The schema's own leaf pages sit after the tables' first pages: half the file loses them, one page does not.
  { name: 'truncated to half its pages', damage: (file) => truncateSync(file, Math.floor(readFileSync(file).length / PAGE / 2) * PAGE), foldersReadable: false },
  { name: 'its last page cut off', damage: (file) => truncateSync(file, readFileSync(file).length - PAGE), foldersReadable: true },
  { name: 'not a database at all', damage: (file) => writeFileSync(file, 'a text file where the index should be\n'.repeat(500)), foldersReadable: false },
];

/** A data folder holding a copy of the clean index with `damage` applied (models shared by a link). */
function damagedHome(damage: Damage, root: string): { home: string; file: string } {
  const home = join(root, damage.name.replace(/\W+/g, '-'));
  cpSync(clean.home, home, { recursive: true, filter: (source) => !source.startsWith(modelsDir(clean.home)) });
  symlinkSync(modelsDir(clean.home), modelsDir(home));
  const file = indexPath(home);
  damage.damage(file);
  return { home, file };
}

describe.each(damages)('a damaged index: $name', (damage) => {
  let home: string;
  let file: string;
  beforeAll(() => ({ home, file } = damagedHome(damage, clean.scratch)));

  it('status, search and index stop with INDEX_CORRUPT, naming the file and the rebuild command', async () => {
    for (const args of [['status', '--json'], ['search', 'a dog', '--json'], ['index', '--json']]) {
      const result = await eidos(home, args);
      expect(result.code, args.join(' ')).toBe(1);
      const error = jsonError(result);
      expect(error.code, `${args.join(' ')}: ${error.message}`).toBe('INDEX_CORRUPT');
      expect(error.message).toContain(file);
      expect(error.message).toContain("'eidos index --rebuild'");
      expect(error.message).toMatch(/photos are not affected/);
    }
  });

  it('eidos serve refuses to start with the same message, not a stack trace', async () => {
    const result = await eidos(home, ['serve'], 30_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The index ${file} is damaged`);
    expect(result.stderr).toContain("'eidos index --rebuild'");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('eidos index --rebuild keeps the damaged file aside, never touches a photo, and equals a clean index', async () => {
    // As the rebuild finds it (the failed plain 'eidos index' above may have checkpointed its lock row into it).
    const damagedBytes = readFileSync(file);
    if (!damage.foldersReadable) {
      const refused = await eidos(home, ['index', '--rebuild', '--json']);
      expect(refused.code).toBe(2);
      expect(jsonError(refused).message).toMatch(/eidos index --rebuild <folder>/);
      expect(readdirSync(home).filter((name) => name.includes('damaged'))).toEqual([]);
    }
    const rebuilt = await eidos(home, ['index', '--rebuild', '--json', ...(damage.foldersReadable ? [] : [library])]);
    expect(rebuilt.code, rebuilt.stdout + rebuilt.stderr).toBe(0);
    const summary = JSON.parse(rebuilt.stdout) as { encoded: number; skipped: number; rebuild: { aside: string[]; folders: string[] } };
    expect(summary.rebuild.folders).toEqual([library]);
    expect(summary.encoded).toBe(COUNT);
    expect(summary.skipped).toBe(0);

    const aside = summary.rebuild.aside.at(-1) as string;
    expect(aside).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.damaged-\\d{4}-\\d\\d-\\d\\dT[\\d-]+Z$`));
    expect(readFileSync(aside).equals(damagedBytes)).toBe(true);
    expect(fingerprint(library)).toEqual(photosBefore);

    const actual = readIndex(file);
    expect(actual.integrity).toEqual(['ok']);
    expect(actual.folders).toEqual(expected.folders);
    expect(actual.files).toEqual(expected.files);
    expect(worstVectorDifference(actual.vectors, expected.vectors)).toBeLessThan(1e-3);

    const status = await eidos(home, ['status', '--json']);
    expect(status.code).toBe(0);
    expect((JSON.parse(status.stdout) as { indexed: number }).indexed).toBe(COUNT);
  });
});

describe('the engine behind the UI (Electron, serve) on a damaged index', () => {
  it('keeps running, answers calls with INDEX_CORRUPT and the rebuild message, and shows it as the status notice', async () => {
    const home = join(clean.scratch, 'ui-home');
    mkdirSync(home);
    writeFileSync(indexPath(home), 'not a database '.repeat(400));
    const handlers = await createEngineHandlers(home);
    try {
      const status = await handlers.status({});
      expect(status.ready).toBe(false);
      expect(status.notice).toContain(`The index ${indexPath(home)} is damaged`);
      expect(status.notice).toContain("'eidos index --rebuild'");
      for (const [method, args] of [['search', { query: 'a dog' }], ['listFolders', {}]] as const) {
        const error = await rejection(callEngine(handlers, method, args));
        expect(isEidosError(error, 'INDEX_CORRUPT'), `${method}: ${error.message}`).toBe(true);
        expect(error.message).toContain("'eidos index --rebuild'");
      }
    } finally {
      await handlers.close?.();
    }
  });
});
