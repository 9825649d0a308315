import {
  eventMethodName,
  eventNames,
  methodNames,
  type ApiClient,
  type ApiReply,
  type CallOptions,
  type EventName,
} from './api.ts';

/**
 * The web bridge's side of `ApiClient`, for the UI when it runs in a browser (`eidos serve`): the
 * same named methods as the Electron preload, generated from the same contract table. In a page the
 * token travels in the bridge's HttpOnly cookie, so no secret is handled here.
 */
interface EventSourceLike {
  addEventListener(type: string, listener: (event: { data: string }) => void): void;
  close(): void;
}

export interface HttpClientOptions {
  /** Origin of the bridge; empty (the default) means the page's own origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Extra headers, e.g. `Authorization: Bearer <token>` for scripts outside a browser. */
  headers?: Record<string, string>;
  createEventSource?: (url: string) => EventSourceLike;
}

/** The answer to a call its caller aborted (a newer search replaced it): nobody reads it. */
const ABORTED: ApiReply<never> = {
  ok: false,
  error: { code: 'ABORTED', message: 'The request was replaced by a newer one.' },
};

export function createHttpClient(options: HttpClientOptions = {}): ApiClient {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const client: Record<string, unknown> = {};

  for (const name of methodNames) {
    client[name] = async (args?: unknown, call: CallOptions = {}): Promise<ApiReply<unknown>> => {
      let response: Response;
      try {
        response = await doFetch(`${base}/api/${name}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', ...options.headers },
          body: JSON.stringify(args ?? {}),
          ...(call.signal ? { signal: call.signal } : {}),
        });
      } catch {
        if (call.signal?.aborted) return ABORTED;
        return {
          ok: false,
          error: { code: 'OFFLINE', message: 'The Eidos server does not answer. Is `eidos serve` still running?' },
        };
      }
      const body = (await response.json().catch(() => null)) as unknown;
      if (call.signal?.aborted) return ABORTED;
      if (response.ok) return { ok: true, value: body };
      const error = (body as { error?: { code: string; message: string } } | null)?.error;
      return {
        ok: false,
        error: error ?? { code: 'INTERNAL', message: `The server answered ${response.status} without details.` },
      };
    };
  }

  // One EventSource for all listeners, opened on the first subscription and closed after the last.
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>(eventNames.map((name) => [name, new Set()]));
  let source: EventSourceLike | undefined;
  const total = (): number => [...listeners.values()].reduce((sum, set) => sum + set.size, 0);
  const open = (): EventSourceLike => {
    const create = options.createEventSource ?? ((url: string) => new EventSource(url, { withCredentials: false }));
    const created = create(`${base}/api/events`);
    for (const name of eventNames) {
      created.addEventListener(name, (event) => {
        const payload = JSON.parse(event.data) as unknown;
        for (const listener of listeners.get(name) ?? []) listener(payload);
      });
    }
    return created;
  };
  for (const name of eventNames) {
    client[eventMethodName(name)] = (listener: (payload: unknown) => void) => {
      listeners.get(name)?.add(listener);
      source ??= open();
      return () => {
        listeners.get(name)?.delete(listener);
        if (total() === 0) {
          source?.close();
          source = undefined;
        }
      };
    };
  }
  return Object.freeze(client) as ApiClient;
}
