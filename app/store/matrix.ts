import { EidosError } from '../contract/errors.ts';
import { corruptMessage } from './sqlite-errors.ts';
import { momentKeySql } from '../video/moment-key.ts';
import type { Sql } from './sql.ts';
import type { EmbeddingDtype, StoredEmbeddings, MatrixAllocator } from './types.ts';

/** Plain allocation; the search passes its own, which places the rows for the GPU (see MatrixAllocator). */
export const defaultAllocator: MatrixAllocator = (byteLength) => new Uint8Array(byteLength);

const bytesPerValue: Record<EmbeddingDtype, number> = { f32: 4, f16: 2 };

/**
 * One row per photo and one per moment of a video (its key is the row's content hash, moment-key.ts), in
 * file-id order and a video's moments in time order: the rows of one file are consecutive.
 */
const rowsSql = (filtered: boolean) => {
  const only = filtered ? 'AND f.id IN (SELECT value FROM json_each(?))' : '';
  return `
  SELECT f.id, f.path, e.content_hash, e.vector
  FROM files f JOIN embeddings e ON e.content_hash = f.content_hash AND e.model_id = ?
  WHERE f.status = 'indexed' ${only}
  UNION ALL
  SELECT f.id, f.path, e.content_hash, e.vector
  FROM files f
  JOIN video_moments m ON m.content_hash = f.content_hash AND m.model_id = ?
  JOIN embeddings e ON e.content_hash = ${momentKeySql('m.content_hash', 'm.time_ms')} AND e.model_id = m.model_id
  WHERE f.status = 'indexed' ${only}
  ORDER BY 1, 3`;
};

/**
 * Reads a model's embeddings into one buffer sized up front (a count in the same read snapshot),
 * streaming rows into place, so the matrix never exists twice in memory. `fileIds` limits the read
 * to those files (for `changesSince` catch-up). Returns undefined for a model the index has never seen.
 */
export function readMatrix(
  sql: Sql,
  modelId: string,
  fileIds: readonly number[] | null,
  allocate: MatrixAllocator,
): StoredEmbeddings | undefined {
  const read = sql.db.transaction((): StoredEmbeddings | undefined => {
    const model = sql.prepare('SELECT dim, dtype FROM models WHERE model_id = ?').get(modelId) as
      { dim: number; dtype: EmbeddingDtype } | undefined;
    if (!model) return undefined;
    const branch: unknown[] = fileIds ? [modelId, JSON.stringify(fileIds)] : [modelId];
    const params = [...branch, ...branch];
    const rows = sql.prepare(rowsSql(fileIds !== null));
    const n = sql
      .prepare(`SELECT count(*) FROM (${rowsSql(fileIds !== null)})`)
      .pluck()
      .get(...params) as number;
    const rowBytes = model.dim * bytesPerValue[model.dtype];
    const allocated = allocate(n * rowBytes);
    if (allocated.byteLength < n * rowBytes)
      throw new EidosError(
        'INTERNAL',
        `The matrix allocator returned ${allocated.byteLength} bytes; ${n * rowBytes} were asked for.`,
      );
    const { buffer, byteOffset } = allocated;
    const bytes = new Uint8Array(buffer, byteOffset, n * rowBytes);
    const ids = new Uint32Array(n);
    const paths: string[] = new Array<string>(n);
    const contentHashes: string[] = new Array<string>(n);
    let i = 0;
    for (const row of rows.raw().iterate(...params) as IterableIterator<[number, string, string, Buffer]>) {
      const [id, path, hash, vector] = row;
      if (vector.length !== rowBytes) {
        throw new EidosError(
          'INDEX_CORRUPT',
          corruptMessage(sql.file, `the ${modelId} embedding of ${path} has ${vector.length} bytes, not ${rowBytes}`),
          { file: sql.file },
        );
      }
      bytes.set(vector, i * rowBytes);
      ids[i] = id;
      paths[i] = path;
      contentHashes[i] = hash;
      i++;
    }
    const values = n * model.dim;
    const data =
      model.dtype === 'f32'
        ? new Float32Array(buffer, byteOffset, values)
        : new Uint16Array(buffer, byteOffset, values);
    return {
      modelId,
      dtype: model.dtype,
      n,
      d: model.dim,
      fileIds: ids,
      paths,
      contentHashes,
      data,
      generation: sql.generation(),
    };
  });
  return read.deferred();
}

/** A 0/1 mask over the matrix rows whose file id is in `ids` (the result of a filter query). */
export function rowMask(matrix: Pick<StoredEmbeddings, 'fileIds'>, ids: Iterable<number>): Uint8Array {
  const wanted = new Set(ids);
  const mask = new Uint8Array(matrix.fileIds.length);
  matrix.fileIds.forEach((id, row) => {
    if (wanted.has(id)) mask[row] = 1;
  });
  return mask;
}
