import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent, ApiHandlers } from '../../../app/contract/api.ts';
import type { IndexProgress, LibraryChange, SearchResponse } from '../../../app/contract/types.ts';
import { createEngineHandlers } from '../../../app/service/api-handlers.ts';
import { writePhotoSet } from '../../../models/synthetic/photos.ts';
import type { LabelRow } from '../../../models/synthetic/labels.ts';
import { indexPath } from '../../../app/paths.ts';
import { IMAGENET_DIR, indexFolder, makeHome } from '../../helpers/eidos-cli.ts';
import { holdLock } from '../../helpers/hold-lock.ts';
import { isSettled } from '../../helpers/serve-fixture.ts';

/**
 * Live folders in the engine behind the app and `eidos serve`: a real temporary folder, the native
 * watcher, real indexing runs. Synthetic photos carry their ground truth (each one's description
 * ranks it first), and a real photo from ../shared must reach the index the same way.
 * Costs about 15 s: the synthetic model, 20 small photos, and a few debounced watcher runs.
 *
 * No test depends on when the watcher's quiet period ends or how the OS groups its events (that rule is
 * test/unit/library/watch.test.ts's, with a held clock). Each waits for what the engine announces (the
 * change announced on the event stream, a run's end with its summary, the status) and ends only once
 * its own change is announced, so the next test's change cannot be folded into its run.
 */
let home: string;
let dispose: () => void;
let library: string;
let staged: string;
let handlers: ApiHandlers;
let labels: LabelRow[];
const events: ApiEvent[] = [];

/** Waits until `check` returns something other than undefined (the watcher debounces ~1 s, then a run indexes). */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs / 1000} s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function runEnd(): Promise<IndexProgress> {
  return new Promise((done) => {
    const stop = handlers.subscribe((event) => {
      if (event.name !== 'indexProgress' || !['done', 'cancelled', 'failed'].includes(event.payload.state)) return;
      stop();
      done(event.payload);
    });
  });
}

const search = (query: string): Promise<SearchResponse> => handlers.search({ query, top: 50 });
const paths = (response: SearchResponse): string[] => response.results.map((result) => result.path);
/** The runs that ended since event `from`: their last progress (done, cancelled or failed). */
const runsEnded = (from: number): IndexProgress[] =>
  events
    .slice(from)
    .flatMap((event) =>
      event.name === 'indexProgress' && (event.payload.summary || event.payload.state === 'failed')
        ? [event.payload]
        : [],
    );
const libraryChanges = (): LibraryChange[] =>
  events.flatMap((event) => (event.name === 'libraryChanged' ? [event.payload] : []));

beforeAll(async () => {
  let scratch: string;
  ({ home, scratch, dispose } = await makeHome());
  library = join(scratch, 'library');
  staged = join(scratch, 'staged');
  labels = await writePhotoSet(staged, { count: 24, width: 320, height: 240, seed: 3 });
  // The first 20 make the library; the last 4 wait outside it, to be copied in while it is watched.
  mkdirSync(library);
  for (const row of labels.slice(0, 20)) {
    const name = basename(row.relative_path);
    copyFileSync(join(staged, row.relative_path), join(library, name));
  }
  handlers = await createEngineHandlers(home);
  handlers.subscribe((event) => events.push(event));
  const ended = runEnd();
  await handlers.startIndexing({ folders: [library] });
  expect((await ended).state).toBe('done');
}, 120_000);

afterAll(async () => {
  await handlers?.close?.();
  dispose?.();
});

