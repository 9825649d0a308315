/**
 * The local socket beside a running Eidos (the app's engine or `eidos serve`), as both ends see it:
 * where it is, the file that announces it, and the messages on it. The holder of the index listens
 * (./local-socket.ts); `eidos index`, `status` and `search` connect (./local-socket-client.ts) and make
 * the same contract calls the page makes over the bridge, answered by the same dispatch.
 *
 * On the wire: one JSON object per line, UTF-8. The client's first line is a hello with the run's
 * token; after the welcome it sends calls and receives replies (in the contract's `ApiReply` shape)
 * and, when the hello asked for them, the engine's events.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ApiEvent, ApiReply } from '../contract/api.ts';

/** Who holds the index: named in messages ("eidos serve (pid 123)"). */
export type HolderKind = 'serve' | 'app';

/**
 * `run/holder.json` in the data folder (mode 0600): who holds the index, and the token it asks for.
 * It names no path: where the socket is follows from the data folder alone (socketPathFor), so a
 * planted announcement cannot send the CLI, or its clean-up, anywhere else.
 */
export interface HolderInfo {
  pid: number;
  /** The machine it runs on: a data folder on a shared disk may be announced by a process elsewhere, which is neither reachable nor checkable from here. */
  host: string;
  kind: HolderKind;
  token: string;
}

export type ClientMessage =
  { type: 'hello'; token: string; events: boolean } | { type: 'call'; id: number; method: string; args: unknown };

export type ServerMessage =
  | { type: 'welcome'; pid: number }
  | { type: 'refused'; error: { code: string; message: string } }
  | { type: 'reply'; id: number; reply: ApiReply<unknown> }
  | { type: 'event'; event: ApiEvent };

/**
 * A Unix socket's path must fit in `sun_path` (104 bytes on macOS, 108 on Linux); a data folder deeper
 * than that keeps its socket in a private folder under the system's temporary folder instead.
 */
const MAX_SOCKET_PATH = 100;

/**
 * The private folder (0700) that holds the socket and the announcement. Made by the holder before it
 * listens, so the socket is never reachable by another user, not even in the moment between its
 * creation and its chmod to 0600. Both ends trust it only while it is this user's and nobody else can
 * write to it (./local-socket-client.ts).
 */
export const runDir = (home: string): string => join(home, 'run');
export const holderInfoPath = (home: string): string => join(runDir(home), 'holder.json');

/** Where the holder of `home` listens: a named pipe on Windows, else a Unix socket file. */
export function socketPathFor(home: string, tmp: string): string {
  const key = createHash('sha256').update(home).digest('hex').slice(0, 16);
  if (process.platform === 'win32') return `\\\\.\\pipe\\eidos-${key}`;
  const inHome = join(runDir(home), 'eidos.sock');
  return Buffer.byteLength(inHome) <= MAX_SOCKET_PATH ? inHome : join(tmp, `eidos-${key}`, 'eidos.sock');
}

/** A holder's name for messages: `eidos serve (pid 123)`. */
export const holderName = (info: Pick<HolderInfo, 'kind' | 'pid'>): string =>
  `${info.kind === 'serve' ? 'eidos serve' : 'the Eidos app'} (pid ${info.pid})`;

/** Splits a byte stream into lines and hands each parsed message on; a line that is not JSON is `undefined`. */
export function readLines(
  stream: NodeJS.ReadableStream,
  onMessage: (message: unknown) => void,
  maxLineBytes = Number.POSITIVE_INFINITY,
  onTooLong: () => void = () => {},
): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        message = undefined;
      }
      onMessage(message);
      newline = buffered.indexOf('\n');
    }
    // Characters, not bytes: cheap on every chunk, and never more than the bytes they came from.
    if (buffered.length > maxLineBytes) {
      buffered = '';
      onTooLong();
    }
  });
}

export const line = (message: ClientMessage | ServerMessage): string => `${JSON.stringify(message)}\n`;
