/**
 * Rebuilding a damaged index from the app (the desktop UI and `eidos serve`), where nobody can be
 * asked to run `eidos index --rebuild`: what the status says about the damage, and the rebuild
 * itself — the same set-aside as the CLI's (app/engine/rebuild.ts), then a fresh engine indexing
 * in the background. Photos are never opened for writing; the damaged file is never deleted.
 */
import { basename } from 'node:path';
import type { EngineOptions } from './engine.ts';
import { setAsideForRebuild, type RebuildStart } from './rebuild.ts';
import { assertFolder } from './folder-check.ts';
import { protectedFolders, type ProtectedFolders } from '../library/protected-folders.ts';
import { EidosError, isEidosError } from '../contract/errors.ts';
import { salvageIndex } from '../store/set-aside.ts';
import type { DamagedIndex, IndexProgress, RebuildResult } from '../contract/types.ts';

/** What the status reports about a damaged index at `file`: the folders a rebuild can recover from it. */
export function damagedIndexOf(file: string): DamagedIndex {
  return { file, folders: salvageIndex(file).folders };
}

/** The status notice for a damaged index, written for someone looking at the app rather than a terminal. */
export function guiDamageNotice(damage: DamagedIndex): string {
  const what =
    damage.folders.length > 0
      ? 'index your folders again'
      : 'index the folders you name again (Eidos could not read them from the damaged file)';
  return (
    `The index ${damage.file} is damaged, so Eidos cannot search until it is rebuilt. Your photos are safe: ` +
    `the index only holds what Eidos read from them. "Rebuild index" keeps the damaged file aside as ` +
    `${basename(damage.file)}.damaged-<time> and will ${what}. (Command line: 'eidos index --rebuild'.)`
  );
}

/** What the rebuild needs from the handlers that own the engine and the indexing job. */
export interface RebuildHooks {
  /** Closes the open engine, if any, releasing the index (and its writer lock). */
  release(): Promise<void>;
  /** Opens the engine on whatever index is now in place; failures become the status's engine error. */
  reopen(options?: { checkPages?: boolean } & Pick<EngineOptions, 'fallbackModels'>): Promise<void>;
  /** Adds the folders to the (fresh) index and starts indexing them; throws when no engine opened. */
  startIndexing(folders: string[]): IndexProgress;
}

/** A folder named in the request must be addable: a typo must not leave the index moved aside for nothing. */
function assertRebuildFolder(folder: string, guard: ProtectedFolders): void {
  try {
    assertFolder(folder, guard);
  } catch (error) {
    if (!(error instanceof EidosError)) throw error;
    throw new EidosError(error.code, `${error.message} Nothing was moved.`, { file: folder, cause: error });
  }
}

/**
 * Moves the index in `home` aside, reopens the engine on a fresh one (keeping the old index's model
 * when installed, as the CLI does) and starts indexing the salvaged folders plus `extraFolders`.
 * When nothing could be moved, the engine is reopened on the old index and the error says why.
 */
export async function rebuildFromDamage(
  home: string,
  extraFolders: readonly string[],
  hooks: RebuildHooks,
): Promise<RebuildResult> {
  const guard = protectedFolders(home);
  for (const folder of extraFolders) assertRebuildFolder(folder, guard);
  await hooks.release();
  let start: RebuildStart;
  try {
    start = setAsideForRebuild(home, extraFolders);
  } catch (error) {
    await hooks.reopen({ checkPages: true });
    // The set-aside's own message names the CLI command; here the folders are asked for in the app.
    if (isEidosError(error, 'BAD_ARGUMENT') && extraFolders.length === 0) {
      throw new EidosError(
        'BAD_ARGUMENT',
        `Eidos cannot read the library folders from the damaged index, so it needs them named: give the folders to index again. Nothing was moved.`,
        { ...(error.file ? { file: error.file } : {}), cause: error },
      );
    }
    throw error;
  }
  await hooks.reopen({ fallbackModels: start.models });
  return { aside: start.aside, folders: start.folders, indexing: hooks.startIndexing(start.folders) };
}
