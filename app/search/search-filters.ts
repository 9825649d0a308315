/**
 * The API's search filters → the file ids that pass them: the store's SQL filter, then, for `near`,
 * a great-circle distance check on the photos that have a position.
 */
import type { ArgsOf } from '../contract/api.ts';
import { PHOTO_EXTENSIONS, RAW_EXTENSIONS } from '../image/formats.ts';
import type { IndexStore } from '../store/index-store.ts';
import { VIDEO_FORMATS } from '../video/video-formats.ts';
import type { FileFilter } from '../store/types.ts';

export type SearchFilters = NonNullable<ArgsOf<'search'>['filters']>;

const bare = (extensions: readonly string[]) => extensions.map((e) => e.slice(1));
const named: Record<Exclude<SearchFilters['type'] & string, 'other' | 'photo' | 'video'>, string[]> = {
  jpeg: ['jpeg'],
  heic: ['heic'],
  png: ['png'],
  webp: ['webp'],
  tiff: ['tiff'],
  raw: bare(RAW_EXTENSIONS),
};
// The stored format is the extension with jpg→jpeg, tif→tiff, heif→heic (app/library/scan.ts).
const storedFormats = new Set(bare(PHOTO_EXTENSIONS).map((f) => ({ jpg: 'jpeg', tif: 'tiff', heif: 'heic' })[f] ?? f));
const namedFormats = new Set(Object.values(named).flat());
/** avif, gif, …: every format Eidos indexes that has no name of its own in the API. */
const otherFormats = [...storedFormats].filter((f) => !namedFormats.has(f));

export function toFileFilter(filters: SearchFilters): FileFilter {
  const out: FileFilter = {};
  if (filters.from !== undefined) out.takenFrom = filters.from;
  if (filters.to !== undefined) out.takenTo = filters.to;
  if (filters.folder !== undefined) out.folders = [filters.folder];
  if (filters.camera !== undefined) out.camera = filters.camera;
  if (filters.type !== undefined)
    out.formats =
      filters.type === 'other'
        ? otherFormats
        : filters.type === 'photo'
          ? [...storedFormats]
          : filters.type === 'video'
            ? [...VIDEO_FORMATS]
            : named[filters.type];
  if (filters.hasGps !== undefined || filters.near !== undefined)
    out.hasGps = filters.near !== undefined ? true : filters.hasGps!;
  return out;
}

const EARTH_RADIUS_KM = 6371.0088;

/** Haversine distance in km (mean Earth radius; error < 0.5% against the ellipsoid). */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Ascending ids of indexed files passing every filter. */
export function filteredFileIds(store: IndexStore, filters: SearchFilters): Uint32Array {
  let ids = store.selectFileIds(toFileFilter(filters));
  if (filters.place !== undefined) {
    const named = store.fileIdsNamed(filters.place);
    ids = ids.filter((id) => named.has(id));
  }
  const near = filters.near;
  if (!near) return ids;
  const inside = store
    .photoRows(Array.from(ids))
    .filter(
      (row) => row.lat !== null && row.lon !== null && distanceKm(near, { lat: row.lat, lon: row.lon }) <= near.km,
    );
  return Uint32Array.from(inside.map((row) => row.id)).sort();
}
