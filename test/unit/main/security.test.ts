import { EventEmitter } from 'node:events';
import type { App, Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({ windows: [] as { options: unknown; loadURL: ReturnType<typeof vi.fn> }[] }));
vi.mock('electron', () => ({
  BrowserWindow: class {
    loadURL = vi.fn(async () => undefined);
    once = vi.fn();
    constructor(readonly options: unknown) {
      electron.windows.push(this);
    }
  },
}));

const { APP_ENTRY_URL, hardenApp, hardenSession, hardenWebContents, isAppUrl, validateSender } =
  await import('../../../main/security.ts');
const { createMainWindow } = await import('../../../main/windows.ts');

function fakeContents() {
  const emitter = new EventEmitter();
  let openHandler: ((details: { url: string }) => unknown) | undefined;
  const contents = Object.assign(emitter, {
    setWindowOpenHandler: (handler: (details: { url: string }) => unknown) => (openHandler = handler),
  });
  const navigate = (event: string, url: string): boolean => {
    const preventDefault = vi.fn();
    emitter.emit(event, { url, preventDefault });
    return preventDefault.mock.calls.length > 0;
  };
  return { contents: contents as unknown as WebContents, navigate, open: (url: string) => openHandler?.({ url }) };
}

describe('trusted URLs and senders', () => {
  it('recognises only our scheme and host, by parsed URL', () => {
    expect(isAppUrl('eidos://app/index.html')).toBe(true);
    expect(isAppUrl('eidos://app/media/p1/thumb')).toBe(true);
    for (const url of [
      'eidos://evil/index.html',
      'eidos://app.evil/x',
      'eidos://user@app/x',
      'https://app/',
      'eidos-app://app/',
      'file:///index.html',
      'eidos:app',
      'not a url',
      'http://eidos://app/',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });

  it('accepts only the top frame of our page as an IPC sender', () => {
    expect(validateSender({ url: APP_ENTRY_URL, parent: null } as never)).toBe(true);
    expect(validateSender({ url: 'https://evil.example/', parent: null } as never)).toBe(false);
    expect(validateSender({ url: APP_ENTRY_URL, parent: {} } as never)).toBe(false);
    expect(validateSender(null)).toBe(false);
  });
});

describe('page rules', () => {
  it('denies navigation and redirects away from the UI, allows in-app navigation', () => {
    const { contents, navigate } = fakeContents();
    hardenWebContents(contents);
    expect(navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate('will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(navigate('will-frame-navigate', 'eidos://other/')).toBe(true);
    expect(navigate('will-navigate', 'eidos://app/index.html')).toBe(false);
  });

  it('denies every new window', () => {
    const { contents, open } = fakeContents();
    hardenWebContents(contents);
    expect(open('https://example.com')).toEqual({ action: 'deny' });
    expect(open('eidos://app/index.html')).toEqual({ action: 'deny' });
  });

  it('hardens every created page and refuses webviews', () => {
    const app = new EventEmitter();
    hardenApp(app as unknown as App);
    const { contents, open } = fakeContents();
    app.emit('web-contents-created', {}, contents);
    expect(open('https://example.com')).toEqual({ action: 'deny' });
    const preventDefault = vi.fn();
    (contents as unknown as EventEmitter).emit('will-attach-webview', { preventDefault });
    expect(preventDefault).toHaveBeenCalled();
  });
});

describe('session rules', () => {
  it('denies permissions and sets a strict CSP header on every response', () => {
    let request: ((c: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: (() => boolean) | undefined;
    let headers:
      ((details: unknown, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void) | undefined;
    const session = {
      setPermissionRequestHandler: (h: typeof request) => (request = h),
      setPermissionCheckHandler: (h: typeof check) => (check = h),
      webRequest: { onHeadersReceived: (h: typeof headers) => (headers = h) },
    };
    hardenSession(session as unknown as Session);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      const callback = vi.fn();
      request?.({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
    }
    expect(check?.()).toBe(false);
    let result: Record<string, string[]> = {};
    headers?.({ responseHeaders: { 'X-Other': ['1'] } }, (r) => (result = r.responseHeaders));
    const csp = result['Content-Security-Policy']?.[0] ?? '';
    expect(result['X-Other']).toEqual(['1']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });
});

describe('main window', () => {
  it('is isolated, sandboxed, without Node, with web security, and loads the app scheme', () => {
    createMainWindow('/x/preload.cjs');
    const [window] = electron.windows;
    expect((window?.options as { webPreferences: unknown }).webPreferences).toMatchObject({
      preload: '/x/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(window?.loadURL).toHaveBeenCalledWith('eidos://app/index.html');
  });
});
