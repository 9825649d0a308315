import { execFile } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../app/service/engine.ts';
import type { IndexSummary } from '../../../app/indexer/pipeline.ts';
import { hashBytes } from '../../../app/library/content-hash.ts';
import { indexPath } from '../../../app/paths.ts';
import { openIndex } from '../../../app/store/open.ts';
import type { ScanProblemRow } from '../../../app/store/types.ts';
import { writeBadLibrary, type BadLibrary } from './bad-files.ts';
import {
  copyImagenet,
  EIDOS,
  hashesByPath,
  IMAGENET_DIR,
  makeHome,
  PHOTOS,
  vectorsByHash,
  type Status,
} from '../../helpers/eidos-cli.ts';

// Issue 8, bad files: every generated file is indexed with a vector or skipped with a specific code
// and a reason naming it, the rest of the library indexes, and `eidos status` lists what was skipped.
// The CLI runs as nobody (uid/gid 65534): as root, chmod 000 would not make anything unreadable.

const run = promisify(execFile);
const NOBODY = 65534;
/** Decoding the 50,000² bomb would take 7.5 GB; the whole run, bomb and 20,000 × 100 included, must stay far below. */
const MAX_RSS_KB = 1024 * 1024;
const REAL_PHOTOS = 4;

type FullStatus = Status & { scanProblems: ScanProblemRow[] };

/** `eidos <args>` as nobody under GNU time; returns stdout and the child's peak resident set in KB. */
async function eidosAsNobody(root: string, args: string[]): Promise<{ stdout: string; maxRssKb: number }> {
  const { stdout, stderr } = await run('/usr/bin/time', ['-f', 'maxrss-kb %M', process.execPath, EIDOS, ...args], {
    uid: NOBODY,
    gid: NOBODY,
    env: { ...process.env, EIDOS_HOME: join(root, 'home'), HOME: root },
    maxBuffer: 1 << 24,
  });
  const rss = /maxrss-kb (\d+)/.exec(stderr);
  if (!rss) throw new Error(`no peak RSS from /usr/bin/time in: ${stderr}`);
  return { stdout, maxRssKb: Number(rss[1]) };
}

