import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { EidosError } from '../contract/errors.ts';
import type { MediaAccess } from '../contract/api.ts';
import { resolveInside } from '../util/path-containment.ts';
import type { MediaVariant, PhotoId } from '../contract/types.ts';

/**
 * Media requests, shared by the web bridge (`/media/<id>/<variant>`) and the Electron protocol:
 * parse the route strictly, ask the engine where the file is, check containment, pick a content type.
 *
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
  // Videos, for the detail's player (served with byte ranges, byte-range.ts). A browser plays them; none
  // of these types is ever rendered as a document.
  '.mov': 'video/quicktime',
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.3gp': 'video/3gpp',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.avi': 'video/x-msvideo',
  '.mts': 'video/mp2t',
  '.m2ts': 'video/mp2t',
};

export interface MediaFile {
  path: string;
  contentType: string;
  bytes: number;
}

export async function openMedia(
  media: MediaAccess,
  id: PhotoId,
  variant: MediaVariant,
  timeMs?: number,
): Promise<MediaFile> {
  const located = await media.locate(id, variant, timeMs);
  if (located === undefined) throw new EidosError('NOT_FOUND', `No photo with id '${id}' is indexed.`);
  const path = await resolveInside(located, await media.allowedRoots());
  const contentType = CONTENT_TYPES[extname(path).toLowerCase()];
  if (contentType === undefined) {
    throw new EidosError('UNSUPPORTED_FORMAT', `Refused to serve '${path}': not an image or video type Eidos serves.`, {
      file: path,
    });
  }
  const info = await stat(path);
  if (!info.isFile())
    throw new EidosError('FORBIDDEN', `Refused to serve '${path}': not a regular file.`, { file: path });
  return { path, contentType, bytes: info.size };
}
