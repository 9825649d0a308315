import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../../app/contract/api.ts';
import { callEngine } from '../../../app/contract/dispatch.ts';
import { createEngineHandlers } from '../../../app/service/api-handlers.ts';
import type { IndexProgress } from '../../../app/contract/types.ts';
import { isEidosError } from '../../../app/contract/errors.ts';
import { indexPath } from '../../../app/paths.ts';
import { rejection } from '../../helpers/errors.ts';
import { MODEL_ID, spawnEidos } from '../../helpers/eidos-cli.ts';
import { cleanReference, expectLikeClean, type CleanReference } from '../../helpers/same-index.ts';
import { damagedHome, damageNamed } from '../../helpers/store-faults.ts';

// The rebuild the desktop UI and `eidos serve` offer (rebuildIndex), on real indexes of real photos
// damaged as disks damage them: the damaged file is kept aside byte for byte, the photos stay
// byte-identical, and the fresh index equals a clean index of the same photos.
// 30 photos: enough rows that the files table has a leaf page below its root to damage.
const COUNT = 30;

let clean: CleanReference;

beforeAll(async () => {
  clean = await cleanReference(COUNT);
});
afterAll(() => clean?.dispose());

/** Resolves with the state an indexing run ends in (done, cancelled or failed). */
function runEnd(handlers: ApiHandlers): Promise<IndexProgress['state']> {
  return new Promise((done) => {
    const stop = handlers.subscribe((event) => {
      if (event.name !== 'indexProgress' || !['done', 'cancelled', 'failed'].includes(event.payload.state)) return;
      stop();
      done(event.payload.state);
    });
  });
}

const asideFiles = (home: string): string[] => readdirSync(home).filter((name) => name.includes('.damaged-'));

/**
 * The engine behind the UI on a copy of the clean data folder damaged by `damage`, for one describe
 * block: set up before its tests, closed after them.
 */
function engineOnDamagedIndex(damage: string, folder: string): { home: string; file: string; handlers: ApiHandlers } {
  const state = {} as { home: string; file: string; handlers: ApiHandlers };
  beforeAll(async () => {
    Object.assign(state, damagedHome(clean.home, damageNamed(damage), join(clean.scratch, folder)));
    state.handlers = await createEngineHandlers(state.home);
  });
  afterAll(() => state.handlers?.close?.());
  return state;
}

describe('rebuildIndex: a damaged index whose folders can still be read', () => {
  const damaged = engineOnDamagedIndex('a zeroed leaf page of files', 'readable');

  it('status flags the damage with the recoverable folders and a notice for the app, and searching is refused', async () => {
    const { file, handlers } = damaged;
    const status = await handlers.status({});
    expect(status.damagedIndex).toEqual({ file, folders: [clean.library] });
    expect(status.ready).toBe(false);
    expect(status.notice).toMatch(/Your photos are safe/);
    expect(status.notice).toContain('"Rebuild index"');
    expect(status.notice).toContain(`index.sqlite.damaged-<time>`);
    const error = await rejection(callEngine(handlers, 'search', { query: 'a dog' }));
    expect(isEidosError(error, 'INDEX_CORRUPT'), error.message).toBe(true);
  });

  it('keeps the damaged file aside byte for byte, re-indexes the folder with the old model, and search works again', async () => {
    const { home, file, handlers } = damaged;
    const damagedBytes = readFileSync(file);
    const ended = runEnd(handlers);
    const result = await handlers.rebuildIndex({});
    expect(result.folders).toEqual([clean.library]);
    const aside = result.aside.at(-1) as string;
    expect(aside).toBe(`${file}${basename(aside).slice(basename(file).length)}`);
    expect(basename(aside)).toMatch(/^index\.sqlite\.damaged-\d{4}-\d\d-\d\dT[\d-]+Z$/);
    expect(readFileSync(aside).equals(damagedBytes)).toBe(true);
    expect(asideFiles(home).sort()).toEqual(result.aside.map((path) => basename(path)).sort());
    expect(result.indexing.state).toBe('scanning');
    expect(await ended).toBe('done');

    const status = await handlers.status({});
    expect(status.damagedIndex).toBeUndefined();
    expect(status).toMatchObject({ ready: true, photos: COUNT, folders: 1, model: { id: MODEL_ID } });
    // Searching answers as over a clean index of the same photos ('red' stands out for two of them).
    const reference = await createEngineHandlers(clean.home);
    try {
      const ranked = async (api: ApiHandlers) =>
        (await api.search({ query: 'red', top: 10 })).results.map((r) => [r.path, r.bits.toFixed(3)]);
      const want = await ranked(reference);
      expect(want.length).toBeGreaterThan(0);
      expect(await ranked(handlers)).toEqual(want);
    } finally {
      await reference.close?.();
    }
    expectLikeClean(home, clean, 'rebuilt');
  });
});

