import { Buffer } from 'node:buffer';
import type { Stats } from 'node:fs';
import { opendir, realpath, stat } from 'node:fs/promises';
import { extname, sep } from 'node:path';
import type { ErrorCode } from '../contract/errors.ts';
import { PHOTO_EXTENSIONS } from '../image/formats.ts';
import { VIDEO_EXTENSIONS } from '../video/video-formats.ts';
import { isWithin } from '../util/path-containment.ts';
import { filePathFromBytes, type FilePath } from '../util/file-path.ts';
import { describeFsError } from './fs-errors.ts';
import { protectedIdentities, type ProtectedFolders } from './protected-folders.ts';
import { withoutRawTwins } from './raw-twins.ts';

export interface ScannedFile extends FilePath {
  /** The library root (as given) the file was found under. */
  root: string;
  size: number;
  mtimeMs: number;
  format: string;
}

/** Something the scan could not read or would not follow; `reason` names it. Nothing is thrown: the rest of the library still scans. */
export interface ScanProblem extends FilePath {
  root: string;
  /** FORBIDDEN: a library folder Eidos will not scan (its own data folder, a system folder); see protected-folders.ts. */
  code: Extract<ErrorCode, 'UNREADABLE' | 'NOT_FOUND' | 'UNSUPPORTED_FORMAT' | 'OUTSIDE_LIBRARY' | 'FORBIDDEN'>;
  reason: string;
  isDirectory: boolean;
}

export type ScanEvent = { kind: 'file'; file: ScannedFile } | { kind: 'problem'; problem: ScanProblem };

/**
 * Folders that never hold the user's photos: tool state, trash, NAS thumbnails, OS bookkeeping
 * (hidden ones such as .git, .Trashes and .thumbnails are already skipped for their leading dot).
 */
const systemFolders = new Set([
  'node_modules',
  '@eadir',
  '#recycle',
  '$recycle.bin',
  'system volume information',
  'lost+found',
]);
/** Inside a macOS Photos library only the originals are photos; the rest are caches and derivatives. */
const photosLibraryFolders = new Set(['originals', 'masters']);

const photoExtensions = new Set<string>([...PHOTO_EXTENSIONS, ...VIDEO_EXTENSIONS]);
const formatAliases: Record<string, string> = { jpg: 'jpeg', tif: 'tiff', heif: 'heic' };

/** The format name stored for a photo or video file, or undefined when the extension is neither's. */
export function photoFormat(name: string): string | undefined {
  const extension = extname(name).toLowerCase();
  if (!photoExtensions.has(extension)) return undefined;
  const bare = extension.slice(1);
  return formatAliases[bare] ?? bare;
}

const separator = Buffer.from(sep);
const join = (dir: Buffer, name: Buffer) =>
  Buffer.concat(dir.at(-1) === separator[0] ? [dir, name] : [dir, separator, name]);

/** Hidden entries and system folders are never part of the library (the watcher skips them too). */
export function isHiddenOrSystem(name: string): boolean {
  return name.startsWith('.') || systemFolders.has(name.toLowerCase());
}

function skippedFolder(name: string, parentIsPhotosLibrary: boolean): boolean {
  return isHiddenOrSystem(name) || (parentIsPhotosLibrary && !photosLibraryFolders.has(name.toLowerCase()));
}

function problem(root: string, bytes: Buffer, error: unknown, isDirectory: boolean): ScanEvent {
  const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'UNREADABLE';
  const path = filePathFromBytes(bytes);
  const reason = `cannot read ${isDirectory ? 'folder' : 'file'} ${path.path}: ${describeFsError(error)}`;
  return { kind: 'problem', problem: { ...path, root, code, reason, isDirectory } };
}

/** Whether `target` (a resolved path) is one of `roots` or lies inside one of them. */
function insideAny(target: Buffer, roots: readonly Buffer[]): boolean {
  // latin1 maps each byte to one character, so names that are not UTF-8 compare exactly.
  return roots.some((root) => isWithin(target.toString('latin1'), root.toString('latin1')));
}

function outsideLibrary(root: string, link: Buffer, target: Buffer, isDirectory: boolean): ScanEvent {
  const path = filePathFromBytes(link);
  const reason =
    `${path.path} is a link to ${filePathFromBytes(target).path}, outside the library folders. Eidos does not follow links out of ` +
    `the folders you added, so it never shows a file you did not choose; add the target's folder to the library to index it.`;
  return { kind: 'problem', problem: { ...path, root, code: 'OUTSIDE_LIBRARY', reason, isDirectory } };
}

export interface ScanOptions {
  /** Folders never entered (Eidos's data folder, system trees); a root among them is reported, not scanned. */
  protected?: ProtectedFolders;
}

