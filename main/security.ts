import type { App, Session, WebContents, WebFrameMain } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../app/service/security-headers.ts';

/**
 * The Electron security rules (https://www.electronjs.org/docs/latest/tutorial/security) that are
 * not window options: who counts as our page, CSP, navigation, new windows, permissions, webviews.
 *
 * The UI is served from the privileged custom scheme `eidos://app/` (never `file://`). Note that a
 * WHATWG URL parser gives every non-special scheme the opaque origin "null", so comparing `.origin`
 * strings would make *any* custom-scheme page equal to ours; we compare protocol and host instead.
 */
export const APP_SCHEME = 'eidos';
export const APP_HOST = 'app';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** True only for URLs of our own UI. */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === ''
  );
}

/** IPC senders must be the top frame of one of our pages (not an iframe, not another page). */
export function validateSender(frame: WebFrameMain | null | undefined): boolean {
  return frame != null && frame.parent === null && isAppUrl(frame.url);
}

/** Session-wide rules: every permission denied, the CSP header on everything the session loads. */
export function hardenSession(session: Session): void {
  // Electron approves every permission request by default; Eidos needs none (no camera, no geolocation…).
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

/** Per-page rules: no navigation away from our UI, no new windows. */
export function hardenWebContents(contents: WebContents): void {
  const denyForeign = (event: { preventDefault(): void }, url: string): void => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', (event) => denyForeign(event, event.url));
  contents.on('will-redirect', (event) => denyForeign(event, event.url));
  contents.on('will-frame-navigate', (event) => denyForeign(event, event.url));
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Applies the per-page rules to every page ever created, and refuses `<webview>` outright. */
export function hardenApp(app: App): void {
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents);
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}
