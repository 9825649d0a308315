import { MessageChannelMain, utilityProcess, type MessagePortMain, type UtilityProcess } from 'electron';
import type { ApiHandlers } from '../app/contract/api.ts';
import { remoteHandlers, type PortLike } from './engine-protocol.ts';

/**
 * Runs the engine (index store, onnxruntime inference, scoring) in an Electron utility process, so
 * a blocking `session.run` or a long scan never freezes the window. The main process talks to it
 * through `handlers`, a proxy with the same type as the engine's own.
 */
export interface EngineHost {
  handlers: ApiHandlers;
  stop(): void;
}

/** First message to the engine process; the MessagePort travels with it. */
export interface EngineInit {
  type: 'init';
  dataDir: string;
}

export function portOf(port: MessagePortMain): PortLike {
  return {
    postMessage: (message) => port.postMessage(message),
    onMessage: (listener) => {
      port.on('message', (event) => listener(event.data));
      port.start();
    },
  };
}

export function startEngineHost(options: { entry: string; dataDir: string; onExit?: (code: number) => void }): EngineHost {
  const child: UtilityProcess = utilityProcess.fork(options.entry, [], { serviceName: 'Eidos Engine', stdio: 'inherit' });
  const { port1, port2 } = new MessageChannelMain();
  const remote = remoteHandlers(portOf(port1));
  child.postMessage({ type: 'init', dataDir: options.dataDir } satisfies EngineInit, [port2]);
  child.on('exit', (code) => {
    remote.failAll(`The engine process stopped (exit code ${code}). Restart Eidos; if it keeps happening, run \`eidos status\` in a terminal to see why.`);
    port1.close();
    options.onExit?.(code);
  });
  return {
    handlers: remote.handlers,
    stop: () => {
      child.kill();
    },
  };
}
