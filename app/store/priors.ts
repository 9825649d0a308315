import { EidosError } from '../contract/errors.ts';
import { vectorBytes, type Sql } from './sql.ts';
import type { PriorState } from './types.ts';

/** Replaces a model's image priors (log p̂(i) per content hash) and its bank state in one transaction. */
export function writeImagePriors(
  sql: Sql,
  modelId: string,
  priors: ReadonlyMap<string, number>,
  state: PriorState,
): void {
  const run = sql.db.transaction(() => {
    sql.prepare('DELETE FROM image_prior WHERE model_id = ?').run(modelId);
    const put = sql.prepare('INSERT INTO image_prior (content_hash, model_id, log_prior) VALUES (?, ?, ?)');
    for (const [hash, logPrior] of priors) put.run(hash, modelId, logPrior);
    sql
      .prepare(
        'INSERT OR REPLACE INTO prior_state (model_id, log_sum_exp, bank_size, library_size, computed_at, bank_key, full_library_size) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        modelId,
        vectorBytes(state.logSumExp),
        state.bankSize,
        state.librarySize,
        state.computedAt,
        state.bankKey,
        state.fullLibrarySize,
      );
  });
  run.immediate();
}

export function readImagePriors(sql: Sql, modelId: string): Map<string, number> {
  const rows = sql.prepare('SELECT content_hash, log_prior FROM image_prior WHERE model_id = ?').raw().all(modelId) as [
    string,
    number,
  ][];
  return new Map(rows);
}

/** Copies a BLOB into a fresh typed array (a SQLite buffer is not guaranteed to be aligned). */
function blobTo<T>(blob: Buffer, make: (buffer: ArrayBuffer) => T): T {
  const copy = new ArrayBuffer(blob.length);
  new Uint8Array(copy).set(blob);
  return make(copy);
}

export function readPriorState(sql: Sql, modelId: string): PriorState | undefined {
  const row = sql
    .prepare(
      'SELECT log_sum_exp, bank_size, library_size, computed_at, bank_key, full_library_size FROM prior_state WHERE model_id = ?',
    )
    .get(modelId) as
    | {
        log_sum_exp: Buffer;
        bank_size: number;
        library_size: number;
        computed_at: string;
        bank_key: string;
        full_library_size: number;
      }
    | undefined;
  if (!row) return undefined;
  return {
    logSumExp: blobTo(row.log_sum_exp, (b) => new Float64Array(b)),
    bankSize: row.bank_size,
    librarySize: row.library_size,
    computedAt: row.computed_at,
    bankKey: row.bank_key,
    fullLibrarySize: row.full_library_size,
  };
}

/** Caches text embeddings of concept prompts (the explanation feature); one transaction. */
export function putConceptEmbeddings(sql: Sql, modelId: string, vectors: ReadonlyMap<string, Float32Array>): void {
  const run = sql.db.transaction(() => {
    const put = sql.prepare('INSERT OR REPLACE INTO concept_embeddings (model_id, concept, vector) VALUES (?, ?, ?)');
    for (const [concept, vector] of vectors) {
      if (!(vector instanceof Float32Array))
        throw new EidosError(
          'BAD_ARGUMENT',
          `putConceptEmbeddings: the vector for '${concept}' is not a Float32Array.`,
        );
      put.run(modelId, concept, vectorBytes(vector));
    }
  });
  run.immediate();
}

/** The cached concept vectors of a model (all of them, or only `concepts`); missing ones are absent. */
export function getConceptEmbeddings(
  sql: Sql,
  modelId: string,
  concepts?: readonly string[],
): Map<string, Float32Array> {
  const rows = (
    concepts
      ? sql
          .prepare(
            'SELECT concept, vector FROM concept_embeddings WHERE model_id = ? AND concept IN (SELECT value FROM json_each(?))',
          )
          .raw()
          .all(modelId, JSON.stringify(concepts))
      : sql.prepare('SELECT concept, vector FROM concept_embeddings WHERE model_id = ?').raw().all(modelId)
  ) as [string, Buffer][];
  return new Map(rows.map(([concept, blob]) => [concept, blobTo(blob, (b) => new Float32Array(b))]));
}
