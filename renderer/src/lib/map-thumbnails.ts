/**
 * Thumbnails for the Map view: loaded only when their photo is on screen at a zoom where they are
 * drawn, kept in a small least-recently-used cache, and never more than a few loading at once, so
 * panning across 100k photos asks for what is in view and forgets what is far behind.
 */
import { mediaPath } from '../../../app/contract/media-route.ts';

const CACHE_SIZE = 600;
const MAX_LOADING = 12;

export class ThumbnailCache {
  private readonly images = new Map<string, HTMLImageElement>();
  private loading = 0;
  private readonly onload: () => void;

  constructor(onload: () => void) {
    this.onload = onload;
  }

  /** The thumbnail if it has loaded; else starts loading it (when a slot is free) and returns undefined. */
  get(id: string): HTMLImageElement | undefined {
    const image = this.images.get(id);
    if (image) {
      // Re-inserting marks it most recently used (a Map iterates in insertion order).
      this.images.delete(id);
      this.images.set(id, image);
      return image.complete && image.naturalWidth > 0 ? image : undefined;
    }
    if (this.loading >= MAX_LOADING) return undefined;
    const fresh = new Image();
    this.loading++;
    const done = (): void => {
      this.loading--;
      this.onload();
    };
    fresh.onload = done;
    fresh.onerror = done;
    fresh.src = mediaPath(id, 'thumb');
    this.images.set(id, fresh);
    while (this.images.size > CACHE_SIZE) {
      const oldest = this.images.keys().next().value as string;
      this.images.delete(oldest);
    }
    return undefined;
  }
}
