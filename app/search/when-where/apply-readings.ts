/**
 * What the words read from a query keep: per reading, the photos it allows (so an empty answer can say
 * which reading emptied it), and all of them together.
 *  - A date keeps photos taken on those days of their own calendar (the EXIF local date); a season's
 *    hemisphere is the photo's, or the user's for a photo without a position.
 *  - A country or region keeps photos whose stored place (photo_places) is in it.
 *  - A town keeps photos within its radius: 3 km plus 1 km per 20,000 people, capped at 25 km (Lisbon
 *    ≈ 25 km, a town of 20,000 ≈ 4 km); "near" doubles it.
 */
import { distanceKm } from '../search-filters.ts';
import type { IndexStore } from '../../store/index-store.ts';
import type { WhenReading } from './read-when.ts';
import type { WhereReading } from './read-where.ts';

export interface AppliedReading {
  kind: 'date' | 'place';
  /** The words, as written. */
  source: string;
  label: string;
  /** Photos this reading alone allows. */
  photos: number;
  alternatives?: Array<{ label: string; words: string }>;
}

export function townRadiusKm(population: number, near: boolean): number {
  const km = Math.min(25, 3 + population / 20_000);
  return near ? 2 * km : km;
}

/** Southern time zones (the user's hemisphere when a photo has none). */
const SOUTHERN_ZONES =
  /^(Australia|Antarctica)\/|^Pacific\/(Auckland|Chatham|Fiji|Tongatapu)$|^America\/(Sao_Paulo|Argentina|Santiago|Montevideo|Asuncion|La_Paz|Lima)|^Africa\/(Johannesburg|Maputo|Harare|Windhoek|Gaborone|Lusaka|Maseru|Mbabane)$|^Indian\/(Mauritius|Reunion|Antananarivo)$/;

export function userIsSouth(timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone): boolean {
  return SOUTHERN_ZONES.test(timeZone);
}

export function applyReadings(
  store: IndexStore,
  when: readonly WhenReading[],
  where: readonly WhereReading[],
  south = userIsSouth(),
): { allowed: Set<number>; applied: AppliedReading[]; emptiedBy?: AppliedReading } {
  const photos = store.photoDates();
  const sets: Array<{ reading: AppliedReading; ids: Set<number> }> = [];
  for (const r of when) {
    const ids = new Set<number>();
    for (const p of photos) {
      if (p.day === null) continue;
      const isSouth = p.lat !== null ? p.lat < 0 : south;
      if ((isSouth ? r.south : r.north).some((range) => p.day! >= range.from && p.day! <= range.to)) ids.add(p.id);
    }
    sets.push({ reading: { kind: 'date', source: r.source, label: r.label, photos: ids.size }, ids });
  }
  for (const r of where) {
    const place = r.place;
    let ids: Set<number>;
    if (place.kind === 'city') {
      const km = townRadiusKm(place.population, r.near);
      ids = new Set(
        photos
          .filter((p) => p.lat !== null && p.lon !== null && distanceKm(place, { lat: p.lat, lon: p.lon }) <= km)
          .map((p) => p.id),
      );
    } else {
      ids = store.fileIdsInArea(place.countryCode, place.kind === 'region' ? place.admin1 : undefined);
    }
    sets.push({
      reading: { kind: 'place', source: r.source, label: r.label, photos: ids.size, alternatives: r.alternatives },
      ids,
    });
  }
  let allowed = new Set(photos.map((p) => p.id));
  let emptiedBy: AppliedReading | undefined;
  for (const { reading, ids } of sets) {
    const next = new Set([...allowed].filter((id) => ids.has(id)));
    if (next.size === 0 && allowed.size > 0 && emptiedBy === undefined) emptiedBy = reading;
    allowed = next;
  }
  return { allowed, applied: sets.map((s) => s.reading), ...(emptiedBy ? { emptiedBy } : {}) };
}
