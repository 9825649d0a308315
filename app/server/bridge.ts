import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { EidosError, HTTP_STATUS } from '../contract/errors.ts';
import type { ApiHandlers } from '../contract/api.ts';
import { callEngine, engineMethodNamed, errorBody } from '../contract/dispatch.ts';
import { parseMediaRoute } from '../contract/media-route.ts';
import { openMedia } from '../service/media-files.ts';
import { byteRange, rangeHeaders } from '../service/byte-range.ts';
import { createGuard, tokenCookie, type Guard } from './guard.ts';
import {
  CONTENT_SECURITY_POLICY,
  MEDIA_CONTENT_SECURITY_POLICY,
  SECURITY_HEADERS,
} from '../service/security-headers.ts';
import { streamEvents } from './sse.ts';
import { resolveStaticFile } from '../service/static-files.ts';

/**
 * The loopback web bridge behind `eidos serve`: the same API as the desktop app's IPC, over
 * `POST /api/<method>` (JSON), `GET /api/events` (Server-Sent Events), `GET /media/<id>/<variant>`,
 * and the built UI as static files. It binds 127.0.0.1 only and admits requests per ./guard.ts.
 */
export interface BridgeOptions {
  handlers: ApiHandlers;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The built UI (`dist/ui`); without it only the API and media are served. */
  staticDir?: string;
  /** Fixed token (tests); by default a fresh 256-bit one per run. */
  token?: string;
}

export interface Bridge {
  port: number;
  token: string;
  /** The address to open: loads the UI once with the token, which then moves into a cookie. */
  url: string;
  close(): Promise<void>;
}

/** JSON bodies are small (a query and filters); anything larger is refused before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const { handlers } = options;
  const streams = new Set<() => void>();
  const server = createServer();

  async function handle(guard: Guard, request: IncomingMessage, response: ServerResponse): Promise<void> {
    guard.checkOrigin(request);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const { pathname } = url;

    if (!guard.hasToken(request)) {
      if (
        request.method === 'GET' &&
        !pathname.startsWith('/api/') &&
        !pathname.startsWith('/media/') &&
        guard.matches(url.searchParams.get('token'))
      ) {
        response.writeHead(303, {
          ...SECURITY_HEADERS,
          'Set-Cookie': tokenCookie(guard),
          // Always the UI's root, never the path asked for: `//evil.example/` there would be read by
          // the browser as another site's address (an open redirect carrying a fresh session).
          Location: '/',
          'Cache-Control': 'no-store',
        });
        response.end();
        return;
      }
      throw new EidosError(
        'FORBIDDEN',
        'Missing or wrong access token. Open the address `eidos serve` printed (it includes the token).',
      );
    }

    if (pathname === '/api/events' && request.method === 'GET') {
      const end = streamEvents(response, handlers, SECURITY_HEADERS);
      streams.add(end);
      response.on('close', () => streams.delete(end));
      return;
    }
    if (pathname.startsWith('/api/')) {
      if (request.method !== 'POST') throw new EidosError('BAD_ARGUMENT', `Use POST for ${pathname}.`);
      const started = performance.now();
      const value = await callMethod(pathname.slice('/api/'.length), request);
      sendJson(response, 200, value ?? null, performance.now() - started);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD')
      throw new EidosError('BAD_ARGUMENT', `Use GET for ${pathname}.`);
    if (pathname.startsWith('/media/')) {
      const { id, variant, timeMs } = parseMediaRoute(pathname.slice('/media/'.length));
      const file = await openMedia(handlers.media, id, variant, timeMs);
      sendFile(request, response, file, {
        'Content-Security-Policy': MEDIA_CONTENT_SECURITY_POLICY,
        'Cache-Control': 'private, max-age=3600',
      });
      return;
    }
    if (!options.staticDir)
      throw new EidosError('NOT_FOUND', 'This bridge serves no UI (build it with `npm run build`).');
    const file = await resolveStaticFile(options.staticDir, pathname);
    sendFile(request, response, file, {
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'Cache-Control': 'no-cache',
    });
  }

  async function callMethod(name: string, request: IncomingMessage): Promise<unknown> {
    const method = engineMethodNamed(name);
    const type = request.headers['content-type'] ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      throw new EidosError('BAD_ARGUMENT', `Send the arguments of ${name} as JSON (Content-Type: application/json).`);
    }
    const body = await readBody(request);
    let arg: unknown;
    try {
      arg = body.length === 0 ? {} : JSON.parse(body);
    } catch {
      throw new EidosError('BAD_ARGUMENT', `The body of ${name} is not valid JSON.`);
    }
    return callEngine(handlers, method, arg);
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  // The guard needs the port; requests are handled only from here on.
  const guard = createGuard(port, options.token);
  const { token } = guard;
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    handle(guard, request, response).catch((error: unknown) => sendError(response, error));
  });
  server.on('clientError', answerMalformed);

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: async () => {
      for (const end of streams) end();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  try {
    return UTF8.decode(Buffer.concat(chunks));
  } catch {
    throw new EidosError('BAD_ARGUMENT', 'The request body is not valid UTF-8; send JSON text in UTF-8.');
  }
}

/** Refuses invalid bytes instead of quietly turning them into U+FFFD inside a query or a path. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

const tooLarge = (): EidosError =>
  new EidosError('TOO_LARGE', `Request body over ${MAX_BODY_BYTES} bytes; API arguments are small JSON objects.`);

/**
 * `handledMs`: the time the API call took here, sent with the time spent serialising its answer as a
 * `Server-Timing` header, so the page's own timing (and the UI bench) can tell the server's share of a
 * round trip from the network's and the page's.
 */
