import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyImagenet, hashesByPath, indexFolder, makeHome, status, vectorsByHash } from '../../helpers/eidos-cli.ts';

// One library of 60 real photos, changed step by step; each run must do only the work the change needs.
const COUNT = 60;
let env: Awaited<ReturnType<typeof makeHome>>;
let library: string;
let names: string[];

beforeAll(async () => {
  env = await makeHome();
  library = join(env.scratch, 'library');
  names = copyImagenet(library, COUNT);
});
afterAll(() => env?.dispose());

describe('incremental indexing of an imagenet-dev subset', () => {
  it('indexes every photo on the first run, and records when the folder finished', async () => {
    const started = new Date().toISOString();
    const summary = await indexFolder(env.home, library);
    expect(summary).toMatchObject({ encoded: COUNT, skipped: 0, reused: 0 });
    const after = await status(env.home);
    expect(after.indexed).toBe(COUNT);
    expect(after.skipped.total).toBe(0);
    const [folder] = after.folders;
    expect(folder).toMatchObject({ path: library, files: COUNT, skipped: 0 });
    const finished = folder?.lastIndexedAt ?? '';
    expect(finished >= started && finished <= new Date().toISOString(), finished).toBe(true);
    expect(vectorsByHash(env.home).size).toBe(COUNT);
  });

  it('re-embeds nothing on a second run', async () => {
    const summary = await indexFolder(env.home);
    expect(summary).toMatchObject({ encoded: 0, unchanged: COUNT, moved: 0, deleted: 0 });
  });

  it('keeps the vector of a renamed and of a moved photo without re-embedding', async () => {
    const before = hashesByPath(env.home);
    const vectors = vectorsByHash(env.home);
    const [renamed, moved] = [names[0] as string, names[1] as string];
    renameSync(join(library, renamed), join(library, `renamed-${renamed}`));
    mkdirSync(join(library, 'sub'));
    renameSync(join(library, moved), join(library, 'sub', moved));
    const summary = await indexFolder(env.home);
    expect(summary).toMatchObject({ encoded: 0, moved: 2, deleted: 0 });
    const paths = hashesByPath(env.home);
    const kept = vectorsByHash(env.home);
    for (const [from, to] of [
      [renamed, `renamed-${renamed}`],
      [moved, join('sub', moved)],
    ] as const) {
      const hash = before.get(join(library, from)) as string;
      expect(paths.has(join(library, from))).toBe(false);
      expect(paths.get(join(library, to))).toBe(hash);
      expect(kept.get(hash)).toEqual(vectors.get(hash));
    }
  });

  it('prunes a deleted photo and its vector', async () => {
    const gone = join(library, names[2] as string);
    const hash = hashesByPath(env.home).get(gone) as string;
    rmSync(gone);
    const summary = await indexFolder(env.home);
    expect(summary).toMatchObject({ encoded: 0, deleted: 1 });
    expect((await status(env.home)).indexed).toBe(COUNT - 1);
    expect(hashesByPath(env.home).has(gone)).toBe(false);
    expect(vectorsByHash(env.home).has(hash)).toBe(false);
  });

  it('re-embeds a changed photo and drops its old vector', async () => {
    const changed = join(library, names[3] as string);
    const oldHash = hashesByPath(env.home).get(changed) as string;
    const oldVector = vectorsByHash(env.home).get(oldHash);
    // New content: the photo mirrored, written over the same path.
    const mirrored = await sharp(changed).flop().jpeg({ quality: 90 }).toBuffer();
    await sharp(mirrored).toFile(changed);
    const summary = await indexFolder(env.home);
    expect(summary).toMatchObject({ encoded: 1, deleted: 0, moved: 0, unchanged: COUNT - 2 });
    const newHash = hashesByPath(env.home).get(changed) as string;
    expect(newHash).not.toBe(oldHash);
    const vectors = vectorsByHash(env.home);
    expect(vectors.has(oldHash)).toBe(false);
    expect(vectors.get(newHash)).not.toEqual(oldVector);
    expect(vectors.size).toBe(COUNT - 1);
  });
});
