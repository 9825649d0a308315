/**
 * app/util/private-fs.ts, the one place that decides whether a path is the user's alone and makes a
 * folder private, and the engine's writers called in-process under a umask of 000 (no help from the
 * entry points' 077): their own modes keep the index, thumbnails, settings, models and the socket private.
 */
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEidosError } from '../../../app/contract/errors.ts';
import { writeThumbnails } from '../../../app/image/thumbnails.ts';
import { fetchModel } from '../../../app/models/store.ts';
import { writeSettings, DEFAULT_SETTINGS } from '../../../app/service/settings.ts';
import { openIndex } from '../../../app/store/open.ts';
import { listenLocalSocket } from '../../../app/server/local-socket.ts';
import { readHolderInfo } from '../../../app/server/local-socket-client.ts';
import { holderInfoPath } from '../../../app/server/local-socket-wire.ts';
import { distrust, distrustPath, ensurePrivateDir } from '../../../app/util/private-fs.ts';
import { fakeEngine, tableMedia } from '../../helpers/fake-handlers.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const mode = (path: string): number => lstatSync(path).mode & 0o777;

/** Every entry below `dir` that is not a 0700 folder or a 0600 file, as `path 0mode`. */
function loose(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).flatMap((name) => {
    const stat = lstatSync(join(dir, name));
    const wanted = stat.isDirectory() ? 0o700 : 0o600;
    return (stat.mode & 0o777) === wanted && !stat.isSymbolicLink()
      ? []
      : [`${name} 0${(stat.mode & 0o777).toString(8)}`];
  });
}

