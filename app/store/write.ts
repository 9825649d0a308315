import { insertFingerprint } from './fingerprints.ts';
import { EidosError } from '../contract/errors.ts';
import { pathKey } from '../util/file-path.ts';
import { momentKey, momentKeySql } from '../video/moment-key.ts';
import { vectorBytes, type Sql } from './sql.ts';
import type {
  Batch,
  BatchItem,
  BatchResult,
  EmbeddingDtype,
  EmbeddingVector,
  FileIdentity,
  FileMove,
  PhotoMetadata,
  ScanProblemRecord,
} from './types.ts';

const upsertFileSql = `
  INSERT INTO files (path_key, path, folder_id, size, mtime_ms, content_hash, format, status, skip_code, skip_reason,
                     taken_at, lat, lon, make, model, lens, width, height, indexed_at, generation, decode_source)
  VALUES (@pathKey, @path, @folderId, @size, @mtimeMs, @contentHash, @format, @status, @skipCode, @skipReason,
          @takenAt, @lat, @lon, @make, @model, @lens, @width, @height, @indexedAt, @generation, @decodeSource)
  ON CONFLICT (path_key) DO UPDATE SET
    path = excluded.path, folder_id = excluded.folder_id, size = excluded.size, mtime_ms = excluded.mtime_ms,
    content_hash = excluded.content_hash, format = excluded.format, status = excluded.status,
    skip_code = excluded.skip_code, skip_reason = excluded.skip_reason, taken_at = excluded.taken_at,
    lat = excluded.lat, lon = excluded.lon, make = excluded.make, model = excluded.model, lens = excluded.lens,
    width = excluded.width, height = excluded.height, indexed_at = excluded.indexed_at, generation = excluded.generation,
    -- A file whose vector was reused (not decoded this time) keeps its source while its content is the same.
    decode_source = CASE WHEN excluded.decode_source IS NOT NULL THEN excluded.decode_source
                         WHEN excluded.status = 'indexed' AND files.content_hash = excluded.content_hash THEN files.decode_source END
  RETURNING id`;

/** Whether a content has a vector for a model: a photo's own, or a video's moments. Binds (hash, model) twice. */
export const hasVectorsSql = `SELECT 1 WHERE EXISTS (SELECT 1 FROM embeddings WHERE content_hash = ? AND model_id = ?)
  OR EXISTS (SELECT 1 FROM video_moments WHERE content_hash = ? AND model_id = ?)`;

const noMetadata: Required<PhotoMetadata> = {
  takenAt: null,
  lat: null,
  lon: null,
  make: null,
  model: null,
  lens: null,
  width: null,
  height: null,
};

function dtypeOf(vector: EmbeddingVector): EmbeddingDtype {
  return vector instanceof Float32Array ? 'f32' : 'f16';
}

function badBatch(message: string): EidosError {
  return new EidosError('BAD_ARGUMENT', `writeBatch: ${message} Nothing from this batch was written.`);
}

/** Registers the model on its first vector and checks every later vector against it. */
function checkModel(sql: Sql, modelId: string, items: BatchItem[]): void {
  const vectors = (item: BatchItem): EmbeddingVector[] =>
    item.kind !== 'indexed'
      ? []
      : [...(item.embedding ? [item.embedding] : []), ...(item.video?.moments.map((m) => m.embedding) ?? [])];
  const first = items.flatMap(vectors)[0];
  if (first) {
    sql
      .prepare(
        'INSERT INTO models (model_id, dim, dtype, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (model_id) DO NOTHING',
      )
      .run(modelId, first.length, dtypeOf(first), new Date().toISOString());
  }
  const model = sql.prepare('SELECT dim, dtype FROM models WHERE model_id = ?').get(modelId) as
    { dim: number; dtype: EmbeddingDtype } | undefined;
  for (const item of items) {
    if (!model) continue;
    for (const embedding of vectors(item)) checkVector(item.file.path, embedding, modelId, model);
  }
}

function checkVector(
  path: string,
  embedding: EmbeddingVector,
  modelId: string,
  model: { dim: number; dtype: EmbeddingDtype },
): void {
  if (!(embedding instanceof Float32Array || embedding instanceof Uint16Array))
    throw badBatch(`the embedding of ${path} is not a Float32Array or Uint16Array.`);
  if (embedding.length !== model.dim || dtypeOf(embedding) !== model.dtype) {
    throw badBatch(
      `the embedding of ${path} has ${embedding.length} ${dtypeOf(embedding)} values; model ${modelId} stores ${model.dim} ${model.dtype}.`,
    );
  }
}

function fileParams(file: FileIdentity, generation: number, indexedAt: string) {
  return {
    pathKey: pathKey(file),
    path: file.path,
    folderId: file.folderId,
    size: file.size,
    mtimeMs: Math.trunc(file.mtimeMs),
    format: file.format,
    generation,
    indexedAt,
  };
}

