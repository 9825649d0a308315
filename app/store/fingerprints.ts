/**
 * The pixel fingerprints of the photos' contents (the `photo_fingerprints` table): read all of one
 * recipe at once, find the contents still without one, and write a batch in one transaction.
 */
import type { Sql } from './sql.ts';

export interface StoredFingerprint {
  /** The fingerprint's numbers (app/image/fingerprint.ts), or undefined when the photo could not be read. */
  fingerprint: Float32Array | undefined;
  sharpness: number | undefined;
  failed: string | undefined;
}

export interface FingerprintWrite extends StoredFingerprint {
  contentHash: string;
}

/** An indexed file of a content that has no fingerprint of `kind` yet (one file per content). */
export interface UnfingerprintedContent {
  contentHash: string;
  path: string;
  /** The path's exact bytes when they are not valid UTF-8. */
  pathKey: Buffer;
}

export function readFingerprints(sql: Sql, kind: string): Map<string, StoredFingerprint> {
  const out = new Map<string, StoredFingerprint>();
  const rows = sql
    .prepare('SELECT content_hash, fingerprint, sharpness, failed FROM photo_fingerprints WHERE kind = ?')
    .raw()
    .iterate(kind) as IterableIterator<[string, Buffer | null, number | null, string | null]>;
  for (const [hash, blob, sharpness, failed] of rows)
    out.set(hash, {
      // A copy: the blob's buffer may not be aligned for a Float32Array view.
      fingerprint: blob ? new Float32Array(new Uint8Array(blob).buffer) : undefined,
      sharpness: sharpness ?? undefined,
      failed: failed ?? undefined,
    });
  return out;
}

export function unfingerprintedContents(sql: Sql, kind: string): UnfingerprintedContent[] {
  return sql
    .prepare(
      `SELECT f.content_hash AS contentHash, MIN(f.path) AS path, f.path_key AS pathKey
           FROM files f LEFT JOIN photo_fingerprints p ON p.content_hash = f.content_hash AND p.kind = ?
          WHERE f.status = 'indexed' AND f.content_hash IS NOT NULL AND p.content_hash IS NULL
          GROUP BY f.content_hash ORDER BY f.content_hash`,
    )
    .all(kind) as UnfingerprintedContent[];
}

/** One row, inside the caller's transaction (the indexer's batch writes it with the photo). */
export function insertFingerprint(sql: Sql, kind: string, row: FingerprintWrite, now: string): void {
  sql
    .prepare(
      `INSERT OR REPLACE INTO photo_fingerprints (content_hash, kind, fingerprint, sharpness, failed, computed_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .run(
      row.contentHash,
      kind,
      row.fingerprint
        ? Buffer.from(row.fingerprint.buffer, row.fingerprint.byteOffset, row.fingerprint.byteLength)
        : null,
      row.sharpness ?? null,
      row.failed ?? null,
      now,
    );
}

export function writeFingerprints(sql: Sql, kind: string, rows: readonly FingerprintWrite[]): void {
  const now = new Date().toISOString();
  sql.db.transaction(() => {
    for (const row of rows) insertFingerprint(sql, kind, row, now);
  })();
}
