/**
 * Folders that are never part of the library: Eidos's own data folder (its index, thumbnails and
 * models: indexing them makes more thumbnails, which the watcher then sees, and so on without end)
 * and the operating system's trees (`/proc`, `/etc`, `C:\Windows`…), which hold no photos of the
 * user's and some of which never end. The one rule for adding a folder (the API and `eidos index`)
 * and for what the scanner and the watcher enter, compared by real path (and, while scanning, by
 * device and inode, so no link or bind mount leads back in).
 *
 * A folder that *contains* a protected one is accepted: a home folder holds the data folder on every
 * platform (`~/Library/Application Support/Eidos`, `%APPDATA%\Eidos`, `~/.local/share/eidos`), and
 * the protected folder inside it is skipped.
 */
import { realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** What the rule depends on; tests pass another platform's (a Mac's, Windows'), the app the running one's. */
export interface PlatformFacts {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** The user's temporary folder (real path). */
  tmpdir: string;
  /** The real path of an existing path, or undefined. */
  realpath(file: string): string | undefined;
}

export function hostPlatform(): PlatformFacts {
  return {
    platform: process.platform,
    env: process.env,
    tmpdir: tmpdir(),
    realpath: (file) => {
      try {
        return realpathSync.native(file);
      } catch {
        return undefined;
      }
    },
  };
}

/** A folder never scanned nor watched, with the reason a refusal gives. */
export interface ProtectedFolder {
  /** Real path (as given when it does not exist). */
  path: string;
  /** Completes "… is …", e.g. "Eidos's own data folder (its index, thumbnails and models)". */
  what: string;
  kind: 'data' | 'system';
}

interface SystemTree {
  path: string;
  what: string;
}

/**
 * The operating system's trees, per platform. Left out on purpose: `/run` and `/media` (removable
 * drives mount at `/run/media/<user>` and `/media/<user>`), `/var` (Fedora Silverblue's homes are
 * `/var/home`), `/Volumes` and drive roots such as `D:\` (photo drives).
 */
function systemTrees(facts: PlatformFacts): SystemTree[] {
  const kernel = 'a view of the running kernel, not files on disk';
  const system = "the operating system's own files";
  switch (facts.platform) {
    case 'win32': {
      const env = facts.env;
      const drive = env.SystemDrive ?? 'C:';
      return [
        { path: env.SystemRoot ?? env.windir ?? `${drive}\\Windows`, what: system },
        { path: env.ProgramFiles ?? `${drive}\\Program Files`, what: 'installed programs' },
        { path: env['ProgramFiles(x86)'] ?? `${drive}\\Program Files (x86)`, what: 'installed programs' },
        { path: env.ProgramData ?? `${drive}\\ProgramData`, what: "programs' shared data" },
      ];
    }
    case 'darwin':
      return [
        { path: '/System', what: system },
        { path: '/private/var', what: "the system's variable data (caches, logs, databases)" },
        { path: '/private/etc', what: "the system's configuration" },
        { path: '/dev', what: 'devices, not files' },
        { path: '/usr', what: system },
        { path: '/bin', what: system },
        { path: '/sbin', what: system },
      ];
    default:
      return [
        { path: '/proc', what: kernel },
        { path: '/sys', what: kernel },
        { path: '/dev', what: 'devices, not files' },
        { path: '/etc', what: "the system's configuration" },
        { path: '/boot', what: "the system's start-up files" },
        { path: '/usr', what: system },
        { path: '/bin', what: system },
        { path: '/sbin', what: system },
        { path: '/lib', what: system },
        { path: '/lib64', what: system },
      ];
  }
}

export interface ProtectedFolders {
  /** Every protected folder (the data folder first), real paths. */
  readonly folders: readonly ProtectedFolder[];
  /**
   * Why `folder` cannot be a library folder (it is, or lies inside, a protected folder, or it is the
   * whole disk), or undefined when it can. `folder` is resolved to its real path first.
   */
  refusal(folder: string): string | undefined;
  /** The protected folder `file` (resolved to its real path) lies in, or undefined. */
  containing(file: string): ProtectedFolder | undefined;
}

/** The protected folders for the data folder `dataDir` on this (or an injected) platform. */
export function protectedFolders(dataDir: string, facts: PlatformFacts = hostPlatform()): ProtectedFolders {
  const paths = facts.platform === 'win32' ? path.win32 : path.posix;
  // Windows and (by default) macOS compare names without case: `/SYSTEM` is `/System` there.
  const foldCase = facts.platform === 'win32' || facts.platform === 'darwin';
  const key = (file: string): string => {
    const normal = paths.resolve(file);
    return foldCase ? normal.toLowerCase() : normal;
  };
  const real = (file: string): string => facts.realpath(file) ?? paths.resolve(file);
  const within = (file: string, root: string): boolean => {
    const rel = paths.relative(key(root), key(file));
    return rel === '' || (!paths.isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${paths.sep}`));
  };

  const data: ProtectedFolder = {
    path: real(dataDir),
    what: "Eidos's own data folder (its index, thumbnails and models): indexing it would index Eidos's own thumbnails, which makes more of them",
    kind: 'data',
  };
  const system: ProtectedFolder[] = [];
  for (const tree of systemTrees(facts)) {
    // `/etc` on a Mac is a link to `/private/etc`: both spellings name one protected folder.
    for (const spelling of new Set([paths.resolve(tree.path), real(tree.path)]))
      if (!system.some((known) => key(known.path) === key(spelling)))
        system.push({ path: spelling, what: tree.what, kind: 'system' });
  }
  // The user's temporary folder lives in `/private/var/folders` on a Mac; unpacked downloads and
  // scratch folders there are the user's own, so it stays addable.
  const temporary = real(facts.tmpdir);
  const folders = [data, ...system];

  const isTemporary = (file: string, folder: ProtectedFolder): boolean =>
    folder.kind === 'system' &&
    key(temporary) !== key(folder.path) &&
    within(temporary, folder.path) &&
    within(file, temporary);
  const containing = (file: string): ProtectedFolder | undefined => {
    const target = real(file);
    return folders.find((folder) => within(target, folder.path) && !isTemporary(target, folder));
  };

  return {
    folders,
    containing,
    refusal(folder) {
      const target = real(folder);
      if (facts.platform !== 'win32' && key(target) === paths.sep) {
        return `${target} is the whole disk, the system's folders included: add the folders that hold your photos (your Pictures folder, a photo drive).`;
      }
      const inside = containing(folder);
      if (!inside) return undefined;
      const where = key(target) === key(inside.path) ? `${target} is` : `${target} is inside ${inside.path},`;
      return inside.kind === 'data'
        ? `${where} ${inside.what}. Add the folder that holds your photos; a folder around the data folder is fine (the data folder inside it is skipped).`
        : `${where} a system folder (${inside.what}), not a folder of photos. Add the folder that holds your photos.`;
    },
  };
}

/**
 * The device:inode of each protected folder that exists, for the scanner: a folder with one of these
 * identities is never entered, whatever path (a link, a bind mount) leads to it.
 */
export function protectedIdentities(folders: ProtectedFolders): Set<string> {
  const identities = new Set<string>();
  for (const folder of folders.folders) {
    try {
      const stats = statSync(folder.path);
      identities.add(`${stats.dev}:${stats.ino}`);
    } catch {
      // Not on this machine (or not yet created): nothing can lead into it.
    }
  }
  return identities;
}
