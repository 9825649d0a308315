import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openIndex } from '../../../app/store/open.ts';
import { tempDir } from '../../helpers/temp-dir.ts';

const batchSize = 200;
const dim = 512;
let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** Starts the writer, lets it commit `minBatches` plus a varying extra delay, then SIGKILLs it. */
async function killMidWrite(file: string, minBatches: number, extraMs: number): Promise<number> {
  const child = spawn(
    process.execPath,
    [
      'bin/run-ts.js',
      'test/integration/store/crash-writer.ts',
      file,
      join(dir, 'photos'),
      String(batchSize),
      String(dim),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let lastCommitted = -1;
  let buffered = '';
  const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
  await new Promise<void>((ready, fail) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const match of buffered.matchAll(/committed (\d+)\n/g)) lastCommitted = Number(match[1]);
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
      if (lastCommitted + 1 >= minBatches) ready();
    });
    child.on('exit', () => fail(new Error('the writer exited by itself')));
  });
  await new Promise((wait) => setTimeout(wait, extraMs));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return lastCommitted;
}

describe('crash safety', () => {
  it('kill -9 during batch writes leaves an index that opens, passes integrity_check and holds only complete batches', async () => {
    const file = join(dir, 'index.sqlite');
    let expectedAtLeast = -1;
    // Several kills at different moments into the same index; each run resumes where the last stopped.
    for (const extraMs of [7, 23, 41]) {
      const reported = await killMidWrite(file, 2, extraMs);
      const store = openIndex(file); // also proves the dead writer's lock is recognised as stale
      try {
        expect(store.checkIntegrity()).toEqual(['ok']);
        const matrix = store.loadMatrix('crash');
        if (!matrix) throw new Error('nothing committed');
        expect(matrix.d).toBe(dim);
        // Group rows by batch: every batch present must be complete, with the right vectors.
        const perBatch = new Map<string, number>();
        for (let row = 0; row < matrix.n; row++) {
          const [batch, item] = (matrix.paths[row]?.match(/b(\d+)-(\d+)\.jpg$/)?.slice(1) ?? []).map(Number) as [
            number,
            number,
          ];
          expect(matrix.contentHashes[row]).toBe(`${batch}-${item}`);
          expect(matrix.data[row * dim]).toBe(batch);
          expect(matrix.data[row * dim + dim - 1]).toBe(batch);
          perBatch.set(String(batch), (perBatch.get(String(batch)) ?? 0) + 1);
        }
        for (const count of perBatch.values()) expect(count).toBe(batchSize);
        // Each round rewrites batches 0, 1, … (same paths: upserts), so the count is the furthest round's.
        expectedAtLeast = Math.max(expectedAtLeast, reported);
        expect(perBatch.size).toBeGreaterThanOrEqual(expectedAtLeast + 1);
        expect([...perBatch.keys()].map(Number).sort((a, b) => a - b)).toEqual([...Array(perBatch.size).keys()]);
      } finally {
        store.close();
      }
    }
  });
});
