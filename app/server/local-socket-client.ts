/**
 * The CLI's end of the local socket (./local-socket-wire.ts): finds the process that holds the index,
 * if one runs, and calls the contract through it. Loads nothing of the engine (no SQLite, no addon, no
 * onnxruntime), so asking "is someone holding the index?" costs a file read and a connect.
 *
 * The announcement is trusted only when `run/` and `holder.json` are this user's and nobody else can
 * write to them (../util/private-fs.ts); anything else is ignored and reported. The file names no path:
 * the socket is where the data folder says (socketPathFor), so nothing it says is ever connected to or
 * deleted, and a stale socket's clean-up unlinks one entry and removes an empty folder, never a tree.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { dirname } from 'node:path';
import type { ApiEvent, ArgsOf, EngineMethod, ResultOf } from '../contract/api.ts';
import { EidosError, HTTP_STATUS, type ErrorCode } from '../contract/errors.ts';
import { processAlive } from '../util/process-alive.ts';
import { distrust, distrustPath } from '../util/private-fs.ts';
import {
  holderInfoPath,
  holderName,
  line,
  readLines,
  runDir,
  socketPathFor,
  type HolderInfo,
  type ServerMessage,
} from './local-socket-wire.ts';

export { holderName };

export interface HolderConnection {
  /** Who answers: its pid and kind (serve or the app), for messages. */
  readonly holder: Pick<HolderInfo, 'pid' | 'kind'>;
  /** One contract call, answered by the holder's engine; its error arrives as the same EidosError. */
  call<M extends EngineMethod>(method: M, args: ArgsOf<M>): Promise<ResultOf<M>>;
  /** Calls `listener` for every engine event (when connected with `events: true`) until the returned function is called. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
  /** Resolves when the connection ends (the holder quit, or `close`). */
  readonly closed: Promise<void>;
  close(): void;
}

export interface ConnectOptions {
  /** Ask for the engine's events as well (index progress). */
  events?: boolean;
  /** Hears why an announcement or socket was not trusted (the CLI prints it on stderr). */
  warn?: (message: string) => void;
}

/** How long the holder may take to answer the hello: it answers from its event loop, which a long job does not block for longer. */
const HELLO_TIMEOUT_MS = 10_000;

const toStderr = (message: string): void => void process.stderr.write(`${message}\n`);

/**
 * Connects to the holder of `home`'s index, or resolves to undefined when none runs (or none can be
 * trusted: then `warn` hears why). An announcement left by a process that died (its pid is gone, or
 * nothing listens on its socket any more) is removed. Rejects with FORBIDDEN when the holder refuses
 * the token.
 */
