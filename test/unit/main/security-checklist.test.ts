import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { WebContents } from 'electron';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { tableMedia } from '../../helpers/fake-handlers.ts';

/**
 * The Electron security checklist (https://www.electronjs.org/docs/latest/tutorial/security, as
 * summarised in docs/platform-notes.md), item by item, for what the other main-process tests leave
 * open; `electron` is mocked. Items covered elsewhere: 5 permissions and 7 the session CSP
 * (security.test.ts), 17 IPC senders (ipc.test.ts), fuses (packaging.test.ts), sandbox before ready
 * (main.test.ts). Items 1 and 16 (secure content, current Electron) are the scheme and the lockfile.
 */
const registered = vi.hoisted(() => [] as Array<{ scheme: string; privileges: Record<string, boolean> }>);
vi.mock('electron', () => ({
  BrowserWindow: class {},
  protocol: { registerSchemesAsPrivileged: (schemes: typeof registered) => registered.push(...schemes) },
}));

const { secureWebPreferences } = await import('../../../main/windows.ts');
const { hardenWebContents, APP_ENTRY_URL } = await import('../../../main/security.ts');
const { appProtocolResponse, registerAppScheme } = await import('../../../main/protocol.ts');
const MAIN_DIR = resolve(import.meta.dirname, '../../../main');

describe('checklist 2–4, 6, 8–12: window options', () => {
  const preferences = secureWebPreferences('/x/preload.cjs') as Record<string, unknown>;

  it.each([
    [
      '2 no Node.js integration, also not in workers or subframes',
      { nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false },
    ],
    ['3 context isolation', { contextIsolation: true }],
    ['4 process sandbox', { sandbox: true }],
    ['6 web security on', { webSecurity: true }],
    ['8 no insecure content', { allowRunningInsecureContent: false }],
    ['9 no experimental features', { experimentalFeatures: false }],
    ['11/12 no <webview>', { webviewTag: false }],
    ['13 a dropped file does not navigate the window', { navigateOnDragDrop: false }],
  ])('%s', (_item, expected) => {
    expect(preferences).toMatchObject(expected);
  });

  it('10 enables no Blink features and switches off nothing security-related', () => {
    expect(Object.keys(preferences)).not.toContain('enableBlinkFeatures');
    expect(Object.keys(preferences)).not.toContain('disableBlinkFeatures');
    expect(Object.keys(preferences)).not.toContain('additionalArguments');
  });
});

describe('checklist 13–14: navigation and new windows', () => {
  function harden(): { navigate(event: string, url: string): boolean; open(url: string): unknown } {
    const emitter = new EventEmitter();
    let openHandler: ((details: { url: string }) => unknown) | undefined;
    hardenWebContents(
      Object.assign(emitter, {
        setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h),
      }) as unknown as WebContents,
    );
    return {
      navigate: (event, url) => {
        const preventDefault = vi.fn();
        emitter.emit(event, { url, preventDefault });
        return preventDefault.mock.calls.length > 0;
      },
      open: (url) => openHandler?.({ url }),
    };
  }

  it('blocks navigation to script, data, blank, file and look-alike addresses', () => {
    const page = harden();
    const foreign = [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'about:blank',
      'file:///etc/passwd',
      'eidos://app.evil.example/index.html',
      'eidos://app:8080/index.html',
      'eidos://user:pass@app/index.html',
      'eidos://evil.example/eidos://app/',
      'http://app/index.html',
      'eidos:/app/index.html',
    ];
    for (const url of foreign) {
      for (const event of ['will-navigate', 'will-redirect', 'will-frame-navigate'])
        expect(page.navigate(event, url), `${event} ${url}`).toBe(true);
    }
    expect(page.navigate('will-navigate', APP_ENTRY_URL)).toBe(false);
  });

  it('denies window.open for every address, our own included', () => {
    const page = harden();
    for (const url of [APP_ENTRY_URL, 'https://example.com/', 'javascript:alert(1)', 'about:blank'])
      expect(page.open(url)).toEqual({ action: 'deny' });
  });
});

describe('checklist 15: no shell.openExternal', () => {
  it('no main-process source calls openExternal (only openPath/showItemInFolder on checked photos)', () => {
    const sources = readdirSync(MAIN_DIR).filter((name) => name.endsWith('.ts'));
    expect(sources.length).toBeGreaterThan(5);
    for (const name of sources) expect(readFileSync(join(MAIN_DIR, name), 'utf8'), name).not.toMatch(/openExternal/);
  });
});

describe('checklist 7 and 18: the eidos:// scheme', () => {
  let options: Parameters<typeof appProtocolResponse>[1];

  beforeAll(() => {
    const base = mkdtempSync(join(tmpdir(), 'eidos-checklist-'));
    const ui = join(base, 'ui');
    const library = join(base, 'library');
    mkdirSync(ui);
    mkdirSync(library);
    writeFileSync(join(ui, 'index.html'), '<!doctype html>');
    writeFileSync(join(library, 'a.jpg'), 'JPEG');
    options = { staticDir: ui, media: tableMedia({ a: join(library, 'a.jpg') }, [library]) };
  });

  const get = (url: string, init?: RequestInit) => appProtocolResponse(new Request(url, init), options);

  it('is privileged as standard and secure only: no CSP bypass, no CORS, no service workers', () => {
    registerAppScheme();
    const privileges = registered[0]?.privileges ?? {};
    for (const dangerous of ['bypassCSP', 'corsEnabled', 'allowServiceWorkers', 'codeCache'])
      expect(privileges[dangerous], dangerous).toBeFalsy();
    expect(APP_ENTRY_URL.startsWith('eidos://app/')).toBe(true);
  });

  it('sends a CSP with every response: the UI, a photo, and a refusal', async () => {
    const page = await get('eidos://app/index.html');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'.*script-src 'self'/);
    const photo = await get('eidos://app/media/a/original');
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-security-policy')).toMatch(/sandbox/);
    for (const refused of [
      await get('eidos://app/media/zz/original'),
      await get('eidos://app/%2e%2e/x'),
      await get('eidos://app/index.html', { method: 'POST', body: 'x' }),
    ]) {
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
      expect((await refused.json()) as unknown).toMatchObject({
        error: { code: expect.any(String), message: expect.any(String) },
      });
    }
  });
});
