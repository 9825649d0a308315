import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { EidosError } from '../contract/errors.ts';
import { isWithin } from '../util/path-containment.ts';
import { pathKey, type FilePath } from '../util/file-path.ts';
import { selectFileIds } from './filters.ts';
import type { WriterLock } from './lock.ts';
import { readMap, writeMap, type MapWrite, type StoredMap } from './map.ts';
import {
  readFingerprints,
  unfingerprintedContents,
  writeFingerprints,
  type FingerprintWrite,
  type StoredFingerprint,
  type UnfingerprintedContent,
} from './fingerprints.ts';
import * as places from './places.ts';
import { defaultAllocator, readMatrix } from './matrix.ts';
import { schemaVersion } from './migrations.ts';
import {
  getConceptEmbeddings,
  putConceptEmbeddings,
  readImagePriors,
  readPriorState,
  writeImagePriors,
} from './priors.ts';
import {
  contentsToRead,
  countContentsToRead,
  readPhotoText,
  writePhotoTexts,
  type ContentToRead,
  type PhotoTextRecord,
  type StoredPhotoText,
} from './photo-text.ts';
import { Sql } from './sql.ts';
import { photosWithText, photosWithTextNear, type TextHit } from './text-index.ts';
import { guarded } from './sqlite-errors.ts';
import type {
  Batch,
  BatchResult,
  Changes,
  EmbeddingDtype,
  StoredEmbeddings,
  FileFilter,
  FileMove,
  Folder,
  FolderStats,
  IndexStatus,
  MatrixAllocator,
  PhotoRow,
  PriorState,
  StoredFile,
  SkippedFile,
  ScanProblemRecord,
  ScanProblemRow,
} from './types.ts';
import { hasVectorsSql, moveFiles, pruneOrphans, removeFiles, replaceScanProblems, writeBatch } from './write.ts';

interface StoredFileRow {
  id: number;
  path_key: Buffer;
  path: string;
  folder_id: number;
  size: number;
  mtime_ms: number;
  content_hash: string | null;
  status: 'indexed' | 'skipped';
  skip_code: string | null;
}

function toStoredFile(row: StoredFileRow): StoredFile {
  const file: StoredFile = {
    id: row.id,
    path: row.path,
    folderId: row.folder_id,
    size: row.size,
    mtimeMs: row.mtime_ms,
    contentHash: row.content_hash,
    status: row.status,
  };
  if (!row.path_key.equals(Buffer.from(row.path, 'utf8'))) file.rawPath = row.path_key;
  if (row.skip_code === 'NO_VIDEO_DECODER') file.waitsForDecoder = true;
  return file;
}

/** The open index. Every method runs synchronously; writes are one transaction each. Open with `openIndex`. */
export class IndexStore {
  readonly file: string;
  readonly readonly: boolean;
  private readonly sql: Sql;
  private lock: WriterLock | undefined;

  constructor(db: Database.Database, file: string, lock: WriterLock | undefined) {
    this.sql = new Sql(db, file);
    this.file = file;
    this.readonly = db.readonly;
    this.lock = lock;
  }

  private run<T>(fn: (sql: Sql) => T): T {
    if (!this.sql.db.open) throw new EidosError('INTERNAL', `The index ${this.file} is closed.`);
    return guarded(this.file, () => fn(this.sql));
  }

  close(): void {
    if (!this.sql.db.open) return;
    guarded(this.file, () => this.lock?.release());
    this.lock = undefined;
    this.sql.db.close();
  }

  // Folders (library roots).

  /** Adds a library root (absolute, resolved). A root inside or around an existing one is refused. */
  addFolder(path: string): Folder {
    const absolute = resolve(path);
    return this.run((sql) => {
      const existing = this.listFolders().find((folder) => folder.path === absolute);
      if (existing) return existing;
      const overlap = this.listFolders().find(
        (folder) => isWithin(absolute, folder.path) || isWithin(folder.path, absolute),
      );
      if (overlap) {
        throw new EidosError(
          'BAD_ARGUMENT',
          `${absolute} overlaps the library folder ${overlap.path}. Remove that one first, or add only the outer folder.`,
          { file: absolute },
        );
      }
      const addedAt = new Date().toISOString();
      const id = sql
        .prepare('INSERT INTO folders (path, added_at) VALUES (?, ?)')
        .run(absolute, addedAt).lastInsertRowid;
      return { id: Number(id), path: absolute, addedAt };
    });
  }