/** Writes one batch in ONE transaction: a crash keeps either all of it or none of it. */
export function writeBatch(sql: Sql, batch: Batch): BatchResult {
  if (!batch.modelId) throw badBatch('modelId is empty.');
  const run = sql.db.transaction((): BatchResult => {
    checkModel(sql, batch.modelId, batch.items);
    const generation = sql.bumpGeneration();
    const indexedAt = new Date().toISOString();
    const upsert = sql.prepare(upsertFileSql);
    const putEmbedding = sql.prepare(
      'INSERT OR REPLACE INTO embeddings (content_hash, model_id, vector) VALUES (?, ?, ?)',
    );
    const hasEmbedding = sql.prepare(hasVectorsSql).pluck();
    const putVideo = sql.prepare(
      `INSERT OR REPLACE INTO videos (content_hash, duration_ms, rotation, codec, decoder, candidates)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const dropMoments = sql.prepare('DELETE FROM video_moments WHERE content_hash = ? AND model_id = ?');
    const putMoment = sql.prepare('INSERT INTO video_moments (content_hash, model_id, time_ms) VALUES (?, ?, ?)');
    const fileIds: number[] = [];
    for (const item of batch.items) {
      const base = fileParams(item.file, generation, indexedAt);
      if (item.kind === 'indexed') {
        const { video } = item;
        if (video) {
          putVideo.run(
            item.contentHash,
            video.durationMs,
            video.rotation,
            video.codec,
            video.decoder,
            video.candidates,
          );
          dropMoments.run(item.contentHash, batch.modelId);
          for (const moment of video.moments) {
            putMoment.run(item.contentHash, batch.modelId, moment.timeMs);
            putEmbedding.run(momentKey(item.contentHash, moment.timeMs), batch.modelId, vectorBytes(moment.embedding));
          }
        } else if (item.embedding) putEmbedding.run(item.contentHash, batch.modelId, vectorBytes(item.embedding));
        else if (!hasEmbedding.get(item.contentHash, batch.modelId, item.contentHash, batch.modelId))
          throw badBatch(
            `${item.file.path} has no embedding and the index holds none for its content under ${batch.modelId}.`,
          );
        const metadata = { ...noMetadata, ...item.metadata };
        fileIds.push(
          (
            upsert.get({
              ...base,
              ...metadata,
              contentHash: item.contentHash,
              status: 'indexed',
              skipCode: null,
              skipReason: null,
              decodeSource: item.decodeSource ?? null,
            }) as { id: number }
          ).id,
        );
        if (item.signature)
          insertFingerprint(
            sql,
            item.signature.kind,
            { contentHash: item.contentHash, ...item.signature, failed: undefined },
            base.indexedAt,
          );
      } else {
        fileIds.push(
          (
            upsert.get({
              ...base,
              ...noMetadata,
              contentHash: item.contentHash,
              status: 'skipped',
              skipCode: item.code,
              skipReason: item.reason,
              decodeSource: null,
            }) as { id: number }
          ).id,
        );
      }
    }
    return { generation, fileIds };
  });
  return run.immediate();
}

/** Moves/renames keep the file id, metadata and (through the content hash) the embedding. */
export function moveFiles(sql: Sql, moves: FileMove[]): number {
  const run = sql.db.transaction(() => {
    const generation = sql.bumpGeneration();
    const move = sql.prepare(
      'UPDATE files SET path_key = ?, path = ?, folder_id = ?, size = ?, mtime_ms = ?, format = ?, generation = ? WHERE id = ?',
    );
    for (const { fileId, to } of moves)
      move.run(pathKey(to), to.path, to.folderId, to.size, Math.trunc(to.mtimeMs), to.format, generation, fileId);
    return generation;
  });
  return run.immediate();
}

/** Removes file rows (deleted photos); their embeddings stay until `pruneOrphans`. */
export function removeFiles(sql: Sql, fileIds: number[]): number {
  const run = sql.db.transaction(() => {
    const generation = sql.bumpGeneration();
    const remove = sql.prepare('DELETE FROM files WHERE id = ?');
    for (const id of fileIds) remove.run(id);
    return generation;
  });
  return run.immediate();
}

/** Replaces the recorded scan problems with this scan's (one transaction; files' rows are untouched). */
export function replaceScanProblems(sql: Sql, problems: readonly ScanProblemRecord[]): void {
  const run = sql.db.transaction(() => {
    sql.prepare('DELETE FROM scan_problems').run();
    const insert = sql.prepare(
      'INSERT OR REPLACE INTO scan_problems (path_key, path, folder_id, code, reason, is_directory) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const problem of problems)
      insert.run(
        pathKey(problem),
        problem.path,
        problem.folderId,
        problem.code,
        problem.reason,
        problem.isDirectory ? 1 : 0,
      );
  });
  run.immediate();
}

/**
 * Deletes embeddings and priors no file refers to any more. Run it after a full index pass, not
 * between a deletion and the matching addition of a move, or the move would re-embed.
 */
export function pruneOrphans(sql: Sql): { embeddings: number; priors: number; texts: number } {
  const run = sql.db.transaction(() => {
    const held = 'content_hash IN (SELECT content_hash FROM files WHERE content_hash IS NOT NULL)';
    sql.prepare(`DELETE FROM videos WHERE NOT ${held}`).run();
    sql.prepare(`DELETE FROM video_moments WHERE NOT ${held}`).run();
    // A moment's vector and prior are kept while its video is (moment-key.ts).
    const orphan = `NOT ${held} AND content_hash NOT IN (SELECT ${momentKeySql('content_hash', 'time_ms')} FROM video_moments)`;
    const embeddings = sql.prepare(`DELETE FROM embeddings WHERE ${orphan}`).run().changes;
    const priors = sql.prepare(`DELETE FROM image_prior WHERE ${orphan}`).run().changes;
    // The words read in a photo go with its content, for every model alike.
    const texts = sql.prepare(`DELETE FROM photo_text WHERE ${orphan}`).run().changes;
    return { embeddings, priors, texts };
  });
  return run.immediate();
}
