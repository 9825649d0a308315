/**
 * The library map's rows (migration 6): one `map_layout` row per model and one `map_points` row per
 * photo content. A write is one transaction, so a reader sees a whole map or the one before it.
 */
import type { Sql } from './sql.ts';

export interface MapRegionRecord {
  x: number;
  y: number;
  concepts: { name: string; bits: number }[];
}

export interface MapLayoutRecord {
  seed: number;
  /** Photos in the last full layout, placed since, and removed since (app/map/drift.ts). */
  laidOut: number;
  placed: number;
  removed: number;
  regions: MapRegionRecord[];
  computedAt: string;
}

export interface MapPoint {
  x: number;
  y: number;
  region: number;
}

export interface StoredMap extends MapLayoutRecord {
  /** By content hash. */
  points: Map<string, MapPoint>;
}

export interface MapWrite {
  layout: MapLayoutRecord;
  /** Drop every stored point first (a full layout) or keep them (placement). */
  replace: boolean;
  upsert: ReadonlyMap<string, MapPoint>;
  remove: readonly string[];
}

export function readMap(sql: Sql, modelId: string): StoredMap | undefined {
  return sql.db
    .transaction((): StoredMap | undefined => {
      const row = sql
        .prepare('SELECT seed, laid_out, placed, removed, regions, computed_at FROM map_layout WHERE model_id = ?')
        .get(modelId) as
        | { seed: number; laid_out: number; placed: number; removed: number; regions: string; computed_at: string }
        | undefined;
      if (!row) return undefined;
      const points = new Map<string, MapPoint>();
      const rows = sql
        .prepare('SELECT content_hash, x, y, region FROM map_points WHERE model_id = ?')
        .raw()
        .iterate(modelId) as IterableIterator<[string, number, number, number]>;
      for (const [hash, x, y, region] of rows) points.set(hash, { x, y, region });
      return {
        seed: row.seed,
        laidOut: row.laid_out,
        placed: row.placed,
        removed: row.removed,
        regions: JSON.parse(row.regions) as MapRegionRecord[],
        computedAt: row.computed_at,
        points,
      };
    })
    .deferred();
}

export function writeMap(sql: Sql, modelId: string, write: MapWrite): void {
  sql.db
    .transaction(() => {
      const { layout } = write;
      sql
        .prepare(
          `INSERT INTO map_layout (model_id, seed, laid_out, placed, removed, regions, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (model_id) DO UPDATE SET seed = excluded.seed, laid_out = excluded.laid_out, placed = excluded.placed,
             removed = excluded.removed, regions = excluded.regions, computed_at = excluded.computed_at`,
        )
        .run(
          modelId,
          layout.seed,
          layout.laidOut,
          layout.placed,
          layout.removed,
          JSON.stringify(layout.regions),
          layout.computedAt,
        );
      // An upsert, not INSERT OR REPLACE: replacing the layout row would delete its points (ON DELETE CASCADE).
      if (write.replace) sql.prepare('DELETE FROM map_points WHERE model_id = ?').run(modelId);
      const remove = sql.prepare('DELETE FROM map_points WHERE model_id = ? AND content_hash = ?');
      for (const hash of write.remove) remove.run(modelId, hash);
      const put = sql.prepare(
        'INSERT OR REPLACE INTO map_points (model_id, content_hash, x, y, region) VALUES (?, ?, ?, ?, ?)',
      );
      for (const [hash, point] of write.upsert) put.run(modelId, hash, point.x, point.y, point.region);
    })
    .immediate();
}
