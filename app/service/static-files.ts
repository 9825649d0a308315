import { stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { EidosError } from '../contract/errors.ts';
import { resolveInside } from '../util/path-containment.ts';

/** Content types of what a Vite build of the UI emits. */
const STATIC_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  path: string;
  contentType: string;
  bytes: number;
}

/**
 * Maps a URL path of the built UI (`dist/ui`) to a file inside `staticDir`: `/` is
 * `index.html`; the path is decoded once, then containment is checked on the real path.
 */
export async function resolveStaticFile(staticDir: string, urlPath: string): Promise<StaticFile> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    throw new EidosError('BAD_ARGUMENT', `Malformed address '${urlPath.slice(0, 200)}'.`);
  }
  const relativePath = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const path = await resolveInside(join(staticDir, relativePath), [staticDir]);
  const info = await stat(path);
  const contentType = STATIC_TYPES[extname(path).toLowerCase()];
  if (!info.isFile() || contentType === undefined) {
    throw new EidosError('NOT_FOUND', `No UI file at '${urlPath.slice(0, 200)}'.`, { file: path });
  }
  return { path, contentType, bytes: info.size };
}
