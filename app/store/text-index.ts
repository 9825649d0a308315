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
 * The shortest query word with a letter matched one edit away (photosWithTextNear; search/text-match.ts,
 * nearWordMatches). Shorter words have too many neighbours: "sale" is one edit from SALT, SAFE, SALES,
 * ALE; a misread short word is left unfound.
 */
export const NEAR_MIN_CHARS = 5;

/**
 * Photos whose recognised text contains `needle` anywhere, compared case-insensitively and without
 * accents (the trigram tokenizer's folding), with their full text for the caller's finer checks.
 * Empty for a needle shorter than MIN_TEXT_MATCH_CHARS characters.
 */
export function photosWithText(sql: Sql, needle: string): TextHit[] {
  if ([...needle].length < MIN_TEXT_MATCH_CHARS) return [];
  return photosMatching(sql, quoted(needle));
}

/**
 * One FTS5 phrase: the whole needle in double quotes (inner quotes doubled), so no character of it is
 * read as query syntax (AND, NOT, *, column filters).
 */
const quoted = (needle: string): string => `"${needle.replace(/"/g, '""')}"`;

/**
 * Photos whose text may hold a word one edit from `word` (a character changed, added or dropped): a
 * superset, for the caller to check word by word (text-match.ts, nearWordMatches); empty for a word
 * shorter than NEAR_MIN_CHARS. A word one edit from `word` keeps `word`'s first three characters or its
 * last three whole, unless the edit is at the middle character of a five-character word ("ab?de",
 * "abde"): those are looked up as "abde" and by a LIKE pattern (a scan of the texts, compared
 * case-insensitively for ASCII letters only: an accented letter beside that edit is not found).
 */
export function photosWithTextNear(sql: Sql, word: string): TextHit[] {
  const chars = [...word];
  if (chars.length < NEAR_MIN_CHARS) return [];
  const first = chars.slice(0, 3).join('');
  const last = chars.slice(-3).join('');
  const hits = photosMatching(sql, `${quoted(first)} OR ${quoted(last)}`);
  if (chars.length === 5) {
    hits.push(...photosMatching(sql, quoted([...chars.slice(0, 2), ...chars.slice(3)].join(''))));
    const literal = (part: string[]) => part.join('').replace(/[\\%_]/g, (c) => `\\${c}`);
    const pattern = `%${literal(chars.slice(0, 2))}_${literal(chars.slice(3))}%`;
    hits.push(...likeMatching(sql, pattern));
  }
  const byHash = new Map(hits.map((hit) => [hit.contentHash, hit]));
  return [...byHash.values()];
}

/** A scan of the read texts with a LIKE pattern (backslash escapes), for what no trigram can look up. */
function likeMatching(sql: Sql, pattern: string): TextHit[] {
  return sql
    .prepare(
      `SELECT content_hash AS contentHash, full_text AS fullText FROM photo_text
       WHERE status = 'read' AND full_text LIKE ? ESCAPE '\\'`,
    )
    .all(pattern) as TextHit[];
}

function photosMatching(sql: Sql, query: string): TextHit[] {
  return sql
    .prepare(
      `SELECT p.content_hash AS contentHash, p.full_text AS fullText
       FROM photo_text_fts f JOIN photo_text p ON p.rowid = f.rowid
       WHERE photo_text_fts MATCH ? AND p.status = 'read'`,
    )
    .all(query) as TextHit[];
}
