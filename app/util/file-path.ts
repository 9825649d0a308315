import { Buffer } from 'node:buffer';

/**
 * A file path as the operating system spells it. `path` is the UTF-8 text used for display and most
 * calls; `rawPath` holds the exact bytes only when the name is not valid UTF-8 (possible on Linux),
 * where the text form cannot reopen the file. Use `fsPath()` for fs calls and `pathKey()` as identity.
 */
export interface FilePath {
  path: string;
  rawPath?: Buffer;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The FilePath for raw path bytes: `rawPath` is kept only when the text form would lose bytes. */
export function filePathFromBytes(bytes: Buffer): FilePath {
  try {
    return { path: strictUtf8.decode(bytes) };
  } catch {
    return { path: bytes.toString('utf8'), rawPath: bytes };
  }
}

/** What to pass to `fs` to reach the file. */
export function fsPath(file: FilePath): string | Buffer {
  return file.rawPath ?? file.path;
}

/** The exact bytes of the path: the store's identity for a file. */
export function pathKey(file: FilePath): Buffer {
  return file.rawPath ?? Buffer.from(file.path, 'utf8');
}
