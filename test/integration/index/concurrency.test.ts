import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse, SearchResult } from '../../../app/contract/types.ts';
import { Engine } from '../../../app/service/engine.ts';
import { indexPath } from '../../../app/paths.ts';
import { serve } from '../../helpers/serve-fixture.ts';
import { jsonError, makeHome, runEidos, spawnIndex } from '../../helpers/eidos-cli.ts';
import { lockPid, peek } from './probe.ts';
import { cleanReference, expectSameIndex, type IndexContent } from '../../helpers/same-index.ts';
import { standOutBits } from '../../../app/search/pmi.ts';
import { expectConsistent, expectSameAnswer, expectWithinDrift, indexedCount, indexedPaths } from './search-checks.ts';

// One library of real photos indexed by `eidos index` in a child process while this process (or a
// second eidos process) reads, searches or tries to write the same data folder.
const PHOTOS = 150;
const QUERY = 'orange'; // picks out about 19 of the 150 photos with the synthetic model
const EVERY = { query: QUERY, top: 1000 } as const;

type Home = Awaited<ReturnType<typeof makeHome>>;
const homes: Home[] = [];
let library: string;
let reference: IndexContent;
/** The clean index's answers: every photo (--all) and only those that stand out. */
let cleanAll: SearchResponse;
let cleanStanding: SearchResponse;

async function newHome(): Promise<Home> {
  const home = await makeHome();
  homes.push(home);
  return home;
}

beforeAll(async () => {
  const clean = await cleanReference(PHOTOS);
  homes.push(clean);
  ({ library, content: reference } = clean);
  const engine = Engine.open({ home: clean.home, readonly: true });
  try {
    cleanAll = await engine.search(EVERY, { all: true });
    cleanStanding = await engine.search(EVERY);
  } finally {
    await engine.close();
  }
  expect(cleanAll.results.length).toBe(PHOTOS);
  expect(cleanStanding.results.length, 'the query must pick out some photos, not all').toBeGreaterThan(0);
  expect(cleanStanding.results.length).toBeLessThan(PHOTOS);
});
afterAll(() => homes.forEach((home) => home.dispose()));

/**
 * `eidos index` on the library in a child; `running()` is false once it exited. `pause` stops it where
 * it is (SIGSTOP: perhaps inside a write transaction) and `resume` lets it go on, so a test makes the
 * state it needs ("a run is going and holds the lock") instead of hoping the run is still going.
 */
function startIndexing(home: string) {
  const child = spawnIndex(home, library);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let exited = false;
  void exit.then(() => (exited = true));
  return {
    pid: child.pid!,
    running: () => !exited,
    /** Resolves when `condition` holds (polled), or throws if the indexer ended first. */
    async until(condition: () => boolean, what: string): Promise<void> {
      while (!condition()) {
        if (exited) throw new Error(`eidos index ended before ${what}; stderr: ${stderr}`);
        await sleep(10);
      }
    },
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async finished(): Promise<void> {
      child.kill('SIGCONT');
      const [code, signal] = await exit;
      expect({ code, signal }, `eidos index failed: ${stderr}`).toEqual({ code: 0, signal: null });
    },
  };
}

const byPath = (results: readonly SearchResult[]): Map<string, number> => new Map(results.map((r) => [r.path, r.bits]));

describe('searching while eidos index runs in another process', () => {
  it('answers from one committed state each time, never shrinks, and ends equal to a clean index', async () => {
    const { home } = await newHome();
    const indexer = startIndexing(home);
    await indexer.until(() => indexedCount(home) > 0, 'its first batch');
    const follower = Engine.open({ home, readonly: true });
    const totals: number[] = [];
    const searchAlong = async (how: string): Promise<void> => {
      const before = indexedCount(home);
      // Any error (SQLITE_BUSY translated or not) fails the test here.
      const response = await follower.search(EVERY, { all: true });
      const after = indexedPaths(home);
      const where = `search ${totals.length + 1}, ${how} (${before}..${after.size} committed)`;
      expectConsistent(response.results, after, where);
      expect(response.results.length, `${where}: --all returns every photo`).toBe(response.total);
      expect(response.total, `${where}: photos seen`).toBeGreaterThanOrEqual(Math.max(before, totals.at(-1) ?? 0));
      expect(response.total).toBeLessThanOrEqual(after.size);
      totals.push(response.total);
    };
    try {
      // Each round: searches while the writer writes, until it has committed more; then one with the writer
      // stopped wherever it was (perhaps inside a transaction). Every round's stopped search sees a later
      // committed state than the last, however fast either side runs.
      while (indexer.running()) {
        const seen = indexedCount(home);
        do await searchAlong('beside the writer');
        while (indexer.running() && indexedCount(home) === seen);
        indexer.pause();
        try {
          await searchAlong('with the writer stopped');
        } finally {
          indexer.resume();
        }
      }
      await indexer.finished();
      expect(
        new Set(totals).size,
        `searches saw too few states of the growing index: ${totals.join(' ')}`,
      ).toBeGreaterThanOrEqual(3);

      // The reader that followed along: within the prior's drift bound of the clean index.
      const followed = await follower.search(EVERY, { all: true });
      expect(followed.total).toBe(PHOTOS);
      expectWithinDrift(followed.results, byPath(cleanAll.results), undefined, 'follower, --all');
      expectWithinDrift(
        (await follower.search(EVERY)).results,
        byPath(cleanAll.results),
        standOutBits(cleanAll.queryBits),
        'follower',
      );
    } finally {
      await follower.close();
    }
    // A reader opened now: the same answer as on the clean index.
    const fresh = Engine.open({ home, readonly: true });
    try {
      expectSameAnswer((await fresh.search(EVERY, { all: true })).results, cleanAll.results, 'fresh reader, --all');
      expectSameAnswer((await fresh.search(EVERY)).results, cleanStanding.results, 'fresh reader');
    } finally {
      await fresh.close();
    }
    expectSameIndex(home, reference, 'after searching along');
  });
});