describe('rebuildIndex: a damaged index whose folders cannot be read', () => {
  const damaged = engineOnDamagedIndex('header overwritten with garbage', 'unreadable');

  it('status says no folder could be recovered', async () => {
    const { file, handlers } = damaged;
    const status = await handlers.status({});
    expect(status.damagedIndex).toEqual({ file, folders: [] });
    expect(status.notice).toMatch(/could not read them/);
  });

  it('without folders, or with a relative, missing or non-folder path, refuses and moves nothing', async () => {
    const { home, file, handlers } = damaged;
    const damagedBytes = readFileSync(file);
    const cases: Array<[unknown, string, RegExp]> = [
      [{}, 'BAD_ARGUMENT', /needs them named.*Nothing was moved/],
      [{ folders: ['photos/library'] }, 'BAD_ARGUMENT', /not a full path/],
      [{ folders: [join(clean.scratch, 'no-such-folder')] }, 'NOT_FOUND', /no such folder/],
      [{ folders: [join(clean.library, readdirSync(clean.library)[0] as string)] }, 'BAD_ARGUMENT', /is not a folder/],
      [{ folders: 'not a list' }, 'BAD_ARGUMENT', /folders/],
    ];
    for (const [args, code, message] of cases) {
      const error = await rejection(callEngine(handlers, 'rebuildIndex', args));
      expect(isEidosError(error, code as 'BAD_ARGUMENT'), `${JSON.stringify(args)}: ${error.message}`).toBe(true);
      expect(error.message).toMatch(message);
    }
    expect(asideFiles(home)).toEqual([]);
    expect(readFileSync(file).equals(damagedBytes)).toBe(true);
    expect((await handlers.status({})).damagedIndex).toEqual({ file, folders: [] });
  });

  it('with the folder named, rebuilds from it', async () => {
    const { home, handlers } = damaged;
    const ended = runEnd(handlers);
    const result = await handlers.rebuildIndex({ folders: [clean.library] });
    expect(result.folders).toEqual([clean.library]);
    expect(await ended).toBe('done');
    expect(asideFiles(home).sort()).toEqual(result.aside.map((path) => basename(path)).sort());
    expect(await handlers.status({})).toMatchObject({ ready: true, photos: COUNT });
    expectLikeClean(home, clean, 'rebuilt');
  });
});

describe('rebuildIndex while indexing runs', () => {
  it('is refused, and the index stays where it is', async () => {
    const { home } = damagedHome(
      clean.home,
      { name: 'healthy', damage: () => undefined, foldersReadable: true },
      join(clean.scratch, 'busy'),
    );
    const handlers = await createEngineHandlers(home);
    try {
      const ended = runEnd(handlers);
      await handlers.startIndexing({});
      const error = await rejection(handlers.rebuildIndex({}));
      expect(isEidosError(error, 'BAD_ARGUMENT'), error.message).toBe(true);
      expect(error.message).toMatch(/indexing is running/);
      expect(await ended).toBe('done');
      expect(asideFiles(home)).toEqual([]);
      expect(existsSync(indexPath(home))).toBe(true);
      expect((await handlers.status({})).photos).toBe(COUNT);
    } finally {
      await handlers.close?.();
    }
  });
});

describe('eidos serve on a damaged index', () => {
  it('starts (the page offers the rebuild) and says on the terminal what is wrong, without a stack trace', async () => {
    const { home, file } = damagedHome(clean.home, damageNamed('not a database at all'), join(clean.scratch, 'serve'));
    const child = spawnEidos(home, ['serve', '--json', '--port', '0']);
    try {
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const address = await new Promise<string>((done, fail) => {
        createInterface({ input: child.stdout! }).once('line', done);
        child.once('exit', (code) => fail(new Error(`eidos serve exited (${code}):\n${stderr}`)));
      });
      expect((JSON.parse(address) as { url: string }).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
      // The notice is written right after the address; wait for its line.
      while (!stderr.includes('\n')) await new Promise((tick) => setTimeout(tick, 20));
      expect(stderr).toContain(`The index ${file} is damaged`);
      expect(stderr).toContain('"Rebuild index"');
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
