import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserWindow, Dialog, WebFrameMain } from 'electron';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerIpc } from '../../../main/ipc.ts';
import { createShellActions, type ShellDeps } from '../../../main/shell-actions.ts';
import { fakeEngine, tableMedia } from '../../helpers/fake-handlers.ts';

/**
 * The desktop shell's photo and folder actions, through the real IPC handlers with Electron's shell,
 * clipboard, dialog and window mocked: each reaches the OS only for an indexed image inside the
 * library's folders, with exactly that file's path.
 */
type Handler = (event: { senderFrame: Partial<WebFrameMain> | null }, arg: unknown) => Promise<unknown>;

let base = '';
let library = '';
const os = {
  shell: {
    showItemInFolder: vi.fn(),
    openPath: vi.fn(async (_path: string) => ''),
    trashItem: vi.fn(async (_path: string) => {}),
  },
  clipboard: { writeText: vi.fn() },
  dialog: {
    showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: false, filePaths: ['/a', '/b c'] })),
  },
  window: { previewFile: vi.fn() },
};

/** The IPC handlers of a shell on `platform`, with or without an open window. */
function shellOn(platform: NodeJS.Platform, withWindow = true): (method: string, arg: unknown) => Promise<unknown> {
  const handles = new Map<string, Handler>();
  const media = tableMedia(
    {
      in: join(library, 'in.jpg'),
      outside: join(base, 'outside.jpg'),
      escaping: join(library, 'escaping.jpg'),
      tool: join(library, 'tool.sh'),
    },
    [library],
  );
  const deps: ShellDeps = {
    shell: os.shell,
    clipboard: os.clipboard,
    dialog: os.dialog as unknown as Pick<Dialog, 'showOpenDialog'>,
    window: () => (withWindow ? (os.window as unknown as BrowserWindow) : undefined),
    platform,
  };
  registerIpc(
    { handle: (channel: string, handler: Handler) => handles.set(channel, handler) } as never,
    fakeEngine(media).handlers,
    createShellActions(deps, media),
  );
  return (method, arg) =>
    handles.get(`eidos:call:${method}`)!({ senderFrame: { url: 'eidos://app/', parent: null } }, arg);
}

const nothingReachedTheOs = (): void => {
  expect(os.shell.showItemInFolder).not.toHaveBeenCalled();
  expect(os.shell.openPath).not.toHaveBeenCalled();
  expect(os.clipboard.writeText).not.toHaveBeenCalled();
  expect(os.window.previewFile).not.toHaveBeenCalled();
  expect(os.shell.trashItem).not.toHaveBeenCalled();
};

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'eidos-shell-'));
  library = join(base, 'library');
  mkdirSync(library);
  writeFileSync(join(library, 'in.jpg'), 'x');
  writeFileSync(join(base, 'outside.jpg'), 'x');
  writeFileSync(join(library, 'tool.sh'), 'echo');
  // Inside the folder by name, outside it on disk.
  symlinkSync(join(base, 'outside.jpg'), join(library, 'escaping.jpg'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));
beforeEach(() => vi.clearAllMocks());

describe('photo actions', () => {
  const photoActions = ['revealPhoto', 'openPhoto', 'copyPhotoPath', 'quickLookPhoto'];

  it('reveal, open, copy path and Quick Look hand the OS exactly the indexed photo', async () => {
    const call = shellOn('darwin');
    const photo = join(library, 'in.jpg');
    for (const method of photoActions)
      expect(await call(method, { id: 'in' })).toEqual({ ok: true, value: { ok: true } });
    expect(os.shell.showItemInFolder).toHaveBeenCalledExactlyOnceWith(photo);
    expect(os.shell.openPath).toHaveBeenCalledExactlyOnceWith(photo);
    expect(os.clipboard.writeText).toHaveBeenCalledExactlyOnceWith(photo);
    expect(os.window.previewFile).toHaveBeenCalledExactlyOnceWith(photo);
  });

  it('refuses a photo outside the indexed folders, one that leads out of them, a non-image and an unknown id', async () => {
    const call = shellOn('darwin');
    for (const method of photoActions) {
      expect(await call(method, { id: 'outside' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await call(method, { id: 'escaping' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await call(method, { id: 'tool' })).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_FORMAT' } });
      expect(await call(method, { id: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(await call(method, { id: '../in.jpg' })).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
    }
    nothingReachedTheOs();
  });

  it('says when the default app could not open the photo', async () => {
    os.shell.openPath.mockResolvedValueOnce('No application knows how to open this file');
    expect(await shellOn('linux')('openPhoto', { id: 'in' })).toMatchObject({
      ok: false,
      error: { code: 'UNREADABLE', message: expect.stringContaining('No application knows how to open this file') },
    });
  });

  it('offers Quick Look only on macOS, and only with a window', async () => {
    expect(await shellOn('linux')('quickLookPhoto', { id: 'in' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_ARGUMENT', message: expect.stringContaining('only on macOS') },
    });
    expect(await shellOn('darwin', false)('quickLookPhoto', { id: 'in' })).toMatchObject({ ok: false });
    nothingReachedTheOs();
  });
});

describe('moving duplicates to the system trash', () => {
  it('hands shell.trashItem exactly the indexed photo, and nothing when any photo is refused', async () => {
    const call = shellOn('linux');
    expect(await call('systemTrashPhotos', { ids: ['in'] })).toEqual({
      ok: true,
      value: { batch: '', moved: [{ id: 'in', path: join(library, 'in.jpg') }], place: 'system-trash' },
    });
    expect(os.shell.trashItem).toHaveBeenCalledExactlyOnceWith(join(library, 'in.jpg'));
    os.shell.trashItem.mockClear();
    for (const bad of ['outside', 'escaping', 'tool', 'nope'])
      expect(await call('systemTrashPhotos', { ids: ['in', bad] })).toMatchObject({ ok: false });
    expect(await call('systemTrashPhotos', { ids: [] })).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
    nothingReachedTheOs();
  });

  it('says which photo the system would not take and how many had already moved', async () => {
    os.shell.trashItem.mockResolvedValueOnce(undefined).mockRejectedValueOnce(new Error('no trash on this volume'));
    const result = await shellOn('linux')('systemTrashPhotos', { ids: ['in', 'in'] });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'UNREADABLE', message: expect.stringContaining('no trash on this volume (1 already moved') },
    });
  });
});

describe('the folder dialog', () => {
  it('opens the system dialog for several folders, attached to the window, and returns the chosen paths', async () => {
    expect(await shellOn('darwin')('chooseFolders', {})).toEqual({ ok: true, value: { folders: ['/a', '/b c'] } });
    const [parent, options] = os.dialog.showOpenDialog.mock.calls[0]!;
    expect(parent).toBe(os.window);
    expect((options as { properties: string[] }).properties).toEqual(
      expect.arrayContaining(['openDirectory', 'multiSelections']),
    );
    expect((options as { properties: string[] }).properties).not.toContain('openFile');
  });

  it('returns no folder when the user cancels', async () => {
    os.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: ['/ignored'] });
    expect(await shellOn('linux', false)('chooseFolders', {})).toEqual({ ok: true, value: { folders: [] } });
    expect(os.dialog.showOpenDialog.mock.calls[0]).toHaveLength(1);
  });

  it('takes no argument beyond the contract', async () => {
    expect(await shellOn('linux')('chooseFolders', { path: '/etc' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_ARGUMENT' },
    });
    expect(os.dialog.showOpenDialog).not.toHaveBeenCalled();
  });
});
