import { describe, expect, it } from 'vitest';
import { main } from '../../../app/cli/main.ts';
import { makeServeCommand } from '../../../app/cli/commands/serve-command.ts';
import type { Io } from '../../../app/cli/command.ts';
import { fakeEngine, tableMedia } from '../../helpers/fake-handlers.ts';

function captureIo(): Io & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (t) => lines.push(t), err: (t) => lines.push(t), progress: () => undefined, isTTY: false };
}

describe('eidos serve', () => {
  it('prints a tokenised loopback URL that answers the API until stopped', async () => {
    const io = captureIo();
    let stop = (): void => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const announced: Array<{ kind: string; token?: string }> = [];
    const command = makeServeCommand({
      createHandlers: async () => fakeEngine(tableMedia({}, [])).handlers,
      untilStopped: () => stopped,
      listenForCli: async ({ kind, token }) => {
        announced.push({ kind, ...(token !== undefined ? { token } : {}) });
        return undefined;
      },
    });
    const running = command.run({ positionals: [], values: {}, json: true }, io);
    // expect.poll gives up after 1 s by default: a loaded machine may take longer to start listening.
    await expect.poll(() => io.lines.length, { timeout: 30_000 }).toBeGreaterThan(0);
    const { url, port } = JSON.parse(io.lines[0] ?? '{}') as { url: string; port: number };
    expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=[A-Za-z0-9_-]{43}$`));
    const token = new URL(url).searchParams.get('token');
    const answer = await fetch(`http://127.0.0.1:${port}/api/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(await answer.json()).toEqual({ method: 'status', args: {} });
    // The CLI beside it is admitted with the same per-run token (beside-holder.test.ts runs the real socket).
    expect(announced).toEqual([{ kind: 'serve', token }]);
    stop();
    await expect(running).resolves.toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });

  it('refuses a bad port before starting anything', async () => {
    const io = captureIo();
    expect(await main(['serve', '--port', '70000'], io)).toBe(2);
    expect(io.lines.join('\n')).toMatch(/--port must be a whole number from 0 to 65535/);
  });
});
