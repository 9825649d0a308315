/**
 * The CLI's end of the local socket (./local-socket-wire.ts): finds the process that holds the index,
 * if one runs, and calls the contract through it. Loads nothing of the engine (no SQLite, no addon, no
 * onnxruntime), so asking "is someone holding the index?" costs a file read and a connect.
 */
import { readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { ApiEvent, ArgsOf, EngineMethod, ResultOf } from '../contract/api.ts';
import { EidosError, HTTP_STATUS, type ErrorCode } from '../contract/errors.ts';
import { processAlive } from '../util/process-alive.ts';
import {
  holderInfoPath,
  holderName,
  line,
  readLines,
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

/** How long the holder may take to answer the hello: it answers from its event loop, which a long job does not block for longer. */
const HELLO_TIMEOUT_MS = 10_000;

/**
 * Connects to the holder of `home`'s index, or resolves to undefined when none runs. An announcement
 * left by a process that died (its pid is gone, or nothing listens on its socket any more) is removed.
 * Rejects with FORBIDDEN when the holder refuses the token.
 */
export async function connectHolder(
  home: string,
  options: { events?: boolean } = {},
): Promise<HolderConnection | undefined> {
  const info = readHolderInfo(home);
  if (info === undefined || info.host !== hostname()) return undefined;
  if (!processAlive(info.pid)) {
    removeAnnouncement(home, info);
    return undefined;
  }
  let socket: Socket;
  try {
    socket = await open(info.socket);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Refused or gone: a killed holder's socket (its pid now reused by something else). Anything else
    // (EACCES…) is not ours to clean; the command then runs alone and says what blocks it.
    if (code === 'ECONNREFUSED' || code === 'ENOENT') removeAnnouncement(home, info);
    return undefined;
  }
  return handshake(socket, info, options.events ?? false);
}

/** The announcement, or undefined when there is none (or it is unreadable, which the holder's next start rewrites). */
export function readHolderInfo(home: string): HolderInfo | undefined {
  let text: string;
  try {
    text = readFileSync(holderInfoPath(home), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const info = JSON.parse(text) as Partial<HolderInfo>;
    if (
      typeof info.pid === 'number' &&
      typeof info.host === 'string' &&
      typeof info.socket === 'string' &&
      typeof info.token === 'string' &&
      (info.kind === 'serve' || info.kind === 'app')
    )
      return info as HolderInfo;
  } catch {
    // falls through: not an announcement
  }
  return undefined;
}

/**
 * Removes a holder's announcement and socket (a dead one's, found by a client; or its own, when it
 * closes), unless another holder has announced itself meanwhile.
 */
export function removeAnnouncement(home: string, info: HolderInfo): void {
  if (readHolderInfo(home)?.token !== info.token) return;
  rmSync(holderInfoPath(home), { force: true });
  if (process.platform !== 'win32') {
    rmSync(info.socket, { force: true });
    // The fallback folder under the temporary folder (see socketPathFor) goes with its socket.
    if (!info.socket.startsWith(dirname(holderInfoPath(home))))
      rmSync(dirname(info.socket), { recursive: true, force: true });
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
