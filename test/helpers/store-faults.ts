/**
 * The ways disks and crashes damage an index file, applied to a copy of a clean data folder.
 * (The CLI runner is runEidos in ../index/harness.ts; the comparison with a clean index and the
 * photos' fingerprint are in ../index/same-index.ts.)
 */
import {
  closeSync,
  cpSync,
  openSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { indexPath, modelsDir } from '../../app/paths.ts';
import { mulberry32 } from '../../app/util/mulberry32.ts';

export const PAGE = 4096;

/** The last leaf page of `table`, checked to be below an interior root (so not a page the schema names). */
export function leafPageOf(file: string, table: string): number {
  const db = new Database(file, { readonly: true });
  try {
    const pages = db.prepare('SELECT pageno, pagetype FROM dbstat WHERE name = ? ORDER BY pageno').all(table) as {
      pageno: number;
      pagetype: string;
    }[];
    const root = db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').pluck().get(table) as number;
    const leaf = pages.filter((p) => p.pagetype === 'leaf').at(-1);
    if (!leaf || leaf.pageno === root)
      throw new Error(`${table} has no leaf page below its root: the library is too small to damage this way`);
    return leaf.pageno;
  } finally {
    db.close();
  }
}

export function overwrite(file: string, offset: number, bytes: Buffer): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, bytes, 0, bytes.length, offset);
  closeSync(fd);
}

export interface Damage {
  name: string;
  damage(file: string): void;
  /** Whether the folders table survives (else the rebuild must be told the folder). */
  foldersReadable: boolean;
}

const random = mulberry32(8);
export const damages: Damage[] = [
  {
    name: 'header overwritten with garbage',
    damage: (file) => overwrite(file, 0, Buffer.from(Array.from({ length: 100 }, () => Math.floor(random() * 256)))),
    foldersReadable: false,
  },
  {
    name: 'a zeroed leaf page of files',
    damage: (file) => overwrite(file, (leafPageOf(file, 'files') - 1) * PAGE, Buffer.alloc(PAGE)),
    foldersReadable: true,
  },
  {
    name: 'a zeroed leaf page of embeddings',
    damage: (file) => overwrite(file, (leafPageOf(file, 'embeddings') - 1) * PAGE, Buffer.alloc(PAGE)),
    foldersReadable: true,
  },
  // Cut to its first page, the file keeps the header and the schema's root but loses every table's pages
  // (so the folders cannot be salvaged); cut by one page, it loses only the end of a table.
  { name: 'truncated to its first page', damage: (file) => truncateSync(file, PAGE), foldersReadable: false },
  {
    name: 'its last page cut off',
    damage: (file) => truncateSync(file, readFileSync(file).length - PAGE),
    foldersReadable: true,
  },
  {
    name: 'not a database at all',
    damage: (file) => writeFileSync(file, 'a text file where the index should be\n'.repeat(500)),
    foldersReadable: false,
  },
];

export function damageNamed(name: string): Damage {
  const damage = damages.find((d) => d.name === name);
  if (!damage) throw new Error(`no damage named ${name}`);
  return damage;
}

/** A data folder in `root` holding a copy of `cleanHome`'s index with `damage` applied (models shared by a link). */
export function damagedHome(cleanHome: string, damage: Damage, root: string): { home: string; file: string } {
  const home = join(root, damage.name.replace(/\W+/g, '-'));
  cpSync(cleanHome, home, { recursive: true, filter: (source) => !source.startsWith(modelsDir(cleanHome)) });
  symlinkSync(modelsDir(cleanHome), modelsDir(home));
  const file = indexPath(home);
  damage.damage(file);
  return { home, file };
}
