/**
 * Reads a whole photo file once, for hashing, metadata and decoding from the same bytes: the content
 * hash, the size and mtime recorded with it and the vector computed from it then all describe one
 * version of the file, even when another program rewrites it while Eidos indexes.
 */
import type { Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { EidosError } from '../contract/errors.ts';
import { fsPath, type FilePath } from '../util/file-path.ts';
import { describeFsError } from './fs-errors.ts';

/** Above this a file is not read into memory (the largest 16-bit TIFF scans Eidos decodes stay below it). */
export const MAX_FILE_BYTES = 1 << 30;

export type FileRead =
  /** The bytes and the stat that describes exactly them. */
  | { kind: 'read'; bytes: Buffer; size: number; mtimeMs: number }
  /** The file no longer exists (deleted or moved away since the scan). */
  | { kind: 'vanished' };

/** True when the file changed between the two stats of one read (someone is writing it now). */
export function changedDuringRead(before: Stats, after: Stats, bytesRead: number): boolean {
  return (
    before.size !== after.size ||
    before.mtimeMs !== after.mtimeMs ||
    before.ctimeMs !== after.ctimeMs ||
    bytesRead !== after.size
  );
}

/**
 * Opens the file (raw path bytes work), reads all of it and stats the same handle before and after.
 * Throws UNREADABLE (with the reason in words), TOO_LARGE, or CHANGED_WHILE_READING when the file
 * changed during the read; the caller records it so the next run, seeing a new size or mtime, reads it again.
 */
export async function readWholeFile(file: FilePath, maxBytes = MAX_FILE_BYTES): Promise<FileRead> {
  let handle: FileHandle;
  try {
    handle = await open(fsPath(file), 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'vanished' };
    throw unreadable(file, error);
  }
  try {
    const before = await handle.stat();
    if (before.size > maxBytes) {
      throw new EidosError(
        'TOO_LARGE',
        `${file.path} is ${before.size.toLocaleString('en')} bytes, more than the ${maxBytes.toLocaleString('en')} Eidos reads for one photo; it was skipped.`,
        { file: file.path },
      );
    }
    const bytes = await handle.readFile();
    const after = await handle.stat();
    if (changedDuringRead(before, after, bytes.length)) {
      throw new EidosError(
        'CHANGED_WHILE_READING',
        `${file.path} changed while Eidos was reading it (another program is writing it); the next 'eidos index' reads it again.`,
        { file: file.path },
      );
    }
    return { kind: 'read', bytes, size: after.size, mtimeMs: Math.trunc(after.mtimeMs) };
  } catch (error) {
    throw error instanceof EidosError ? error : unreadable(file, error);
  } finally {
    await handle.close();
  }
}

function unreadable(file: FilePath, error: unknown): EidosError {
  return new EidosError(
    'UNREADABLE',
    `Cannot read ${file.path}: ${describeFsError(error)}. Check that the file exists and that Eidos may read it.`,
    { file: file.path, cause: error },
  );
}
