import type { BatchItem, FileIdentity } from '../../app/store/types.ts';

export function identity(folderId: number, path: string, size = 1000, mtimeMs = 1_700_000_000_000): FileIdentity {
  return { folderId, path, size, mtimeMs, format: 'jpeg' };
}

/** An embedding whose values encode `seed`, so a row read back can be traced to what was written. */
export function vectorFor(seed: number, d = 8): Float32Array {
  return Float32Array.from({ length: d }, (_, i) => seed + i / 100);
}

export function indexedItem(folderId: number, path: string, hash: string, seed: number, d = 8): BatchItem {
  return {
    kind: 'indexed',
    file: identity(folderId, path),
    contentHash: hash,
    metadata: {},
    embedding: vectorFor(seed, d),
  };
}
