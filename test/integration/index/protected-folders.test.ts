import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent, ApiHandlers } from '../../../app/contract/api.ts';
import type { IndexProgress } from '../../../app/contract/types.ts';
import { createEngineHandlers } from '../../../app/service/api-handlers.ts';
import { indexPath, thumbnailsDir } from '../../../app/paths.ts';
import { openIndex } from '../../../app/store/open.ts';
import { writePhotoSet } from '../../../models/synthetic/photos.ts';
import { jsonError, makeHome, runEidos, status } from '../../helpers/eidos-cli.ts';

/**
 * The library must not eat itself (issue 28): a library folder that holds Eidos's own data folder —
 * a home folder, on every platform — is indexed and watched without its thumbnails becoming photos,
 * which would make more thumbnails, which the watcher would see, without end. And the folders that
 * can never be a library (the data folder, the system's trees) are refused where they are named.
 */

/** Every path the index holds (indexed or skipped), read with its own connection. */
function indexedPaths(home: string): string[] {
  const db = new Database(indexPath(home), { readonly: true });
  try {
    return (db.prepare('SELECT path FROM files ORDER BY path').all() as Array<{ path: string }>).map((row) => row.path);
  } finally {
    db.close();
  }
}

function filesUnder(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length;
}

describe('a watched library folder that holds the data folder', () => {
  let home: string;
  let library: string;
  let photos: string;
  let staged: string;
  let dispose: () => void;
  let handlers: ApiHandlers;
  const events: ApiEvent[] = [];
  const PHOTOS = 6;

  /** Runs started so far: progress that goes from an ended state (or none) to scanning. */
  const runStarts = (): number => {
    let previous: IndexProgress['state'] = 'idle';
    let starts = 0;
    for (const event of events) {
      if (event.name !== 'indexProgress') continue;
      if (event.payload.state === 'scanning' && ['idle', 'done', 'cancelled', 'failed'].includes(previous)) starts++;
      previous = event.payload.state;
    }
    return starts;
  };
  const ended = (): IndexProgress['state'][] =>
    events.flatMap((event) =>
      event.name === 'indexProgress' && ['done', 'cancelled', 'failed'].includes(event.payload.state)
        ? [event.payload.state]
        : [],
    );
  const added = (): number[] =>
    events.flatMap((event) => (event.name === 'libraryChanged' ? [event.payload.added] : []));

  /** Waits until the library holds `count` photos or more and no run is in flight (the watcher debounces ~1 s, then a run indexes). */
  async function settlesAt(count: number, timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [folder] = await handlers.listFolders({});
      const state = (await handlers.status({})).indexing.state;
      if ((folder?.photos ?? 0) >= count && !['scanning', 'indexing'].includes(state)) return folder?.photos ?? 0;
      if (Date.now() > deadline)
        throw new Error(`the library did not reach ${count} photos within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  beforeAll(async () => {
    let scratch: string;
    ({ home, scratch, dispose } = await makeHome());
    // makeHome puts the data folder and the photos side by side: their parent is the "home folder".
    library = dirname(home);
    photos = join(scratch, 'album');
    staged = join(library, '.staged'); // hidden: never part of the library
    await writePhotoSet(photos, { count: PHOTOS, width: 160, height: 120, seed: 11 });
    await writePhotoSet(staged, { count: 2, width: 160, height: 120, seed: 12 });
    handlers = await createEngineHandlers(home);
    handlers.subscribe((event) => events.push(event));
  }, 120_000);

  afterAll(async () => {
    await handlers?.close?.();
    dispose?.();
  });

  it('is accepted, indexed and watched, its photos only', async () => {
    expect((await handlers.getSettings({})).watchFolders).toBe(true);
    await handlers.startIndexing({ folders: [library] });
    expect(await settlesAt(PHOTOS)).toBe(PHOTOS);
    expect(await handlers.listFolders({})).toMatchObject([{ path: library, photos: PHOTOS, watching: true }]);
    // The run wrote its thumbnails inside the watched folder: the situation that used to feed itself.
    expect(filesUnder(thumbnailsDir(home))).toBeGreaterThanOrEqual(PHOTOS);
  });

  it('stays at its photo count: two photos copied in add exactly two, and nothing of the data folder is ever indexed', async () => {
    const extra = readdirSync(staged, { recursive: true })
      .map(String)
      .filter((name) => name.endsWith('.jpg'));
    expect(extra).toHaveLength(2);
    // Each copy is a real change the watcher must report; the runs they start are the probes: had the
    // thumbnails of the run before been reported (they were written first), they would be in them.
    for (const [i, name] of extra.entries()) {
      copyFileSync(join(staged, name), join(photos, `copied-${i}.jpg`));
      expect(await settlesAt(PHOTOS + i + 1)).toBe(PHOTOS + i + 1);
    }
    const paths = indexedPaths(home);
    expect(paths).toHaveLength(PHOTOS + 2);
    expect(paths.filter((path) => path.startsWith(home + sep))).toEqual([]);
    expect(paths.every((path) => path.startsWith(photos + sep))).toBe(true);
    // One run per copy, or two when a copy's events straddle the debounce; never a run always in flight.
    expect(added().reduce((sum, n) => sum + n, 0)).toBe(PHOTOS + 2);
    expect(runStarts()).toBeGreaterThanOrEqual(3);
    expect(runStarts()).toBeLessThanOrEqual(5);
    expect(ended().every((state) => state === 'done')).toBe(true);
    expect(await handlers.skippedFiles({})).toEqual([]);
  });

  it('refuses the data folder, anything in it, and the system’s trees, saying why; the library is unchanged', async () => {
    for (const path of [home, thumbnailsDir(home)]) {
      await expect(handlers.addFolder({ path })).rejects.toMatchObject({
        code: 'BAD_ARGUMENT',
        message: expect.stringMatching(/Eidos's own data folder/),
      });
      await expect(handlers.startIndexing({ folders: [path] })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    }
    for (const path of ['/proc', '/sys', '/dev', '/etc'])
      await expect(handlers.addFolder({ path })).rejects.toMatchObject({
        code: 'BAD_ARGUMENT',
        message: expect.stringMatching(/a system folder/),
      });
    expect((await handlers.listFolders({})).map((folder) => folder.path)).toEqual([library]);
  });
});

describe('eidos index and protected folders (the real CLI)', () => {
  let home: string;
  let scratch: string;
  let dispose: () => void;

  beforeAll(async () => {
    ({ home, scratch, dispose } = await makeHome());
    await writePhotoSet(join(scratch, 'album'), { count: 3, width: 160, height: 120, seed: 5 });
  }, 120_000);
  afterAll(() => dispose?.());

  it('refuses /proc, /sys, /dev, /etc, the data folder and a folder in it, exit 2 with the reason, adding nothing', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/proc', /\/proc is a system folder \(a view of the running kernel, not files on disk\)/],
      ['/sys', /\/sys is a system folder/],
      ['/dev', /\/dev is a system folder \(devices, not files\)/],
      ['/etc', /\/etc is a system folder \(the system's configuration\)/],
      [home, /is Eidos's own data folder \(its index, thumbnails and models\)/],
      [join(home, 'models'), /is inside .*, Eidos's own data folder/],
    ];
    for (const [folder, reason] of cases) {
      const result = await runEidos(home, ['index', folder, '--json']);
      expect(result.code, `${folder}: ${result.stderr}`).toBe(2);
      const error = jsonError(result);
      expect(error.code).toBe('BAD_ARGUMENT');
      expect(error.message).toMatch(new RegExp(`^Cannot add ${folder}: `));
      expect(error.message).toMatch(reason);
    }
    // Refused before anything was opened: not even an index was created.
    expect(existsSync(indexPath(home))).toBe(false);
  });

  it('indexes the folder around the data folder without it, and lists a data folder an older Eidos let in as refused, reading nothing in it', async () => {
    const around = dirname(home);
    const first = await runEidos(home, ['index', around, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(indexedPaths(home)).toHaveLength(3);
    expect(indexedPaths(home).filter((path) => path.startsWith(home + sep))).toEqual([]);
    // An older Eidos accepted the data folder itself: put it in the index as that one would have,
    // with a decodable photo in it that a scan entering it would index.
    mkdirSync(join(home, 'thumbnails', 'zz'), { recursive: true });
    const aPhoto = readdirSync(join(scratch, 'album'), { recursive: true })
      .map(String)
      .find((name) => name.endsWith('.jpg'));
    copyFileSync(join(scratch, 'album', aPhoto!), join(home, 'thumbnails', 'zz', 'x.jpg'));
    const store = openIndex(indexPath(home));
    try {
      store.removeFolder(around);
      store.addFolder(home);
    } finally {
      store.close();
    }
    const again = await runEidos(home, ['index', '--json']);
    expect(again.code, again.stderr).toBe(0);
    const after = (await status(home)) as Awaited<ReturnType<typeof status>> & { scanProblems: unknown[] };
    expect(after.indexed).toBe(0);
    expect(indexedPaths(home)).toEqual([]);
    expect(after.scanProblems).toEqual([
      expect.objectContaining({
        path: home,
        code: 'FORBIDDEN',
        reason: expect.stringMatching(/^not scanned: .* is Eidos's own data folder.*Remove it from the library\.$/),
      }),
    ]);
  });
});