  /** Forgets a root and every file row under it (the photos themselves are untouched). */
  removeFolder(path: string): boolean {
    const absolute = resolve(path);
    return this.run((sql) =>
      sql.db
        .transaction(() => {
          sql.bumpGeneration();
          return sql.prepare('DELETE FROM folders WHERE path = ?').run(absolute).changes > 0;
        })
        .immediate(),
    );
  }

  listFolders(): Folder[] {
    return this.run(
      (sql) => sql.prepare('SELECT id, path, added_at AS addedAt FROM folders ORDER BY path').all() as Folder[],
    );
  }

  // The words in photos (see text-index.ts).

  /** Photos whose recognised text contains `needle` (substring; case and accents folded). */
  photosWithText(needle: string): TextHit[] {
    return this.run((sql) => photosWithText(sql, needle));
  }

  photosWithTextNear(word: string): TextHit[] {
    return this.run((sql) => photosWithTextNear(sql, word));
  }

  // Writes (see write.ts).

  writeBatch(batch: Batch): BatchResult {
    return this.run((sql) => writeBatch(sql, batch));
  }

  moveFiles(moves: FileMove[]): number {
    return this.run((sql) => moveFiles(sql, moves));
  }

  removeFiles(fileIds: number[]): number {
    return this.run((sql) => removeFiles(sql, fileIds));
  }

  pruneOrphans(): { embeddings: number; priors: number; texts: number } {
    return this.run((sql) => pruneOrphans(sql));
  }

  /** Records that every library folder has just finished a complete index run. */
  markFoldersIndexed(at: Date = new Date()): void {
    this.run((sql) => sql.prepare('UPDATE folders SET last_indexed_at = ?').run(at.toISOString()));
  }

  replaceScanProblems(problems: readonly ScanProblemRecord[]): void {
    this.run((sql) => replaceScanProblems(sql, problems));
  }

  // Reads for the planner.

  /** Every file row under a root, for comparison with a scan. */
  filesInFolder(folderId: number): StoredFile[] {
    return this.run((sql) =>
      (
        sql
          .prepare(
            'SELECT id, path_key, path, folder_id, size, mtime_ms, content_hash, status, skip_code FROM files WHERE folder_id = ?',
          )
          .all(folderId) as StoredFileRow[]
      ).map(toStoredFile),
    );
  }

  fileByPath(file: FilePath): StoredFile | undefined {
    return this.run((sql) => {
      const row = sql
        .prepare(
          'SELECT id, path_key, path, folder_id, size, mtime_ms, content_hash, status, skip_code FROM files WHERE path_key = ?',
        )
        .get(pathKey(file)) as StoredFileRow | undefined;
      return row && toStoredFile(row);
    });
  }

  hasEmbedding(contentHash: string, modelId: string): boolean {
    return this.run(
      (sql) => sql.prepare(hasVectorsSql).pluck().get(contentHash, modelId, contentHash, modelId) !== undefined,
    );
  }

  // The words read in photos (photo-text.ts).

  writePhotoTexts(records: readonly PhotoTextRecord[]): void {
    this.run((sql) => writePhotoTexts(sql, records));
  }

  photoText(contentHash: string): StoredPhotoText | undefined {
    return this.run((sql) => readPhotoText(sql, contentHash));
  }

  contentsToRead(reader: string, limit: number): ContentToRead[] {
    return this.run((sql) => contentsToRead(sql, reader, limit));
  }

  countContentsToRead(reader: string): number {
    return this.run((sql) => countContentsToRead(sql, reader));
  }

  // Reads for search.

  /** Display rows (path, folder, metadata) of these indexed files, in the order asked; other ids are left out. */
  photoRows(fileIds: readonly number[]): PhotoRow[] {
    if (fileIds.length === 0) return [];
    return this.run(
      (sql) =>
        sql
          .prepare(
            `SELECT f.id, f.path, d.path AS folder, f.size, f.format, f.content_hash AS contentHash, f.mtime_ms AS mtimeMs,
                  f.taken_at AS takenAt, f.lat, f.lon, f.make, f.model, f.lens, f.width, f.height,
                  p.city AS placeCity, p.region AS placeRegion, p.country AS placeCountry,
                  v.duration_ms AS durationMs
             FROM json_each(?) j JOIN files f ON f.id = j.value JOIN folders d ON d.id = f.folder_id
             LEFT JOIN photo_places p ON p.file_id = f.id AND p.lat = f.lat AND p.lon = f.lon
             LEFT JOIN videos v ON v.content_hash = f.content_hash
            WHERE f.status = 'indexed' ORDER BY j.key`,
          )
          .all(JSON.stringify(fileIds)) as PhotoRow[],
    );
  }

