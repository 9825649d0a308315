import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { EidosError } from '../contract/errors.ts';
import { PHOTO_ID_PATTERN, type MediaAccess } from '../contract/api.ts';
import { resolveInside } from '../util/path-containment.ts';
import type { MediaVariant, PhotoId } from '../contract/types.ts';

/**
 * Media requests, shared by the web bridge (`/media/<id>/<variant>`) and the Electron protocol:
 * parse the route strictly, ask the engine where the file is, check containment, pick a content type.
 */
const VARIANTS: readonly MediaVariant[] = ['thumb', 'detail', 'original'];

/**
 * Only image types are served: a file with another extension (an `.html` or `.svg` dropped into a
 * photo folder) must never be rendered as a document in the UI's origin.
 */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.heic': 'image/heic',
  '.heif': 'image/heif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
};

export interface MediaFile {
  path: string;
  contentType: string;
  bytes: number;
}

/**
 * Parses the part after the media prefix, e.g. `abc123/thumb`. The raw (undecoded) text must match
 * the id pattern, so `..`, `%2e%2e`, `%2f` and backslashes are refused before any lookup.
 */
export function parseMediaRoute(rest: string): { id: PhotoId; variant: MediaVariant } {
  const parts = rest.split('/');
  const [id, variant] = parts;
  if (parts.length !== 2 || id === undefined || !PHOTO_ID_PATTERN.test(id) || !VARIANTS.includes(variant as MediaVariant)) {
    throw new EidosError('BAD_ARGUMENT', `Not a media address: '${rest.slice(0, 200)}'. Expected <photo id>/${VARIANTS.join('|')}.`);
  }
  return { id, variant: variant as MediaVariant };
}

export async function openMedia(media: MediaAccess, id: PhotoId, variant: MediaVariant): Promise<MediaFile> {
  const located = await media.locate(id, variant);
  if (located === undefined) throw new EidosError('NOT_FOUND', `No photo with id '${id}' is indexed.`);
  const path = await resolveInside(located, await media.allowedRoots());
  const contentType = CONTENT_TYPES[extname(path).toLowerCase()];
  if (contentType === undefined) {
    throw new EidosError('UNSUPPORTED_FORMAT', `Refused to serve '${path}': not an image type Eidos serves.`, { file: path });
  }
  const info = await stat(path);
  if (!info.isFile()) throw new EidosError('FORBIDDEN', `Refused to serve '${path}': not a regular file.`, { file: path });
  return { path, contentType, bytes: info.size };
}
