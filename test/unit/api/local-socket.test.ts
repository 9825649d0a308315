import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isEidosError } from '../../../app/contract/errors.ts';
import { listenLocalSocket } from '../../../app/server/local-socket.ts';
import { connectHolder, readHolderInfo } from '../../../app/server/local-socket-client.ts';
import { holderInfoPath, runDir, socketPathFor } from '../../../app/server/local-socket-wire.ts';
import { fakeEngine, tableMedia } from '../../helpers/fake-handlers.ts';

/**
 * The local socket in one process, over fake handlers: where it goes, what it lets through, and what
 * it leaves behind. (integration/serve/beside-holder.test.ts runs it between real processes.)
 */
const root = mkdtempSync(join(tmpdir(), 'eidos-socket-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('socketPathFor', () => {
  it('puts the socket in the data folder while the path fits a Unix socket address', () => {
    expect(socketPathFor('/home/ana/.local/share/eidos', '/tmp')).toBe('/home/ana/.local/share/eidos/run/eidos.sock');
  });

  it('moves it under the temporary folder, one folder per data folder, when the path would not fit', () => {
    const deep = `/home/ana/${'very-long-folder-name/'.repeat(5)}eidos`;
    const other = `${deep}-2`;
    const path = socketPathFor(deep, '/tmp');
    expect(path).toMatch(/^\/tmp\/eidos-[0-9a-f]{16}\/eidos\.sock$/);
    expect(socketPathFor(deep, '/tmp')).toBe(path);
    expect(socketPathFor(other, '/tmp')).not.toBe(path);
  });
});

describe('listenLocalSocket', () => {
  it('serves contract calls and events to a client with the token, and only one holder per data folder', async () => {
    // A data folder too deep for a socket address: the socket goes to a private folder under tmp.
    const home = join(root, 'x'.repeat(120));
    const engine = fakeEngine(tableMedia({}, []));
    const local = (await listenLocalSocket({ home, handlers: engine.handlers, kind: 'app' }))!;
    try {
      expect(dirname(local.path)).not.toBe(runDir(home));
      expect(statSync(dirname(local.path)).mode & 0o777).toBe(0o700);
      expect(statSync(runDir(home)).mode & 0o777).toBe(0o700);
      expect(statSync(local.path).mode & 0o777).toBe(0o600);
      expect(readHolderInfo(home)).toMatchObject({ pid: process.pid, kind: 'app' });

      const client = (await connectHolder(home, { events: true }))!;
      expect(client.holder).toEqual({ pid: process.pid, kind: 'app' });
      expect(await client.call('search', { query: 'red car' })).toEqual({
        method: 'search',
        args: { query: 'red car' },
      });
      // Arguments are validated by the contract on the holder's side, errors come back as EidosError.
      await expect(client.call('search', { query: '' } as never)).rejects.toSatisfy((e) =>
        isEidosError(e, 'BAD_ARGUMENT'),
      );
      await expect(client.call('cancelIndexing', {})).rejects.toSatisfy((e) => isEidosError(e, 'INTERNAL'));
      const events: unknown[] = [];
      client.onEvent((event) => events.push(event));
      const progress = { state: 'indexing', done: 1, total: 2, skipped: 0 } as const;
      engine.emit({ name: 'indexProgress', payload: progress });
      await expect.poll(() => events, { timeout: 30_000 }).toEqual([{ name: 'indexProgress', payload: progress }]);

      // A second holder on the same data folder stays quiet while the first answers.
      expect(await listenLocalSocket({ home, handlers: engine.handlers, kind: 'serve' })).toBeUndefined();
      expect(readHolderInfo(home)?.kind).toBe('app');
      client.close();
      await client.closed;
    } finally {
      await local.close();
    }
    expect(existsSync(holderInfoPath(home))).toBe(false);
    expect(existsSync(dirname(local.path))).toBe(false);
    expect(await connectHolder(home)).toBeUndefined();
  });
});
