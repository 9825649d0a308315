import type { IncomingMessage } from 'node:http';
import { EidosError } from '../contract/errors.ts';
import { newToken, tokenMatcher } from './token.ts';

/**
 * Who may talk to the bridge. A request is admitted only when
 *  - its `Host` is our loopback address and port (a DNS-rebinding page arrives with its own host name);
 *  - its `Origin`, when present, is exactly our origin, and `Sec-Fetch-Site`, when present, is
 *    `same-origin` or `none` (another site — or another port on localhost, which counts as the same
 *    *site* for cookies — can neither call the API nor embed our photos);
 *  - it carries the per-run token: an `Authorization: Bearer` header (scripts, tests) or the cookie
 *    set when the printed URL was opened (every cookie of that name is tried, so a decoy another
 *    localhost page sets beside ours, e.g. with a longer Path, does not hide it). The `?token=` form is accepted only for a top-level page load,
 *    which is answered by setting the cookie and redirecting to `/`, so the token does not stay in
 *    the address bar, history or a `Referer`.
 */
export interface Guard {
  token: string;
  cookieName: string;
  /** Throws `FORBIDDEN` for a foreign host or origin. */
  checkOrigin(request: IncomingMessage): void;
  /** True when the header or cookie carries the token. */
  hasToken(request: IncomingMessage): boolean;
  /** True when `candidate` is the token (constant time). */
  matches(candidate: string | null | undefined): boolean;
}

export function createGuard(port: number, token: string = newToken()): Guard {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origins = new Set([...hosts].map((host) => `http://${host}`));
  // Cookies are not isolated by port, so the name carries it: two bridges never overwrite each other.
  const cookieName = `eidos_token_${port}`;

  const matches = tokenMatcher(token);

  return {
    token,
    cookieName,
    matches,
    checkOrigin(request) {
      const host = request.headers.host;
      if (host === undefined || !hosts.has(host.toLowerCase())) {
        throw new EidosError(
          'FORBIDDEN',
          `Refused a request for host '${host ?? ''}': the bridge answers only ${[...hosts].join(' and ')}.`,
        );
      }
      const origin = request.headers.origin;
      if (origin !== undefined && !origins.has(origin.toLowerCase())) {
        throw new EidosError(
          'FORBIDDEN',
          `Refused a request from origin '${origin}': only the Eidos page itself may call the bridge.`,
        );
      }
      const site = request.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin' && site !== 'none') {
        throw new EidosError('FORBIDDEN', `Refused a ${site} request: only the Eidos page itself may call the bridge.`);
      }
    },
    hasToken(request) {
      const auth = request.headers.authorization;
      if (auth?.startsWith('Bearer ') && matches(auth.slice('Bearer '.length))) return true;
      // Every cookie of our name is tried: a page on another localhost port shares our cookie jar
      // (cookies ignore ports) and can set a decoy of the same name that the browser sends first.
      return readCookies(request.headers.cookie, cookieName).some((value) => matches(value));
    },
  };
}

/** The values of every cookie named `name` in a `Cookie` header, in the order sent. */
function readCookies(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) values.push(part.slice(eq + 1).trim());
  }
  return values;
}

/** `Set-Cookie` value: not readable by scripts, never sent by another site, gone when the browser closes. */
export function tokenCookie(guard: Guard): string {
  return `${guard.cookieName}=${guard.token}; HttpOnly; SameSite=Strict; Path=/`;
}
