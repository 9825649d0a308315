import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, startBridge, type Bridge } from '../../../app/server/bridge.ts';
import { sendRequest, type Answer, type SendOptions } from '../../helpers/http.ts';
import { fakeEngine, tableMedia, type FakeEngine } from '../../helpers/fake-handlers.ts';

let bridge: Bridge;
let engine: FakeEngine;
let base = '';

/** A raw HTTP request, so tests control Host, Origin and the exact path bytes. */
const send = (path: string, options: SendOptions = {}): Promise<Answer> => sendRequest(bridge, path, options);

const post = (method: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
  send(`/api/${method}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'eidos-bridge-'));
  const library = join(base, 'library');
  const ui = join(base, 'ui');
  mkdirSync(library);
  mkdirSync(ui);
  writeFileSync(join(library, 'a.jpg'), 'JPEGDATA');
  writeFileSync(join(library, 'page.html'), '<script>alert(1)</script>');
  writeFileSync(join(base, 'secret.jpg'), 'SECRET');
  symlinkSync(join(base, 'secret.jpg'), join(library, 'escape.jpg'));
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Eidos</title>');
  writeFileSync(join(ui, 'app.js'), 'console.log(1)');
  const media = tableMedia(
    {
      p1: join(library, 'a.jpg'),
      esc: join(library, 'escape.jpg'),
      dots: `${library}/../secret.jpg`,
      html: join(library, 'page.html'),
    },
    [library],
  );
  engine = fakeEngine(media);
  bridge = await startBridge({ handlers: engine.handlers, staticDir: ui });
});

afterAll(async () => {
  await bridge.close();
});

describe('loopback bridge: access', () => {
  it('binds 127.0.0.1 and issues a 256-bit token', () => {
    expect(bridge.url).toBe(`http://127.0.0.1:${bridge.port}/?token=${bridge.token}`);
    expect(Buffer.from(bridge.token, 'base64url').length).toBe(32);
  });

  it('refuses every route without the token', async () => {
    for (const path of ['/', '/app.js', '/media/p1/original', '/api/events']) {
      const answer = await send(path, { auth: false });
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body).error.code).toBe('FORBIDDEN');
    }
    expect(
      (await send('/api/status', { method: 'POST', auth: false, headers: { 'content-type': 'application/json' } }))
        .status,
    ).toBe(403);
    expect((await send('/', { headers: { authorization: 'Bearer wrong' } })).status).toBe(403);
    expect(engine.calls).toEqual([]);
  });

  it('turns the ?token= page load into an HttpOnly SameSite=Strict cookie and a clean redirect', async () => {
    const first = await send(`/?token=${bridge.token}`, { auth: false, headers: { 'sec-fetch-site': 'none' } });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = first.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(first.headers['referrer-policy']).toBe('no-referrer');
    const page = await send('/', { auth: false, headers: { cookie: cookie.split(';')[0] ?? '' } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Eidos</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    // The query form never works for the API or media, where it would end up in logs and Referers.
    expect((await send(`/media/p1/thumb?token=${bridge.token}`, { auth: false })).status).toBe(403);
  });

  it('refuses foreign Host headers (DNS rebinding) and foreign origins', async () => {
    expect((await send('/', { headers: { host: 'evil.example' } })).status).toBe(403);
    expect((await send('/', { headers: { host: `evil.example:${bridge.port}` } })).status).toBe(403);
    expect((await post('status', {}, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await post('status', {}, { origin: `http://127.0.0.1:${bridge.port + 1}` })).status).toBe(403);
    expect((await send('/media/p1/thumb', { headers: { 'sec-fetch-site': 'same-site' } })).status).toBe(403);
    expect(
      (await post('status', {}, { origin: `http://localhost:${bridge.port}`, host: `localhost:${bridge.port}` }))
        .status,
    ).toBe(200);
  });
});

describe('loopback bridge: API', () => {
  it('validates and forwards arguments', async () => {
    const answer = await post('search', { query: 'beach', top: 5 });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ method: 'search', args: { query: 'beach', top: 5 } });
    expect(answer.headers['cache-control']).toBe('no-store');
  });

  it('answers 400 with the field path for invalid arguments', async () => {
    const answer = await post('search', { query: 'beach', filters: { near: { lat: 0, lon: 0, km: -1 } } });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({
      error: { code: 'BAD_ARGUMENT', message: 'search.filters.near.km must be a number between 0 and 20000 (got -1).' },
    });
    expect((await post('search', { query: 'x', extra: 1 })).status).toBe(400);
    expect(
      (
        await send('/api/search', {
          method: 'POST',
          body: '{not json',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(400);
    expect(
      (await send('/api/search', { method: 'POST', body: '{}', headers: { 'content-type': 'text/plain' } })).status,
    ).toBe(400);
  });

  it('refuses unknown methods, shell-only methods and GET on the API', async () => {
    expect((await post('dropDatabase', {})).status).toBe(404);
    expect((await post('__proto__', {})).status).toBe(404);
    expect(JSON.parse((await post('openPhoto', { id: 'p1' })).body).error.message).toMatch(/only in the desktop app/);
    expect((await send('/api/status')).status).toBe(400);
  });

  it('refuses an oversized body with 413', async () => {
    const answer = await send('/api/search', {
      method: 'POST',
      body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x20),
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.code).toBe('TOO_LARGE');
  });

  it('reports unexpected engine failures as INTERNAL without a stack', async () => {
    const answer = await post('cancelIndexing', {});
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body).error).toEqual({ code: 'INTERNAL', message: expect.stringContaining('boom') });
  });

  it('delivers events over Server-Sent Events and unsubscribes when the client leaves', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: bridge.port,
          path: '/api/events',
          headers: { authorization: `Bearer ${bridge.token}` },
        },
        (res) => {
          expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
            if (text.includes('retry:') && engine.subscribers() === 1 && !text.includes('event:')) {
              engine.emit({ name: 'indexProgress', payload: { state: 'indexing', done: 3, total: 10, skipped: 0 } });
            }
            if (text.includes('\n\nevent:') && text.endsWith('\n\n')) {
              req.destroy();
              resolve(text);
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(received).toContain('event: indexProgress\ndata: {"state":"indexing","done":3,"total":10,"skipped":0}\n\n');
    await expect.poll(() => engine.subscribers(), { timeout: 30_000 }).toBe(0);
  });
});

describe('loopback bridge: files', () => {
  it('serves media inside indexed folders with a sandboxing CSP', async () => {
    const answer = await send('/media/p1/original');
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('JPEGDATA');
    expect(answer.headers['content-type']).toBe('image/jpeg');
    expect(answer.headers['content-security-policy']).toContain('sandbox');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses traversal in the address, in located paths and through symlinks', async () => {
    for (const path of [
      '/media/../secret.jpg',
      '/media/%2e%2e/original',
      '/media/%2e%2e%2fsecret.jpg/original',
      '/media/p1%2f..%2f..%2fsecret/original',
      '/media/p1/../../secret.jpg',
    ]) {
      const answer = await send(path);
      expect([400, 403, 404]).toContain(answer.status);
      expect(answer.body).not.toContain('SECRET');
    }
    expect((await send('/media/esc/original')).status).toBe(403);
    expect((await send('/media/dots/original')).status).toBe(403);
    expect((await send('/media/unknown/thumb')).status).toBe(404);
    // A non-image file in a photo folder is never served into the UI's origin.
    expect((await send('/media/html/original')).status).toBe(415);
  });

  it('keeps static files inside the UI folder', async () => {
    expect((await send('/app.js')).headers['content-type']).toMatch(/^text\/javascript/);
    for (const path of [
      '/../secret.jpg',
      '/%2e%2e/secret.jpg',
      '/..%2fsecret.jpg',
      '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    ]) {
      const answer = await send(path);
      expect([403, 404]).toContain(answer.status);
      expect(answer.body).not.toContain('SECRET');
    }
  });
});
