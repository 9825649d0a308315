import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { EidosError } from '../contract/errors.ts';

/**
 * The one containment check for every file Eidos serves (web bridge and Electron protocol): the
 * file's real path — after resolving `..` and every symlink — must lie inside the real path of one
 * of the allowed roots. Comparing real paths, not strings, is what stops `../`, encoded forms that
 * decode to it, and symlinks inside a folder that lead outside it.
 */
export async function resolveInside(candidate: string, roots: readonly string[]): Promise<string> {
  if (!isAbsolute(candidate) || candidate.includes('\0')) {
    throw new EidosError('FORBIDDEN', `Refused to serve '${candidate}': not an absolute path.`, { file: candidate });
  }
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    throw new EidosError(
      'NOT_FOUND',
      `The file '${candidate}' does not exist (moved or deleted?). Re-index its folder.`,
      { file: candidate },
    );
  }
  for (const root of roots) {
    const realRoot = await realpath(root).catch(() => undefined);
    if (realRoot !== undefined && isWithin(real, realRoot)) return real;
  }
  throw new EidosError('FORBIDDEN', `Refused to serve '${candidate}': it is not inside an indexed folder.`, {
    file: candidate,
  });
}

/** True when `path` is `root` itself or below it (both already real, absolute paths). */
export function isWithin(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}