/** A library folder that is (or lies in) a protected folder: listed with the reason, its files no longer the library's. */
function refusedRoot(root: string, reason: string): ScanEvent {
  const path = filePathFromBytes(Buffer.from(root));
  return {
    kind: 'problem',
    problem: {
      ...path,
      root,
      code: 'FORBIDDEN',
      reason: `not scanned: ${reason} Remove it from the library.`,
      isDirectory: true,
    },
  };
}

/**
 * Walks the library roots depth-first and yields photo files (by extension, case-insensitive; a RAW
 * file with a JPEG or HEIF twin of the same name only as that twin) and problems as it goes, so a 100k-photo library never sits in one array. Hidden entries and system
 * folders are skipped; symbolic links are followed while they lead inside the library folders (a
 * link out of them is reported, never followed), and a folder already visited (same device and
 * inode, whatever path led there) is not entered twice, which also ends symlink loops. Paths are
 * handled as bytes, so names that are not valid UTF-8 survive. Protected folders (`options.protected`)
 * are never entered: one inside a root is skipped silently, a root that is one is reported.
 */
export async function* scanLibrary(roots: readonly string[], options: ScanOptions = {}): AsyncGenerator<ScanEvent> {
  const guard = options.protected;
  // Seeded with the protected folders' identities: the walk never enters them, by any path.
  const visited = guard ? protectedIdentities(guard) : new Set<string>();
  const resolvedRoots = await Promise.all(
    roots.map((root) => realpath(Buffer.from(root), { encoding: 'buffer' }).catch(() => undefined)),
  );
  const realRoots: Buffer[] = resolvedRoots.filter((real) => real !== undefined);
  for (const root of roots) {
    const refusal = guard?.refusal(root);
    if (refusal) {
      yield refusedRoot(root, refusal);
      continue;
    }
    const stack: { dir: Buffer; photosLibrary: boolean }[] = [{ dir: Buffer.from(root), photosLibrary: false }];
    let rootStats: Stats;
    try {
      rootStats = await stat(root);
    } catch (error) {
      yield problem(root, Buffer.from(root), error, true);
      continue;
    }
    visited.add(`${rootStats.dev}:${rootStats.ino}`);
    while (stack.length > 0) {
      const { dir, photosLibrary } = stack.pop() as { dir: Buffer; photosLibrary: boolean };
      const files: Buffer[] = [];
      try {
        for await (const entry of await opendir(dir, { encoding: 'buffer' as BufferEncoding })) {
          const nameBytes = entry.name as unknown as Buffer;
          const name = nameBytes.toString('utf8');
          const full = join(dir, nameBytes);
          if (entry.isDirectory() || entry.isSymbolicLink()) {
            if (skippedFolder(name, photosLibrary)) continue;
            // A link's target decides: a folder is entered once per device:inode, a photo is checked below.
            let target: Stats;
            try {
              target = await stat(full);
            } catch (error) {
              yield problem(root, full, error, entry.isDirectory());
              continue;
            }
            if (entry.isSymbolicLink() && (target.isDirectory() || photoFormat(name))) {
              const real = await realpath(full, { encoding: 'buffer' });
              if (!insideAny(real, realRoots)) {
                yield outsideLibrary(root, full, real, target.isDirectory());
                continue;
              }
              if (guard?.containing(real.toString('utf8'))) continue;
            }
            if (entry.isSymbolicLink() && photoFormat(name)) {
              files.push(full);
              continue;
            }
            if (!target.isDirectory()) continue;
            const id = `${target.dev}:${target.ino}`;
            if (visited.has(id)) continue;
            visited.add(id);
            stack.push({ dir: full, photosLibrary: name.toLowerCase().endsWith('.photoslibrary') });
          } else if (!name.startsWith('.') && photoFormat(name)) {
            files.push(full);
          }
        }
      } catch (error) {
        yield problem(root, dir, error, true);
      }
      // Sorted so that runs over the same tree list files in the same order. A RAW file beside its JPEG
      // is the same photo: only the JPEG is listed. (Live Photo videos, .mov beside a .heic, are not photos.)
      files.sort(Buffer.compare);
      for (const full of withoutRawTwins(files, (bytes) => bytes.toString('utf8')))
        yield await describeFile(root, full);
    }
  }
}

async function describeFile(root: string, full: Buffer): Promise<ScanEvent> {
  let stats: Stats;
  try {
    stats = await stat(full);
  } catch (error) {
    return problem(root, full, error, false);
  }
  const path = filePathFromBytes(full);
  if (!stats.isFile()) {
    return {
      kind: 'problem',
      problem: {
        ...path,
        root,
        code: 'UNSUPPORTED_FORMAT',
        reason: `${path.path} has a photo extension but is not a regular file`,
        isDirectory: false,
      },
    };
  }
  return {
    kind: 'file',
    file: {
      ...path,
      root,
      size: stats.size,
      mtimeMs: Math.trunc(stats.mtimeMs),
      format: photoFormat(path.path) as string,
    },
  };
}
