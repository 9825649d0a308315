/**
 * Media for the UI: grid thumbnails (made at index time, remade if the cache was cleared), detail
 * previews (made on first view) and originals. Ids are file ids; paths come only from the index.
 */
import { existsSync } from 'node:fs';
import type { MediaAccess } from '../contract/api.ts';
import { resolveInside } from '../util/path-containment.ts';
import type { MediaVariant, PhotoId } from '../contract/types.ts';
import { fileIdOf } from '../contract/photo-id.ts';
import { isEidosError } from '../contract/errors.ts';
import { decodeImage } from '../image/decode.ts';
import { THUMBNAIL_EDGES, thumbnailPath, writeThumbnails, type ThumbnailSize } from '../image/thumbnails.ts';
import type { IndexStore } from '../store/index-store.ts';
import { momentKey } from '../video/moment-key.ts';
import { isVideoFormat } from '../video/video-formats.ts';

export function createMediaAccess(store: () => IndexStore | undefined, thumbnailsDir: string): MediaAccess {
  return {
    async locate(id: PhotoId, variant: MediaVariant, timeMs?: number): Promise<string | undefined> {
      const fileId = fileIdOf(id);
      const current = store();
      if (!current || fileId === undefined) return undefined;
      const [row] = current.photoRows([fileId]);
      if (!row) return undefined;
      // Every variant answers for the original: a photo reached through a symlink that leads out of
      // its folder is refused whole, not only its original while previews of it are still rendered.
      // (A cached preview of an original deleted since indexing is still shown until the next run.)
      await resolveInside(
        row.path,
        current.listFolders().map((f) => f.path),
      ).catch((error: unknown) => {
        if (variant === 'original' || !isEidosError(error, 'NOT_FOUND')) throw error;
      });
      if (variant === 'original') return row.path;
      // A video's frames were made when it was indexed (grid size); its detail preview is its first moment.
      if (variant === 'moment' || isVideoFormat(row.format)) {
        const key = variant === 'moment' && timeMs !== undefined ? momentKey(row.contentHash, timeMs) : row.contentHash;
        const frame = thumbnailPath(key, 'grid', thumbnailsDir);
        return existsSync(frame) ? frame : undefined;
      }
      const size: ThumbnailSize = variant === 'thumb' ? 'grid' : 'detail';
      const target = thumbnailPath(row.contentHash, size, thumbnailsDir);
      if (!existsSync(target)) {
        const image = await decodeImage(row.path, { maxLongEdge: THUMBNAIL_EDGES[size] });
        await writeThumbnails(image, row.contentHash, thumbnailsDir, [size]);
      }
      return target;
    },
    async allowedRoots(): Promise<string[]> {
      const current = store();
      return [thumbnailsDir, ...(current ? current.listFolders().map((f) => f.path) : [])];
    },
  };
}
