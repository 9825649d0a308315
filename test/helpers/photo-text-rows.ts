/**
 * Known text for photos, written straight into the index's photo_text table (issue 23): the independent
 * truth the search side of "Words in photos" is tested against, with no reader involved. Lines are laid
 * out top to bottom over the photo, each word in an equal share of its line, so the boxes are plausible
 * for the UI as well.
 */
import Database from 'better-sqlite3';
import type { RecognisedLine, RecognisedText, TextQuad } from '../../app/contract/photo-text.ts';

const box = (x: number, y: number, w: number, h: number): TextQuad => [
  { x, y },
  { x: x + w, y },
  { x: x + w, y: y + h },
  { x, y: y + h },
];

/** Recognised text made of `lines` (words split at spaces) on a photo of `width` × `height` pixels. */
export function textOfLines(
  lines: readonly string[],
  width = 640,
  height = 480,
  reader = 'ground-truth/1',
): RecognisedText {
  const lineHeight = height / Math.max(lines.length + 1, 2);
  const recognised: RecognisedLine[] = lines.map((text, l) => {
    const words = text.split(/\s+/).filter((w) => w !== '');
    const y = (l + 0.5) * lineHeight;
    const lineWidth = width * 0.8;
    const wordWidth = lineWidth / Math.max(words.length, 1);
    return {
      text,
      confidence: 1,
      quad: box(width * 0.1, y, lineWidth, lineHeight * 0.8),
      words: words.map((word, w) => ({
        text: word,
        confidence: 1,
        quad: box(width * 0.1 + w * wordWidth, y, wordWidth * 0.95, lineHeight * 0.8),
      })),
    };
  });
  return { reader, width, height, lines: recognised };
}

/** Writes (or replaces) the text of the photo with `contentHash`, as a reader would. */
export function putPhotoText(db: Database.Database, contentHash: string, text: RecognisedText): void {
  db.prepare(
    `INSERT OR REPLACE INTO photo_text (content_hash, reader, status, reason, full_text, lines, width, height, read_at)
     VALUES (?, ?, 'read', NULL, ?, ?, ?, ?, ?)`,
  ).run(
    contentHash,
    text.reader,
    text.lines.map((line) => line.text).join('\n'),
    JSON.stringify(text.lines),
    text.width,
    text.height,
    new Date().toISOString(),
  );
}

/** The content hash of the indexed file at `path`. */
export function contentHashOf(db: Database.Database, path: string): string {
  const row = db.prepare('SELECT content_hash AS hash FROM files WHERE path = ?').get(path) as
    { hash: string } | undefined;
  if (!row) throw new Error(`${path} is not in the index`);
  return row.hash;
}
