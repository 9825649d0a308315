import type { ApiClient, ApiReply } from '../../../app/contract/api.ts';
import { createHttpClient } from '../../../app/contract/http-client.ts';

declare global {
  interface Window {
    /** Set by the Electron preload (main/preload.ts); absent when the UI runs in a browser. */
    eidos?: ApiClient;
  }
}

/** The desktop shell's API when present, else the loopback bridge the page was served from. */
export const api: ApiClient = window.eidos ?? createHttpClient();

/** Only the desktop shell can reveal or open files (the bridge refuses those methods). */
export const isDesktop: boolean = window.eidos !== undefined;

/** Unwraps a reply: the value, or throws an Error carrying the API's message and code. */
export async function call<T>(reply: Promise<ApiReply<T>>): Promise<T> {
  const answer = await reply;
  if (answer.ok) return answer.value;
  throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
}
