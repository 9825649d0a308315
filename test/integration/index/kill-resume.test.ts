import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { halfBitsToFloat } from '../../../app/kernels/f16.ts';
import { indexPath } from '../../../app/paths.ts';
import { copyImagenet, indexFolder, makeHome, spawnIndex, vectorsByHash } from './harness.ts';

// kill -9 of `eidos index` at random moments while it writes batches: the database must stay sound,
// the next run must resume (embed only what is missing), and the end result must equal a clean run's.
const COUNT = 120;
const ROUNDS = 3;

let killed: Awaited<ReturnType<typeof makeHome>>;
let clean: Awaited<ReturnType<typeof makeHome>>;
let library: string;

beforeAll(async () => {
  [killed, clean] = await Promise.all([makeHome(), makeHome()]);
  library = join(killed.scratch, 'library');
  copyImagenet(library, COUNT);
});
afterAll(() => {
  killed?.dispose();
  clean?.dispose();
});

/** Rows in `files` as another process sees them, or -1 while the index is still being created. */
function committedFiles(home: string): number {
  try {
    const db = new Database(indexPath(home), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT count(*) FROM files').pluck().get() as number) ?? 0;
    } finally {
      db.close();
    }
  } catch {
    return -1;
  }
}

function integrityCheck(home: string): string[] {
  const db = new Database(indexPath(home));
  try {
    return db.prepare('PRAGMA integrity_check').pluck().all() as string[];
  } finally {
    db.close();
  }
}

describe('kill -9 during eidos index', () => {
  it('leaves a sound database after each kill, and each run resumes where the last stopped', async () => {
    let before = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const child = spawnIndex(killed.home, library);
      const exited = once(child, 'exit');
      let finished = false;
      void exited.then(() => (finished = true));
      // Wait until this run has committed a batch of its own, then kill at a random moment after it.
      while (!finished && committedFiles(killed.home) <= before) await sleep(50);
      const delay = Math.round(Math.random() * 600);
      await sleep(delay);
      expect(finished, `round ${round}: the run ended before the kill (${delay} ms after its first batch); use more photos`).toBe(false);
      child.kill('SIGKILL');
      const [, signal] = await exited;
      expect(signal).toBe('SIGKILL');
      expect(integrityCheck(killed.home), `round ${round}, killed ${delay} ms after a commit`).toEqual(['ok']);
      const now = committedFiles(killed.home);
      expect(now).toBeGreaterThan(before);
      expect(now).toBeLessThan(COUNT);
      before = now;
    }
    const resumed = await indexFolder(killed.home);
    // Only what the killed runs had not committed is embedded now.
    expect(resumed.encoded).toBe(COUNT - before);
    expect(resumed.unchanged).toBe(before);
    expect(integrityCheck(killed.home)).toEqual(['ok']);
  });

  it('ends with the same content hashes and vectors as a clean run', async () => {
    const summary = await indexFolder(clean.home, library);
    expect(summary.encoded).toBe(COUNT);
    const expected = vectorsByHash(clean.home);
    const actual = vectorsByHash(killed.home);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    let worst = 0;
    for (const [hash, vector] of expected) {
      const other = actual.get(hash) as Uint16Array;
      // Batches differ between the runs; the same photo must still get the same vector (f16 storage).
      for (let i = 0; i < vector.length; i++) worst = Math.max(worst, Math.abs(halfBitsToFloat(vector[i]!) - halfBitsToFloat(other[i]!)));
    }
    expect(worst).toBeLessThan(1e-3);
  });
});
