/**
 * The first half of `eidos index --rebuild`: read what the old index still knows (its folders and
 * models), refuse while another process writes to it, and move it aside. The caller then opens a
 * fresh engine on the same data folder and indexes those folders. Photos are never opened here.
 */
import { resolve } from 'node:path';
import { EidosError } from '../contract/errors.ts';
import { protectedFolders } from '../library/protected-folders.ts';
import { resolveStore } from '../models/store-context.ts';
import { indexPath, modelsDir } from '../paths.ts';
import { takeIndexLock } from '../store/lock.ts';
import { salvageIndex, setIndexAside } from '../store/set-aside.ts';

export interface RebuildStart {
  /** Where the old index's files now are (empty when there was no index). */
  aside: string[];
  /** The folders the fresh index must cover: the old index's, then any the caller added. */
  folders: string[];
  /** The models the old index held vectors for (a preference for the fresh engine). */
  models: string[];
}

export function setAsideForRebuild(home: string, extraFolders: readonly string[] = []): RebuildStart {
  const file = indexPath(home);
  const salvage = salvageIndex(file);
  // The writer lock is held while the files move, so no writer can start on them halfway; it is released
  // before the caller opens the fresh index (a second holder in this process would be refused).
  const lock = takeIndexLock(file, () => salvage.writer, 'Stop it before rebuilding; nothing was moved.');
  try {
    // A folder an older Eidos let in that is now refused (its own data folder, a system tree) is left out.
    const guard = protectedFolders(home);
    const salvaged = salvage.folders.filter((folder) => guard.refusal(folder) === undefined);
    const folders = [...new Set([...salvaged, ...extraFolders.map((folder) => resolve(folder))])];
    if (folders.length === 0) {
      throw new EidosError(
        'BAD_ARGUMENT',
        `The library folders cannot be read from the index ${file}, so there is nothing to rebuild from. ` +
          `Name them: 'eidos index --rebuild <folder>…'. Nothing was moved.`,
        { file },
      );
    }
    // Only models this Eidos knows: an id from a damaged (or much older) index must not stop the rebuild.
    const known = new Set(resolveStore({ modelsDir: modelsDir(home) }).manifest.models.map((model) => model.id));
    return { aside: setIndexAside(file), folders, models: salvage.models.filter((id) => known.has(id)) };
  } finally {
    lock.release();
  }
}
