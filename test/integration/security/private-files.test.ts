/**
 * Issue 28, part 2: what Eidos writes is private to its user. The built CLI and `eidos serve` run from
 * a parent whose umask is 000 (so a file made with a library's default mode would come out 0666 or
 * 0777), fetch the synthetic model, index photos, save settings through the API, answer a search
 * through the local socket; then every path under the data folder (and the folders made above it) is
 * walked with lstat: folders 0700, files and sockets 0600, no links, all the user's. A data folder an
 * older Eidos left wide is narrowed with its contents; another user's is refused, naming it.
 */
import { chmodSync, chownSync, cpSync, lstatSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonError, runEidos } from '../../helpers/eidos-cli.ts';
import { sendRequest } from '../../helpers/http.ts';
import { serve, synthesize, type Served } from '../../helpers/serve-fixture.ts';

interface Entry {
  path: string;
  kind: 'folder' | 'file' | 'socket' | 'link' | 'other';
  mode: number;
  uid: number;
}

/** Every entry below `dir` (lstat, links not followed), relative to `dir`. */
function walk(dir: string, prefix = ''): Entry[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = lstatSync(path);
    const kind = stat.isSymbolicLink()
      ? 'link'
      : stat.isDirectory()
        ? 'folder'
        : stat.isFile()
          ? 'file'
          : stat.isSocket()
            ? 'socket'
            : 'other';
    const entry: Entry = { path: `${prefix}${name}`, kind, mode: stat.mode & 0o777, uid: stat.uid };
    return kind === 'folder' ? [entry, ...walk(path, `${prefix}${name}/`)] : [entry];
  });
}

/** The entries that are not private: anything but a 0700 folder or a 0600 file or socket of this user's. */
const notPrivate = (entries: Entry[]): string[] =>
  entries
    .filter(
      (e) =>
        e.uid !== process.getuid?.() ||
        !(
          (e.kind === 'folder' && e.mode === 0o700) ||
          ((e.kind === 'file' || e.kind === 'socket') && e.mode === 0o600)
        ),
    )
    .map((e) => `${e.path} (${e.kind} 0${e.mode.toString(8)})`);

describe.skipIf(process.platform === 'win32')('what the engine writes is private to its user', () => {
  const root = mkdtempSync(join(tmpdir(), 'eidos-private-'));
  // Two folders that do not exist yet above the data folder: made 0700 as well.
  const home = join(root, 'new', 'parents', 'home');
  const photos = join(root, 'photos');
  let previousUmask = 0;
  let served: Served | undefined;
  let whileServing: Entry[] = [];
  let afterServing: Entry[] = [];

  beforeAll(async () => {
    previousUmask = process.umask(0);
    await synthesize(photos, 6);
    for (const args of [
      ['models', 'fetch', 'synthetic-tiny', '--json'],
      ['index', photos, '--json'],
    ]) {
      const result = await runEidos(home, args);
      expect(result.code, result.stdout + result.stderr).toBe(0);
    }
    served = await serve(home);
    const port = Number(new URL(served.origin).port);
    const saved = await sendRequest({ port, token: served.token }, '/api/setSettings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ theme: 'dark' }),
    });
    expect(saved.status, saved.body).toBe(200);
    // Through the local socket: the holder answers, so run/, the socket and the index's side files all exist now.
    const searched = await runEidos(home, ['index']);
    expect(searched.stderr).toContain('indexing through eidos serve');
    whileServing = walk(home);
    await served.stop();
    served = undefined;
    afterServing = walk(home);
  }, 300_000);

  afterAll(async () => {
    process.umask(previousUmask);
    await served?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('the data folder and the folders made above it are 0700', () => {
    for (const dir of [join(root, 'new'), join(root, 'new', 'parents'), home]) {
      expect(lstatSync(dir).mode & 0o777, dir).toBe(0o700);
    }
  });

  it('every path under it, while serve runs and afterwards, is a 0700 folder or a 0600 file or socket', () => {
    const paths = whileServing.map((e) => e.path);
    // The walk saw what the issue names, so "all private" covers them.
    for (const expected of [
      'index.sqlite',
      'index.sqlite-wal',
      'index.sqlite-shm',
      'settings.json',
      'models',
      'models/synthetic-tiny',
      'run',
      'run/holder.json',
      'run/eidos.sock',
      'thumbnails',
    ]) {
      expect(paths).toContain(expected);
    }
    expect(whileServing.filter((e) => e.kind === 'socket').map((e) => e.path)).toEqual(['run/eidos.sock']);
    expect(paths.filter((p) => /^thumbnails\/grid\/[0-9a-f]{2}\/[0-9a-f]+\.webp$/.test(p))).toHaveLength(6);
    expect(paths.filter((p) => p.startsWith('models/synthetic-tiny/')).length).toBeGreaterThan(1);
    expect(notPrivate(whileServing)).toEqual([]);
    expect(notPrivate(afterServing)).toEqual([]);
  });

  it('a data folder an older Eidos left 0755 with 0644 files is narrowed, contents and all, by the next command', async () => {
    const legacy = join(root, 'legacy');
    cpSync(home, legacy, { recursive: true });
    rmSync(join(legacy, 'run'), { recursive: true, force: true });
    const widen = (dir: string): void => {
      chmodSync(dir, 0o755);
      for (const entry of walk(dir)) chmodSync(join(dir, entry.path), entry.kind === 'folder' ? 0o755 : 0o644);
    };
    widen(legacy);
    expect(notPrivate(walk(legacy)).length).toBeGreaterThan(10);
    const status = await runEidos(legacy, ['status', '--json']);
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(lstatSync(legacy).mode & 0o777).toBe(0o700);
    expect(notPrivate(walk(legacy))).toEqual([]);
  });

  it('a data folder that is a link of the user’s own to a folder of theirs is used', async () => {
    const linked = join(root, 'linked-home');
    symlinkSync(home, linked);
    const status = await runEidos(linked, ['status', '--json']);
    expect(status.code, status.stdout + status.stderr).toBe(0);
  });

  it.skipIf(process.getuid?.() !== 0)(
    'a data folder of another user’s is refused, naming it, and left as it was (needs root to hand it over)',
    async () => {
      const theirs = join(root, 'theirs');
      cpSync(home, theirs, { recursive: true });
      chmodSync(theirs, 0o755);
      chownSync(theirs, 65534, 65534);
      for (const args of [
        ['status', '--json'],
        ['search', 'red', '--json'],
        ['index', photos, '--json'],
      ]) {
        const result = await runEidos(theirs, args);
        expect(result.code, args.join(' ')).toBe(1);
        const error = jsonError(result);
        expect(error.code).toBe('FORBIDDEN');
        expect(error.message).toContain(`The data folder ${theirs} belongs to another user (uid 65534)`);
      }
      const after = lstatSync(theirs);
      expect([after.uid, after.mode & 0o777]).toEqual([65534, 0o755]);
    },
  );
});
