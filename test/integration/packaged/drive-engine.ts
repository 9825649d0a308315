/**
 * Drives the bundled engine process of a release folder the way Electron's main process does, over a
 * MessageChannel: `node drive-engine.js <app folder> <data folder> <photos folder>`. Bundled by the
 * test into the release folder, so nothing of the checkout is read. Prints one JSON object.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ApiHandlers } from '../../../app/contract/api.ts';
import type { IndexProgress } from '../../../app/contract/types.ts';
import type { EngineInit } from '../../../main/engine-port.ts';
import { remoteHandlers } from '../../../main/engine-protocol.ts';

const [appDir, dataDir, photos] = process.argv.slice(2) as [string, string, string];

/** Node's MessagePort delivers the value itself; Electron's MessagePortMain wraps it in `{ data }`. */
function asElectronPort(port: MessagePort) {
  return {
    on: (_event: 'message', listener: (event: { data: unknown }) => void) =>
      port.on('message', (data: unknown) => listener({ data })),
    start: () => port.start(),
    postMessage: (message: unknown) => port.postMessage(message),
    close: () => port.close(),
  };
}

const { port1, port2 } = new MessageChannel();
const engineModule = (await import(pathToFileURL(join(appDir, 'dist', 'engine', 'engine-process.js')).href)) as {
  runEngineProcess(parentPort: {
    once(event: 'message', listener: (event: { data: unknown; ports: unknown[] }) => void): void;
  }): Promise<void>;
};
const init: EngineInit = { type: 'init', dataDir, resourceRoot: appDir };
const started = engineModule.runEngineProcess({
  once: (_event, listener) => listener({ data: init, ports: [asElectronPort(port2)] }),
});
const { handlers } = remoteHandlers({
  postMessage: (m) => port1.postMessage(m),
  onMessage: (l) => port1.on('message', l),
});
await started;

const indexed = (api: ApiHandlers): Promise<IndexProgress> =>
  new Promise((resolve) => {
    const stop = api.subscribe((event) => {
      if (event.name === 'indexProgress' && ['done', 'failed', 'cancelled'].includes(event.payload.state)) {
        stop();
        resolve(event.payload);
      }
    });
  });

await handlers.fetchModel({ id: 'synthetic-tiny' });
await handlers.addFolder({ path: photos });
const finished = indexed(handlers);
await handlers.startIndexing({});
const progress = await finished;
const search = await handlers.search({ query: 'red top left', top: 5 });
const explain = await handlers.explain({ query: 'red top left', k: 3 });
const status = await handlers.status({});
const thumbnail = await handlers.media.locate(search.results[0]!.id, 'thumb');
// The words read in a photo by the text reader the release carries (its models from the release's node_modules).
const text = await handlers.photoText({ id: search.results[0]!.id });
console.log(JSON.stringify({ progress, search, explain, status, thumbnail, text }));
await handlers.close?.();
port1.close();
process.exit(0);
