import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { remoteHandlers } from '../../../main/engine-protocol.ts';
import { fakeEngine, tableMedia } from '../../helpers/fake-handlers.ts';

vi.mock('electron', () => ({ MessageChannelMain: class {}, utilityProcess: {} }));
const { runEngineProcess } = await import('../../../main/engine-process.ts');

describe('engine process entry', () => {
  it('builds the handlers for the data folder it is sent and answers on the port it is given', async () => {
    const { port1, port2 } = new MessageChannel();
    // Electron's MessagePortMain wraps data in an event; Node's port does not.
    const electronLikePort = {
      on: (_event: 'message', listener: (event: { data: unknown }) => void) =>
        port2.on('message', (data) => listener({ data })),
      start: () => undefined,
      postMessage: (message: unknown) => port2.postMessage(message),
    };
    const factory = vi.fn(async () => fakeEngine(tableMedia({}, [])).handlers);
    const parent = new (await import('node:events')).EventEmitter();
    const besideCli = vi.fn(async () => undefined);
    const running = runEngineProcess(parent as never, factory, besideCli);
    parent.emit('message', { data: { type: 'init', dataDir: '/data' }, ports: [electronLikePort] });
    await running;
    expect(factory).toHaveBeenCalledWith('/data');
    expect(besideCli).toHaveBeenCalledWith('/data', expect.anything());
    const remote = remoteHandlers({
      postMessage: (m) => port1.postMessage(m),
      onMessage: (l) => port1.on('message', l),
    });
    await expect(remote.handlers.listModels({})).resolves.toEqual({ method: 'listModels', args: {} });
    port1.close();
  });

  it('refuses an init message without a port', async () => {
    const parent = new (await import('node:events')).EventEmitter();
    const running = runEngineProcess(parent as never, vi.fn());
    parent.emit('message', { data: { type: 'init', dataDir: '/data' }, ports: [] });
    await expect(running).rejects.toThrow(/MessagePort/);
  });
});
