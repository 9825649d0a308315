import { contextBridge, ipcRenderer, type IpcRenderer } from 'electron';
import { eventNames, methodNames, type ApiEventMap, type ApiReply, type ArgsOf, type EventName, type MethodName, type ResultOf } from '../app/api/contract.ts';
import { eventChannel, methodChannel } from './channels.ts';

/**
 * The renderer's whole view of the desktop: `window.eidos`, one named method per contract method
 * (each bound to its own channel — there is no generic `invoke(channel, …)`), and one `on<Event>`
 * per event. Bundled into a single CommonJS file, since a sandboxed preload can require only `electron`.
 */
export type DesktopApi = {
  // A method whose fields are all optional may be called without an argument.
  [M in MethodName]: Partial<ArgsOf<M>> extends ArgsOf<M> ? (args?: ArgsOf<M>) => Promise<ApiReply<ResultOf<M>>> : (args: ArgsOf<M>) => Promise<ApiReply<ResultOf<M>>>;
} & {
  [E in EventName as `on${Capitalize<E>}`]: (listener: (payload: ApiEventMap[E]) => void) => () => void;
};

export const eventMethodName = (name: EventName): string => `on${name[0]?.toUpperCase()}${name.slice(1)}`;

export function buildDesktopApi(ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>): DesktopApi {
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
  return Object.freeze(api) as DesktopApi;
}

contextBridge.exposeInMainWorld('eidos', buildDesktopApi(ipcRenderer));
