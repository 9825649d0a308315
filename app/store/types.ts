import type { FilePath } from '../util/file-path.ts';

/** Storage type of a model's vectors: f32 = Float32Array, f16 = IEEE half floats in a Uint16Array. */
export type EmbeddingDtype = 'f32' | 'f16';
export type EmbeddingVector = Float32Array | Uint16Array;

export interface Folder {
  id: number;
  path: string;
  addedAt: string;
}

/** A file's identity on disk, as the scanner saw it. */
export interface FileIdentity extends FilePath {
  folderId: number;
  size: number;
  mtimeMs: number;
  /** Lower-case format name from the extension: 'jpeg', 'png', 'heic', 'raw-dng', … */
  format: string;
}

/** Metadata the pipeline read from the photo; null where the photo does not say. */
export interface PhotoMetadata {
  takenAt?: string | null;
  lat?: number | null;
  lon?: number | null;
  make?: string | null;
  model?: string | null;
  lens?: string | null;
  width?: number | null;
  height?: number | null;
}

/**
 * One file in a batch. An indexed file may omit `embedding` when the store already holds one for
 * its content hash and the batch's model (a copy or a changed-back file); `writeBatch` refuses the
 * batch otherwise.
 */
export type BatchItem =
  | {
      kind: 'indexed';
      file: FileIdentity;
      contentHash: string;
      metadata: PhotoMetadata;
      embedding?: EmbeddingVector;
      /** Which pixels the vector came from (a DecodeSource), when the photo was decoded for this batch. */
      decodeSource?: string;
      /** The content's pixel fingerprint (app/image/fingerprint.ts), when the photo was decoded for this batch. */
      signature?: { kind: string; fingerprint: Float32Array; sharpness: number };
      /** A video read for this batch: its moments replace any the model had for this content. */
      video?: VideoRecord;
    }
  | { kind: 'skipped'; file: FileIdentity; contentHash: string | null; code: string; reason: string };

/** A video as the indexer read it: one vector per kept moment (app/video). */
export interface VideoRecord {
  durationMs: number;
  rotation: 0 | 90 | 180 | 270;
  codec: string;
  decoder: string;
  /** Frames the sampler looked at. */
  candidates: number;
  moments: { timeMs: number; embedding: EmbeddingVector }[];
}

export interface Batch {
  modelId: string;
  items: BatchItem[];
}

export interface BatchResult {
  generation: number;
  /** The file id of each item, in batch order. */
  fileIds: number[];
}

/** A file row as the planner needs it (no metadata). */
export interface StoredFile extends FilePath {
  id: number;
  folderId: number;
  size: number;
  mtimeMs: number;
  contentHash: string | null;
  status: 'indexed' | 'skipped';
  /** A video skipped because the machine had no video decoder: tried again on every run, as one may be installed. */
  waitsForDecoder?: true;
}

export interface FileMove {
  fileId: number;
  to: FileIdentity;
}

/**
 * All embeddings of one model, one row per indexed file, in file-id order. `data` is n × d,
 * row-major, in the model's dtype; it is the only copy (allocated once, filled row by row).
 */
export interface StoredEmbeddings {
  modelId: string;
  dtype: EmbeddingDtype;
  n: number;
  d: number;
  fileIds: Uint32Array;
  paths: string[];
  contentHashes: string[];
  data: EmbeddingVector;
  /** The store generation the matrix reflects; pass it to `changesSince`. */
  generation: number;
}

/**
 * Allocates the matrix's bytes: a view of at least `byteLength` bytes, at any offset of its buffer (the
 * search places matrices on a VM page for the GPU: app/kernels/matrix.ts pageAlignedBytes).
 */
export type MatrixAllocator = (byteLength: number) => Uint8Array;

export interface Changes {
  generation: number;
  /** Files added, moved or re-embedded since: reload them with `loadRows` (ids it does not return left the matrix). */
  upserted: number[];
  removed: number[];
}

/** Filters for search; every field narrows the set, absent fields do not. */
export interface FileFilter {
  /** ISO dates or timestamps, inclusive; compared as text against `taken_at` (ISO 8601). */
  takenFrom?: string;
  takenTo?: string;
  /** Library roots (as added) the file must be in. */
  folders?: string[];
  /** Case-insensitive substring of the camera make or model. */
  camera?: string;
  formats?: string[];
  hasGps?: boolean;
}

/** A library folder's indexed and skipped files, and when a complete index run last finished (ISO, or null). */
export interface FolderStats {
  id: number;
  path: string;
  files: number;
  skipped: number;
  lastIndexedAt: string | null;
}

export interface IndexStatus {
  schemaVersion: number;
  generation: number;
  indexed: number;
  skipped: { total: number; byCode: Record<string, number> };
  /** Indexed photos by the pixels their vector came from (embedded-thumbnail, shrink-on-load, …), where recorded. */
  decodeSources: Record<string, number>;
  /** Per model: indexed files that have no embedding for it yet. */
  models: { modelId: string; dim: number; dtype: EmbeddingDtype; embeddings: number; pending: number }[];
  folders: FolderStats[];
  /** Database plus write-ahead log, in bytes. */
  bytes: number;
}

export interface PriorState {
  /** Per bank query: log Σ_j exp s(b, j) over the library. */
  logSumExp: Float64Array;
  bankSize: number;
  /** Library size N when computed. */
  librarySize: number;
  computedAt: string;
  /** The bank and estimator it was computed with; a different key means the stored prior is stale. */
  bankKey: string;
  /** Library size at the last full recompute. */
  fullLibrarySize: number;
}

/** A file recorded as not indexable, and why. */
export interface SkippedFile {
  path: string;
  code: string;
  reason: string;
}

/** A file or folder the last scan could not read (it has no row in `files`), as the planner reports it. */
export interface ScanProblemRecord extends FilePath {
  folderId: number;
  code: string;
  reason: string;
  isDirectory: boolean;
}

/** The same as `eidos status` lists it. */
export interface ScanProblemRow {
  path: string;
  code: string;
  reason: string;
  isDirectory: boolean;
}

/** What the UI shows of an indexed photo. */
export interface PhotoRow {
  id: number;
  path: string;
  folder: string;
  size: number;
  format: string;
  contentHash: string;
  mtimeMs: number;
  takenAt: string | null;
  lat: number | null;
  lon: number | null;
  make: string | null;
  model: string | null;
  lens: string | null;
  width: number | null;
  height: number | null;
  /** The stored place name (photo_places), when the photo has a position that has been named. */
  placeCity?: string | null;
  placeRegion?: string | null;
  placeCountry?: string | null;
  /** A video's length (app/video); null or absent for a photo. */
  durationMs?: number | null;
}
