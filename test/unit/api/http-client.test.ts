import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodNames } from '../../../app/contract/api.ts';
import { createHttpClient } from '../../../app/contract/http-client.ts';
import { startBridge, type Bridge } from '../../../app/server/bridge.ts';
import { fakeEngine, tableMedia } from '../../helpers/fake-handlers.ts';

let bridge: Bridge;

beforeAll(async () => {
  bridge = await startBridge({ handlers: fakeEngine(tableMedia({}, [])).handlers });
});
afterAll(() => bridge.close());

const client = () =>
  createHttpClient({
    baseUrl: `http://127.0.0.1:${bridge.port}`,
    headers: { Authorization: `Bearer ${bridge.token}` },
  });

describe('HTTP client', () => {
  it('has one method per contract method and one on<Event> per event', () => {
    expect(Object.keys(client()).sort()).toEqual(
      [
        ...methodNames,
        'onIndexProgress',
        'onModelProgress',
        'onLibraryChanged',
        'onMapProgress',
        'onModelSwitch',
      ].sort(),
    );
  });

  it('returns values and errors as ApiReply, like the desktop transport', async () => {
    const api = client();
    expect(await api.search({ query: 'red car' })).toEqual({
      ok: true,
      value: { method: 'search', args: { query: 'red car' } },
    });
    expect(await api.status()).toEqual({ ok: true, value: { method: 'status', args: {} } });
    expect(await api.explain({ query: 'x', k: 99 })).toEqual({
      ok: false,
      error: { code: 'BAD_ARGUMENT', message: 'explain.k must be an integer between 1 and 50 (got 99).' },
    });
    const refused = await createHttpClient({ baseUrl: `http://127.0.0.1:${bridge.port}` }).status();
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('aborts a call whose signal fires: the request is cut, its answer is never read, nothing reads as offline', async () => {
    let reached = 0;
    const slowFetch: typeof fetch = async (input, init) => {
      reached++;
      return new Promise((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      );
    };
    const api = createHttpClient({ fetch: slowFetch });
    const controller = new AbortController();
    const reply = api.search({ query: 'red car' }, { signal: controller.signal });
    controller.abort();
    expect(await reply).toMatchObject({ ok: false, error: { code: 'ABORTED' } });
    expect(reached).toBe(1);
    // Against the real bridge, an unaborted call with a signal answers as any other.
    expect(await client().status(undefined, { signal: new AbortController().signal })).toMatchObject({ ok: true });
  });

  it('shares one event stream among listeners and closes it after the last one leaves', () => {
    const sources: { url: string; handlers: Map<string, (e: { data: string }) => void>; closed: boolean }[] = [];
    const api = createHttpClient({
      createEventSource: (url) => {
        const source = { url, handlers: new Map<string, (e: { data: string }) => void>(), closed: false };
        sources.push(source);
        return {
          addEventListener: (type, listener) => source.handlers.set(type, listener),
          close: () => (source.closed = true),
        };
      },
    });
    const seen: unknown[] = [];
    const offA = api.onIndexProgress((p) => seen.push(['index', p]));
    const offB = api.onModelProgress((p) => seen.push(['model', p]));
    expect(sources).toHaveLength(1);
    expect(sources[0]?.url).toBe('/api/events');
    sources[0]?.handlers.get('modelProgress')?.({ data: '{"id":"m","state":"done","receivedBytes":1,"totalBytes":1}' });
    expect(seen).toEqual([['model', { id: 'm', state: 'done', receivedBytes: 1, totalBytes: 1 }]]);
    offA();
    expect(sources[0]?.closed).toBe(false);
    offB();
    expect(sources[0]?.closed).toBe(true);
  });
});
