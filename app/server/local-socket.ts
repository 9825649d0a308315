/**
 * The holder's end of the local socket (./local-socket-wire.ts): while the app's engine or `eidos serve`
 * holds the index, `eidos index`, `status` and `search` in a terminal work through it instead of being
 * refused with INDEX_LOCKED. Only the user who runs Eidos can reach it: the socket lives in a 0700
 * folder of the data folder and is itself 0600 (Windows: a named pipe), and every connection must
 * first present the run's token, checked as the bridge checks it (./token.ts).
 *
 * A folder for the socket that is not already private to this user (another user's, a link, or one
 * left wider than 0700, into which anyone could have put an announcement or a socket) is set aside
 * and made afresh before anything in it is read.
 */
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ApiHandlers } from '../contract/api.ts';
import { callEngine, engineMethodNamed, toReply } from '../contract/dispatch.ts';
import { EidosError } from '../contract/errors.ts';
import { ensureDataDir } from '../paths.ts';
import { distrustPath, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../util/private-fs.ts';
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
  /** Hears what was found untrusted and set aside (serve prints it; stderr by default). */
  warn?: (message: string) => void;
}

/**
 * Listens beside the engine, or resolves to undefined when another live process already does (two
 * windows on one data folder: the first one answers). A dead holder's socket is cleaned up first.
 */
export async function listenLocalSocket(options: LocalSocketOptions): Promise<LocalSocket | undefined> {
  const { home, handlers, kind } = options;
  const token = options.token ?? newToken();
  const matches = tokenMatcher(token);
  const warn = options.warn ?? ((message: string) => void process.stderr.write(`${message}\n`));
  const path = socketPathFor(home, tmpdir());
  ensureDataDir(home);
  if (process.platform === 'win32') mkdirSync(runDir(home), { recursive: true });
  else {
    freshPrivateFolder(runDir(home), warn);
    if (dirname(path) !== runDir(home)) freshPrivateFolder(dirname(path), warn);
  }

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
  if (process.platform !== 'win32') chmodSync(path, PRIVATE_FILE_MODE);
  const info: HolderInfo = { pid: process.pid, host: hostname(), kind, token };
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

/**
 * Makes `dir` a folder of this user's that nobody else could have written to: kept when it already is
 * (0700, this user's, not a link), else set aside and created afresh, 0700. What was in a folder
 * another user could write to is never read: it might be an announcement or a socket planted there.
 */
function freshPrivateFolder(dir: string, warn: (message: string) => void): void {
  const problem = distrustPath(dir, 'folder', true);
  if (problem === undefined) return;
  if (problem !== 'missing') {
    const aside = setAside(dir, problem);
    warn(
      `eidos: ${dir} ${problem}, so what is in it cannot be trusted; it was made afresh` +
        (aside ? ` and the old one kept as ${aside} (remove it when you have looked at it).` : '.'),
    );
  }
  try {
    mkdirSync(dir, { mode: PRIVATE_DIR_MODE });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // Made by someone else between the two calls, or the umask kept bits the mode did not ask for: refused.
  const after = distrustPath(dir, 'folder', true);
  if (after !== undefined) {
    throw new EidosError(
      'FORBIDDEN',
      `The local socket's folder ${dir} ${after}; the CLI will not work through this process. Remove it, then start again.`,
      { file: dir },
    );
  }
}

/**
 * Moves an untrusted `dir` out of the way without following anything in it. A link or file is
 * unlinked. A folder is renamed aside, closed to others (when it is this user's), and emptied of what
 * can be unlinked: sub-folders are removed only when empty, never recursively, since another user
 * could swap one for a link meanwhile. Returns the aside folder when something stayed in it.
 */
function setAside(dir: string, problem: string): string | undefined {
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) {
    unlinkSync(dir);
    return undefined;
  }
  const aside = `${dir}.untrusted-${Date.now()}-${process.pid}`;
  try {
    renameSync(dir, aside);
  } catch (error) {
    throw new EidosError(
      'FORBIDDEN',
      `The local socket's folder ${dir} ${problem} and cannot be moved aside ` +
        `(${(error as NodeJS.ErrnoException).code}); the CLI will not work through this process. Ask its owner, or an administrator, to remove it.`,
      { file: dir, cause: error },
    );
  }
  const attempt = (work: () => void): void => {
    try {
      work();
    } catch {
      // left in place: another user's folder, or a folder with something in it
    }
  };
  if (stat.uid === process.getuid?.()) attempt(() => chmodSync(aside, PRIVATE_DIR_MODE));
  attempt(() => {
    for (const name of readdirSync(aside)) {
      const entry = join(aside, name);
      attempt(() => (lstatSync(entry).isDirectory() ? rmdirSync(entry) : unlinkSync(entry)));
    }
  });
  attempt(() => rmdirSync(aside));
  return distrustPath(aside, 'folder') === 'missing' ? undefined : aside;
}

/** Writes the announcement whole (a reader never sees half of it), readable by this user only. */
function announce(home: string, info: HolderInfo): void {
  const file = holderInfoPath(home);
  const partial = `${file}.${process.pid}.partial`;
  rmSync(partial, { force: true });
  writeFileSync(partial, JSON.stringify(info), { mode: PRIVATE_FILE_MODE, flag: 'wx' });
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
