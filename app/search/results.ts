/** Store rows → the API's photo shapes: the search result's card and the photo detail, from one summary. */
import { mediaPath } from '../contract/media-route.ts';
import { photoIdOf } from '../contract/photo-id.ts';
import type { PhotoDetail, PhotoSummary, SearchResult } from '../contract/types.ts';
import type { PhotoRow } from '../store/types.ts';

/** "Apple iPhone 13" from make "Apple" and model "iPhone 13"; models that repeat the make ("Canon EOS R5") stand alone. */
export function cameraName(make: string | null, model: string | null): string | undefined {
  const m = make?.trim() ?? '';
  const mo = model?.trim() ?? '';
  if (!mo) return m || undefined;
  if (!m || mo.toLowerCase().startsWith(m.toLowerCase().split(' ')[0]!)) return mo;
  return `${m} ${mo}`;
}

/** When the photo was taken, else when the file was last changed. */
export function photoDate(row: Pick<PhotoRow, 'takenAt' | 'mtimeMs'>): string | undefined {
  if (row.takenAt) return row.takenAt;
  return Number.isFinite(row.mtimeMs) && row.mtimeMs > 0 ? new Date(row.mtimeMs).toISOString() : undefined;
}

/** "Lisbon, Portugal", "Blue Springs, Missouri, United States" (the region left out where it repeats the town). */
function placeName(row: Pick<PhotoRow, 'placeCity' | 'placeRegion' | 'placeCountry'>): string | undefined {
  if (!row.placeCity || !row.placeCountry) return undefined;
  const region = row.placeRegion && row.placeRegion !== row.placeCity ? [row.placeRegion] : [];
  return [row.placeCity, ...region, row.placeCountry].join(', ');
}

export function toPhotoSummary(row: PhotoRow): PhotoSummary {
  const id = photoIdOf(row.id);
  const result: PhotoSummary = { id, path: row.path, thumbnailUrl: mediaPath(id, 'thumb') };
  const takenAt = photoDate(row);
  if (takenAt !== undefined) result.takenAt = takenAt;
  if (row.lat !== null && row.lon !== null) {
    const name = placeName(row);
    result.place = { lat: row.lat, lon: row.lon, ...(name !== undefined ? { name } : {}) };
  }
  const camera = cameraName(row.make, row.model);
  if (camera !== undefined) result.camera = camera;
  if (row.width !== null) result.width = row.width;
  if (row.height !== null) result.height = row.height;
  if (row.durationMs !== null && row.durationMs !== undefined) result.video = { durationMs: row.durationMs };
  return result;
}

export function toSearchResult(row: PhotoRow, bits: number): SearchResult {
  return { ...toPhotoSummary(row), bits };
}

export function toPhotoDetail(row: PhotoRow): PhotoDetail {
  const summary = toPhotoSummary(row);
  const exif: Record<string, string> = {};
  if (row.lens) exif.Lens = row.lens;
  if (row.width && row.height) exif.Dimensions = `${row.width} × ${row.height}`;
  return {
    ...summary,
    folder: row.folder,
    bytes: row.size,
    format: row.format,
    detailUrl: mediaPath(summary.id, 'detail'),
    originalUrl: mediaPath(summary.id, 'original'),
    exif,
  };
}