function sendJson(response: ServerResponse, status: number, value: unknown, handledMs?: number): void {
  const started = performance.now();
  const body = JSON.stringify(value);
  const timing =
    handledMs === undefined
      ? {}
      : { 'Server-Timing': `call;dur=${handledMs.toFixed(2)}, json;dur=${(performance.now() - started).toFixed(2)}` };
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...timing,
  });
  response.end(body);
}

function sendError(response: ServerResponse, error: unknown): void {
  const body = errorBody(error);
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const status = HTTP_STATUS[body.code];
  // Closing after an error stops a client from streaming the rest of an oversized body at us.
  if (status === 413) response.setHeader('Connection', 'close');
  sendJson(response, status, { error: body });
}

/**
 * A request Node's HTTP parser cannot read (a NUL or raw control byte in the address, a malformed
 * header, headers over Node's size limit) gets the same JSON error shape as every other refusal,
 * instead of Node's bare `400 Bad Request`.
 */
function answerMalformed(error: Error & { code?: string }, socket: Duplex): void {
  if (
    !socket.writable ||
    (error.code !== undefined && ['ECONNRESET', 'ERR_HTTP_REQUEST_TIMEOUT'].includes(error.code))
  ) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const body = JSON.stringify({
    error: tooLarge
      ? { code: 'TOO_LARGE', message: 'Request headers are too large; the API needs only a few small headers.' }
      : {
          code: 'BAD_ARGUMENT',
          message: 'Malformed HTTP request (for example a control character in the address); it was not read.',
        },
  });
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
  const headers = Object.entries({
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
  })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status}\r\n${headers}\r\n${body}`);
}

function sendFile(
  request: IncomingMessage,
  response: ServerResponse,
  file: { path: string; contentType: string; bytes: number },
  headers: Record<string, string>,
): void {
  const range = byteRange(request.headers.range, file.bytes);
  const answer = rangeHeaders(range, file.bytes);
  response.writeHead(answer.status, {
    ...SECURITY_HEADERS,
    ...headers,
    'Content-Type': file.contentType,
    ...answer.headers,
  });
  if (request.method === 'HEAD' || range.kind === 'unsatisfiable') {
    response.end();
    return;
  }
  const stream = createReadStream(file.path, range.kind === 'part' ? { start: range.start, end: range.end } : {});
  stream.on('error', () => response.destroy());
  stream.pipe(response);
}