describe.skipIf(process.platform === 'win32')('private-fs', () => {
  const { dir: root, cleanup } = tempDir('eidos-private-fs-');
  let previousUmask = 0;
  beforeAll(() => {
    previousUmask = process.umask(0);
  });
  afterAll(() => {
    process.umask(previousUmask);
    cleanup();
  });

  describe('ensurePrivateDir', () => {
    it('creates the folder and its missing parents 0700, even under umask 000', () => {
      const dir = join(root, 'a', 'b', 'c');
      expect(ensurePrivateDir(dir, { what: 'The data folder' })).toBe('created');
      for (const path of [join(root, 'a'), join(root, 'a', 'b'), dir]) expect(mode(path), path).toBe(0o700);
      expect(ensurePrivateDir(dir, { what: 'The data folder' })).toBe('private');
    });

    it('narrows a wide folder of the user’s, and with narrowContents everything in it but the names excepted; links are not followed', () => {
      const dir = join(root, 'wide');
      const outside = join(root, 'outside.txt');
      mkdirSync(join(dir, 'sub'), { recursive: true, mode: 0o777 });
      mkdirSync(join(dir, 'run'), { mode: 0o777 });
      writeFileSync(join(dir, 'index.sqlite'), '', { mode: 0o644 });
      writeFileSync(join(dir, 'sub', 'thumb.webp'), '', { mode: 0o664 });
      writeFileSync(join(dir, 'sub', 'tool'), '', { mode: 0o755 });
      writeFileSync(outside, '', { mode: 0o644 });
      symlinkSync(outside, join(dir, 'sub', 'link'));
      chmodSync(dir, 0o755);

      expect(ensurePrivateDir(dir, { what: 'The data folder', narrowContents: { except: ['run'] } })).toBe('narrowed');
      expect(mode(dir)).toBe(0o700);
      expect(mode(join(dir, 'index.sqlite'))).toBe(0o600);
      expect(mode(join(dir, 'sub'))).toBe(0o700);
      expect(mode(join(dir, 'sub', 'thumb.webp'))).toBe(0o600);
      expect(mode(join(dir, 'sub', 'tool'))).toBe(0o700); // the owner's bits are kept, only group and others go
      expect(mode(join(dir, 'run'))).toBe(0o777); // left for the local socket's own check to find untrusted
      expect(mode(outside)).toBe(0o644); // the link's target is not the data folder's
    });

    it('refuses a link (unless allowed and the user’s own) and a file, naming the folder', () => {
      const target = join(root, 'target');
      mkdirSync(target, { mode: 0o700 });
      const link = join(root, 'link-to-target');
      symlinkSync(target, link);
      const refusal = (path: string, options = {}): unknown => {
        try {
          ensurePrivateDir(path, { what: 'The models folder', ...options });
        } catch (error) {
          return error;
        }
        return undefined;
      };
      const linkError = refusal(link);
      expect(isEidosError(linkError, 'FORBIDDEN')).toBe(true);
      expect((linkError as Error).message).toContain(`The models folder ${link} is a symbolic link`);
      expect(refusal(link, { allowLink: true })).toBeUndefined();
      const file = join(root, 'a-file');
      writeFileSync(file, '');
      expect((refusal(file) as Error).message).toContain(`${file} is not a folder`);
    });

    it.skipIf(!isRoot)('refuses another user’s folder, or a link to one, and leaves it as it was (needs root)', () => {
      const theirs = join(root, 'theirs');
      mkdirSync(theirs, { mode: 0o755 });
      chownSync(theirs, NOBODY, NOBODY);
      const link = join(root, 'link-to-theirs');
      symlinkSync(theirs, link);
      for (const path of [theirs, link]) {
        let error: unknown;
        try {
          ensurePrivateDir(path, { what: 'The data folder', allowLink: true, narrowContents: {} });
        } catch (caught) {
          error = caught;
        }
        expect(isEidosError(error, 'FORBIDDEN'), path).toBe(true);
        expect((error as Error).message).toContain(`belongs to another user (uid ${NOBODY})`);
      }
      expect([statSync(theirs).uid, mode(theirs)]).toEqual([NOBODY, 0o755]);
    });
  });

  describe('distrust', () => {
    const fake = (
      overrides: Partial<Record<'dir' | 'file' | 'socket' | 'link', boolean>> & { mode: number; uid?: number },
    ): Stats =>
      ({
        isDirectory: () => overrides.dir ?? false,
        isFile: () => overrides.file ?? false,
        isSocket: () => overrides.socket ?? false,
        isSymbolicLink: () => overrides.link ?? false,
        mode: overrides.mode,
        uid: overrides.uid ?? process.getuid!(),
      }) as Stats;

    it('trusts only what is of the kind asked, the user’s, and not writable by others (strict: nor readable)', () => {
      expect(distrust(fake({ file: true, mode: 0o600 }), 'file')).toBeUndefined();
      expect(distrust(fake({ file: true, mode: 0o644 }), 'file')).toBeUndefined();
      expect(distrust(fake({ file: true, mode: 0o644 }), 'file', true)).toBe('is 0644: other users can read it');
      expect(distrust(fake({ file: true, mode: 0o664 }), 'file')).toBe('is 0664: other users can write to it');
      expect(distrust(fake({ dir: true, mode: 0o777 }), 'folder')).toBe('is 0777: other users can write to it');
      expect(distrust(fake({ link: true, mode: 0o777 }), 'file')).toBe('is a symbolic link');
      expect(distrust(fake({ dir: true, mode: 0o700 }), 'file')).toBe('is not a regular file');
      expect(distrust(fake({ file: true, mode: 0o600 }), 'socket')).toBe('is not a socket');
      expect(distrust(fake({ file: true, mode: 0o600 }), 'entry')).toBeUndefined();
      expect(distrust(fake({ dir: true, mode: 0o700 }), 'entry')).toBe('is a folder');
      const other = (process.getuid!() + 1) % 65536;
      expect(distrust(fake({ file: true, mode: 0o600, uid: other }), 'file')).toMatch(
        new RegExp(`^belongs to another user \\(uid ${other}\\)`),
      );
      expect(distrustPath(join(root, 'nothing-here'), 'file')).toBe('missing');
    });
  });

  describe('the engine’s writers, in-process under umask 000', () => {
    it('the index, its -wal and -shm and its lock file are 0600 in a 0700 folder; an older 0644 index is narrowed when opened', () => {
      const dir = join(root, 'index-home');
      const file = join(dir, 'index.sqlite');
      const store = openIndex(file);
      store.addFolder('/photos');
      // The writer lock's file (flock) is written beside the index too, and is as private.
      expect(readdirSync(dir).sort()).toEqual([
        'index.sqlite',
        'index.sqlite-shm',
        'index.sqlite-wal',
        'index.sqlite.lock',
      ]);
      expect(loose(dir)).toEqual([]);
      expect(mode(dir)).toBe(0o700);
      store.close();
      chmodSync(file, 0o644);
      openIndex(file).close();
      expect(mode(file)).toBe(0o600);
    });

    it('thumbnails, settings and an installed model are 0600 files in 0700 folders', async () => {
      const home = join(root, 'writers-home');
      writeSettings(home, DEFAULT_SETTINGS);
      const pixels = { data: Buffer.alloc(8 * 8 * 3, 200), width: 8, height: 8 };
      await writeThumbnails(pixels, 'ab'.repeat(16), join(home, 'thumbnails'));
      await fetchModel('synthetic-tiny', {}, { modelsDir: join(home, 'models') });
      expect(readdirSync(home).sort()).toEqual(['models', 'settings.json', 'thumbnails']);
      expect(mode(home)).toBe(0o700);
      expect(loose(home)).toEqual([]);
    });

    it('the local socket: run/ 0700, socket and announcement 0600; a run/ left 0777 is set aside before anything in it is read', async () => {
      const home = join(root, 'socket-home');
      mkdirSync(join(home, 'run'), { recursive: true, mode: 0o777 });
      // An announcement of a live process (this one) in the loose folder: trusted, it would make the holder stay quiet.
      const planted = JSON.stringify({ pid: process.pid, host: hostname(), kind: 'app', token: 'planted' });
      writeFileSync(holderInfoPath(home), planted, { mode: 0o666 });
      const warnings: string[] = [];
      const engine = fakeEngine(tableMedia({}, []));
      const local = await listenLocalSocket({
        home,
        handlers: engine.handlers,
        kind: 'serve',
        warn: (message) => warnings.push(message),
      });
      try {
        expect(local).toBeDefined();
        expect(warnings).toEqual([expect.stringMatching(/run is 0777: other users can write to it.*made afresh\.$/)]);
        expect(readdirSync(home).sort()).toEqual(['run']); // the old run/ emptied and gone
        expect(readHolderInfo(home)).toMatchObject({ pid: process.pid, kind: 'serve' });
        expect(loose(home)).toEqual([]);
        expect(lstatSync(local!.path).isSocket()).toBe(true);
      } finally {
        await local?.close();
      }
    });
  });
});
