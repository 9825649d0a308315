import { describe, expect, it, vi } from 'vitest';
import type { ApiClient } from '../../../app/contract/api.ts';
import { photoActions } from '../../../renderer/src/lib/photo-actions.ts';

/** A client that records which contract method each action called, and answers as the shell would. */
function recordingClient(): { api: ApiClient; calls: string[] } {
  const calls: string[] = [];
  const api = new Proxy(
    {},
    {
      get: (_target, method: string) => async (args: { id: string }) => {
        calls.push(`${method}(${args.id})`);
        return method === 'openPhoto'
          ? { ok: false, error: { code: 'UNREADABLE', message: 'no default app' } }
          : { ok: true, value: { ok: true } };
      },
    },
  ) as ApiClient;
  return { api, calls };
}

const photo = { id: '7', path: '/photos/beach.jpg' };

describe('photo actions', () => {
  it('on macOS: Quick Look (Space), Reveal in Finder, Open, Copy path, each through its shell method', async () => {
    const { api, calls } = recordingClient();
    const actions = photoActions(api, { platform: 'darwin', pathsOf: () => [] }, undefined);
    expect(actions.map((action) => [action.label, action.shortcut])).toEqual([
      ['Quick Look', 'Space'],
      ['Reveal in Finder', undefined],
      ['Open with default app', undefined],
      ['Copy path', undefined],
    ]);
    for (const action of actions) await action.run(photo).catch(() => undefined);
    expect(calls).toEqual(['quickLookPhoto(7)', 'revealPhoto(7)', 'openPhoto(7)', 'copyPhotoPath(7)']);
  });

  it("elsewhere: no Quick Look, the file manager's own name, and a refusal surfaces as an error", async () => {
    const { api } = recordingClient();
    const linux = photoActions(api, { platform: 'linux', pathsOf: () => [] }, undefined);
    expect(linux.map((action) => action.label)).toEqual(['Show in folder', 'Open with default app', 'Copy path']);
    const windows = photoActions(api, { platform: 'win32', pathsOf: () => [] }, undefined);
    expect(windows[0]?.label).toBe('Show in Explorer');
    await expect(linux.find((action) => action.id === 'open')!.run(photo)).rejects.toThrow('no default app');
  });

  it('in a browser: only copying the path, done by the page, never a shell method', async () => {
    const { api, calls } = recordingClient();
    const clipboard = { writeText: vi.fn(async () => undefined) };
    const actions = photoActions(api, undefined, clipboard);
    expect(actions.map((action) => action.id)).toEqual(['copyPath']);
    await actions[0]!.run(photo);
    expect(clipboard.writeText).toHaveBeenCalledWith('/photos/beach.jpg');
    expect(calls).toEqual([]);
    expect(photoActions(api, undefined, undefined)).toEqual([]);
  });
});
