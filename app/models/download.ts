import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { EidosError } from '../contract/errors.ts';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../util/private-fs.ts';
import { hashFile, type FileDigest } from './hash-file.ts';

/**
 * One file over HTTP(S) into `dest`, resuming with a Range request from whatever `dest` already holds
 * (an earlier run, or an attempt cut off mid-file), and hashing while streaming so the file is read
 * back only for the part that was already on disk. This and `fetchModel` are Eidos's only network use.
 */
export interface DownloadRequest {
  url: string;
  dest: string;
  /** Exact size when the manifest knows it: a longer partial file is discarded, an equal one is not re-fetched. */
  expectedBytes: number | null;
  signal?: AbortSignal;
  /** Bytes of this file on disk so far, and the total when known. */
  onProgress?: (receivedBytes: number, totalBytes: number | null) => void;
  /** Further attempts after a connection drops mid-file. */
  retries?: number;
}

/** Errors that mean "no route to the host at all", as opposed to a transfer that broke. */
const UNREACHABLE = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENETDOWN',
]);

function causeCode(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

const offline = (url: string, error: unknown): EidosError =>
  new EidosError(
    'OFFLINE',
    `cannot reach ${new URL(url).host} (${causeCode(error) ?? 'no connection'}): no network: use \`eidos models import <folder>\` with files copied from another machine.`,
    { cause: error },
  );

async function sizeOnDisk(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function hashPrefix(path: string): Promise<ReturnType<typeof createHash>> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>)
    hash.update(chunk);
  return hash;
}

/** Total length from `Content-Range: bytes a-b/total`, or from Content-Length plus the offset. */
function totalFrom(response: Response, offset: number): number | null {
  const range = response.headers.get('content-range');
  const fromRange = range ? Number(range.split('/')[1]) : NaN;
  if (Number.isInteger(fromRange)) return fromRange;
  const length = Number(response.headers.get('content-length') ?? NaN);
  return Number.isInteger(length) ? offset + length : null;
}

async function attempt(req: DownloadRequest): Promise<FileDigest> {
  let offset = await sizeOnDisk(req.dest);
  if (req.expectedBytes !== null && offset > req.expectedBytes) {
    await unlink(req.dest);
    offset = 0;
  }
  if (req.expectedBytes !== null && offset === req.expectedBytes && offset > 0) return hashFile(req.dest);

  let response: Response;
  try {
    // identity: byte ranges and Content-Length must count the file's own bytes, not a gzip stream's.
    const headers: Record<string, string> = {
      'accept-encoding': 'identity',
      ...(offset > 0 ? { range: `bytes=${offset}-` } : {}),
    };
    response = await fetch(req.url, { headers, signal: req.signal ?? null, redirect: 'follow' });
  } catch (error) {
    if (UNREACHABLE.has(causeCode(error) ?? '')) throw offline(req.url, error);
    throw error;
  }
  // Pins protect the bytes, but an unpinned file fetched after an https → http redirect could be swapped on the way.
  if (req.url.startsWith('https://') && !response.url.startsWith('https://')) {
    await response.body?.cancel();
    throw new EidosError(
      'DOWNLOAD_FAILED',
      `${req.url} redirected to a non-https address (${response.url}); refusing to download over plain http.`,
    );
  }
  // 416: we already hold every byte the server has.
  if (response.status === 416 && offset > 0) return hashFile(req.dest);
  const resumed =
    response.status === 206 && (response.headers.get('content-range') ?? '').startsWith(`bytes ${offset}-`);
  if (!resumed && response.status !== 200) {
    await response.body?.cancel();
    const message = `${req.url}: the server answered HTTP ${response.status} ${response.statusText}`;
    // A busy or failing server may recover (plain Error: retried); a 4xx will not.
    throw response.status >= 500 || response.status === 429
      ? new Error(message)
      : new EidosError('DOWNLOAD_FAILED', `${message}.`);
  }
  if (!resumed) offset = 0; // the server ignored the Range header: start over
  const total = totalFrom(response, offset);
  const hash = offset > 0 ? await hashPrefix(req.dest) : createHash('sha256');

  await mkdir(dirname(req.dest), { recursive: true, mode: PRIVATE_DIR_MODE });
  const out = await open(req.dest, offset > 0 ? 'a' : 'w', PRIVATE_FILE_MODE);
  let received = offset;
  try {
    req.onProgress?.(received, total);
    for await (const chunk of (response.body ?? []) as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      await out.write(chunk);
      received += chunk.length;
      req.onProgress?.(received, total);
    }
    await out.sync();
  } finally {
    await out.close();
  }
  if (total !== null && received !== total) throw new Error(`the connection ended after ${received} of ${total} bytes`);
  return { sha256: hash.digest('hex'), bytes: received };
}

export async function downloadFile(req: DownloadRequest): Promise<FileDigest> {
  const retries = req.retries ?? 5;
  for (let failures = 0; ; failures++) {
    try {
      return await attempt(req);
    } catch (error) {
      if (req.signal?.aborted) {
        throw new EidosError(
          'DOWNLOAD_FAILED',
          `download of ${req.url} cancelled; run the same command again to resume.`,
          { cause: error },
        );
      }
      // Offline and HTTP 4xx do not get better by retrying; a dropped transfer or a 5xx may.
      if (error instanceof EidosError) throw error;
      const code = causeCode(error);
      if (code === 'ENOSPC' || code === 'EDQUOT') {
        throw new EidosError(
          'DISK_FULL',
          `no space left to store ${req.dest}; free some disk space and run the same command again to resume.`,
          { file: req.dest, cause: error },
        );
      }
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
        throw new EidosError(
          'UNREADABLE',
          `cannot write ${req.dest} (${code}); check the permissions of the models folder.`,
          { file: req.dest, cause: error },
        );
      }
      if (failures >= retries) {
        throw new EidosError(
          'DOWNLOAD_FAILED',
          `download of ${req.url} failed ${failures + 1} times (${(error as Error).message}); run the same command again to resume.`,
          {
            cause: error,
          },
        );
      }
      await delay(Math.min(200 * 2 ** failures, 5000));
    }
  }
}
