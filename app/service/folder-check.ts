import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { describeError, EidosError } from '../contract/errors.ts';

/** A folder to add must be an existing folder named by its absolute path (a typed or dropped path may be neither). */
export function assertFolder(path: string): void {
  if (!isAbsolute(path))
    throw new EidosError('BAD_ARGUMENT', `${path} is not an absolute path: give the folder's full path.`, {
      file: path,
    });
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    throw new EidosError('NOT_FOUND', `${path}: no such folder (${describeError(error)}).`, {
      file: path,
      cause: error,
    });
  }
  if (!isDirectory) throw new EidosError('BAD_ARGUMENT', `${path} is a file, not a folder.`, { file: path });
}
