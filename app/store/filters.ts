import type { Sql } from './sql.ts';
import type { FileFilter } from './types.ts';

/**
 * The ids of indexed files that pass the filter, ascending (the matrix's row order; map them to
 * rows with `rowMask`). The SQL is built from fixed fragments, values are always bound parameters.
 */
export function selectFileIds(sql: Sql, filter: FileFilter): Uint32Array {
  const where = ["f.status = 'indexed'"];
  const params: unknown[] = [];
  if (filter.takenFrom !== undefined) {
    where.push('f.taken_at >= ?');
    params.push(filter.takenFrom);
  }
  if (filter.takenTo !== undefined) {
    // A bare date means the whole day: '2024-05-01' must include '2024-05-01T18:00:00'.
    where.push('f.taken_at <= ?');
    params.push(/^\d{4}-\d{2}-\d{2}$/.test(filter.takenTo) ? `${filter.takenTo}T99` : filter.takenTo);
  }
  if (filter.folders !== undefined) {
    where.push('f.folder_id IN (SELECT id FROM folders WHERE path IN (SELECT value FROM json_each(?)))');
    params.push(JSON.stringify(filter.folders));
  }
  if (filter.camera !== undefined) {
    where.push(
      "(instr(lower(coalesce(f.make, '')), lower(?)) > 0 OR instr(lower(coalesce(f.model, '')), lower(?)) > 0)",
    );
    params.push(filter.camera, filter.camera);
  }
  if (filter.formats !== undefined) {
    where.push('f.format IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.formats.map((format) => format.toLowerCase())));
  }
  if (filter.hasGps !== undefined) {
    where.push(filter.hasGps ? '(f.lat IS NOT NULL AND f.lon IS NOT NULL)' : '(f.lat IS NULL OR f.lon IS NULL)');
  }
  const ids = sql
    .prepare(`SELECT f.id FROM files f WHERE ${where.join(' AND ')} ORDER BY f.id`)
    .pluck()
    .all(...params) as number[];
  return Uint32Array.from(ids);
}
