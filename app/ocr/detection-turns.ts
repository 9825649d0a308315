/**
 * Full-size detections one at a time across the text workers (text-reader.ts). The detector's activations
 * on a 960 × 960 photo take about 180 MB for the length of its run, and glibc keeps what a thread freed
 * for that thread's next allocation: two workers detecting at once, or each holding its last run's memory,
 * would add 180 MB each to the peak of `eidos index` (test/bench/text-index.ts: 957 MB with two workers
 * and no turns, against a 1 GB limit). So a worker takes the turn, detects, hands the freed memory back
 * to the system, and passes the turn on; the other worker recognises lines meanwhile, which is most of
 * the work (test/bench/text-profile.ts). A detection no larger than the reader's own first look (672 × 672 at
 * most) takes no turn, as that look takes none (ppocr-reader.ts): a small photo's full look costs no more
 * memory than a large photo's first look, and waiting for a turn and trimming after it cost more than its run.
 *
 * The turn is one Int32 in a SharedArrayBuffer that every worker of a reader is given: 0 free, else the
 * number of the worker holding it. A worker thread may block (Atomics.wait); the engine's thread never
 * takes a turn, but frees the turn of a worker it ends (freeTurnOf), which could not pass it on.
 */
import { releaseFreedMemory } from '../kernels/index.ts';

const FREE = 0;

/** The shared memory of one reader's turns, made by the engine and passed to each of its workers. */
export function newDetectionTurn(): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
}

export type InTurn = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * For worker number `holder` (≥ 1): runs `work` while holding the turn in `shared`, then returns the
 * memory it freed and passes the turn on.
 */
export function detectionTurns(shared: SharedArrayBuffer, holder: number): InTurn {
  const turn = new Int32Array(shared);
  return async (work) => {
    for (;;) {
      const current = Atomics.compareExchange(turn, 0, FREE, holder);
      if (current === FREE) break;
      Atomics.wait(turn, 0, current);
    }
    try {
      return await work();
    } finally {
      try {
        releaseFreedMemory();
      } finally {
        Atomics.store(turn, 0, FREE);
        Atomics.notify(turn, 0, 1);
      }
    }
  };
}

/** Frees the turn if worker `holder` holds it: the engine ended that worker mid-run. */
export function freeTurnOf(shared: SharedArrayBuffer, holder: number): void {
  const turn = new Int32Array(shared);
  if (Atomics.compareExchange(turn, 0, holder, FREE) === holder) Atomics.notify(turn, 0, 1);
}

/** No one to share with: the work runs at once (one worker, a bench, a test). */
export const ownTurn: InTurn = (work) => work();
