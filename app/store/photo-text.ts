/**
 * The words read in each photo (`photo_text`, one row per content hash; app/contract/photo-text.ts):
 * written in one transaction per batch of photos, so a kill loses at most the batch in flight; read back
 * for the API and `eidos text`. Rows whose content no file holds any more go with `pruneOrphans` (write.ts).
 */
import type { RecognisedLine, RecognisedText } from '../contract/photo-text.ts';
import type { FilePath } from '../util/file-path.ts';
import type { Sql } from './sql.ts';

/** What one photo's reading gave: its words, or why it could not be read. */
export type PhotoTextRecord =
  | { contentHash: string; status: 'read'; text: RecognisedText }
  | { contentHash: string; status: 'failed'; reader: string; reason: string };

/** A stored reading: the words (none when the reader found none), or the reason it failed. */
export type StoredPhotoText =
  | { status: 'read'; text: RecognisedText; readAt: string }
  | { status: 'failed'; reader: string; reason: string; readAt: string };

/** Content an indexed file holds, and one such file to read it from. */
export interface ContentToRead {
  contentHash: string;
  file: FilePath;
}

export function writePhotoTexts(sql: Sql, records: readonly PhotoTextRecord[], at = new Date()): void {
  const insert = sql.prepare(
    `INSERT OR REPLACE INTO photo_text (content_hash, reader, status, reason, full_text, lines, width, height, read_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const readAt = at.toISOString();
  sql.db
    .transaction(() => {
      for (const record of records) {
        if (record.status === 'read') {
          const { text } = record;
          insert.run(
            record.contentHash,
            text.reader,
            'read',
            null,
            text.lines.map((line) => line.text).join('\n'),
            JSON.stringify(text.lines),
            text.width,
            text.height,
            readAt,
          );
        } else insert.run(record.contentHash, record.reader, 'failed', record.reason, '', '[]', 0, 0, readAt);
      }
    })
    .immediate();
}

export function readPhotoText(sql: Sql, contentHash: string): StoredPhotoText | undefined {
  const row = sql
    .prepare('SELECT reader, status, reason, lines, width, height, read_at FROM photo_text WHERE content_hash = ?')
    .get(contentHash) as
    | {
        reader: string;
        status: 'read' | 'failed';
        reason: string | null;
        lines: string;
        width: number;
        height: number;
        read_at: string;
      }
    | undefined;
  if (!row) return undefined;
  if (row.status === 'failed')
    return { status: 'failed', reader: row.reader, reason: row.reason ?? '', readAt: row.read_at };
  return {
    status: 'read',
    readAt: row.read_at,
    text: {
      reader: row.reader,
      width: row.width,
      height: row.height,
      lines: JSON.parse(row.lines) as RecognisedLine[],
    },
  };
}

// A video is not a photo to read: its words would need its frames, and reading it whole (as a photo is
// read) would hold all of it in memory only for the reader to fail on it.
const NEEDS_READING = `
  FROM files f LEFT JOIN photo_text t ON t.content_hash = f.content_hash
 WHERE f.status = 'indexed' AND f.content_hash IS NOT NULL AND (t.content_hash IS NULL OR t.reader <> ?)
   AND NOT EXISTS (SELECT 1 FROM videos v WHERE v.content_hash = f.content_hash)`;

/**
 * Up to `limit` contents that no reading by `reader` covers (never read, or read by another reader or
 * version), each with the file of lowest id that holds it.
 */
export function contentsToRead(sql: Sql, reader: string, limit: number): ContentToRead[] {
  const rows = sql
    .prepare(
      // With min(), SQLite takes the bare columns from the row that holds the minimum: the file of lowest id.
      `SELECT min(f.id) AS id, f.content_hash AS contentHash, f.path, f.path_key AS pathKey ${NEEDS_READING}
       GROUP BY f.content_hash ORDER BY id LIMIT ?`,
    )
    .all(reader, limit) as Array<{ contentHash: string; path: string; pathKey: Buffer }>;
  return rows.map(({ contentHash, path, pathKey }) => ({
    contentHash,
    file: pathKey.equals(Buffer.from(path, 'utf8')) ? { path } : { path, rawPath: pathKey },
  }));
}

/** How many distinct contents still wait for `reader`. */
export function countContentsToRead(sql: Sql, reader: string): number {
  return sql.prepare(`SELECT count(DISTINCT f.content_hash) ${NEEDS_READING}`).pluck().get(reader) as number;
}
