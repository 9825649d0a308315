import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, SECRET_MARK, startEngineServer, type Answer, type EngineServer } from './engine-server.ts';

/**
 * Who gets in, and what they can read, against the real engine behind `eidos serve` (not fake
 * handlers): token, Host, Origin and Sec-Fetch-Site checks, and every way a path could leave the
 * indexed folders through the media, photo and static routes.
 */
let server: EngineServer;
let photo = '';
let escape = '';
let before: Record<string, number> = {};

beforeAll(async () => {
  server = await startEngineServer(6);
  photo = server.photoId(join(server.library, 'album-00/roll-0/synth-00000.jpg'));
  escape = server.photoId(join(server.library, 'escape.jpg'));
  // The first search writes the concept bank and image prior; count rows after it.
  expect((await server.post('search', { query: 'a photo' })).status).toBe(200);
  before = server.rowCounts();
});

afterAll(async () => {
  await server?.dispose();
});

/** A refusal: a 4xx status, a JSON error with a message, and none of the secret's bytes. */
function expectRefused(answer: Answer, statuses: number[], label: string): { code: string; message: string } {
  expect(statuses, `${label}: status ${answer.status} ${answer.body.slice(0, 200)}`).toContain(answer.status);
  expect(answer.body, label).not.toContain(SECRET_MARK);
  expect(answer.headers['content-type'], label).toMatch(/^application\/json/);
  const error = errorOf(answer);
  expect(error.message.length, label).toBeGreaterThan(10);
  expect(error.message, label).not.toMatch(/\n\s+at /);
  return error;
}

describe('eidos serve: token', () => {
  const routes = (): Array<[string, { method?: string; body?: string; headers?: Record<string, string> }]> => [
    ['/', {}],
    ['/index.html', {}],
    ['/api/events', {}],
    [`/media/${photo}/thumb`, {}],
    [`/media/${photo}/original`, {}],
    ['/api/search', { method: 'POST', body: '{"query":"a photo"}', headers: { 'content-type': 'application/json' } }],
    ['/api/status', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }],
  ];

  it('refuses every route without the token, with a wrong one, and with a near miss', async () => {
    const { token, port } = server.bridge;
    const wrong: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong' },
      { authorization: `Bearer ${token.slice(0, -1)}` },
      { authorization: `Bearer ${token}x` },
      { authorization: `Basic ${token}` },
      { authorization: token },
      { cookie: `eidos_token_${port + 1}=${token}` },
      { cookie: `eidos_token_${port}=${token.toUpperCase()}` },
      { cookie: `eidos_token_${port}=` },
    ];
    for (const [path, options] of routes()) {
      for (const headers of wrong) {
        const answer = await server.send(path, {
          ...options,
          auth: false,
          headers: { ...options.headers, ...headers },
        });
        expect(expectRefused(answer, [401, 403], `${path} ${JSON.stringify(headers)}`).code).toBe('FORBIDDEN');
      }
    }
    // `?token=` is only for the page load that sets the cookie, never for the API or media.
    expectRefused(await server.send(`/media/${photo}/thumb?token=${token}`, { auth: false }), [403], 'media ?token=');
    expectRefused(
      await server.send(`/api/status?token=${token}`, {
        method: 'POST',
        auth: false,
        headers: { 'content-type': 'application/json' },
      }),
      [403],
      'api ?token=',
    );
    expect(server.rowCounts()).toEqual(before);
  });

  it('admits the header and the cookie the page load sets', async () => {
    expect((await server.post('status', {})).status).toBe(200);
    const first = await server.send(`/?token=${server.bridge.token}`, { auth: false });
    expect(first.status).toBe(303);
    const cookie = (first.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
    const thumb = await server.send(`/media/${photo}/thumb`, { auth: false, headers: { cookie } });
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
  });
});

