import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { methodNames } from '../../../app/contract/api.ts';

/** A mock Electron big enough to run main.ts's start-up once, recording what it did and in which order. */
const state = vi.hoisted(() => ({
  lock: true,
  log: [] as string[],
  handled: [] as string[],
  windows: [] as { options: { webPreferences: Record<string, unknown> } }[],
  forks: [] as { entry: string; init: unknown }[],
  ready: undefined as undefined | (() => void),
}));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const app = Object.assign(new Emitter(), {
    isPackaged: true,
    requestSingleInstanceLock: () => state.lock,
    quit: () => state.log.push('quit'),
    enableSandbox: () => state.log.push('enableSandbox'),
    getAppPath: () => '/app',
    whenReady: () => new Promise<void>((resolve) => (state.ready = resolve)),
  });
  class BrowserWindow extends Emitter {
    static getAllWindows = () => [];
    webContents = new Emitter();
    loadURL = async () => undefined;
    isDestroyed = () => false;
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      super();
      state.windows.push(this);
    }
  }
  const port = () => Object.assign(new Emitter(), { start() {}, close() {}, postMessage() {} });
  return {
    app,
    BrowserWindow,
    ipcMain: { handle: (channel: string) => state.handled.push(channel) },
    protocol: { registerSchemesAsPrivileged: () => state.log.push('registerSchemes') },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => state.log.push('permissions'),
        setPermissionCheckHandler: () => undefined,
        webRequest: { onHeadersReceived: () => state.log.push('csp') },
        protocol: { handle: (scheme: string) => state.log.push(`handle ${scheme}`) },
      },
    },
    shell: {},
    clipboard: {},
    dialog: {},
    Menu: { setApplicationMenu: () => state.log.push('menu'), buildFromTemplate: (t: unknown) => t },
    MessageChannelMain: class {
      port1 = port();
      port2 = port();
    },
    utilityProcess: {
      fork: (entry: string) =>
        Object.assign(new EventEmitter(), {
          postMessage: (init: unknown) => state.forks.push({ entry, init }),
          kill: () => state.log.push('kill'),
        }),
    },
  };
});

beforeEach(() => {
  vi.resetModules();
  state.log = [];
  state.handled = [];
  state.windows = [];
  state.forks = [];
  state.ready = undefined;
});

describe('main process start-up', () => {
  it('quits at once when another instance holds the lock', async () => {
    state.lock = false;
    await import('../../../main/main.ts');
    expect(state.log).toEqual(['quit']);
    expect(state.ready).toBeUndefined();
  });

  it('registers the scheme before ready, then wires engine, protocol, IPC and one secure window', async () => {
    state.lock = true;
    await import('../../../main/main.ts');
    expect(state.log).toEqual(['enableSandbox', 'registerSchemes']);
    state.ready?.();
    await vi.waitFor(() => expect(state.windows).toHaveLength(1));
    expect(state.log).toEqual(['enableSandbox', 'registerSchemes', 'permissions', 'csp', 'handle eidos', 'menu']);
    expect(state.forks).toHaveLength(1);
    expect(state.forks[0]?.entry).toMatch(/engine[/\\]engine-process\.js$/);
    expect(state.handled.sort()).toEqual(methodNames.map((name) => `eidos:call:${name}`).sort());
    expect(state.windows[0]?.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
  });
});
