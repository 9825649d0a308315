import type { ServerResponse } from 'node:http';
import type { ApiEvent, ApiHandlers } from '../contract/api.ts';

/** A comment line every so often keeps proxies and idle timers from closing a quiet stream. */
const HEARTBEAT_MS = 25_000;

/**
 * Streams the engine's events to one client as Server-Sent Events (`event: indexProgress` …) until
 * the client goes away; returns a function that ends the stream from our side.
 */
export function streamEvents(
  response: ServerResponse,
  handlers: Pick<ApiHandlers, 'subscribe'>,
  headers: Record<string, string>,
): () => void {
  response.writeHead(200, {
    ...headers,
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
  });
  response.write('retry: 2000\n\n');
  const send = (event: ApiEvent): void => {
    response.write(`event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`);
  };
  const unsubscribe = handlers.subscribe(send);
  const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    response.end();
  };
  response.on('close', end);
  return end;
}