describe('live folders (watching is on by default)', { timeout: 180_000 }, () => {
  it('watches each library folder, and says so only while a watcher is subscribed', async () => {
    expect((await handlers.getSettings({})).watchFolders).toBe(true);
    expect(await handlers.listFolders({})).toMatchObject([{ path: library, photos: 20, watching: true }]);
  });

  it('adds only existing folders named in full (a typed or dropped path may be a file, relative or gone)', async () => {
    const file = join(library, basename(labels[0]!.relative_path));
    await expect(handlers.addFolder({ path: file })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(handlers.addFolder({ path: 'photos/holiday' })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(handlers.addFolder({ path: join(staged, 'gone') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await handlers.listFolders({})).map((folder) => folder.path)).toEqual([library]);
  });

  it('a photo copied in is indexed within seconds, found by its description, and announced to open searches', async () => {
    const row = labels[20]!;
    const target = join(library, basename(row.relative_path));
    expect(paths(await search(row.description))).not.toContain(target);
    const changesBefore = libraryChanges().length;
    copyFileSync(join(staged, row.relative_path), target);
    const found = await eventually('the copied photo ranks first for its description, and is announced', async () => {
      const response = await search(row.description);
      // The run's rows are visible to searches as it commits them; its announcement follows when it ends.
      return response.results[0]?.path === target && libraryChanges().length > changesBefore ? response : undefined;
    });
    expect(found.anyStandsOut).toBe(true);
    const change = libraryChanges().at(changesBefore);
    expect(change).toMatchObject({ photos: 21, added: 1, moved: 0, removed: 0 });
  });

  it('a real photo copied in reaches the index and the search ("more like this" finds it first)', async () => {
    const name = 'n01440764_tench.JPEG';
    const target = join(library, name);
    copyFileSync(join(IMAGENET_DIR, name), target);
    const folder = await eventually(
      'the folder counts the real photo, and the run that added it has ended',
      async () => {
        const [info] = await handlers.listFolders({});
        return info?.photos === 22 && libraryChanges().at(-1)?.photos === 22 ? info : undefined;
      },
    );
    expect(folder.watching).toBe(true);
    // The real photo as the query: the index holds its vector, so it is the photo most like itself.
    const id = await photoIdOf(target);
    expect(id).toBeDefined();
    const byLike = await handlers.search({ like: id!, top: 5 });
    expect(byLike.results[0]?.path).toBe(target);
  });

  it('a photo moved into a subfolder is found at its new path; a deleted one is gone', async () => {
    const row = labels[20]!;
    const from = join(library, basename(row.relative_path));
    const to = join(library, 'moved', 'renamed.jpg');
    mkdirSync(join(library, 'moved'));
    renameSync(from, to);
    await eventually('the moved photo ranks first at its new path', async () => {
      const response = await search(row.description);
      // The run's rows are visible to searches as it commits them; its announcement follows when it ends.
      const found = response.results[0]?.path === to && !paths(response).includes(from);
      return found && libraryChanges().at(-1)?.moved === 1 ? response : undefined;
    });
    expect(libraryChanges().at(-1)).toMatchObject({ moved: 1, added: 0, removed: 0 });

    rmSync(to);
    await eventually('the deleted photo is no longer found', async () => {
      const response = await search(row.description);
      return paths(response).includes(to) || libraryChanges().at(-1)?.removed !== 1 ? undefined : response;
    });
    expect(libraryChanges().at(-1)).toMatchObject({ removed: 1 });
    expect((await handlers.listFolders({}))[0]?.photos).toBe(21);
  });

  it('photos arriving together (a folder of them moved in) are indexed in one run: one announcement', async () => {
    const changesBefore = libraryChanges().length;
    const rows = labels.slice(21, 24);
    const arriving = join(staged, '..', 'arriving');
    mkdirSync(arriving);
    for (const row of rows) copyFileSync(join(staged, row.relative_path), join(arriving, basename(row.relative_path)));
    // One rename: however the OS times its events, whichever run sees the folder sees all three.
    renameSync(arriving, join(library, 'arrived'));
    await eventually('all three are found by their descriptions, and announced', async () => {
      for (const row of rows) {
        const response = await search(row.description);
        if (response.results[0]?.path !== join(library, 'arrived', basename(row.relative_path))) return undefined;
      }
      return libraryChanges().length > changesBefore ? true : undefined;
    });
    expect(libraryChanges().slice(changesBefore)).toEqual([{ photos: 24, added: 3, moved: 0, removed: 0 }]);
  });

  it('a damaged photo is listed as skipped with its path and reason; the run itself succeeds', async () => {
    const broken = join(library, 'broken.jpg');
    const eventsBefore = events.length;
    // A real JPEG cut short, as an interrupted copy leaves it; written beside the library and moved in
    // whole, so no run can read it half written (that would be another skip reason).
    const outside = join(staged, '..', 'broken.jpg');
    writeFileSync(outside, readFileSync(join(IMAGENET_DIR, 'n01484850_great_white_shark.JPEG')).subarray(0, 3000));
    renameSync(outside, broken);
    // The run that read it ends with it counted as skipped (a later run would not read it again).
    const run = await eventually('a run that skipped the damaged photo has ended', async () =>
      runsEnded(eventsBefore).find((p) => p.state === 'failed' || (p.summary?.skipped ?? 0) > 0),
    );
    expect(run).toMatchObject({ state: 'done', summary: { skipped: 1 } });
    expect(run.error).toBeUndefined();
    const skipped = (await handlers.skippedFiles({})).find((file) => file.path === broken);
    expect(skipped).toMatchObject({ code: 'DECODE_FAILED', isDirectory: false });
    expect(skipped?.reason).toMatch(/damaged|truncated/i);
    expect((await handlers.listFolders({}))[0]?.skipped).toBe(1);
  });

  it('turning the setting off stops every watcher; turning it on watches again', async () => {
    await handlers.setSettings({ watchFolders: false });
    expect(await handlers.listFolders({})).toMatchObject([{ path: library, watching: false }]);
    await handlers.setSettings({ watchFolders: true });
    expect(await handlers.listFolders({})).toMatchObject([{ path: library, watching: true }]);
  });

  it('a failed run is reported as a failure with its reason, not as a skipped file', async () => {
    // A folder is removed only while no run goes: wait until none goes and none is queued.
    await eventually('no indexing run goes or is queued', async () =>
      isSettled(await handlers.status({})) ? true : undefined,
    );
    await handlers.removeFolder({ path: library });
    expect(libraryChanges().at(-1)).toMatchObject({ photos: 0, removed: 24 });
    const ended = runEnd();
    await handlers.startIndexing({});
    const failed = await ended;
    expect(failed.state).toBe('failed');
    expect(failed.error?.message).toMatch(/no folders/);
    expect(failed).not.toHaveProperty('lastSkip');
    expect((await handlers.status({})).indexing).toMatchObject({ state: 'failed', error: failed.error });
    // No skipped file with an empty path stands in for the failure (the removed folder's skips went with it).
    expect(await handlers.skippedFiles({})).toEqual([]);
  });
});

describe('live folders across a restart', () => {
  it('photos added while nothing watched are indexed shortly after the engine starts', async () => {
    const other = await makeHome();
    const folder = join(other.scratch, 'library');
    mkdirSync(folder);
    copyFileSync(join(staged, labels[0]!.relative_path), join(folder, 'one.jpg'));
    await indexFolder(other.home, folder);
    // Added while no Eidos process runs.
    copyFileSync(join(staged, labels[1]!.relative_path), join(folder, 'two.jpg'));
    const restarted = await createEngineHandlers(other.home);
    try {
      const [info] = await eventually('the photo added meanwhile is indexed', async () => {
        const folders = await restarted.listFolders({});
        return folders[0]?.photos === 2 ? folders : undefined;
      });
      expect(info).toMatchObject({ path: folder, watching: true });
    } finally {
      await restarted.close?.();
      other.dispose();
    }
  }, 60_000);
});

describe('live folders beside another writer', () => {
  it('does not watch while another process writes the index, and says why', async () => {
    const other = await makeHome();
    const folder = join(other.scratch, 'library');
    mkdirSync(folder);
    copyFileSync(join(staged, labels[0]!.relative_path), join(folder, 'one.jpg'));
    await indexFolder(other.home, folder);
    const holder = await holdLock(indexPath(other.home));
    const beside = await createEngineHandlers(other.home);
    try {
      const [info] = await beside.listFolders({});
      expect(info).toMatchObject({ path: folder, photos: 1, watching: false });
      expect(info?.watchProblem).toContain(String(holder.pid));
    } finally {
      await beside.close?.();
      await holder.kill();
      other.dispose();
    }
  }, 60_000);
});

/** The photo id of an indexed path, read from the index as the UI's search results carry it. */
async function photoIdOf(path: string): Promise<string | undefined> {
  const { openIndex } = await import('../../../app/store/open.ts');
  const store = openIndex(indexPath(home), { readonly: true });
  try {
    const row = store.fileByPath({ path });
    return row ? String(row.id) : undefined;
  } finally {
    store.close();
  }
}
