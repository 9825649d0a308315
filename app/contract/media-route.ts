import { EidosError } from './errors.ts';
import { PHOTO_ID_PATTERN } from './photo-id.ts';
import type { MediaVariant, PhotoId } from './types.ts';

/** The sizes a photo is served in: the grid thumbnail, the detail preview and the original file. */
export const MEDIA_VARIANTS: readonly MediaVariant[] = ['thumb', 'detail', 'original'];

/** Where photo files are served from, relative to the UI's origin (the same path in both transports). */
export function mediaPath(id: PhotoId, variant: MediaVariant): string {
  return `/media/${id}/${variant}`;
}

/**
 * Parses the part after the media prefix, e.g. `abc123/thumb`. The raw (undecoded) text must match
 * the id pattern, so `..`, `%2e%2e`, `%2f` and backslashes are refused before any lookup.
 */
export function parseMediaRoute(rest: string): { id: PhotoId; variant: MediaVariant } {
  const parts = rest.split('/');
  const [id, variant] = parts;
  if (
    parts.length !== 2 ||
    id === undefined ||
    !PHOTO_ID_PATTERN.test(id) ||
    !MEDIA_VARIANTS.includes(variant as MediaVariant)
  ) {
    throw new EidosError(
      'BAD_ARGUMENT',
      `Not a media address: '${rest.slice(0, 200)}'. Expected <photo id>/${MEDIA_VARIANTS.join('|')}.`,
    );
  }
  return { id, variant: variant as MediaVariant };
}
