/**
 * The place names stored per photo (`photo_places`; named by app/places, filled by
 * app/service/place-names.ts) and the place filters' SQL. Values are always bound parameters.
 */
import type { Sql } from './sql.ts';

export interface StoredPlace {
  fileId: number;
  lat: number;
  lon: number;
  city: string | null;
  region: string | null;
  admin1: string | null;
  countryCode: string | null;
  country: string | null;
  km: number | null;
}

/** Photos with a position whose place is missing, from another position, or named by another gazetteer. */
export function filesNeedingPlace(
  sql: Sql,
  gazetteer: string,
  limit: number,
): Array<{ fileId: number; lat: number; lon: number }> {
  return sql
    .prepare(
      `SELECT f.id AS fileId, f.lat, f.lon FROM files f LEFT JOIN photo_places p ON p.file_id = f.id
       WHERE f.status = 'indexed' AND f.lat IS NOT NULL AND f.lon IS NOT NULL
         AND (p.file_id IS NULL OR p.lat <> f.lat OR p.lon <> f.lon OR p.gazetteer <> ?)
       ORDER BY f.id LIMIT ?`,
    )
    .all(gazetteer, limit) as Array<{ fileId: number; lat: number; lon: number }>;
}

export function writePlaces(sql: Sql, gazetteer: string, places: readonly StoredPlace[]): void {
  const insert = sql.prepare(
    `INSERT OR REPLACE INTO photo_places (file_id, lat, lon, gazetteer, city, region, admin1, country_code, country, km)
     VALUES (@fileId, @lat, @lon, @gazetteer, @city, @region, @admin1, @countryCode, @country, @km)`,
  );
  sql.db.transaction(() => {
    for (const place of places) insert.run({ ...place, gazetteer });
  })();
}

export function readPlaces(sql: Sql, fileIds: readonly number[]): Map<number, StoredPlace> {
  const rows = sql
    .prepare(
      `SELECT p.file_id AS fileId, p.lat, p.lon, p.city, p.region, p.admin1, p.country_code AS countryCode, p.country, p.km
       FROM photo_places p JOIN files f ON f.id = p.file_id
       WHERE p.file_id IN (SELECT value FROM json_each(?)) AND p.lat = f.lat AND p.lon = f.lon`,
    )
    .all(JSON.stringify(fileIds)) as StoredPlace[];
  return new Map(rows.map((row) => [row.fileId, row]));
}

/** Photos whose stored place is in this country (ISO code) and, when given, this admin1 division. */
export function fileIdsInArea(sql: Sql, countryCode: string, admin1?: string): Set<number> {
  const ids =
    admin1 === undefined
      ? sql.prepare('SELECT file_id FROM photo_places WHERE country_code = ?').pluck().all(countryCode)
      : sql
          .prepare('SELECT file_id FROM photo_places WHERE country_code = ? AND admin1 = ?')
          .pluck()
          .all(countryCode, admin1);
  return new Set(ids as number[]);
}

/** Photos whose stored city, region or country is this name (case-insensitive): `eidos search --place`. */
export function fileIdsNamed(sql: Sql, name: string): Set<number> {
  const ids = sql
    .prepare(
      `SELECT file_id FROM photo_places
       WHERE lower(city) = lower(@name) OR lower(region) = lower(@name) OR lower(country) = lower(@name)
         OR lower(country_code) = lower(@name)`,
    )
    .pluck()
    .all({ name });
  return new Set(ids as number[]);
}

/** Stored place names starting with `prefix` and how many photos carry each, most photos first (completion). */
export function placeNamesStarting(sql: Sql, prefix: string, limit: number): Array<{ name: string; photos: number }> {
  return sql
    .prepare(
      `SELECT name, count(*) AS photos FROM (
         SELECT file_id, city AS name FROM photo_places WHERE city IS NOT NULL
         UNION SELECT file_id, region FROM photo_places WHERE region IS NOT NULL
         UNION SELECT file_id, country FROM photo_places WHERE country IS NOT NULL)
       WHERE lower(name) LIKE lower(?) ESCAPE '\\' GROUP BY name ORDER BY photos DESC, name LIMIT ?`,
    )
    .all(`${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, limit) as Array<{ name: string; photos: number }>;
}

/** Every indexed photo's id, local taking date (`YYYY-MM-DD`, as the camera wrote it) and latitude. */
export function photoDates(
  sql: Sql,
): Array<{ id: number; day: string | null; lat: number | null; lon: number | null }> {
  return sql
    .prepare(`SELECT id, substr(taken_at, 1, 10) AS day, lat, lon FROM files WHERE status = 'indexed' ORDER BY id`)
    .all() as Array<{ id: number; day: string | null; lat: number | null; lon: number | null }>;
}
