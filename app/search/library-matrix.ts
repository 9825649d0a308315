/**
 * The active model's embedding matrix in memory, in the dtype the store holds it (f16 for CLIP: half
 * the bytes, and the kernels read f16 directly), kept in step with the store: `sync` asks the store
 * what changed since the matrix's generation and reads only those rows, never the whole library again.
 * Rows stay in file-id order (the order `selectFileIds` returns), so filters map to rows by merge.
 */
import type { EmbeddingMatrix as KernelMatrix } from '../kernels/contract.ts';
import { kernels } from '../kernels/index.ts';
import { allocateMatrix, pageAlignedBytes } from '../kernels/matrix.ts';
import type { IndexStore } from '../store/index-store.ts';
import type { MatrixAllocator, StoredEmbeddings } from '../store/types.ts';

/** Rows placed on a VM page, as allocateMatrix places them (the GPU then reads them without a copy). */
const pageAllocator: MatrixAllocator = pageAlignedBytes;

export interface MatrixChange {
  /** Rows now in the matrix that were not before or were re-embedded: their new row indices. */
  addedRows: Uint32Array;
  /** Old row indices that left (removed, or replaced by a re-embedded version). */
  removedRows: Uint32Array;
  /** Old row index → new row index (−1 when it left). */
  oldToNew: Int32Array;
  /** The matrix before the change (its rows are still needed to update the prior). */
  before: KernelMatrix;
}

export class LibraryMatrix {
  readonly modelId: string;
  matrix: KernelMatrix;
  fileIds: Uint32Array;
  contentHashes: string[];
  generation: number;
  private readonly store: IndexStore;

  private constructor(store: IndexStore, stored: StoredEmbeddings) {
    this.store = store;
    this.modelId = stored.modelId;
    this.matrix = toKernelMatrix(stored);
    this.fileIds = stored.fileIds;
    this.contentHashes = stored.contentHashes;
    this.generation = stored.generation;
  }

  /** The model's rows, or undefined when nothing was indexed with it. */
  static load(store: IndexStore, modelId: string): LibraryMatrix | undefined {
    const stored = store.loadMatrix(modelId, pageAllocator);
    return stored && new LibraryMatrix(store, stored);
  }

  get n(): number {
    return this.matrix.n;
  }

  /** The row of a file id, or undefined (binary search: rows are in file-id order). */
  rowOf(fileId: number): number | undefined {
    let lo = 0;
    let hi = this.fileIds.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const id = this.fileIds[mid]!;
      if (id === fileId) return mid;
      if (id < fileId) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** One row as f32 (for a photo used as the query). */
  rowVector(row: number): Float32Array {
    const { d } = this.matrix;
    if (this.matrix.dtype === 'f16') return kernels.f16ToF32(this.matrix.data.subarray(row * d, row * d + d));
    return Float32Array.from(this.matrix.data.subarray(row * d, row * d + d));
  }

  /** 0/1 per row: is the row's file id in `ids` (ascending, as `selectFileIds` returns them)? */
  maskOf(ids: Uint32Array): Uint8Array {
    const mask = new Uint8Array(this.n);
    let k = 0;
    for (let row = 0; row < this.n && k < ids.length; row++) {
      const id = this.fileIds[row]!;
      while (k < ids.length && ids[k]! < id) k++;
      if (ids[k] === id) mask[row] = 1;
    }
    return mask;
  }

  /** Applies what changed in the store since this matrix's generation; undefined when nothing did. */
  sync(): MatrixChange | undefined {
    const changes = this.store.changesSince(this.generation);
    if (changes.generation === this.generation) return undefined;
    const leaving = new Set([...changes.removed, ...changes.upserted]);
    const fresh =
      changes.upserted.length > 0 ? this.store.loadRows(this.modelId, changes.upserted, pageAllocator) : undefined;
    const freshIds = fresh?.fileIds ?? new Uint32Array(0);
    const kept: number[] = [];
    for (let row = 0; row < this.n; row++) if (!leaving.has(this.fileIds[row]!)) kept.push(row);

    const before = this.matrix;
    const n = kept.length + freshIds.length;
    const { d } = before;
    const next = allocateMatrix(before.dtype === 'f32' ? 'f32' : 'f16', n, d) as KernelMatrix;
    const fileIds = new Uint32Array(n);
    const hashes = new Array<string>(n);
    const oldToNew = new Int32Array(this.n).fill(-1);
    const added: number[] = [];
    // Merge the kept old rows and the fresh rows by file id.
    let a = 0;
    let b = 0;
    for (let row = 0; row < n; row++) {
      const takeOld = b >= freshIds.length || (a < kept.length && this.fileIds[kept[a]!]! < freshIds[b]!);
      if (takeOld) {
        const old = kept[a++]!;
        next.data.set(before.data.subarray(old * d, old * d + d), row * d);
        fileIds[row] = this.fileIds[old]!;
        hashes[row] = this.contentHashes[old]!;
        oldToNew[old] = row;
      } else {
        const src = fresh!.data;
        next.data.set(src.subarray(b * d, b * d + d) as never, row * d);
        fileIds[row] = freshIds[b]!;
        hashes[row] = fresh!.contentHashes[b]!;
        added.push(row);
        b++;
      }
    }
    const removedRows: number[] = [];
    oldToNew.forEach((to, row) => {
      if (to < 0) removedRows.push(row);
    });
    this.matrix = next;
    this.fileIds = fileIds;
    this.contentHashes = hashes;
    this.generation = changes.generation;
    return { addedRows: Uint32Array.from(added), removedRows: Uint32Array.from(removedRows), oldToNew, before };
  }
}

function toKernelMatrix(stored: StoredEmbeddings): KernelMatrix {
  return stored.dtype === 'f16'
    ? { dtype: 'f16', data: stored.data as Uint16Array, n: stored.n, d: stored.d }
    : { dtype: 'f32', data: stored.data as Float32Array, n: stored.n, d: stored.d };
}