describe('eidos serve: host, origin, fetch site', () => {
  it('refuses a foreign or missing Host even with the token (DNS rebinding)', async () => {
    const { port } = server.bridge;
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1:${port + 1}`,
      `127.0.0.1.evil.example:${port}`,
      `0.0.0.0:${port}`,
      `[::1]:${port}`,
      '127.0.0.1',
    ]) {
      expect(
        expectRefused(
          await server.send('/api/status', { method: 'POST', headers: { host, 'content-type': 'application/json' } }),
          [403],
          host,
        ).message,
      ).toMatch(/host/);
    }
    // No Host header at all (HTTP/1.0 allows it).
    const bare = await server.raw(
      `GET /media/${photo}/thumb HTTP/1.0\r\nAuthorization: Bearer ${server.bridge.token}\r\n\r\n`,
    );
    expect(bare.status).toBe(403);
  });

  it('refuses a foreign Origin and cross-site fetches even with the token', async () => {
    const { port } = server.bridge;
    for (const origin of [
      'http://evil.example',
      'null',
      `http://127.0.0.1:${port + 1}`,
      `https://127.0.0.1:${port}`,
      `http://127.0.0.1:${port}.evil.example`,
      `http://localhost.evil.example:${port}`,
    ]) {
      expectRefused(await server.post('search', { query: 'a photo' }, { origin }), [403], origin);
    }
    for (const site of ['cross-site', 'same-site']) {
      expectRefused(await server.post('search', { query: 'a photo' }, { 'sec-fetch-site': site }), [403], site);
      expectRefused(await server.send(`/media/${photo}/thumb`, { headers: { 'sec-fetch-site': site } }), [403], site);
    }
    expect(
      (await server.post('status', {}, { origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' })).status,
    ).toBe(200);
  });
});

describe('eidos serve: paths', () => {
  it('serves an indexed photo (the control for the refusals below)', async () => {
    const original = await server.send(`/media/${photo}/original`);
    expect(original.status).toBe(200);
    expect(original.headers['content-type']).toBe('image/jpeg');
    expect((await server.send(`/media/${photo}/detail`)).status).toBe(200);
  });

  it('refuses traversal in the media route: ../, encoded, double-encoded, backslashes, absolute paths', async () => {
    const secret = server.secret;
    const encoded = encodeURIComponent(secret);
    const paths = [
      '/media/../../../etc/passwd',
      `/media/${photo}/../../outside/secret.jpg`,
      '/media/..%2f..%2foutside%2fsecret.jpg/original',
      '/media/%2e%2e%2f%2e%2e%2foutside%2fsecret.jpg/original',
      '/media/%2e%2e/original',
      '/media/%252e%252e%252f%252e%252e%252fsecret.jpg/original',
      `/media/${photo}%2f..%2f..%2fescape/original`,
      '/media/..%5c..%5coutside%5csecret.jpg/original',
      '/media/..\\..\\outside\\secret.jpg/original',
      `/media/${encoded}/original`,
      `/media/${secret}/original`,
      `/media//${secret}/original`,
      `/media/${photo}/original/..`,
      `/media/${photo}%00/original`,
      `/media/${photo}/original%00.jpg`,
      `/media/${photo}/ORIGINAL`,
      `/media/0x${photo}/original`,
      `/media/0${photo}/original`,
      '/media/999999/original',
    ];
    for (const path of paths) {
      const answer = await server.send(path);
      expectRefused(answer, [400, 403, 404], path);
    }
  });

  it('refuses a photo reached through a symlink that leads out of its folder, in every variant', async () => {
    for (const variant of ['original', 'detail', 'thumb']) {
      expect(expectRefused(await server.send(`/media/${escape}/${variant}`), [403], variant).message).toMatch(
        /not inside an indexed folder/,
      );
    }
  });

  it('has no route to a file that exists in the folder but is not indexed', async () => {
    const rel = server.unindexed.slice(server.library.length);
    for (const path of [
      `/media/${encodeURIComponent(server.unindexed)}/original`,
      `/${server.unindexed}`,
      `/..${rel}`,
      `/%2e%2e/library${rel}`,
      `//${server.unindexed}`,
    ]) {
      expectRefused(await server.send(path), [400, 403, 404], path);
    }
    expect(readFileSync(server.unindexed).includes(SECRET_MARK)).toBe(true);
  });

  it('keeps static files inside the UI folder', async () => {
    expect((await server.send('/')).body).toContain('<title>Eidos</title>');
    for (const path of [
      '/../photos/outside/secret.jpg',
      '/%2e%2e/outside/secret.jpg',
      '/..%2foutside%2fsecret.jpg',
      '/%252e%252e/outside/secret.jpg',
      '/..%5coutside%5csecret.jpg',
      '/%00',
      '/%',
      '/%c0%ae%c0%ae/outside/secret.jpg',
    ]) {
      expectRefused(await server.send(path), [400, 403, 404], path);
    }
  });

  it('answers a NUL byte in the request line with a JSON 400, and raw backslashes with a refusal', async () => {
    const auth = `Authorization: Bearer ${server.bridge.token}\r\nHost: 127.0.0.1:${server.bridge.port}\r\n`;
    const nul = await server.raw(
      Buffer.from(`GET /media/${photo}\0/original HTTP/1.1\r\n${auth}Connection: close\r\n\r\n`, 'latin1'),
    );
    expect(nul.status).toBe(400);
    expect(nul.text).toContain('"code":"BAD_ARGUMENT"');
    const backslash = await server.raw(
      `GET /media/..\\..\\outside\\secret.jpg/original HTTP/1.1\r\n${auth}Connection: close\r\n\r\n`,
    );
    // The URL parser reads `\` as `/` and resolves the dots, so this asks for a UI file that is not there.
    expect([400, 403, 404]).toContain(backslash.status);
    expect(backslash.text).toContain('"error":{"code":');
    expect(backslash.text).not.toContain(SECRET_MARK);
  });

  it('refuses path-like ids in the photo and search methods', async () => {
    for (const id of ['../../etc/passwd', server.secret, '1 OR 1=1', `${photo}\u0000`, '..', '%2e%2e']) {
      expect(expectRefused(await server.post('photo', { id }), [400], id).message).toMatch(
        /photo\.id must be a photo id/,
      );
      expectRefused(await server.post('search', { query: 'a photo', like: id }), [400], id);
    }
    for (const id of ['999999', `0${photo}`, `0x${photo}`, `${photo}e0`]) {
      expect(expectRefused(await server.post('photo', { id }), [404], id).code).toBe('NOT_FOUND');
    }
    expect(server.rowCounts()).toEqual(before);
  });
});
