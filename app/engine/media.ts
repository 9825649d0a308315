/**
 * Media for the UI: grid thumbnails (made at index time, remade if the cache was cleared), detail
 * previews (made on first view) and originals. Ids are file ids; paths come only from the index.
 */
import { existsSync } from 'node:fs';
import type { MediaAccess } from '../api/contract.ts';
import type { MediaVariant, PhotoId } from '../api/types.ts';
import { decodeImage } from '../image/decode.ts';
import { THUMBNAIL_EDGES, thumbnailPath, writeThumbnails, type ThumbnailSize } from '../image/thumbnails.ts';
import type { IndexStore } from '../store/index-store.ts';

export function createMediaAccess(store: () => IndexStore | undefined, thumbnailsDir: string): MediaAccess {
  return {
    async locate(id: PhotoId, variant: MediaVariant): Promise<string | undefined> {
      const fileId = Number(id);
      const current = store();
      if (!current || !Number.isSafeInteger(fileId)) return undefined;
      const [row] = current.photoRows([fileId]);
      if (!row) return undefined;
      if (variant === 'original') return row.path;
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
