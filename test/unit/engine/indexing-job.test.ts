import { describe, expect, it } from 'vitest';
import type { IndexProgress, IndexRunSummary } from '../../../app/contract/types.ts';
import type { Engine } from '../../../app/service/engine.ts';
import { IndexingJob } from '../../../app/service/indexing-job.ts';

/**
 * The job's rule: one run at a time; requests during a run are answered by exactly one more run after
 * it, announced as `queued` on the run in flight; every run's progress carries its number. The runs
 * here are ones the test ends by hand, so the order of events is the test's, not a clock's.
 */
const summary = (encoded: number): IndexRunSummary => ({
  unchanged: 0,
  moved: 0,
  deleted: 0,
  encoded,
  reused: 0,
  skipped: 0,
  problems: [],
  seconds: 0,
});

/** An engine whose runs end when the test says: `finish(encoded)` ends the oldest open run. */
function handEngine() {
  const open: Array<(s: IndexRunSummary) => void> = [];
  const engine = {
    index: () => new Promise<IndexRunSummary>((resolve) => open.push(resolve)),
  } as unknown as Engine;
  return {
    engine,
    /** Runs started and not finished. */
    openRuns: () => open.length,
    finish: async (encoded = 0) => {
      open.shift()?.(summary(encoded));
      // The job's then/finally run as microtasks after the run resolves.
      for (let i = 0; i < 5; i++) await Promise.resolve();
    },
  };
}

function recordedJob() {
  const progress: IndexProgress[] = [];
  const changed: IndexRunSummary[] = [];
  const job = new IndexingJob({ progress: (p) => progress.push(p), changed: (s) => changed.push(s) });
  return { job, progress, changed };
}

const ended = (p: IndexProgress): boolean => p.summary !== undefined || p.state === 'failed';

describe('IndexingJob', () => {
  it('numbers its runs and announces the end of each with its summary', async () => {
    const hand = handEngine();
    const { job, progress, changed } = recordedJob();
    expect(job.start(hand.engine)).toMatchObject({ state: 'scanning', run: 1 });
    await hand.finish(2);
    expect(job.active).toBe(false);
    expect(job.start(hand.engine)).toMatchObject({ state: 'scanning', run: 2 });
    await hand.finish(0);
    expect(progress.filter(ended).map((p) => [p.run, p.state, p.summary?.encoded, p.queued])).toEqual([
      [1, 'done', 2, undefined],
      [2, 'done', 0, undefined],
    ]);
    // Only a run that changed the library is announced as a change.
    expect(changed.map((s) => s.encoded)).toEqual([2]);
  });

  it('answers any number of requests during a run with one more run, announced as queued', async () => {
    const hand = handEngine();
    const { job, progress } = recordedJob();
    job.start(hand.engine);
    expect(progress.at(-1)?.queued).toBeUndefined();
    for (let i = 0; i < 3; i++) expect(job.start(hand.engine)).toMatchObject({ run: 1, queued: true });
    expect(progress.at(-1)).toMatchObject({ run: 1, queued: true });
    await hand.finish();
    // Run 1 ends saying another follows; run 2 starts at once; nobody asked during run 2.
    expect(progress.filter(ended).at(-1)).toMatchObject({ run: 1, state: 'done', queued: true });
    expect(progress.at(-1)).toEqual({ state: 'scanning', run: 2, done: 0, total: 0, skipped: 0 });
    expect(hand.openRuns()).toBe(1);
    await hand.finish();
    expect(progress.filter(ended).at(-1)).toMatchObject({ run: 2, state: 'done' });
    expect(progress.filter(ended).at(-1)).not.toHaveProperty('queued');
    expect(job.active).toBe(false);
  });

  it('cancelling drops the queued run and says so', async () => {
    const hand = handEngine();
    const { job, progress } = recordedJob();
    job.start(hand.engine);
    job.start(hand.engine);
    expect(job.cancel()).toMatchObject({ run: 1 });
    expect(job.progress).not.toHaveProperty('queued');
    await hand.finish();
    expect(progress.filter(ended)).toMatchObject([{ run: 1, state: 'cancelled' }]);
    expect(progress.filter(ended)[0]).not.toHaveProperty('queued');
    expect(job.active).toBe(false);
    expect(hand.openRuns()).toBe(0);
  });
});
