import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settingsPath } from '../../../app/service/settings.ts';
import { thumbnailsDir } from '../../../app/paths.ts';
import { errorOf, startEngineServer, type EngineServer } from './engine-server.ts';

/**
 * The smaller attacks of issue 28, against the real engine behind `eidos serve`: a login redirect
 * that led off-site, a decoy cookie from another localhost port that locked the page out, settings
 * that took search down (across restarts), and folders that would make the library index itself.
 */
let server: EngineServer;

beforeAll(async () => {
  server = await startEngineServer(4);
});

afterAll(async () => {
  await server?.dispose();
});

const searchWorks = async (): Promise<void> => {
  const answer = await server.post('search', { query: 'a photo' });
  expect(answer.status, answer.body.slice(0, 300)).toBe(200);
};

describe('eidos serve: the login redirect', () => {
  it('always goes to / of the same origin, whatever path the token came with', async () => {
    const { token } = server.bridge;
    for (const path of [
      '/.//evil.example/',
      '//evil.example/',
      '/.%2F%2Fevil.example/',
      '/./\\evil.example',
      '/\\\\evil.example/',
      '/%5C%5Cevil.example/',
      '/https://evil.example/',
      '/index.html',
      '/deep/page',
    ]) {
      const answer = await server.send(`${path}?token=${token}`, { auth: false });
      expect(answer.status, path).toBe(303);
      expect(answer.headers.location, path).toBe('/');
      expect(answer.headers['set-cookie']?.[0], path).toMatch(/^eidos_token_\d+=/);
    }
  });
});

describe('eidos serve: the token cookie', () => {
  it('finds the real cookie behind decoys of the same name another localhost page set', async () => {
    const { token, port } = server.bridge;
    const name = `eidos_token_${port}`;
    for (const cookie of [
      `${name}=decoy; ${name}=${token}`,
      `${name}=; ${name}=decoy; other=1; ${name}=${token}`,
      `${name}=${token}; ${name}=decoy`,
    ]) {
      const answer = await server.post('status', {}, { authorization: '', cookie });
      expect(answer.status, cookie).toBe(200);
      const page = await server.send('/', { auth: false, headers: { cookie } });
      expect(page.status, cookie).toBe(200);
    }
    // Decoys alone, or the token under another port's name, still get nothing.
    for (const cookie of [`${name}=decoy`, `${name}=decoy; ${name}=other`, `eidos_token_${port + 1}=${token}`]) {
      const answer = await server.send('/', { auth: false, headers: { cookie } });
      expect(answer.status, cookie).toBe(403);
    }
  });
});

describe('eidos serve: settings', () => {
  it('refuses a model id that is not a known model with 400 naming the known ones; search keeps working', async () => {
    const before = (await server.post('getSettings', {})).body;
    for (const model of ['../../../../etc', '/etc', 'synthetic-tiny/../..', 'no-such-model', 'SYNTHETIC-TINY', ' ']) {
      const answer = await server.post('setSettings', { model });
      expect(answer.status, model).toBe(400);
      const error = errorOf(answer);
      expect(error.code).toBe('BAD_ARGUMENT');
      expect(error.message, model).toMatch(/^setSettings\.model must be /);
    }
    const unknown = errorOf(await server.post('setSettings', { model: 'no-such-model' }));
    expect(unknown.message).toMatch(/a model Eidos knows: .*synthetic-tiny.*\(got "no-such-model"/);
    expect((await server.post('getSettings', {})).body).toBe(before);
    await searchWorks();
    // A known id is taken.
    expect((await server.post('setSettings', { model: 'synthetic-tiny' })).status).toBe(200);
    await searchWorks();
  });

  it('refuses every other field out of its type or range, changing nothing', async () => {
    const before = readFileSync(settingsPath(server.home), 'utf8');
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ defaultTop: 0 }, /defaultTop must be an integer between 1 and 1000 \(got 0\)/],
      [{ defaultTop: 1001 }, /between 1 and 1000/],
      [{ defaultTop: 2.5 }, /an integer/],
      [{ defaultTop: '10' }, /got "10"/],
      [{ theme: 'purple' }, /theme must be one of 'system', 'light', 'dark'/],
      [{ executionProvider: 'cuda' }, /executionProvider must be one of 'auto', 'cpu', 'coreml'/],
      [{ watchFolders: 'yes' }, /watchFolders must be true or false/],
      [{ theme: 'dark', defaultTop: -1 }, /defaultTop/],
    ];
    for (const [patch, message] of cases) {
      const answer = await server.post('setSettings', patch);
      expect(answer.status, JSON.stringify(patch)).toBe(400);
      expect(errorOf(answer).message, JSON.stringify(patch)).toMatch(message);
    }
    // Nothing was written, not even the valid half of a mixed patch.
    expect(readFileSync(settingsPath(server.home), 'utf8')).toBe(before);
  });

  it('reads a bad model written into settings.json (by hand, by an older Eidos) as no choice, so the engine still opens', async () => {
    const file = settingsPath(server.home);
    const saved = readFileSync(file, 'utf8');
    try {
      const stored = JSON.parse(saved) as Record<string, unknown>;
      writeFileSync(file, JSON.stringify({ ...stored, model: '../../../../etc', theme: 'purple', defaultTop: 0 }));
      const settings = JSON.parse((await server.post('getSettings', {})).body) as Record<string, unknown>;
      expect(settings).toMatchObject({ model: '', theme: 'system', defaultTop: 100 });
      // Changing the provider reopens the engine, as a restart would: it opens on the installed model.
      expect((await server.post('setSettings', { executionProvider: 'cpu' })).status).toBe(200);
      const status = JSON.parse((await server.post('status', {})).body) as { ready: boolean; model?: { id: string } };
      expect(status).toMatchObject({ ready: true, model: { id: 'synthetic-tiny' } });
      await searchWorks();
    } finally {
      writeFileSync(file, saved);
    }
  });
});

describe('eidos serve: folders', () => {
  it('refuses the data folder, a folder in it and system trees with 400 and the reason; the library is unchanged', async () => {
    const folders = (await server.post('listFolders', {})).body;
    const cases: Array<[string, RegExp]> = [
      [server.home, /is Eidos's own data folder/],
      [thumbnailsDir(server.home), /is inside .*, Eidos's own data folder/],
      [join(server.home, 'models'), /Eidos's own data folder/],
      ['/proc', /a system folder/],
      ['/etc', /a system folder/],
      ['/', /whole disk/],
    ];
    for (const [path, reason] of cases) {
      for (const [method, body] of [
        ['addFolder', { path }],
        ['startIndexing', { folders: [path] }],
      ] as const) {
        const answer = await server.post(method, body);
        expect(answer.status, `${method} ${path}`).toBe(400);
        expect(errorOf(answer).message, `${method} ${path}`).toMatch(reason);
      }
    }
    expect((await server.post('listFolders', {})).body).toBe(folders);
  });
});
