/**
 * The holder's end of the local socket (./local-socket-wire.ts): while the app's engine or `eidos serve`
 * holds the index, `eidos index`, `status` and `search` in a terminal work through it instead of being
 * refused with INDEX_LOCKED. Only the user who runs Eidos can reach it: the socket lives in a 0700
 * folder of the data folder and is itself 0600 (Windows: a named pipe), and every connection must
 * first present the run's token, checked as the bridge checks it (./token.ts).
 */
import { chmodSync, lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { dirname } from 'node:path';
import type { ApiHandlers } from '../contract/api.ts';
import { callEngine, engineMethodNamed, toReply } from '../contract/dispatch.ts';
import { EidosError } from '../contract/errors.ts';
import { MAX_BODY_BYTES } from './bridge.ts';
import { connectHolder, removeAnnouncement } from './local-socket-client.ts';
import {
  holderInfoPath,
  line,
  readLines,
  runDir,
  socketPathFor,
  type HolderInfo,
  type HolderKind,
  type ServerMessage,
} from './local-socket-wire.ts';
import { newToken, tokenMatcher } from './token.ts';

export interface LocalSocket {
  /** The socket file (or pipe name) it listens on. */
  path: string;
  close(): Promise<void>;
}

export interface LocalSocketOptions {
  home: string;
  handlers: ApiHandlers;
  kind: HolderKind;
  /** The run's token (serve passes the bridge's, so one secret guards both doors); a fresh one by default. */
  token?: string;
}

/**
 * Listens beside the engine, or resolves to undefined when another live process already does (two
 * windows on one data folder: the first one answers). A dead holder's socket is cleaned up first.
 */
export async function listenLocalSocket(options: LocalSocketOptions): Promise<LocalSocket | undefined> {
  const { home, handlers, kind } = options;
  const token = options.token ?? newToken();
  const matches = tokenMatcher(token);
  const path = socketPathFor(home, tmpdir());
  privateDir(runDir(home));
  if (dirname(path) !== runDir(home) && process.platform !== 'win32') privateDir(dirname(path));

  // connectHolder removes a dead holder's files; a live one keeps its socket and we stay quiet.
  const other = await connectHolder(home).catch(() => undefined);
  if (other) {
    other.close();
    return undefined;
  }
  if (process.platform !== 'win32') rmSync(path, { force: true });

  const connections = new Set<Socket>();
  const server = createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    serveConnection(socket, handlers, matches);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Serving the CLI never keeps a process alive by itself: the app or serve decides when it ends.
  server.unref();
  // The folder is 0700 already, so this only narrows what nobody else could reach anyway.
  if (process.platform !== 'win32') chmodSync(path, 0o600);
  const info: HolderInfo = { pid: process.pid, host: hostname(), kind, socket: path, token };
  announce(home, info);

  const removeFiles = (): void => removeAnnouncement(home, info);
  // A normal exit takes the files along; after a kill -9 the next client finds them stale and removes them.
  process.once('exit', removeFiles);
  return {
    path,
    close: () =>
      closeServer(server, connections).then(() => {
        process.off('exit', removeFiles);
        removeFiles();
      }),
  };
}

/** A folder only this user can enter: created 0700, and narrowed to 0700 if it was left wider. */
function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const stat = lstatSync(dir);
  if (!stat.isDirectory() || (process.getuid && stat.uid !== process.getuid())) {
    throw new EidosError('FORBIDDEN', `${dir} is not a folder of this user; the local socket is not opened there.`, {
      file: dir,
    });
  }
  if ((stat.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/** Writes the announcement whole (a reader never sees half of it), readable by this user only. */
function announce(home: string, info: HolderInfo): void {
  const file = holderInfoPath(home);
  const partial = `${file}.${process.pid}.partial`;
  rmSync(partial, { force: true });
  writeFileSync(partial, JSON.stringify(info), { mode: 0o600, flag: 'wx' });
  renameSync(partial, file);
}

function serveConnection(socket: Socket, handlers: ApiHandlers, matches: (token: string) => boolean): void {
  let admitted = false;
  let unsubscribe: (() => void) | undefined;
  const send = (message: ServerMessage): void => {
    if (socket.writable) socket.write(line(message));
  };
  const refuse = (error: EidosError): void => {
    send({ type: 'refused', error: { code: error.code, message: error.message } });
    socket.end();
  };
  socket.on('error', () => socket.destroy());
  socket.on('close', () => unsubscribe?.());

  readLines(
    socket,
    (raw) => {
      const message = raw as Record<string, unknown> | undefined;
      if (!admitted) {
        if (message?.type !== 'hello' || typeof message.token !== 'string' || !matches(message.token)) {
          refuse(new EidosError('FORBIDDEN', 'Missing or wrong token for the local socket of this Eidos process.'));
          return;
        }
        admitted = true;
        if (message.events === true) unsubscribe = handlers.subscribe((event) => send({ type: 'event', event }));
        send({ type: 'welcome', pid: process.pid });
        return;
      }
      if (message?.type !== 'call' || typeof message.id !== 'number' || typeof message.method !== 'string') {
        refuse(new EidosError('BAD_ARGUMENT', 'Expected a call: {"type":"call","id":…,"method":…,"args":…}.'));
        return;
      }
      const { id, method, args } = message;
      void toReply(() => callEngine(handlers, engineMethodNamed(method), args)).then((reply) =>
        send({ type: 'reply', id, reply }),
      );
    },
    MAX_BODY_BYTES,
    () => refuse(new EidosError('TOO_LARGE', `A message over ${MAX_BODY_BYTES} bytes; calls are small JSON objects.`)),
  );
}

function closeServer(server: Server, connections: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const socket of connections) socket.destroy();
  });
}
