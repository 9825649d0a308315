import type { MessagePortMain } from 'electron';
import type { ApiHandlers } from '../app/contract/api.ts';
import { createEngineHandlers } from '../app/service/api-handlers.ts';
import { kernelsInUse } from '../app/service/kernels-in-use.ts';
import { setResourceRoot } from '../app/resources.ts';
import { describeError } from '../app/contract/errors.ts';
import { listenLocalSocket } from '../app/server/local-socket.ts';
import { PRIVATE_UMASK } from '../app/util/private-fs.ts';
import { portOf, type EngineInit } from './engine-port.ts';
import { serveEngine } from './engine-protocol.ts';

/**
 * Entry of the engine's utility process: waits for the init message (data folder + MessagePort from
 * main), builds the handlers with `factory`, and answers requests on the port until main goes away.
 */
export type EngineFactory = (dataDir: string) => Promise<ApiHandlers>;
/** Opens what lets `eidos index`, `status` and `search` in a terminal work through the app while it holds the index. */
export type BesideCli = (dataDir: string, handlers: ApiHandlers) => Promise<void>;

const listenForCli: BesideCli = async (dataDir, handlers) => {
  await listenLocalSocket({ home: dataDir, handlers, kind: 'app' }).catch((error: unknown) =>
    console.error(`Eidos: the CLI cannot work beside the app: ${describeError(error)}`),
  );
};

interface ParentPort {
  once(event: 'message', listener: (event: { data: unknown; ports: MessagePortMain[] }) => void): void;
}

export function runEngineProcess(
  parentPort: ParentPort,
  factory: EngineFactory = createEngineHandlers,
  besideCli: BesideCli = listenForCli,
): Promise<void> {
  return new Promise((resolve, reject) => {
    parentPort.once('message', ({ data, ports }) => {
      const init = data as EngineInit;
      const [port] = ports;
      if (init.type !== 'init' || port === undefined) {
        reject(new Error('engine process: the first message must be init with a MessagePort'));
        return;
      }
      setResourceRoot(init.resourceRoot);
      factory(init.dataDir)
        .then(async (handlers) => {
          serveEngine(portOf(port), handlers, kernelsInUse);
          await besideCli(init.dataDir, handlers);
          resolve();
        })
        .catch(reject);
    });
  });
}

// `process.parentPort` exists only inside an Electron utility process; importing this file elsewhere (tests) runs nothing.
const parentPort = (process as { parentPort?: ParentPort }).parentPort;
if (parentPort) {
  // The engine writes the index, thumbnails, models and the socket: private to the user, whatever creates them.
  process.umask(PRIVATE_UMASK);
  runEngineProcess(parentPort).catch((error: unknown) => {
    console.error(`Eidos engine failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
