/** Raw HTTP requests to a loopback bridge, so tests control Host, Origin, the token and the exact path bytes. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Adds `Authorization: Bearer <token>` unless false. */
  auth?: boolean;
}

/** Sends one request to 127.0.0.1:`port`; the Host header names that port unless `options.headers` overrides it. */
export function sendRequest(
  server: { port: number; token: string },
  path: string,
  options: SendOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = { host: `127.0.0.1:${server.port}`, ...options.headers };
  if (options.auth !== false) headers.authorization ??= `Bearer ${server.token}`;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: server.port, path, method: options.method ?? 'GET', headers, setHost: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    // The server may close the connection while a too-large body is still being sent.
    req.on('error', reject);
    req.end(options.body);
  });
}
