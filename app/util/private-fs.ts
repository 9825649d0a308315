/**
 * What Eidos writes is its user's alone: folders 0700, files 0600 (the index describes private photos:
 * their paths, places, cameras and dates, and the thumbnails show them). This file is the one place
 * that decides whether a path can be trusted as this user's own and makes a folder private.
 *
 * "Trusted" means: not a link (lstat; nothing is followed), of the expected kind, owned by the user
 * running this process, and not writable by group or others, so nobody else could have put it there
 * or changed it. Windows has no POSIX owners or modes: there every check passes and modes are ignored
 * (the data folder lives in the user's profile, which Windows already keeps to that user).
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { EidosError } from '../contract/errors.ts';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;
/** The umask every Eidos process runs with, so that whatever a library creates (SQLite, sharp, onnxruntime) is private too. */
export const PRIVATE_UMASK = 0o077;

const posix = process.platform !== 'win32';
/** The user running this process (undefined on Windows). */
const me = (): number | undefined => process.getuid?.();

/** `0o755` → `0755`, for messages. */
export const modeText = (mode: number): string => `0${(mode & 0o777).toString(8).padStart(3, '0')}`;

/** `entry`: anything but a folder (a socket, or a stale regular file where a socket was). */
export type PathKind = 'file' | 'folder' | 'socket' | 'entry';

/**
 * Why the entry `stat` describes (from lstat, or fstat of an open file) cannot be trusted as written
 * only by this user, or undefined when it can. `strict` also refuses group- or world-readable entries
 * (a folder Eidos keeps must be 0700, not merely unwritable by others).
 */
export function distrust(stat: Stats, kind: PathKind, strict = false): string | undefined {
  if (!posix) return undefined;
  if (stat.isSymbolicLink()) return 'is a symbolic link';
  const isKind = {
    file: stat.isFile(),
    folder: stat.isDirectory(),
    socket: stat.isSocket(),
    entry: !stat.isDirectory(),
  }[kind];
  if (!isKind)
    return {
      file: 'is not a regular file',
      folder: 'is not a folder',
      socket: 'is not a socket',
      entry: 'is a folder',
    }[kind];
  const uid = me();
  if (uid !== undefined && stat.uid !== uid)
    return `belongs to another user (uid ${stat.uid}), not to you (uid ${uid})`;
  const loose = stat.mode & (strict ? 0o077 : 0o022);
  if (loose !== 0) {
    return `is ${modeText(stat.mode)}: ${stat.mode & 0o022 ? 'other users can write to it' : 'other users can read it'}`;
  }
  return undefined;
}

/** `distrust` of the path itself (never following a link); 'missing' when there is nothing there. */
export function distrustPath(path: string, kind: PathKind, strict = false): string | 'missing' | undefined {
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    return `cannot be examined (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  return distrust(stat, kind, strict);
}

export interface PrivateDirOptions {
  /** What the folder is, for messages: "The data folder", "The local socket's folder". */
  what: string;
  /**
   * The data folder may be a link the user made (to another disk): allowed when the link and the
   * folder it leads to are both this user's. Every other folder Eidos keeps must not be a link.
   */
  allowLink?: boolean;
  /**
   * When the folder was wider than 0700, narrow everything inside it as well (not following links):
   * its files were reachable by others until now, and an older Eidos wrote them with the default modes.
   * `except` names entries left as they are: a folder whose width says it cannot be trusted (the
   * socket's `run/`) must still look untrusted to the code that checks it, not be made to look private.
   */
  narrowContents?: { except?: readonly string[] };
}

/**
 * Makes sure `dir` is a folder only this user can enter: created 0700 (missing parents too), narrowed
 * to 0700 when it is this user's and wider, and refused with FORBIDDEN naming the folder when it is a
 * link, not a folder, or another user's. Returns whether it had to be created or narrowed.
 */
export function ensurePrivateDir(dir: string, options: PrivateDirOptions): 'created' | 'narrowed' | 'private' {
  let created = false;
  try {
    lstatSync(dir);
  } catch {
    // `mode` applies to every folder this creates, parents included; the umask can only narrow it further.
    try {
      mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EACCES' && code !== 'EPERM') throw error;
      throw new EidosError('FORBIDDEN', `${options.what} ${dir} cannot be created: permission denied (${code}).`, {
        file: dir,
        cause: error,
      });
    }
    created = true;
  }
  if (!posix) return created ? 'created' : 'private';
  const uid = me();
  let stat = lstatSync(dir);
  if (stat.isSymbolicLink()) {
    if (!options.allowLink) refuse(dir, options.what, 'is a symbolic link');
    if (stat.uid !== uid) refuse(dir, options.what, `is a link that belongs to another user (uid ${stat.uid})`);
    stat = statSync(dir); // the folder it leads to, checked as the folder itself would be
  }
  if (!stat.isDirectory()) refuse(dir, options.what, 'is not a folder');
  if (uid !== undefined && stat.uid !== uid) {
    refuse(dir, options.what, `belongs to another user (uid ${stat.uid}), not to you (uid ${uid})`);
  }
  if ((stat.mode & 0o077) === 0) return created ? 'created' : 'private';
  // Contents first, the folder last: a run interrupted half way finds the folder still wide and starts again.
  if (options.narrowContents) narrowTree(dir, options.narrowContents.except);
  chmodSync(dir, PRIVATE_DIR_MODE);
  return 'narrowed';
}

function refuse(dir: string, what: string, reason: string): never {
  throw new EidosError(
    'FORBIDDEN',
    `${what} ${dir} ${reason}. Eidos keeps its data private to you and does not use it; ` +
      `remove or rename it, or set EIDOS_HOME to a folder of your own.`,
    { file: dir },
  );
}

/**
 * Narrows everything below `dir` that this user owns to 0700 (folders) and 0600 (files), never
 * following a link and leaving other users' entries alone (they could not be changed anyway).
 */
export function narrowTree(dir: string, except: readonly string[] = []): void {
  if (!posix) return;
  const uid = me();
  const visit = (path: string): void => {
    let stat: Stats;
    try {
      stat = lstatSync(path);
    } catch {
      return; // gone meanwhile
    }
    if (stat.isSymbolicLink() || (uid !== undefined && stat.uid !== uid)) return;
    if (stat.isDirectory()) {
      if ((stat.mode & 0o077) !== 0) chmodSync(path, PRIVATE_DIR_MODE);
      for (const name of readdirSync(path)) visit(join(path, name));
    } else if ((stat.mode & 0o077) !== 0) {
      chmodSync(path, stat.mode & 0o700);
    }
  };
  for (const name of readdirSync(dir)) if (!except.includes(name)) visit(join(dir, name));
}

/** Narrows one existing file of this user's to at most 0600 (a missing file is fine: nothing to narrow). */
export function narrowFile(file: string): void {
  if (!posix) return;
  let stat: Stats;
  try {
    stat = lstatSync(file);
  } catch {
    return;
  }
  if (stat.isFile() && stat.uid === me() && (stat.mode & 0o077) !== 0) chmodSync(file, stat.mode & 0o700);
}
