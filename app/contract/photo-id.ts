import type { PhotoId } from './types.ts';

/** Photo ids are URL-safe tokens: no `.`, `/`, `%` or `\`, so they cannot spell a path. */
export const PHOTO_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The index's file id that a photo id names, or undefined when it names none. Only the canonical
 * decimal form counts, so one photo has one id: `0x1`, `1e0` and `01` are not aliases of `1`, in
 * search (`like`), the photo detail and the media routes alike.
 */
export function fileIdOf(id: PhotoId): number | undefined {
  if (!/^[1-9]\d{0,15}$/.test(id)) return undefined;
  const fileId = Number(id);
  return Number.isSafeInteger(fileId) ? fileId : undefined;
}

/** The photo id of an index file id (the inverse of fileIdOf). */
export const photoIdOf = (fileId: number): PhotoId => String(fileId);

/**
 * A moment of a video as a query ("more like this" from the frame a result shows): the video's photo id,
 * `t`, and the time in ms, e.g. `12t4000`. It matches PHOTO_ID_PATTERN and is never a file id.
 */
export const momentIdOf = (fileId: number, timeMs: number): PhotoId => `${fileId}t${timeMs}`;

export function momentOfId(id: PhotoId): { fileId: number; timeMs: number } | undefined {
  const match = /^([1-9]\d{0,15})t(0|[1-9]\d{0,9})$/.exec(id);
  if (!match) return undefined;
  const fileId = fileIdOf(match[1]!);
  return fileId === undefined ? undefined : { fileId, timeMs: Number(match[2]) };
}