export async function connectHolder(home: string, options: ConnectOptions = {}): Promise<HolderConnection | undefined> {
  const warn = options.warn ?? toStderr;
  const found = readAnnouncement(home);
  if (found.state === 'ignored') {
    warn(ignoredMessage(found.reason));
    return undefined;
  }
  if (found.state === 'none' || found.info.host !== hostname()) return undefined;
  const { info } = found;
  if (!processAlive(info.pid)) {
    removeAnnouncement(home, info);
    return undefined;
  }
  const path = socketPathFor(home, tmpdir());
  const problem = socketDistrust(home, path);
  if (problem !== undefined) {
    warn(ignoredMessage(problem));
    return undefined;
  }
  let socket: Socket;
  try {
    socket = await open(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Refused or gone: a killed holder's socket (its pid now reused by something else). Anything else
    // (EACCES…) is not ours to clean; the command then runs alone and says what blocks it.
    if (code === 'ECONNREFUSED' || code === 'ENOENT') removeAnnouncement(home, info);
    return undefined;
  }
  return handshake(socket, info, options.events ?? false);
}

const ignoredMessage = (reason: string): string =>
  `eidos: ${reason}, so another user may have put it there; it is ignored and this command runs on its own.`;

/** What `run/holder.json` says, once `run/` and the file are found to be this user's alone. */
export type Announcement =
  { state: 'none' } | { state: 'ignored'; reason: string } | { state: 'found'; info: HolderInfo };

export function readAnnouncement(home: string): Announcement {
  const dir = runDir(home);
  const file = holderInfoPath(home);
  // Examined before it is opened (another user's file may not even be readable, and says so more clearly) …
  const fileProblem = distrustPath(file, 'file');
  if (fileProblem === 'missing') return { state: 'none' };
  const dirProblem = distrustPath(dir, 'folder');
  if (dirProblem !== undefined) return { state: 'ignored', reason: `${dir} ${dirProblem}` };
  if (fileProblem !== undefined) return { state: 'ignored', reason: `${file} ${fileProblem}` };
  let text: string;
  let fd: number;
  try {
    // … and again once open: O_NOFOLLOW refuses a link in the open itself (ELOOP), and fstat describes the file read.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: 'none' };
    return {
      state: 'ignored',
      reason: `${file} ${code === 'ELOOP' ? 'is a symbolic link' : `cannot be read (${code})`}`,
    };
  }
  try {
    const problem = distrust(fstatSync(fd), 'file');
    if (problem !== undefined) return { state: 'ignored', reason: `${file} ${problem}` };
    text = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  const info = parseInfo(text);
  // Unparsable: half of an old write, which the holder's next start rewrites.
  return info ? { state: 'found', info } : { state: 'none' };
}

/** The announcement when there is a trusted one, else undefined. */
export function readHolderInfo(home: string): HolderInfo | undefined {
  const found = readAnnouncement(home);
  return found.state === 'found' ? found.info : undefined;
}

function parseInfo(text: string): HolderInfo | undefined {
  try {
    const info = JSON.parse(text) as Partial<HolderInfo>;
    if (
      typeof info.pid === 'number' &&
      Number.isSafeInteger(info.pid) &&
      info.pid > 0 &&
      typeof info.host === 'string' &&
      typeof info.token === 'string' &&
      (info.kind === 'serve' || info.kind === 'app')
    )
      return { pid: info.pid, host: info.host, kind: info.kind, token: info.token };
  } catch {
    // falls through: not an announcement
  }
  return undefined;
}

/**
 * Why the socket at `path` (socketPathFor) is not to be trusted, or undefined. In `run/` the folder
 * was checked with the announcement; the fallback folder under the temporary folder is checked here.
 * The socket itself, when present, must be this user's and not a link.
 */
function socketDistrust(home: string, path: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  const folder = dirname(path);
  if (folder !== runDir(home)) {
    const problem = distrustPath(folder, 'folder');
    if (problem === 'missing') return undefined; // connecting finds nothing and cleans up
    if (problem !== undefined) return `${folder} ${problem}`;
  }
  const problem = distrustPath(path, 'entry');
  return problem === 'missing' || problem === undefined ? undefined : `${path} ${problem}`;
}

/**
 * Removes a holder's announcement and socket (a dead one's, found by a client; or its own, when it
 * closes), unless another holder has announced itself meanwhile. Only what this user owns is touched:
 * the announcement, the socket entry at the computed path, and the fallback folder when it is empty.
 */
export function removeAnnouncement(home: string, info: HolderInfo): void {
  const current = readAnnouncement(home);
  if (current.state !== 'found' || current.info.token !== info.token) return;
  rmSync(holderInfoPath(home), { force: true });
  if (process.platform === 'win32') return;
  const path = socketPathFor(home, tmpdir());
  const folder = dirname(path);
  const inRun = folder === runDir(home);
  if (!inRun && distrustPath(folder, 'folder') !== undefined) return;
  if (distrustPath(path, 'entry') === undefined) rmSync(path, { force: true });
  if (!inRun) {
    try {
      rmdirSync(folder); // only an empty folder goes; anything else in it is left for its owner to see
    } catch {
      // not empty, or gone already
    }
  }
}

const open = (path: string): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });

const toError = (error: { code: string; message: string }): EidosError =>
  new EidosError(Object.hasOwn(HTTP_STATUS, error.code) ? (error.code as ErrorCode) : 'INTERNAL', error.message);

function handshake(socket: Socket, info: HolderInfo, events: boolean): Promise<HolderConnection> {
  const name = holderName(info);
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  const listeners = new Set<(event: ApiEvent) => void>();
  let nextId = 1;
  let welcomed: ((value: HolderConnection) => void) | undefined;
  let refused: ((error: unknown) => void) | undefined;
  const gone = (): EidosError =>
    new EidosError(
      'INTERNAL',
      `${name}, which holds the index, stopped answering (did it quit?); run the command again.`,
    );

  const closed = new Promise<void>((resolve) => {
    socket.on('close', () => {
      for (const { reject } of pending.values()) reject(gone());
      pending.clear();
      refused?.(gone());
      resolve();
    });
  });
  socket.on('error', () => socket.destroy());

  const connection: HolderConnection = {
    holder: { pid: info.pid, kind: info.kind },
    call(method, args) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        if (socket.destroyed) return reject(gone());
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        socket.write(line({ type: 'call', id, method, args }));
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    closed,
    close: () => socket.end(),
  };

  readLines(socket, (raw) => {
    const message = raw as ServerMessage | undefined;
    if (message?.type === 'welcome') {
      welcomed?.(connection);
      welcomed = refused = undefined;
    } else if (message?.type === 'refused') {
      refused?.(toError(message.error));
      welcomed = refused = undefined;
      socket.destroy();
    } else if (message?.type === 'reply') {
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (message.reply.ok) waiting?.resolve(message.reply.value);
      else waiting?.reject(toError(message.reply.error));
    } else if (message?.type === 'event') {
      for (const listener of listeners) listener(message.event);
    }
  });

  return new Promise<HolderConnection>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new EidosError('INTERNAL', `${name} holds the index but did not answer within ${HELLO_TIMEOUT_MS / 1000} s.`),
      );
      socket.destroy();
    }, HELLO_TIMEOUT_MS);
    welcomed = (value) => {
      clearTimeout(timer);
      resolve(value);
    };
    refused = (error) => {
      clearTimeout(timer);
      reject(error);
    };
    socket.write(line({ type: 'hello', token: info.token, events }));
  });
}
