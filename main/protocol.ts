import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { protocol, type Protocol } from 'electron';
import type { MediaAccess } from '../app/contract/api.ts';
import { errorBody } from '../app/contract/dispatch.ts';
import { HTTP_STATUS } from '../app/contract/errors.ts';
import { parseMediaRoute } from '../app/contract/media-route.ts';
import { openMedia } from '../app/service/media-files.ts';
import { byteRange, rangeHeaders } from '../app/service/byte-range.ts';
import {
  CONTENT_SECURITY_POLICY,
  MEDIA_CONTENT_SECURITY_POLICY,
  SECURITY_HEADERS,
} from '../app/service/security-headers.ts';
import { resolveStaticFile } from '../app/service/static-files.ts';
import { APP_HOST, APP_SCHEME } from './security.ts';

/**
 * The privileged scheme `eidos://app/` that serves the built UI and, under `/media/<id>/<variant>`,
 * photos — the same paths as the web bridge, so a result's `thumbnailUrl` works in both transports,
 * and `img-src 'self'` is all the CSP needs. Photos go through the same parse → locate → realpath
 * containment check as the bridge (app/api/media.ts); nothing else on disk is reachable.
 */

/** Must run before `app.ready`: a standard, secure scheme gets a real origin and the Fetch API. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

export interface AppProtocolOptions {
  staticDir: string;
  media: MediaAccess;
}

export function handleAppProtocol(target: Protocol, options: AppProtocolOptions): void {
  target.handle(APP_SCHEME, (request) => appProtocolResponse(request, options));
}

/** Answers one `eidos://` request; errors become small JSON bodies with a 4xx/5xx status. */
export async function appProtocolResponse(request: Request, options: AppProtocolOptions): Promise<Response> {
  try {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return errorResponse(403, 'FORBIDDEN', `Unknown host '${url.host}'.`);
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return errorResponse(400, 'BAD_ARGUMENT', `Use GET for ${url.pathname}.`);
    if (url.pathname.startsWith('/media/')) {
      const { id, variant, timeMs } = parseMediaRoute(url.pathname.slice('/media/'.length));
      const file = await openMedia(options.media, id, variant, timeMs);
      return fileResponse(file, MEDIA_CONTENT_SECURITY_POLICY, request.headers.get('range'));
    }
    return fileResponse(await resolveStaticFile(options.staticDir, url.pathname), CONTENT_SECURITY_POLICY);
  } catch (error) {
    const body = errorBody(error);
    return errorResponse(HTTP_STATUS[body.code], body.code, body.message);
  }
}

function fileResponse(
  file: { path: string; contentType: string; bytes: number },
  csp: string,
  rangeHeader: string | null = null,
): Response {
  // A video player seeks with byte ranges (app/service/byte-range.ts).
  const range = byteRange(rangeHeader, file.bytes);
  const answer = rangeHeaders(range, file.bytes);
  const body =
    range.kind === 'unsatisfiable'
      ? null
      : (Readable.toWeb(
          createReadStream(file.path, range.kind === 'part' ? { start: range.start, end: range.end } : {}),
        ) as ReadableStream<Uint8Array>);
  return new Response(body, {
    status: answer.status,
    headers: {
      ...SECURITY_HEADERS,
      'Content-Security-Policy': csp,
      'Content-Type': file.contentType,
      ...answer.headers,
    },
  });
}

function errorResponse(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    // A refusal is never a document of our origin: no scripts, whatever text the message quotes.
    headers: {
      ...SECURITY_HEADERS,
      'Content-Security-Policy': MEDIA_CONTENT_SECURITY_POLICY,
      'Content-Type': 'application/json',
    },
  });
}
