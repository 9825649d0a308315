/**
 * A real `eidos serve` stack in this process — the engine-backed handlers (createEngineHandlers) behind
 * the loopback bridge (startBridge), exactly as app/server/serve-command.ts wires them — over a small
 * synthetic library indexed by the real CLI. Around the library sit the files an attacker would aim
 * at: a secret photo outside it, reached from inside by a symlink swapped in after indexing, and a
 * photo inside the folder that is not in the index.
 */
import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { sendRequest, type Answer, type SendOptions } from '../../helpers/http.ts';
import { writePhotoSet } from '../../../models/synthetic/photos.ts';
import type { ApiHandlers } from '../../../app/contract/api.ts';
import { createEngineHandlers } from '../../../app/service/api-handlers.ts';
import { indexPath } from '../../../app/paths.ts';
import { DEFAULT_SETTINGS, writeSettings } from '../../../app/service/settings.ts';
import { startBridge, type Bridge } from '../../../app/server/bridge.ts';
import { indexFolder, makeHome } from '../../helpers/eidos-cli.ts';

export type { Answer, SendOptions };

export interface EngineServer {
  home: string;
  library: string;
  /** A real JPEG outside every indexed folder; `library/escape.jpg` links to it. */
  secret: string;
  /** A real JPEG inside the library folder, copied there after indexing (so not in the index). */
  unindexed: string;
  handlers: ApiHandlers;
  bridge: Bridge;
  /** A raw HTTP request: the test controls Host, Origin and the exact bytes of the path. */
  send(path: string, options?: SendOptions): Promise<Answer>;
  /** Bytes written as they are to a fresh connection (for what an HTTP client refuses to send, e.g. NUL in a path). */
  raw(request: string | Buffer): Promise<{ status: number; text: string }>;
  /** `POST /api/<method>` with a JSON body and the token. */
  post(method: string, body: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** The photo id the index gives `path` (throws if it is not indexed). */
  photoId(path: string): string;
  /** Row counts of the index's tables, read with a separate connection (to prove nothing changed). */
  rowCounts(): Record<string, number>;
  dispose(): Promise<void>;
}

/** Bytes that mark the secret file, so a test can tell whether they leaked into any answer. */
export const SECRET_MARK = 'EIDOS-SECRET-MARK';

export async function startEngineServer(photoCount = 12): Promise<EngineServer> {
  const { home, scratch, dispose } = await makeHome();
  const library = join(scratch, 'library');
  const outside = join(scratch, 'outside');
  await writePhotoSet(library, { count: photoCount, width: 128, height: 96, seed: 7 });
  mkdirSync(outside);
  const secret = join(outside, 'secret.jpg');
  // A decodable photo with a marker appended after the JPEG's end.
  const first = join(library, 'album-00/roll-0/synth-00000.jpg');
  copyFileSync(first, secret);
  writeFileSync(secret, SECRET_MARK, { flag: 'a' });
  // The indexer never follows a link out of the library, so the link replaces an indexed photo
  // afterwards (a swap between index runs): the media routes must still refuse to follow it.
  const escape = join(library, 'escape.jpg');
  copyFileSync(first, escape);
  await indexFolder(home, library);
  rmSync(escape);
  symlinkSync(secret, escape);
  const unindexed = join(library, 'late', 'added-after-indexing.jpg');
  mkdirSync(dirname(unindexed));
  copyFileSync(secret, unindexed);

  const ui = join(scratch, 'ui');
  mkdirSync(ui);
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Eidos</title>');

  const withIndex = <T>(read: (db: Database.Database) => T): T => {
    const db = new Database(indexPath(home), { readonly: true, fileMustExist: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  };

  // Not watched: the files planted after indexing must stay out of the index (a watcher would index them).
  writeSettings(home, { ...DEFAULT_SETTINGS, watchFolders: false });
  const handlers = await createEngineHandlers(home);
  const bridge = await startBridge({ handlers, staticDir: ui });

  const send = (path: string, options: SendOptions = {}): Promise<Answer> => sendRequest(bridge, path, options);

  const raw = (request: string | Buffer): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const socket = connect(bridge.port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
      });
      // Written, not ended: the server drops a half-closed connection before answering.
      socket.write(request);
    });

  return {
    home,
    library,
    secret,
    unindexed,
    handlers,
    bridge,
    send,
    raw,
    post: (method, body, headers = {}) =>
      send(`/api/${method}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...headers },
      }),
    photoId: (path) =>
      withIndex((db) => {
        const id = db.prepare('SELECT id FROM files WHERE path = ?').pluck().get(path) as number | undefined;
        if (id === undefined) throw new Error(`${path} is not indexed`);
        return String(id);
      }),
    rowCounts: () =>
      withIndex((db) => {
        const tables = db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
          .pluck()
          .all() as string[];
        return Object.fromEntries(
          tables.map((t) => [t, db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get() as number]),
        );
      }),
    dispose: async () => {
      await bridge.close();
      await handlers.close?.();
      dispose();
    },
  };
}

/** The `{ error: { code, message } }` body of a refused request (throws if the body is not that shape). */
export function errorOf(answer: Answer): { code: string; message: string } {
  const parsed = JSON.parse(answer.body) as { error?: { code?: unknown; message?: unknown } };
  const { code, message } = parsed.error ?? {};
  if (typeof code !== 'string' || typeof message !== 'string')
    throw new Error(`not an error body: ${answer.body.slice(0, 200)}`);
  return { code, message };
}
