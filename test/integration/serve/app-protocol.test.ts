import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SECRET_MARK, startEngineServer, type EngineServer } from './engine-server.ts';

/**
 * The desktop app's `eidos://app/` protocol handler (electron mocked) over the real engine's media
 * access and a real index — the same files the web bridge guards: a symlink out of the folder, a
 * file in the folder that is not indexed, and traversal in every spelling.
 */
vi.mock('electron', () => ({ protocol: { registerSchemesAsPrivileged: () => undefined } }));
const { appProtocolResponse } = await import('../../../main/protocol.ts');

let server: EngineServer;
let options: Parameters<typeof appProtocolResponse>[1];
let photo = '';
let escape = '';

beforeAll(async () => {
  server = await startEngineServer(4);
  const ui = join(dirname(server.library), 'desktop-ui');
  mkdirSync(ui);
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Eidos</title>');
  options = { staticDir: ui, media: server.handlers.media };
  photo = server.photoId(join(server.library, 'album-00/roll-0/synth-00000.jpg'));
  escape = server.photoId(join(server.library, 'escape.jpg'));
});

afterAll(async () => {
  await server?.dispose();
});

const get = (url: string) => appProtocolResponse(new Request(url), options);

async function expectRefused(url: string, statuses: number[]): Promise<string> {
  const answer = await get(url);
  const body = await answer.text();
  expect(statuses, `${url} → ${answer.status} ${body.slice(0, 200)}`).toContain(answer.status);
  expect(body).not.toContain(SECRET_MARK);
  return (JSON.parse(body) as { error: { message: string } }).error.message;
}

describe('eidos:// over the real engine', () => {
  it('serves an indexed photo in every variant', async () => {
    for (const variant of ['thumb', 'detail', 'original']) {
      const answer = await get(`eidos://app/media/${photo}/${variant}`);
      expect(answer.status, variant).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^image\/(webp|jpeg)$/);
    }
  });

  it('refuses every variant of a photo whose symlink leads out of its folder', async () => {
    for (const variant of ['thumb', 'detail', 'original']) {
      expect(await expectRefused(`eidos://app/media/${escape}/${variant}`, [403])).toMatch(
        /not inside an indexed folder/,
      );
    }
  });

  it('has no address for a file in the folder that is not indexed, nor for files outside', async () => {
    const urls = [
      `eidos://app/media/${encodeURIComponent(server.unindexed)}/original`,
      `eidos://app${server.unindexed}`,
      `eidos://app/..${server.unindexed}`,
      `eidos://app/%2e%2e%2f%2e%2e%2f%2e%2e${encodeURI(server.secret)}`,
      `eidos://app/%252e%252e%252f${encodeURI(server.secret)}`,
      `eidos://app/..%5c..%5c..%5csecret.jpg`,
      `eidos://app/media/${photo}%00/original`,
      `eidos://app/media/0${photo}/original`,
      'eidos://app/media/999999/original',
      `eidos://other${server.secret}`,
    ];
    for (const url of urls) await expectRefused(url, [400, 403, 404]);
  });
});
