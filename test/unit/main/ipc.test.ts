import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebContents, WebFrameMain } from 'electron';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { methodNames } from '../../../app/contract/api.ts';
import { forwardEvents, registerIpc } from '../../../main/ipc.ts';
import { createShellActions } from '../../../main/shell-actions.ts';
import { fakeEngine, tableMedia, type FakeEngine } from '../../helpers/fake-handlers.ts';

type Handler = (event: { senderFrame: Partial<WebFrameMain> | null }, arg: unknown) => Promise<unknown>;
const handles = new Map<string, Handler>();
const shell = { showItemInFolder: vi.fn(), openPath: vi.fn(async () => '') };
let engine: FakeEngine;
let outside = '';
let libraryDir = '';
const library = () => libraryDir;

const ourFrame = { url: 'eidos://app/index.html', parent: null };
const call = (method: string, arg: unknown, frame: Partial<WebFrameMain> | null = ourFrame) => {
  const handler = handles.get(`eidos:call:${method}`);
  if (!handler) throw new Error(`no handler for ${method}`);
  return handler({ senderFrame: frame }, arg);
};

beforeAll(() => {
  const base = mkdtempSync(join(tmpdir(), 'eidos-ipc-'));
  const library = join(base, 'library');
  libraryDir = library;
  outside = join(base, 'outside.jpg');
  writeFileSync(outside, 'x');
  mkdirSync(library);
  writeFileSync(join(library, 'in.jpg'), 'x');
  writeFileSync(join(library, 'tool.sh'), 'echo');
  const media = tableMedia({ out: outside, in: join(library, 'in.jpg'), tool: join(library, 'tool.sh') }, [library]);
  engine = fakeEngine(media);
  registerIpc(
    { handle: (channel: string, handler: Handler) => handles.set(channel, handler) } as never,
    engine.handlers,
    createShellActions(
      {
        shell: { ...shell, trashItem: vi.fn() },
        clipboard: { writeText: vi.fn() },
        dialog: {} as never,
        window: () => undefined,
        platform: 'linux',
      },
      media,
    ),
  );
});

describe('ipc', () => {
  it('registers exactly one channel per contract method', () => {
    expect([...handles.keys()].sort()).toEqual(methodNames.map((name) => `eidos:call:${name}`).sort());
  });

  it('refuses senders from another origin, a look-alike scheme or an iframe, before validating', async () => {
    const foreign = [
      { url: 'https://evil.example/', parent: null },
      { url: 'eidos://evil/index.html', parent: null },
      { url: 'eidos-app://app/index.html', parent: null },
      { url: 'file:///tmp/x.html', parent: null },
      { url: 'eidos://app/index.html', parent: {} as WebFrameMain },
      null,
    ];
    for (const frame of foreign) {
      const reply = (await call('search', { query: 'x' }, frame)) as { ok: boolean; error: { code: string } };
      expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(engine.calls).toEqual([]);
  });

  it('validates arguments and answers with an ApiReply', async () => {
    expect(await call('search', { query: 'dog', top: 3 })).toEqual({
      ok: true,
      value: { method: 'search', args: { query: 'dog', top: 3 } },
    });
    expect(await call('search', { query: 'dog', top: 0 })).toEqual({
      ok: false,
      error: { code: 'BAD_ARGUMENT', message: 'search.top must be an integer between 1 and 1000 (got 0).' },
    });
  });

  it('answers shell methods in main, only for files inside indexed folders', async () => {
    expect(await call('openPhoto', { id: 'out' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('revealPhoto', { id: '../etc' })).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
    // Even inside a folder, only image files are handed to the OS.
    expect(await call('openPhoto', { id: 'tool' })).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_FORMAT' } });
    expect(shell.openPath).not.toHaveBeenCalled();
    expect(shell.showItemInFolder).not.toHaveBeenCalled();
    expect(await call('openPhoto', { id: 'in' })).toEqual({ ok: true, value: { ok: true } });
    expect(shell.openPath).toHaveBeenCalledWith(join(library(), 'in.jpg'));
  });

  it('forwards events only to pages of our UI', () => {
    const page = (url: string) => ({ getURL: () => url, isDestroyed: () => false, send: vi.fn() });
    const ours = page('eidos://app/index.html');
    const foreign = page('https://evil.example/');
    const stop = forwardEvents(engine.handlers, () => [ours, foreign] as unknown as WebContents[]);
    engine.emit({ name: 'modelProgress', payload: { id: 'clip', state: 'done', receivedBytes: 1, totalBytes: 1 } });
    expect(ours.send).toHaveBeenCalledWith('eidos:event:modelProgress', {
      id: 'clip',
      state: 'done',
      receivedBytes: 1,
      totalBytes: 1,
    });
    expect(foreign.send).not.toHaveBeenCalled();
    stop();
  });
});