describe('a library of bad files, indexed through the CLI as an unprivileged user', () => {
  let env: Awaited<ReturnType<typeof makeHome>>;
  let root: string;
  let lib: BadLibrary;
  let real: string[];
  let summary: IndexSummary;
  let maxRssKb: number;
  let after: FullStatus;
  let rerun: IndexSummary;
  let searchPaths: string[];
  let indexed: Map<string, string>;
  let vectors: Map<string, Uint16Array>;

  beforeAll(async () => {
    env = await makeHome();
    root = dirname(env.home);
    const firstJpeg = join(IMAGENET_DIR, readdirSync(IMAGENET_DIR).sort()[0] as string);
    lib = await writeBadLibrary(env.scratch, firstJpeg, join(PHOTOS, 'exif-edge/files/heic/IMG_5195.HEIC'));
    real = copyImagenet(join(env.scratch, 'real'), REAL_PHOTOS).map((name) => join(env.scratch, 'real', name));
    // nobody owns the whole temporary tree (it must write the index); the chmod 000 entries stay closed to it.
    await run('chown', ['-R', `${NOBODY}:${NOBODY}`, root]); // -R changes links themselves, never their targets
    chmodSync(root, 0o755);

    const first = await eidosAsNobody(root, ['index', env.scratch, '--json']);
    summary = JSON.parse(first.stdout) as IndexSummary;
    maxRssKb = first.maxRssKb;
    after = JSON.parse((await eidosAsNobody(root, ['status', '--json', '--skipped', '1000'])).stdout) as FullStatus;
    rerun = JSON.parse((await eidosAsNobody(root, ['index', '--json'])).stdout) as IndexSummary;
    const search = JSON.parse(
      (await eidosAsNobody(root, ['search', 'a photo', '--all', '--top', '1000', '--json'])).stdout,
    ) as { results: { path: string }[] };
    searchPaths = search.results.map((result) => result.path);
    // Read as root only now: a root reader could leave WAL side files nobody cannot open.
    indexed = hashesByPath(env.home);
    vectors = vectorsByHash(env.home);
  }, 120_000);
  afterAll(() => env?.dispose());

  const good = () => lib.files.filter((file) => file.expected.indexed);
  const bad = () => lib.files.flatMap((file) => (file.expected.indexed ? [] : [{ ...file, expected: file.expected }]));

  it('indexes every file that is a readable image, odd or not, with a vector', () => {
    for (const file of good()) {
      const hash = indexed.get(file.display);
      expect(hash, file.label).toBeDefined();
      expect(
        vectors.get(hash as string)?.some((bits) => bits !== 0),
        file.label,
      ).toBe(true);
    }
  });

  it('skips every damaged or hostile file with its specific code and a reason that names it', () => {
    const skipped = new Map(after.skippedFiles.map((entry) => [entry.path, entry]));
    for (const file of bad()) {
      const entry = skipped.get(file.display);
      expect(entry, file.label).toBeDefined();
      expect(entry?.code, file.label).toBe(file.expected.code);
      expect(entry?.reason, file.label).toMatch(file.expected.reason);
      expect(entry?.reason, file.label).toContain(file.display);
      expect(indexed.has(file.display), file.label).toBe(false);
    }
  });

  it('indexes the real photos next to them, and counts add up', () => {
    for (const photo of real) expect(indexed.has(photo), photo).toBe(true);
    expect(after.indexed).toBe(good().length + REAL_PHOTOS);
    expect(after.skipped.total).toBe(bad().length);
    // The library view's per-folder counts come from the same rows.
    expect(after.folders.reduce((sum, folder) => sum + folder.skipped, 0)).toBe(bad().length);
    expect(summary.encoded + summary.skipped).toBe(lib.files.length + REAL_PHOTOS);
  });

  it('reports the unreadable folder and the link loop in eidos status and the run summary, naming them', () => {
    for (const fault of lib.scanFaults) {
      const recorded = after.scanProblems.find((problem) => problem.path === fault.path);
      expect(recorded, fault.label).toMatchObject({ code: 'UNREADABLE' });
      expect(recorded?.reason, fault.label).toMatch(fault.reason);
      expect(recorded?.reason, fault.label).toContain(fault.path);
      expect(
        summary.problems.map((problem) => problem.path),
        fault.label,
      ).toContain(fault.path);
    }
    expect(after.scanProblems.find((problem) => problem.path.endsWith('/locked'))?.isDirectory).toBe(true);
    expect(
      [...indexed.keys(), ...after.skippedFiles.map((entry) => entry.path)].some((path) =>
        path.includes('hidden-inside'),
      ),
    ).toBe(false);
  });

  it('ends the symlink cycle: each file once, none reached through the link back to its parent', () => {
    const paths = [...indexed.keys(), ...after.skippedFiles.map((entry) => entry.path)];
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths.filter((path) => path.includes('back-to-parent'))).toEqual([]);
    expect(paths.filter((path) => path.endsWith('/inside-loop.jpg'))).toEqual([join(lib.loopDir, 'inside-loop.jpg')]);
  });

  it('finds the photos with a non-UTF-8 and a 255-byte name in search', () => {
    const odd = lib.files.filter(
      (file) => typeof file.path !== 'string' || file.display.split('/').at(-1)?.length === 255,
    );
    expect(odd).toHaveLength(2);
    for (const file of odd) expect(searchPaths, file.label).toContain(file.display);
    expect(searchPaths).toHaveLength(after.indexed);
  });

  it('refuses the decompression bomb from its header: peak memory of the whole run stays under 1 GB', () => {
    expect(maxRssKb).toBeGreaterThan(0);
    expect(maxRssKb).toBeLessThan(MAX_RSS_KB);
  });

  it('reads nothing again on the next run, and still reports what it cannot read', () => {
    expect(rerun).toMatchObject({
      encoded: 0,
      reused: 0,
      skipped: 0,
      moved: 0,
      deleted: 0,
      unchanged: lib.files.length + REAL_PHOTOS,
    });
    expect(rerun.problems.map((problem) => problem.path).sort()).toEqual(
      lib.scanFaults.map((fault) => fault.path).sort(),
    );
  });
});

