import type { MessagePortMain } from 'electron';
import type { PortLike } from './engine-protocol.ts';

/**
 * What main and the engine's utility process share about their channel. Kept apart from
 * engine-host.ts, which imports Electron's main-process APIs, so the engine process bundle needs none.
 */

/** First message to the engine process; the MessagePort travels with it. */
export interface EngineInit {
  type: 'init';
  dataDir: string;
  /** Where the engine finds its resources (app/resources.ts): the app folder main uses. */
  resourceRoot: string;
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
