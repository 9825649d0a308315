/**
 * Shared pieces of the store-fault tests: the CLI as a child that may fail, a fingerprint of the
 * photos (to prove nothing touched them), an index read back as plain rows for comparison, and the
 * ways disks and crashes damage an index file.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, cpSync, openSync, readdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { halfBitsToFloat } from '../../../app/kernels/f16.ts';
import { indexPath, modelsDir } from '../../../app/paths.ts';
import { mulberry32 } from '../../../app/util/mulberry32.ts';

const EIDOS = resolve(import.meta.dirname, '../../../bin/eidos.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `eidos <args>` with EIDOS_HOME=home; resolves with the exit code and output, whatever they are. */
export function eidos(home: string, args: string[], timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((done) => {
    execFile(process.execPath, [EIDOS, ...args], { env: { ...process.env, EIDOS_HOME: home }, maxBuffer: 1 << 24, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : null) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** The `{ error: { code, message } }` a failing `--json` command prints. */
export function jsonError(result: CliResult): { code: string; message: string } {
  return (JSON.parse(result.stdout) as { error: { code: string; message: string } }).error;
}

/** sha256 of every file under `dir` (recursively), keyed by relative path. */
export function fingerprint(dir: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    sums.set(path.slice(dir.length + 1), createHash('sha256').update(readFileSync(path)).digest('hex'));
  }
  return sums;
}

/** What an index says about the photos: folders, file rows without ids or timestamps, vectors by content. */
export interface IndexContent {
  folders: string[];
  files: Array<Record<string, unknown>>;
  vectors: Map<string, Float32Array>;
  integrity: string[];
}

export function readIndex(file: string): IndexContent {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const vectors = new Map<string, Float32Array>();
    for (const row of db.prepare('SELECT content_hash, vector FROM embeddings ORDER BY content_hash').all() as { content_hash: string; vector: Buffer }[]) {
      const halves = new Uint16Array(row.vector.buffer.slice(row.vector.byteOffset, row.vector.byteOffset + row.vector.byteLength));
      vectors.set(row.content_hash, Float32Array.from(halves, (bits) => halfBitsToFloat(bits)));
    }
    return {
      folders: db.prepare('SELECT path FROM folders ORDER BY path').pluck().all() as string[],
      files: db
        .prepare(
          `SELECT f.path, d.path AS folder, f.size, f.mtime_ms, f.content_hash, f.format, f.status, f.skip_code,
                  f.taken_at, f.lat, f.lon, f.make, f.model, f.lens, f.width, f.height
             FROM files f JOIN folders d ON d.id = f.folder_id ORDER BY f.path`,
        )
        .all() as Array<Record<string, unknown>>,
      vectors,
      integrity: db.prepare('PRAGMA integrity_check').pluck().all() as string[],
    };
  } finally {
    db.close();
  }
}

/** Largest difference between two indexes' vectors for the same content (Infinity when the contents differ). */
export function worstVectorDifference(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  if (a.size !== b.size) return Infinity;
  let worst = 0;
  for (const [hash, vector] of a) {
    const other = b.get(hash);
    if (!other || other.length !== vector.length) return Infinity;
    for (let i = 0; i < vector.length; i++) worst = Math.max(worst, Math.abs((vector[i] as number) - (other[i] as number)));
  }
  return worst;
}

export const PAGE = 4096;

/** The last leaf page of `table`, checked to be below an interior root (so not a page the schema names). */
export function leafPageOf(file: string, table: string): number {
  const db = new Database(file, { readonly: true });
  try {
    const pages = db.prepare('SELECT pageno, pagetype FROM dbstat WHERE name = ? ORDER BY pageno').all(table) as { pageno: number; pagetype: string }[];
    const root = db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').pluck().get(table) as number;
    const leaf = pages.filter((p) => p.pagetype === 'leaf').at(-1);
    if (!leaf || leaf.pageno === root) throw new Error(`${table} has no leaf page below its root: the library is too small to damage this way`);
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
  { name: 'a zeroed leaf page of files', damage: (file) => overwrite(file, (leafPageOf(file, 'files') - 1) * PAGE, Buffer.alloc(PAGE)), foldersReadable: true },
  { name: 'a zeroed leaf page of embeddings', damage: (file) => overwrite(file, (leafPageOf(file, 'embeddings') - 1) * PAGE, Buffer.alloc(PAGE)), foldersReadable: true },
  // The schema's own leaf pages sit after the tables' first pages: half the file loses them, one page does not.
  { name: 'truncated to half its pages', damage: (file) => truncateSync(file, Math.floor(readFileSync(file).length / PAGE / 2) * PAGE), foldersReadable: false },
  { name: 'its last page cut off', damage: (file) => truncateSync(file, readFileSync(file).length - PAGE), foldersReadable: true },
  { name: 'not a database at all', damage: (file) => writeFileSync(file, 'a text file where the index should be\n'.repeat(500)), foldersReadable: false },
];

/** A data folder in `root` holding a copy of `cleanHome`'s index with `damage` applied (models shared by a link). */
export function damagedHome(cleanHome: string, damage: Damage, root: string): { home: string; file: string } {
  const home = join(root, damage.name.replace(/\W+/g, '-'));
  cpSync(cleanHome, home, { recursive: true, filter: (source) => !source.startsWith(modelsDir(cleanHome)) });
  symlinkSync(modelsDir(cleanHome), modelsDir(home));
  const file = indexPath(home);
  damage.damage(file);
  return { home, file };
}