describe('a second eidos index on the same data folder', () => {
  it('is refused with INDEX_LOCKED naming the index file and the running process, and the first run is unaffected', async () => {
    const { home } = await newHome();
    const indexer = startIndexing(home);
    await indexer.until(() => peek(home, lockPid) === indexer.pid, 'it took the writer lock');
    // Held where it is while the second run tries: the first is certainly still going, however slow the second starts.
    indexer.pause();
    const [asJson, asText] = await Promise.all([
      runEidos(home, ['index', library, '--json']),
      runEidos(home, ['index', library]),
    ]).finally(indexer.resume);
    expect(indexer.running()).toBe(true);

    expect(asJson.code).toBe(1);
    const error = jsonError(asJson);
    expect(error.code).toBe('INDEX_LOCKED');
    for (const message of [error.message, asText.stderr]) {
      expect(message).toContain(indexPath(home));
      expect(message).toContain(`pid ${indexer.pid}`);
      expect(message).toMatch(/Wait for it to finish/);
    }
    expect(asText.code).toBe(1);

    await indexer.finished();
    expectSameIndex(home, reference, 'the first run, after the refused second one');
    expect(peek(home, lockPid), 'the finished run released the lock').toBeUndefined();
  });
});

describe('eidos serve while eidos index runs in another process', () => {
  it('serves consistent searches during the run, refuses to index alongside it, and matches a clean index after', async () => {
    const { home } = await newHome();
    const indexer = startIndexing(home);
    await indexer.until(() => indexedCount(home) > 0, 'its first batch');
    // Stopped until serve is up and has searched: however long serve takes to start, the run is still going.
    indexer.pause();
    const served = await serve(home).catch((error: unknown) => {
      indexer.resume();
      throw error;
    });
    const post = async (method: string, body: unknown): Promise<{ status: number; body: unknown }> => {
      const response = await fetch(`${served.origin}/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${served.token}` },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    };
    try {
      const refused = await post('startIndexing', {});
      expect(refused.status).toBeGreaterThanOrEqual(400);
      const { error } = refused.body as { error: { code: string; message: string } };
      expect(error.code).toBe('INDEX_LOCKED');
      expect(error.message).toContain(`pid ${indexer.pid}`);

      let searches = 0;
      const searchDuringRun = async (): Promise<void> => {
        const answer = await post('search', EVERY);
        const where = `serve search ${++searches}`;
        expect(answer.status, `${where}: ${JSON.stringify(answer.body)}`).toBe(200);
        expectConsistent((answer.body as SearchResponse).results, indexedPaths(home), where);
      };
      await searchDuringRun();
      await searchDuringRun();
      indexer.resume();
      while (indexer.running()) await searchDuringRun();
      await indexer.finished();
      expect(searches).toBeGreaterThanOrEqual(2);
      const after = await post('search', EVERY);
      expect(after.status).toBe(200);
      expectWithinDrift(
        (after.body as SearchResponse).results,
        byPath(cleanAll.results),
        standOutBits(cleanAll.queryBits),
        'serve after indexing',
      );
      // With the other writer gone, a write request reopens the engine writable.
      const added = await post('addFolder', { path: library });
      expect(added.status, JSON.stringify(added.body)).toBe(200);
      expect(added.body).toMatchObject({ path: library, photos: PHOTOS });
    } finally {
      indexer.resume();
      await served.stop();
    }
  });
});
