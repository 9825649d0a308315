import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The per-run secret every door of a running Eidos asks for: the loopback bridge (./guard.ts) and the
 * local socket beside it (./local-socket.ts). 256 bits from the OS CSPRNG, URL-safe, compared in
 * constant time so the comparison leaks nothing about how much of a guess was right.
 */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A test for `token`: true only for exactly that string. */
export function tokenMatcher(token: string): (candidate: string | null | undefined) => boolean {
  const expected = Buffer.from(token);
  return (candidate) => {
    if (!candidate) return false;
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
}
