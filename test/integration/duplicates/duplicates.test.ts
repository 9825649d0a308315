// `eidos duplicates` through the built CLI, and the Duplicates view's calls through `eidos serve`, on
// real photos with duplicates made on purpose (test/helpers/duplicate-library.ts): exactly the groups the
// construction made, each in its tier; the trash moves photos into the data folder (0700) and out of
// the index, never deleting them, and restoring puts back the same bytes and indexes them again.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexPath } from '../../../app/paths.ts';
import type { DuplicateGroup, DuplicatesReport } from '../../../app/contract/duplicates.ts';
import { createHttpClient } from '../../../app/contract/http-client.ts';
import { makeHome, runEidos } from '../../helpers/eidos-cli.ts';
import { writeDuplicateLibrary, type ExpectedGroups } from '../../helpers/duplicate-library.ts';
import { serve, untilSettled } from '../../helpers/serve-fixture.ts';

let home: string;
let scratch: string;
let dispose: () => void;
let expected: ExpectedGroups;

beforeAll(async () => {
  ({ home, scratch, dispose } = await makeHome());
  expected = await writeDuplicateLibrary(scratch);
  const indexed = await runEidos(home, ['index', scratch, '--json']);
  expect(indexed.code).toBe(0);
}, 300_000);
afterAll(() => dispose());

const sorted = (groups: string[][]) => groups.map((g) => [...g].sort()).sort((a, b) => a[0]!.localeCompare(b[0]!));
const pathsOf = (groups: DuplicateGroup[], tier: DuplicateGroup['tier']) =>
  sorted(groups.filter((g) => g.tier === tier).map((g) => g.members.map((m) => m.path)));
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('eidos duplicates', () => {
  it('lists exactly the groups the library was made with, each in its tier, with the photo to keep and why', async () => {
    const result = await runEidos(home, ['duplicates', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as DuplicatesReport;
    expect(report.photos).toBe(expected.all.length);
    // Indexing made every content's fingerprint from its one decode: nothing is read again here.
    expect(report.fingerprints).toEqual({ made: 0, failed: 0 });
    expect(pathsOf(report.groups, 'exact')).toEqual(sorted(expected.exact));
    expect(pathsOf(report.groups, 'near')).toEqual(sorted(expected.near));
    expect(pathsOf(report.groups, 'burst')).toEqual(sorted(expected.burst));
    for (const group of report.groups) {
      expect(group.members.filter((m) => m.keep)).toEqual([group.members[0]]);
      for (const member of group.members) expect(member.reason.length).toBeGreaterThan(10);
    }
    // A copy made smaller or cut loses pixels: the original is kept, for being the largest.
    for (const made of expected.near.filter(([, copy]) => /near-(resize|crop)/.test(copy!))) {
      const group = report.groups.find((g) => g.members.some((m) => m.path === made[1]))!;
      expect(group.members[0]!.path).toBe(made[0]);
      expect(group.members[0]!.reason).toContain('largest');
    }

    // A library indexed before fingerprints were kept: each distinct content is read once (the exact copy
    // shares its original's), stored, and the groups are the same as from the indexer's fingerprints.
    const db = new Database(indexPath(home));
    db.exec('DELETE FROM photo_fingerprints');
    db.close();
    const filled = JSON.parse((await runEidos(home, ['duplicates', '--json'])).stdout) as DuplicatesReport;
    expect(filled.fingerprints).toEqual({ made: expected.all.length - 1, failed: 0 });
    expect(filled.groups.map((g) => g.members.map((m) => m.path))).toEqual(
      report.groups.map((g) => g.members.map((m) => m.path)),
    );
    const again = JSON.parse((await runEidos(home, ['duplicates', '--json'])).stdout) as DuplicatesReport;
    expect(again.fingerprints).toEqual({ made: 0, failed: 0 });

    const text = await runEidos(home, ['duplicates']);
    expect(text.stdout).toContain('1 group of exact copies, 6 groups of near-duplicates, 1 burst');
    for (const heading of ['Exact copies:', 'Near-duplicates:', 'Bursts:']) expect(text.stdout).toContain(heading);
  }, 300_000);

  it('through eidos serve: the others go to a 0700 trash folder in the data folder and out of the index; restore brings the same bytes back', async () => {
    const served = await serve(home);
    try {
      await untilSettled(served);
      const api = createHttpClient({ baseUrl: served.origin, headers: { Authorization: `Bearer ${served.token}` } });
      const first = await api.duplicates();
      if (!first.ok) throw new Error(first.error.message);
      const others = first.value.groups
        .filter((g) => g.tier === 'near')
        .flatMap((g) => g.members.filter((m) => !m.keep));
      expect(others).toHaveLength(6);
      const bytes = new Map(others.map((m) => [m.path, sha(m.path)]));

      const trashed = await api.trashPhotos({ ids: others.map((m) => m.id) });
      if (!trashed.ok) throw new Error(trashed.error.message);
      const { batch, folder } = trashed.value;
      expect(folder!.startsWith(join(home, 'trash'))).toBe(true);
      expect(statSync(join(home, 'trash')).mode & 0o777).toBe(0o700);
      expect(statSync(folder!).mode & 0o777).toBe(0o700);
      expect(statSync(join(folder!, 'manifest.json')).mode & 0o777).toBe(0o600);
      for (const member of others) expect(existsSync(member.path)).toBe(false);
      // Moved, not deleted: every photo is in the trash folder with its bytes.
      const inTrash = new Set(
        (
          JSON.parse(readFileSync(join(folder!, 'manifest.json'), 'utf8')) as { entries: { stored: string }[] }
        ).entries.map((e) => sha(join(folder!, e.stored))),
      );
      expect(inTrash).toEqual(new Set(bytes.values()));

      const after = await api.duplicates();
      if (!after.ok) throw new Error(after.error.message);
      expect(after.value.groups.filter((g) => g.tier === 'near')).toEqual([]);
      expect(after.value.photos).toBe(expected.all.length - 6);

      const restored = await api.restoreTrash({ batch });
      if (!restored.ok) throw new Error(restored.error.message);
      expect(restored.value.kept).toEqual([]);
      expect(new Set(restored.value.restored)).toEqual(new Set(bytes.keys()));
      for (const [path, hash] of bytes) expect(sha(path)).toBe(hash);
      expect(existsSync(folder!)).toBe(false);
      // Restoring started an indexing run: once it has ended, the groups are as before.
      await untilSettled(served);
      const back = await api.duplicates();
      if (!back.ok) throw new Error(back.error.message);
      expect(pathsOf(back.value.groups, 'near')).toEqual(pathsOf(first.value.groups, 'near'));

      const twice = await api.restoreTrash({ batch });
      expect(twice).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      const bad = await api.restoreTrash({ batch: '../../etc' });
      expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENT' } });
    } finally {
      await served.stop();
    }
  }, 300_000);
});
