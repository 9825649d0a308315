import type { ApiClient, ApiReply, DesktopShell } from '../../../app/contract/api.ts';
import { createHttpClient } from '../../../app/contract/http-client.ts';

declare global {
  interface Window {
    /** Set by the Electron preload (main/preload.ts); absent when the UI runs in a browser. */
    eidos?: ApiClient;
    /** Set by the same preload: the platform and dropped files' paths. */
    eidosDesktop?: DesktopShell;
  }
}

/** The desktop shell's API when present, else the loopback bridge the page was served from. */
export const api: ApiClient = window.eidos ?? createHttpClient();

/** The desktop shell, when the page runs in it; only then are its actions (Finder, dialogs) offered. */
export const desktop: DesktopShell | undefined = window.eidos ? window.eidosDesktop : undefined;

/** Only the desktop shell can reveal or open files (the bridge refuses those methods). */
export const isDesktop: boolean = desktop !== undefined;

/** Unwraps a reply: the value, or throws an Error carrying the API's message and code. */
export async function call<T>(reply: Promise<ApiReply<T>>): Promise<T> {
  const answer = await reply;
  if (answer.ok) return answer.value;
  throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
}
