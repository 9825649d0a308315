import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { describeError, EidosError } from '../contract/errors.ts';
import type { ProtectedFolders } from '../library/protected-folders.ts';

/** For the doors, which check a folder before any engine is open (`eidos index <folder>`). */
export { protectedFolders } from '../library/protected-folders.ts';

/**
 * The one check for a folder to add to the library, wherever it is named (the app's Add folder, the
 * API's startIndexing, `eidos index <folder>`, a rebuild's extra folders): an existing folder named
 * by its absolute path (a typed or dropped path may be neither), and not Eidos's data folder or a
 * system tree (see app/library/protected-folders.ts), with the reason when it is.
 */
export function assertFolder(path: string, guard: ProtectedFolders): void {
  if (!isAbsolute(path))
    throw new EidosError(
      'BAD_ARGUMENT',
      `${path} is not a full path: give the folder's whole path, e.g. /Users/me/Pictures.`,
      {
        file: path,
      },
    );
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw new EidosError('NOT_FOUND', `${path}: no such folder (${describeError(error)}).`, {
      file: path,
      cause: error,
    });
  }
  if (!isDirectory) throw new EidosError('BAD_ARGUMENT', `${path} is not a folder (it is a file).`, { file: path });
  const refusal = guard.refusal(path);
  if (refusal) throw new EidosError('BAD_ARGUMENT', `Cannot add ${path}: ${refusal}`, { file: path });
}
