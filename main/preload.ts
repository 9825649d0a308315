import { contextBridge, ipcRenderer, type IpcRenderer } from 'electron';
import { eventMethodName, eventNames, methodNames, type ApiClient } from '../app/contract/api.ts';
import { eventChannel, methodChannel } from './channels.ts';

/**
 * The renderer's whole view of the desktop: `window.eidos`, one named method per contract method
 * (each bound to its own channel — there is no generic `invoke(channel, …)`), and one `on<Event>`
 * per event. Bundled into a single CommonJS file, since a sandboxed preload can require only `electron`.
 */
export function buildDesktopClient(ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>): ApiClient {
  const api: Record<string, unknown> = {};
  for (const name of methodNames) {
    const channel = methodChannel(name);
    api[name] = (args?: unknown) => ipc.invoke(channel, args ?? {});
  }
  for (const name of eventNames) {
    const channel = eventChannel(name);
    api[eventMethodName(name)] = (listener: (payload: unknown) => void) => {
      // The IPC event object (with `sender`) never reaches the page: only the payload does.
      const relay = (_event: unknown, payload: unknown): void => listener(payload);
      ipc.on(channel, relay);
      return () => void ipc.removeListener(channel, relay);
    };
  }
  return Object.freeze(api) as ApiClient;
}

contextBridge.exposeInMainWorld('eidos', buildDesktopClient(ipcRenderer));
