import { EidosError } from './errors.ts';
import { PHOTO_ID_PATTERN } from './photo-id.ts';
import type { MediaVariant, PhotoId } from './types.ts';

/** The sizes a photo is served in: the grid thumbnail, the detail preview and the original file. */
export const MEDIA_VARIANTS: readonly MediaVariant[] = ['thumb', 'detail', 'original', 'moment'];

/** Where photo files are served from, relative to the UI's origin (the same path in both transports). */
export function mediaPath(id: PhotoId, variant: MediaVariant): string {
  return `/media/${id}/${variant}`;
}

/** A video's frame at a moment (made at index time), e.g. `/media/12/moment/4000`. */
export function mediaMomentPath(id: PhotoId, timeMs: number): string {
  return `/media/${id}/moment/${timeMs}`;
}

/**
 * Parses the part after the media prefix, e.g. `abc123/thumb` or `12/moment/4000`. The raw (undecoded)
 * text must match the id pattern, so `..`, `%2e%2e`, `%2f` and backslashes are refused before any lookup.
 */
export function parseMediaRoute(rest: string): { id: PhotoId; variant: MediaVariant; timeMs?: number } {
  const parts = rest.split('/');
  const moment = /^([A-Za-z0-9_-]{1,128})\/moment\/(0|[1-9]\d{0,9})$/.exec(rest);
  if (moment && PHOTO_ID_PATTERN.test(moment[1]!))
    return { id: moment[1]!, variant: 'moment', timeMs: Number(moment[2]) };
  const [id, variant] = parts;
  if (
    parts.length !== 2 ||
    id === undefined ||
    !PHOTO_ID_PATTERN.test(id) ||
    !MEDIA_VARIANTS.includes(variant as MediaVariant) ||
    variant === 'moment'
  ) {
    throw new EidosError(
      'BAD_ARGUMENT',
      `Not a media address: '${rest.slice(0, 200)}'. Expected <photo id>/thumb|detail|original or <video id>/moment/<ms>.`,
    );
  }
  return { id, variant: variant as MediaVariant };
}