  /** The model's embedding matrix, or undefined if nothing was indexed with it. */
  loadMatrix(modelId: string, allocate: MatrixAllocator = defaultAllocator): StoredEmbeddings | undefined {
    return this.run((sql) => readMatrix(sql, modelId, null, allocate));
  }

  /** The rows of just these files (catch-up after `changesSince`); ids not returned are not in the matrix. */
  loadRows(
    modelId: string,
    fileIds: readonly number[],
    allocate: MatrixAllocator = defaultAllocator,
  ): StoredEmbeddings | undefined {
    return this.run((sql) => readMatrix(sql, modelId, fileIds, allocate));
  }

  generation(): number {
    return this.run((sql) => sql.generation());
  }

  /** What changed after `generation` (a matrix's `generation`), to patch it instead of reloading. */
  changesSince(generation: number): Changes {
    return this.run((sql) =>
      sql.db
        .transaction((): Changes => ({
          generation: sql.generation(),
          upserted: sql
            // The generation index: without it SQLite walks all of files in id order (per search: ms at 100k).
            .prepare('SELECT id FROM files INDEXED BY files_by_generation WHERE generation > ? ORDER BY id')
            .pluck()
            .all(generation) as number[],
          removed: sql
            .prepare('SELECT file_id FROM removed_files WHERE generation > ? ORDER BY file_id')
            .pluck()
            .all(generation) as number[],
        }))
        .deferred(),
    );
  }

  selectFileIds(filter: FileFilter): Uint32Array {
    return this.run((sql) => selectFileIds(sql, filter));
  }

  // Priors and concept vectors (search and explanation).

  writeImagePriors(modelId: string, priors: ReadonlyMap<string, number>, state: PriorState): void {
    this.run((sql) => writeImagePriors(sql, modelId, priors, state));
  }

  readImagePriors(modelId: string): Map<string, number> {
    return this.run((sql) => readImagePriors(sql, modelId));
  }

  readPriorState(modelId: string): PriorState | undefined {
    return this.run((sql) => readPriorState(sql, modelId));
  }

  putConceptEmbeddings(modelId: string, vectors: ReadonlyMap<string, Float32Array>): void {
    this.run((sql) => putConceptEmbeddings(sql, modelId, vectors));
  }

  getConceptEmbeddings(modelId: string, concepts?: readonly string[]): Map<string, Float32Array> {
    return this.run((sql) => getConceptEmbeddings(sql, modelId, concepts));
  }

  // The library map (app/map).

  hasMap(modelId: string): boolean {
    return this.run(
      (sql) => sql.prepare('SELECT 1 FROM map_layout WHERE model_id = ?').pluck().get(modelId) !== undefined,
    );
  }

  // Pixel fingerprints (fingerprints.ts), by content.

  readFingerprints(kind: string): Map<string, StoredFingerprint> {
    return this.run((sql) => readFingerprints(sql, kind));
  }

  unfingerprintedContents(kind: string): UnfingerprintedContent[] {
    return this.run((sql) => unfingerprintedContents(sql, kind));
  }

  writeFingerprints(kind: string, rows: readonly FingerprintWrite[]): void {
    this.run((sql) => writeFingerprints(sql, kind, rows));
  }

  readMap(modelId: string): StoredMap | undefined {
    return this.run((sql) => readMap(sql, modelId));
  }

  writeMap(modelId: string, write: MapWrite): void {
    this.run((sql) => writeMap(sql, modelId, write));
  }

  // Place names (photo_places, app/store/places.ts).

  filesNeedingPlace(gazetteer: string, limit: number): ReturnType<typeof places.filesNeedingPlace> {
    return this.run((sql) => places.filesNeedingPlace(sql, gazetteer, limit));
  }

  writePlaces(gazetteer: string, rows: readonly places.StoredPlace[]): void {
    this.run((sql) => places.writePlaces(sql, gazetteer, rows));
  }

  readPlaces(fileIds: readonly number[]): Map<number, places.StoredPlace> {
    return this.run((sql) => places.readPlaces(sql, fileIds));
  }

  fileIdsInArea(countryCode: string, admin1?: string): Set<number> {
    return this.run((sql) => places.fileIdsInArea(sql, countryCode, admin1));
  }

  fileIdsNamed(name: string): Set<number> {
    return this.run((sql) => places.fileIdsNamed(sql, name));
  }

