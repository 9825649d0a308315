import { contextBridge, ipcRenderer, webUtils, type IpcRenderer } from 'electron';
import { eventMethodName, eventNames, methodNames, type ApiClient, type DesktopShell } from '../app/contract/api.ts';
import { eventChannel, methodChannel } from './channels.ts';

/**
 * The renderer's whole view of the desktop: `window.eidos`, one named method per contract method
 * (each bound to its own channel — there is no generic `invoke(channel, …)`), and one `on<Event>`
 * per event; and `window.eidosDesktop`, what the page needs to know about the shell it runs in.
 * Bundled into a single CommonJS file, since a sandboxed preload can require only `electron`.
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

/**
 * The platform (for Quick Look and the menu words) and the paths of files dropped on the window:
 * Electron no longer puts a `path` on a dropped `File`, and only a preload may ask for it.
 */
export function buildDesktopShell(
  utils: Pick<typeof webUtils, 'getPathForFile'>,
  platform: NodeJS.Platform,
): DesktopShell {
  return Object.freeze({
    platform,
    // A File built in the page (not from disk) has no path: it is left out rather than sent empty.
    pathsOf: (files: File[]) => Array.from(files, (file) => utils.getPathForFile(file)).filter((path) => path !== ''),
  });
}

contextBridge.exposeInMainWorld('eidos', buildDesktopClient(ipcRenderer));
contextBridge.exposeInMainWorld('eidosDesktop', buildDesktopShell(webUtils, process.platform));
