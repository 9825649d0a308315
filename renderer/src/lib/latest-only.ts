/**
 * Search-as-you-type: waits `delayMs` after the last input, then runs the task; a response that
 * arrives after a newer request was started is dropped, so results never jump back to an older query.
 */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface LatestOnly<A> {
  /** Schedules `arg` (replacing anything still waiting). */
  schedule(arg: A): void;
  /** Runs `arg` now (e.g. on Enter), skipping the delay. */
  runNow(arg: A): void;
  /** Drops anything waiting or in flight. */
  cancel(): void;
}

export function latestOnly<A, R>(
  task: (arg: A) => Promise<R>,
  handlers: { onResult(result: R, arg: A): void; onError(error: unknown, arg: A): void },
  delayMs: number,
  timers: Timers = globalThis as unknown as Timers,
): LatestOnly<A> {
  let generation = 0;
  let pending: unknown;

  const clearPending = (): void => {
    if (pending !== undefined) timers.clearTimeout(pending);
    pending = undefined;
  };
  const start = (arg: A): void => {
    clearPending();
    const mine = ++generation;
    task(arg).then(
      (result) => {
        if (mine === generation) handlers.onResult(result, arg);
      },
      (error: unknown) => {
        if (mine === generation) handlers.onError(error, arg);
      },
    );
  };
  return {
    schedule(arg) {
      clearPending();
      // A newer input makes any response still in flight stale as of now, not only once it is sent.
      generation++;
      pending = timers.setTimeout(() => {
        pending = undefined;
        start(arg);
      }, delayMs);
    },
    runNow: start,
    cancel() {
      clearPending();
      generation++;
    },
  };
}
