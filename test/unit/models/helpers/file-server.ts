import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Manifest, ModelSpec } from '../../../../app/models/manifest-types.ts';

/** Deterministic pseudo-random bytes (so the served files differ and hashes are stable). */
export function bytesFor(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

export interface Served {
  path: string;
  range: string | undefined;
  acceptEncoding: string | undefined;
}

/**
 * A loopback file server that honours `Range: bytes=N-` and can misbehave on purpose: cut a file's
 * first response after some bytes (`dropOnce`), stall mid-file (`stallOnce`), or ignore ranges.
 */
export class FileServer {
  readonly files = new Map<string, Buffer>();
  readonly requests: Served[] = [];
  readonly dropOnce = new Map<string, number>();
  readonly stallOnce = new Map<string, number>();
  ignoreRanges = false;
  private readonly server = createServer((req, res) => this.handle(req, res));
  private readonly stalled: ServerResponse[] = [];

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.stalled) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
    this.requests.push({ path, range: req.headers.range, acceptEncoding: req.headers['accept-encoding'] });
    const body = this.files.get(path);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = match && !this.ignoreRanges ? Number(match[1]) : 0;
    if (start >= body.length && start > 0) {
      res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    const slice = body.subarray(start);
    const headers: Record<string, string | number> = { 'content-length': slice.length, 'accept-ranges': 'bytes' };
    if (start > 0) headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    res.writeHead(start > 0 ? 206 : 200, headers);

    const drop = this.dropOnce.get(path);
    if (drop !== undefined) {
      this.dropOnce.delete(path);
      res.write(slice.subarray(0, drop), () => res.socket?.destroy());
      return;
    }
    const stall = this.stallOnce.get(path);
    if (stall !== undefined) {
      this.stallOnce.delete(path);
      res.write(slice.subarray(0, stall));
      this.stalled.push(res);
      return;
    }
    res.end(slice);
  }
}

/** A started loopback server holding `files` (path → bytes), and its base URL. */
export async function startServing(files: Record<string, Buffer>): Promise<{ server: FileServer; baseUrl: string }> {
  const server = new FileServer();
  for (const [path, data] of Object.entries(files)) server.files.set(path, data);
  return { server, baseUrl: await server.start() };
}

/** A manifest with one downloadable model whose files are `files` (pinned unless listed in `unpinned`). */
export function testManifest(
  files: Record<string, Buffer>,
  options: { unpinned?: string[]; id?: string } = {},
): Manifest {
  const roles = ['vision', 'text', 'tokenizer', 'config'] as const;
  const model: ModelSpec = {
    id: options.id ?? 'test-model',
    name: 'Test model',
    description: 'served from loopback',
    licence: 'MIT',
    embeddingDim: 4,
    logitScale: 100,
    contextLength: 77,
    preprocess: {
      size: 8,
      shortestEdge: 8,
      interpolation: 'bilinear',
      rescaleFactor: 1 / 255,
      mean: [0, 0, 0],
      std: [1, 1, 1],
    },
    source: 'download',
    files: Object.entries(files).map(([path, data], i) => {
      const pinned = !(options.unpinned ?? []).includes(path);
      return {
        role: roles[i] ?? 'config',
        path,
        bytes: pinned ? data.length : null,
        sha256: pinned ? sha256(data) : null,
        url: `https://models.invalid/${path}`,
      };
    }),
  };
  return { version: 1, defaultModel: model.id, models: [model] };
}
