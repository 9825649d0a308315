import { createHash } from 'node:crypto';
import {
  appendFileSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
  copyFileSync,
  mkdirSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashFile } from '../../../app/library/content-hash.ts';
import { applyMovesAndDeletions, planIndex, type IndexPlan } from '../../../app/library/plan.ts';
import type { IndexStore } from '../../../app/store/index-store.ts';
import { openIndex } from '../../../app/store/open.ts';
import { vectorFor } from '../../helpers/store-rows.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { writeTree } from './tree.ts';

let dir: string;
let cleanup: () => void;
let store: IndexStore;
let photos: string;
let hashCalls: string[];
const model = 'clip';

beforeEach(() => {
  ({ dir, cleanup } = tempDir('eidos-plan-'));
  photos = join(dir, 'photos');
  // Distinct sizes, so a first plan has nothing to hash.
  writeTree(photos, {
    'a.jpg': 'a'.repeat(10),
    'b.jpg': 'b'.repeat(20),
    'sub/c.png': 'c'.repeat(30),
    'd.heic': 'd'.repeat(40),
  });
  store = openIndex(join(dir, 'index.sqlite'));
  store.addFolder(photos);
  hashCalls = [];
});
afterEach(() => {
  store.close();
  cleanup();
});

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const plan = () =>
  planIndex(store, {
    modelId: model,
    hash: (path) => {
      hashCalls.push(String(path));
      return hashFile(path);
    },
  });
const rel = (path: string) => path.slice(photos.length + 1);

/** Does what the pipeline will: hash what the plan did not, embed only content without a vector. */
async function execute(result: IndexPlan, modelId = model): Promise<number> {
  applyMovesAndDeletions(store, result);
  let embedded = 0;
  const items = await Promise.all(
    result.work.map(async (work) => {
      const contentHash = work.contentHash ?? (await hashFile(work.file.path));
      const needs = !work.embedded && !store.hasEmbedding(contentHash, modelId);
      if (needs) embedded++;
      return {
        kind: 'indexed' as const,
        file: work.file,
        contentHash,
        metadata: {},
        ...(needs ? { embedding: vectorFor(work.file.size) } : {}),
      };
    }),
  );
  if (items.length > 0) store.writeBatch({ modelId, items });
  return embedded;
}

describe('planIndex', () => {
  it('plans everything as new on the first run without hashing, then nothing (and no hashing) on the second', async () => {
    const first = await plan();
    expect(first.work.map((w) => [rel(w.file.path), w.reason, w.contentHash]).sort()).toEqual([
      ['a.jpg', 'new', null],
      ['b.jpg', 'new', null],
      ['d.heic', 'new', null],
      ['sub/c.png', 'new', null],
    ]);
    expect(hashCalls).toEqual([]);
    expect(await execute(first)).toBe(4);
    const again = await plan();
    expect(again).toMatchObject({ unchanged: 4, work: [], moved: [], deleted: [], unverified: 0, problems: [] });
    expect(hashCalls).toEqual([]);
  });

  it('detects a rename and a move into another folder by content: same row, same vector, nothing re-embedded', async () => {
    await execute(await plan());
    const before = store.loadMatrix(model);
    const idOf = (name: string) => before?.fileIds[before.paths.indexOf(join(photos, name))];
    const [aId, cId] = [idOf('a.jpg'), idOf('sub/c.png')];
    renameSync(join(photos, 'a.jpg'), join(photos, 'renamed.jpg'));
    mkdirSync(join(photos, 'moved'));
    renameSync(join(photos, 'sub', 'c.png'), join(photos, 'moved', 'c.png'));
    const result = await plan();
    expect(result.moved.map((m) => [m.fileId, rel(m.from.path), rel(m.to.path)]).sort()).toEqual(
      [
        [aId, 'a.jpg', 'renamed.jpg'],
        [cId, 'sub/c.png', 'moved/c.png'],
      ].sort(),
    );
    expect([result.work, result.deleted]).toEqual([[], []]);
    expect(hashCalls.map(rel).sort()).toEqual(['moved/c.png', 'renamed.jpg']);
    expect(await execute(result)).toBe(0);
    const after = store.loadMatrix(model);
    expect(after?.paths.map(rel).sort()).toEqual(['b.jpg', 'd.heic', 'moved/c.png', 'renamed.jpg']);
    expect(store.fileByPath({ path: join(photos, 'renamed.jpg') })?.id).toBe(aId);
    expect(store.fileByPath({ path: join(photos, 'renamed.jpg') })?.contentHash).toBe(
      sha256(join(photos, 'renamed.jpg')),
    );
  });

  it('treats a copy as work whose vector already exists, and a deletion as deleted', async () => {
    await execute(await plan());
    copyFileSync(join(photos, 'b.jpg'), join(photos, 'copy of b.jpg'));
    rmSync(join(photos, 'd.heic'));
    const result = await plan();
    expect(result.work.map((w) => [rel(w.file.path), w.reason, w.contentHash, w.embedded])).toEqual([
      ['copy of b.jpg', 'new', sha256(join(photos, 'b.jpg')), true],
    ]);
    expect(result.deleted.map((f) => rel(f.path))).toEqual(['d.heic']);
    expect(await execute(result)).toBe(0);
    expect(store.loadMatrix(model)?.n).toBe(4);
  });

  it('re-plans a changed file; it is re-embedded only when its bytes changed', async () => {
    await execute(await plan());
    appendFileSync(join(photos, 'a.jpg'), 'edited');
    const sameBytes = join(photos, 'b.jpg');
    utimesSync(sameBytes, new Date(), new Date(Date.now() + 5000)); // only the mtime moves
    const result = await plan();
    expect(result.work.map((w) => [rel(w.file.path), w.reason]).sort()).toEqual([
      ['a.jpg', 'changed'],
      ['b.jpg', 'changed'],
    ]);
    expect(await execute(result)).toBe(1); // a.jpg only
    expect(await plan()).toMatchObject({ unchanged: 4, work: [] });
  });

  it('keeps the files of a folder it cannot read instead of deleting them', async () => {
    await execute(await plan());
    renameSync(photos, join(dir, 'unplugged')); // the whole library root disappears (an unmounted disk)
    const result = await plan();
    expect(result.problems.map((p) => [p.path, p.code])).toEqual([[photos, 'NOT_FOUND']]);
    expect(result).toMatchObject({ deleted: [], unverified: 4, work: [] });
  });

  it('plans files without a vector for a newly chosen model, reusing their known hash', async () => {
    await execute(await plan());
    const result = await planIndex(store, { modelId: 'other-model' });
    expect(result.work.map((w) => [rel(w.file.path), w.reason, w.contentHash]).sort()).toEqual(
      ['a.jpg', 'b.jpg', 'd.heic', 'sub/c.png'].map((name) => [name, 'missing-embedding', sha256(join(photos, name))]),
    );
    writeFileSync(join(photos, 'unrelated.txt'), 'ignored');
    expect(await execute(result, 'other-model')).toBe(4);
  });
});
