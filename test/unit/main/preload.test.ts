import { beforeAll, describe, expect, it, vi } from 'vitest';
import { eventMethodName, eventNames, methodNames, type DesktopShell } from '../../../app/contract/api.ts';

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn(async (channel: string, args: unknown) => ({ ok: true, value: { channel, args } })),
  listeners: new Map<string, (event: unknown, payload: unknown) => void>(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: {
    invoke: electron.invoke,
    on: (channel: string, listener: (event: unknown, payload: unknown) => void) =>
      electron.listeners.set(channel, listener),
    removeListener: (channel: string) => electron.listeners.delete(channel),
  },
  // Electron's answer for a File from disk is its path; for one built in the page, ''.
  webUtils: {
    getPathForFile: (file: { name: string; fromDisk?: boolean }) => (file.fromDisk ? `/disk/${file.name}` : ''),
  },
}));

type Api = Record<string, (...args: unknown[]) => unknown>;
let api: Api;
let desktop: DesktopShell;

beforeAll(async () => {
  await import('../../../main/preload.ts');
  api = electron.exposed.get('eidos') as Api;
  desktop = electron.exposed.get('eidosDesktop') as DesktopShell;
});

describe('preload', () => {
  it('exposes exactly one named method per contract method and one on<Event> per event, nothing else', () => {
    expect([...electron.exposed.keys()]).toEqual(['eidos', 'eidosDesktop']);
    const expected = [
      ...methodNames,
      'onIndexProgress',
      'onModelProgress',
      'onLibraryChanged',
      'onMapProgress',
      'onModelSwitch',
    ].sort();
    expect(Object.keys(api).sort()).toEqual(expected);
    expect(eventNames.map(eventMethodName).sort()).toEqual([
      'onIndexProgress',
      'onLibraryChanged',
      'onMapProgress',
      'onModelProgress',
      'onModelSwitch',
    ]);
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('send');
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('binds each method to its own channel and sends {} for no argument', async () => {
    await expect(api.search?.({ query: 'beach' })).resolves.toEqual({
      ok: true,
      value: { channel: 'eidos:call:search', args: { query: 'beach' } },
    });
    await api.status?.();
    expect(electron.invoke).toHaveBeenLastCalledWith('eidos:call:status', {});
  });

  it('hands listeners the payload only, never the IPC event, and unsubscribes', () => {
    const seen: unknown[] = [];
    const off = api.onIndexProgress?.((payload: unknown) => seen.push(payload)) as () => void;
    const relay = electron.listeners.get('eidos:event:indexProgress');
    relay?.({ sender: 'secret' }, { state: 'done', done: 1, total: 1, skipped: 0 });
    expect(seen).toEqual([{ state: 'done', done: 1, total: 1, skipped: 0 }]);
    off();
    expect(electron.listeners.has('eidos:event:indexProgress')).toBe(false);
  });

  it('tells the page it runs in the desktop shell, on which platform, and the paths of dropped files', () => {
    expect(Object.keys(desktop).sort()).toEqual(['pathsOf', 'platform']);
    expect(desktop.platform).toBe(process.platform);
    expect(Object.isFrozen(desktop)).toBe(true);
    const dropped = [
      { name: 'Holiday 2024', fromDisk: true },
      { name: 'made-in-page.txt' },
      { name: 'Pets', fromDisk: true },
    ] as unknown as File[];
    // A File built in the page has no path and is left out rather than sent as ''.
    expect(desktop.pathsOf(dropped)).toEqual(['/disk/Holiday 2024', '/disk/Pets']);
  });
});