  placeNamesStarting(prefix: string, limit: number): Array<{ name: string; photos: number }> {
    return this.run((sql) => places.placeNamesStarting(sql, prefix, limit));
  }

  photoDates(): ReturnType<typeof places.photoDates> {
    return this.run((sql) => places.photoDates(sql));
  }

  // Health.

  /** Per library folder: indexed and skipped files, and when a complete index run last finished (the library view needs only this). */
  folderStats(): FolderStats[] {
    return this.run(
      (sql) =>
        sql
          .prepare(
            `SELECT d.id, d.path, d.last_indexed_at AS lastIndexedAt,
                    count(f.id) FILTER (WHERE f.status = 'indexed') AS files,
                    count(f.id) FILTER (WHERE f.status = 'skipped') AS skipped
               FROM folders d LEFT JOIN files f ON f.folder_id = d.id
              GROUP BY d.id ORDER BY d.path`,
          )
          .all() as FolderStats[],
    );
  }

  status(): IndexStatus {
    return this.run((sql) =>
      sql.db
        .transaction((): IndexStatus => {
          const count = (text: string, ...params: unknown[]) =>
            sql
              .prepare(text)
              .pluck()
              .get(...params) as number;
          const skippedRows = sql
            .prepare(
              "SELECT coalesce(skip_code, 'UNKNOWN') AS code, count(*) AS n FROM files WHERE status = 'skipped' GROUP BY code",
            )
            .all() as { code: string; n: number }[];
          const byCode = Object.fromEntries(skippedRows.map((row) => [row.code, row.n]));
          const sourceRows = sql
            .prepare(
              "SELECT decode_source AS source, count(*) AS n FROM files WHERE status = 'indexed' AND decode_source IS NOT NULL GROUP BY decode_source",
            )
            .all() as { source: string; n: number }[];
          const models = (
            sql.prepare('SELECT model_id, dim, dtype FROM models ORDER BY model_id').all() as {
              model_id: string;
              dim: number;
              dtype: EmbeddingDtype;
            }[]
          ).map((model) => ({
            modelId: model.model_id,
            dim: model.dim,
            dtype: model.dtype,
            embeddings: count('SELECT count(*) FROM embeddings WHERE model_id = ?', model.model_id),
            pending: count(
              "SELECT count(*) FROM files f WHERE f.status = 'indexed' AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.content_hash = f.content_hash AND e.model_id = ?) AND NOT EXISTS (SELECT 1 FROM video_moments m WHERE m.content_hash = f.content_hash AND m.model_id = ?)",
              model.model_id,
              model.model_id,
            ),
          }));
          const folders = this.folderStats();
          const pageBytes = count('SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()');
          let walBytes = 0;
          try {
            walBytes = statSync(`${this.file}-wal`).size;
          } catch {
            // No WAL file (read-only open of a checkpointed index).
          }
          return {
            schemaVersion,
            generation: sql.generation(),
            indexed: count("SELECT count(*) FROM files WHERE status = 'indexed'"),
            skipped: { total: skippedRows.reduce((sum, row) => sum + row.n, 0), byCode },
            decodeSources: Object.fromEntries(sourceRows.map((row) => [row.source, row.n])),
            models,
            folders,
            bytes: pageBytes + walBytes,
          };
        })
        .deferred(),
    );
  }

  /** Skipped files with their reasons, newest first (for `eidos status` and the library view). */
  skippedFiles(limit = 100): SkippedFile[] {
    return this.run(
      (sql) =>
        sql
          .prepare(
            "SELECT path, coalesce(skip_code, 'UNKNOWN') AS code, coalesce(skip_reason, '') AS reason FROM files WHERE status = 'skipped' ORDER BY id DESC LIMIT ?",
          )
          .all(limit) as SkippedFile[],
    );
  }

  /** Files and folders the last scan could not read, by path (for `eidos status`). */
  scanProblems(limit = 100): ScanProblemRow[] {
    return this.run((sql) =>
      (
        sql
          .prepare('SELECT path, code, reason, is_directory AS isDirectory FROM scan_problems ORDER BY path LIMIT ?')
          .all(limit) as Array<Omit<ScanProblemRow, 'isDirectory'> & { isDirectory: number }>
      ).map((row) => ({ ...row, isDirectory: row.isDirectory === 1 })),
    );
  }

  /** SQLite's own structural check; returns 'ok' or the problems it found. */
  checkIntegrity(): string[] {
    return this.run((sql) => sql.prepare('PRAGMA integrity_check').pluck().all() as string[]);
  }
}
