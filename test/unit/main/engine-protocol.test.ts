import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiEvent } from '../../../app/contract/api.ts';
import { remoteHandlers, serveEngine, type PortLike } from '../../../main/engine-protocol.ts';
import { fakeEngine, tableMedia } from '../../helpers/fake-handlers.ts';

const portLike = (port: MessagePort): PortLike => ({
  postMessage: (message) => port.postMessage(message),
  onMessage: (listener) => port.on('message', listener),
});

const open: MessagePort[] = [];
afterEach(() => open.splice(0).forEach((port) => port.close()));

function connect() {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  const engine = fakeEngine(tableMedia({ p1: '/photos/p1.jpg' }, ['/photos']));
  serveEngine(portLike(port2), engine.handlers);
  return { engine, remote: remoteHandlers(portLike(port1)) };
}

describe('engine port protocol', () => {
  it('round-trips calls, concurrently and in any order', async () => {
    const { remote } = connect();
    const [a, b] = await Promise.all([remote.handlers.search({ query: 'a' }), remote.handlers.photo({ id: 'p1' })]);
    expect(a).toEqual({ method: 'search', args: { query: 'a' } });
    expect(b).toEqual({ method: 'photo', args: { id: 'p1' } });
  });

  it('carries the engine error code back as an EidosError', async () => {
    const { remote } = connect();
    await expect(remote.handlers.cancelIndexing({})).rejects.toMatchObject({
      name: 'EidosError',
      code: 'INTERNAL',
      message: expect.stringContaining('boom'),
    });
  });

  it('proxies media access and events', async () => {
    const { engine, remote } = connect();
    await expect(remote.handlers.media.locate('p1', 'thumb')).resolves.toBe('/photos/p1.jpg');
    await expect(remote.handlers.media.allowedRoots()).resolves.toEqual(['/photos']);
    const seen: ApiEvent[] = [];
    remote.handlers.subscribe((event) => seen.push(event));
    engine.emit({ name: 'indexProgress', payload: { state: 'scanning', done: 0, total: 0, skipped: 0 } });
    await vi.waitFor(() =>
      expect(seen).toEqual([{ name: 'indexProgress', payload: { state: 'scanning', done: 0, total: 0, skipped: 0 } }]),
    );
  });

  it('fails calls in flight and later ones once the engine is gone', async () => {
    const { port1 } = new MessageChannel();
    open.push(port1);
    const remote = remoteHandlers(portLike(port1));
    const pending = remote.handlers.status({});
    remote.failAll('engine stopped');
    await expect(pending).rejects.toThrow('engine stopped');
    await expect(remote.handlers.status({})).rejects.toThrow('engine stopped');
  });
});