describe('files deleted or rewritten while the indexer runs', () => {
  let env: Awaited<ReturnType<typeof makeHome>>;
  const noise = (tint: { r: number; g: number; b: number }, width: number) =>
    sharp({
      create: { width, height: 180, channels: 3, background: tint, noise: { type: 'gaussian', mean: 128, sigma: 30 } },
    })
      .tint(tint)
      .jpeg()
      .toBuffer();

  beforeAll(async () => {
    env = await makeHome();
  });
  afterAll(() => env?.dispose());

  async function indexWith(home: string, folder: string, onPlanned?: () => void): Promise<IndexSummary> {
    const engine = Engine.open({ home });
    try {
      engine.addFolders([folder]);
      let fired = false;
      return await engine.index({
        // The first 'indexing' report comes after the plan and before any file is read.
        onProgress: (progress) => {
          if (progress.phase !== 'indexing' || fired) return;
          fired = true;
          onPlanned?.();
        },
      });
    } finally {
      await engine.close();
    }
  }

  it('forgets a deleted file and records a rewritten one with the hash, size and vector of the bytes it read', async () => {
    const library = join(env.scratch, 'library');
    copyImagenet(library, 3);
    const changedThenDeleted = join(library, 'changed-then-deleted.jpg');
    const newThenDeleted = join(library, 'new-then-deleted.jpg');
    const rewritten = join(library, 'rewritten.jpg');
    writeFileSync(changedThenDeleted, await noise({ r: 200, g: 40, b: 40 }, 240));
    await indexWith(env.home, library);

    // Planned as changed, new and new; then, after planning, one deleted each way and one replaced.
    writeFileSync(changedThenDeleted, await noise({ r: 40, g: 200, b: 40 }, 250));
    writeFileSync(newThenDeleted, await noise({ r: 40, g: 40, b: 200 }, 260));
    writeFileSync(rewritten, await noise({ r: 200, g: 200, b: 40 }, 270));
    const replacement = await noise({ r: 30, g: 200, b: 220 }, 330);
    const summary = await indexWith(env.home, library, () => {
      unlinkSync(changedThenDeleted);
      unlinkSync(newThenDeleted);
      writeFileSync(rewritten, replacement);
    });

    expect(summary).toMatchObject({ deleted: 1, encoded: 1, skipped: 0 });
    const store = openIndex(indexPath(env.home), { readonly: true });
    try {
      expect(store.fileByPath({ path: changedThenDeleted })).toBeUndefined();
      expect(store.fileByPath({ path: newThenDeleted })).toBeUndefined();
      expect(store.skippedFiles(100)).toEqual([]);
      const row = store.fileByPath({ path: rewritten });
      const onDisk = statSync(rewritten);
      expect(row).toMatchObject({
        status: 'indexed',
        contentHash: hashBytes(readFileSync(rewritten)),
        size: replacement.length,
        mtimeMs: Math.trunc(onDisk.mtimeMs),
      });
    } finally {
      store.close();
    }

    // The vector is the replacement's: the same bytes indexed on their own give the same vector.
    const alone = await makeHome();
    try {
      writeFileSync(join(alone.scratch, 'replacement.jpg'), replacement);
      await indexWith(alone.home, alone.scratch);
      const hash = hashBytes(replacement);
      expect(vectorsByHash(env.home).get(hash)).toEqual(vectorsByHash(alone.home).get(hash));
    } finally {
      alone.dispose();
    }
    // And since size and mtime describe the bytes read, the next run has nothing to do.
    expect(await indexWith(env.home, library)).toMatchObject({ encoded: 0, skipped: 0, deleted: 0, unchanged: 4 });
  });
});
