import type { IndexStore } from '../store/index-store.ts';
import type { FileIdentity, StoredFile } from '../store/types.ts';
import { hashFile } from './content-hash.ts';
import { isWithin } from '../util/path-containment.ts';
import { fsPath, pathKey } from '../util/file-path.ts';
import type { ProtectedFolders } from './protected-folders.ts';
import { scanLibrary, type ScanEvent, type ScannedFile, type ScanProblem } from './scan.ts';

/** A file the pipeline must read: decode + encode it, unless its content already has a vector. */
export interface PlannedFile {
  file: FileIdentity;
  /** new path; same path with another size/mtime; or unchanged but without a vector for this model. */
  reason: 'new' | 'changed' | 'missing-embedding';
  /** Known when the planner had to hash the file; the pipeline hashes the bytes it reads either way. */
  contentHash: string | null;
  /**
   * True when the store already holds this content's vector for the model (a copy, or a change
   * that left the bytes equal): read metadata and write the item without an embedding. When false
   * with contentHash null, check `store.hasEmbedding(hash, modelId)` after hashing.
   */
  embedded: boolean;
}

export interface PlannedMove {
  fileId: number;
  from: StoredFile;
  to: FileIdentity;
}

export interface IndexPlan {
  /** Same path, size and mtime, and a vector for the model: not even hashed. */
  unchanged: number;
  work: PlannedFile[];
  /** A vanished file's content reappeared at a new path: rename the row, keep id and vector. */
  moved: PlannedMove[];
  deleted: StoredFile[];
  /** Stored files under a folder the scan could not read (unmounted disk, permissions): kept, unchecked. */
  unverified: number;
  problems: ScanProblem[];
}

export interface PlanOptions {
  modelId: string;
  /** Where the scan comes from; tests and the watcher pass their own. */
  scan?: AsyncIterable<ScanEvent>;
  hash?: (path: string | Buffer) => Promise<string>;
  /** Files hashed at once. */
  concurrency?: number;
  /** Folders the scan never enters (see protected-folders.ts). */
  protected?: ProtectedFolders;
}

const keyOf = (file: Parameters<typeof pathKey>[0]) => pathKey(file).toString('latin1');

/**
 * Compares a scan of the library with the store. Unchanged files cost one stat; only files that
 * could be a move or a copy (a new path whose size equals a stored file's) are hashed here;
 * everything else is hashed by the pipeline while it reads the file anyway.
 */
export async function planIndex(store: IndexStore, options: PlanOptions): Promise<IndexPlan> {
  const hash = options.hash ?? hashFile;
  const folders = store.listFolders();
  const folderIdByRoot = new Map(folders.map((folder) => [folder.path, folder.id]));
  const stored = new Map<string, StoredFile>();
  for (const folder of folders) for (const file of store.filesInFolder(folder.id)) stored.set(keyOf(file), file);
  const storedSizes = new Set(
    [...stored.values()].filter((file) => file.contentHash !== null).map((file) => file.size),
  );

  const plan: IndexPlan = { unchanged: 0, work: [], moved: [], deleted: [], unverified: 0, problems: [] };
  const toHash: { file: FileIdentity; reason: 'new' | 'changed' }[] = [];
  for await (const event of options.scan ??
    scanLibrary(
      folders.map((folder) => folder.path),
      { protected: options.protected },
    )) {
    if (event.kind === 'problem') {
      plan.problems.push(event.problem);
      continue;
    }
    const file = identityOf(event.file, folderIdByRoot);
    if (!file) continue;
    const key = keyOf(file);
    const previous = stored.get(key);
    stored.delete(key);
    if (!previous) {
      if (storedSizes.has(file.size)) toHash.push({ file, reason: 'new' });
      else plan.work.push({ file, reason: 'new', contentHash: null, embedded: false });
    } else if (
      previous.size !== file.size ||
      previous.mtimeMs !== file.mtimeMs ||
      previous.folderId !== file.folderId ||
      previous.waitsForDecoder
    ) {
      plan.work.push({ file, reason: 'changed', contentHash: null, embedded: false });
    } else if (
      previous.status === 'indexed' &&
      previous.contentHash &&
      !store.hasEmbedding(previous.contentHash, options.modelId)
    ) {
      plan.work.push({ file, reason: 'missing-embedding', contentHash: previous.contentHash, embedded: false });
    } else {
      plan.unchanged++;
    }
  }

  // What is left in `stored` was not seen: vanished, unless its folder could not be read. A folder
  // refused as protected (Eidos's data folder) was readable: what was indexed from it goes.
  const unreadable = plan.problems
    .filter((problem) => problem.isDirectory && problem.code !== 'FORBIDDEN')
    .map((problem) => keyOf(problem));
  const vanishedByHash = new Map<string, StoredFile[]>();
  for (const [key, file] of stored) {
    if (unreadable.some((dir) => isWithin(key, dir))) {
      plan.unverified++;
    } else if (file.contentHash) {
      vanishedByHash.set(file.contentHash, [...(vanishedByHash.get(file.contentHash) ?? []), file]);
    } else {
      plan.deleted.push(file);
    }
  }

  const hashes = await mapLimited(toHash, options.concurrency ?? 4, async ({ file }) => {
    try {
      return await hash(fsPath(file));
    } catch {
      return null; // unreadable now: the pipeline will meet the same error and record the file as skipped
    }
  });
  toHash.forEach(({ file, reason }, i) => {
    const contentHash = hashes[i] ?? null;
    const vanished = contentHash ? vanishedByHash.get(contentHash)?.pop() : undefined;
    if (vanished) plan.moved.push({ fileId: vanished.id, from: vanished, to: file });
    else
      plan.work.push({
        file,
        reason,
        contentHash,
        embedded: contentHash !== null && store.hasEmbedding(contentHash, options.modelId),
      });
  });
  for (const files of vanishedByHash.values()) plan.deleted.push(...files);
  return plan;
}

function identityOf(file: ScannedFile, folderIdByRoot: ReadonlyMap<string, number>): FileIdentity | undefined {
  const folderId = folderIdByRoot.get(file.root);
  if (folderId === undefined) return undefined;
  const identity: FileIdentity = {
    path: file.path,
    folderId,
    size: file.size,
    mtimeMs: file.mtimeMs,
    format: file.format,
  };
  if (file.rawPath) identity.rawPath = file.rawPath;
  return identity;
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * Applies the bookkeeping part of a plan (no decoding): renames rows for moves, removes deleted
 * files, and records what the scan could not read (for `eidos status`), replacing the last scan's list.
 */
export function applyMovesAndDeletions(store: IndexStore, plan: IndexPlan): void {
  if (plan.moved.length > 0) store.moveFiles(plan.moved.map(({ fileId, to }) => ({ fileId, to })));
  if (plan.deleted.length > 0) store.removeFiles(plan.deleted.map((file) => file.id));
  const folderIdByRoot = new Map(store.listFolders().map((folder) => [folder.path, folder.id]));
  store.replaceScanProblems(
    plan.problems.flatMap((problem) => {
      const folderId = folderIdByRoot.get(problem.root);
      return folderId === undefined ? [] : [{ ...problem, folderId }];
    }),
  );
}
