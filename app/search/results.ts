/** Store rows → the API's SearchResult (what a result card shows). */
import { mediaPath } from '../contract/api.ts';
import type { SearchResult } from '../contract/types.ts';
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

export function toSearchResult(row: PhotoRow, bits: number): SearchResult {
  const id = String(row.id);
  const result: SearchResult = { id, path: row.path, bits, thumbnailUrl: mediaPath(id, 'thumb') };
  const takenAt = photoDate(row);
  if (takenAt !== undefined) result.takenAt = takenAt;
  if (row.lat !== null && row.lon !== null) result.place = { lat: row.lat, lon: row.lon };
  const camera = cameraName(row.make, row.model);
  if (camera !== undefined) result.camera = camera;
  if (row.width !== null) result.width = row.width;
  if (row.height !== null) result.height = row.height;
  return result;
}
