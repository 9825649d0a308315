/**
 * The words read in one photo, for the API (`photoText`, which the UI draws) and `eidos text`: what the
 * index holds for the photo's content, or for a file the index has not read, its words read now.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EidosError } from '../contract/errors.ts';
import { fileIdOf } from '../contract/photo-id.ts';
import type { RecognisedText } from '../contract/photo-text.ts';
import type { Engine } from './engine.ts';

/** The photo's words as the index holds them; null when they have not been read yet or could not be. */
export function photoTextById(engine: Engine, id: string): RecognisedText | null {
  const fileId = fileIdOf(id);
  const [row] = fileId === undefined ? [] : engine.store.photoRows([fileId]);
  if (!row) throw new EidosError('NOT_FOUND', `no photo ${id} in the index.`);
  const stored = engine.store.photoText(row.contentHash);
  return stored?.status === 'read' ? stored.text : null;
}

export type FileText =
  | { source: 'index'; text: RecognisedText }
  | { source: 'read-now'; text: RecognisedText }
  | { source: 'index'; failed: string };

/**
 * A file's words: from the index when its current content was read by the current reader, else read now
 * (not stored: the indexing run stores what it reads). Throws an `EidosError` naming the file when the
 * file cannot be read or decoded.
 */
export async function photoTextOfFile(engine: Engine, path: string): Promise<FileText> {
  const absolute = resolve(path);
  let bytes: Buffer;
  try {
    bytes = await readFile(absolute);
  } catch (error) {
    throw new EidosError(
      'NOT_FOUND',
      `${absolute}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
      {
        file: absolute,
      },
    );
  }
  const reader = await engine.reader();
  const { hashBytes } = await import('../library/content-hash.ts');
  const stored = engine.store.photoText(hashBytes(bytes));
  if (stored?.status === 'read' && stored.text.reader === reader.name) return { source: 'index', text: stored.text };
  if (stored?.status === 'failed' && stored.reader === reader.name) return { source: 'index', failed: stored.reason };
  return { source: 'read-now', text: await reader.readPhoto(absolute, bytes) };
}
