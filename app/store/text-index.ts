/**
 * Reading the words in photos (photo_text and its FTS5 index, app/store/migrations.ts): which photos'
 * text contains a string (a photo's own text is read by photo-text.ts). The reader side writes photo_text; the
 * triggers keep `photo_text_fts` in step, so this file only reads.
 */
import type { Sql } from './sql.ts';

/** A photo whose text the index holds, by content hash, with the text as the reader wrote it. */
export interface TextHit {
  contentHash: string;
  fullText: string;
}

/** The shortest string the trigram index can look up (shorter ones would need a scan of every text). */
export const MIN_TEXT_MATCH_CHARS = 3;

/**
 * Photos whose recognised text contains `needle` anywhere, compared case-insensitively and without
 * accents (the trigram tokenizer's folding), with their full text for the caller's finer checks.
 * Empty for a needle shorter than MIN_TEXT_MATCH_CHARS characters.
 */
export function photosWithText(sql: Sql, needle: string): TextHit[] {
  if ([...needle].length < MIN_TEXT_MATCH_CHARS) return [];
  // One FTS5 phrase: the whole needle in double quotes (inner quotes doubled), so no character of it is
  // read as query syntax (AND, NOT, *, column filters).
  const phrase = `"${needle.replace(/"/g, '""')}"`;
  return sql
    .prepare(
      `SELECT p.content_hash AS contentHash, p.full_text AS fullText
       FROM photo_text_fts f JOIN photo_text p ON p.rowid = f.rowid
       WHERE photo_text_fts MATCH ? AND p.status = 'read'`,
    )
    .all(phrase) as TextHit[];
}
