/**
 * Shared pieces of the store-fault tests: the CLI as a child that may fail, a fingerprint of the
 * photos (to prove nothing touched them), and an index read back as plain rows for comparison.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { halfBitsToFloat } from '../../../app/kernels/f16.ts';

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
