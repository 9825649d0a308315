/**
 * Search-as-you-type. The first keystroke after a pause runs at once (no waiting on a debounce);
 * keystrokes that follow it closely wait `delayMs` after the last of them, so a fast typist's
 * half-words do not each cost a search. Every new input aborts the request in flight (its signal),
 * and a response that arrives after newer input anyway (a transport that cannot abort) is dropped,
 * so results never jump back to an older query.
 */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface LatestOnly<A> {
  /** New input: runs now after a pause, else once typing pauses for the delay. */
  schedule(arg: A): void;
  /** Runs `arg` now (e.g. on Enter), skipping the delay. */
  runNow(arg: A): void;
  /** Drops anything waiting or in flight. */
  cancel(): void;
}

const realTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as number),
  now: () => performance.now(),
};

export function latestOnly<A, R>(
  task: (arg: A, signal: AbortSignal) => Promise<R>,
  handlers: { onResult(result: R, arg: A): void; onError(error: unknown, arg: A): void },
  delayMs: number,
  timers: Timers = realTimers,
): LatestOnly<A> {
  let generation = 0;
  let pending: unknown;
  let inFlight: AbortController | undefined;
  let lastInput = Number.NEGATIVE_INFINITY;

  const clearPending = (): void => {
    if (pending !== undefined) timers.clearTimeout(pending);
    pending = undefined;
  };
  /** Newer input makes what is waiting or in flight stale as of now, not only once the new request is sent. */
  const supersede = (): void => {
    clearPending();
    generation++;
    inFlight?.abort();
    inFlight = undefined;
  };
  const start = (arg: A): void => {
    supersede();
    const mine = generation;
    const controller = new AbortController();
    inFlight = controller;
    task(arg, controller.signal).then(
      (result) => {
        if (mine !== generation) return;
        inFlight = undefined;
        handlers.onResult(result, arg);
      },
      (error: unknown) => {
        if (mine !== generation) return;
        inFlight = undefined;
        handlers.onError(error, arg);
      },
    );
  };
  return {
    schedule(arg) {
      const now = timers.now();
      const typing = now - lastInput < delayMs;
      lastInput = now;
      if (!typing) {
        start(arg);
        return;
      }
      supersede();
      pending = timers.setTimeout(() => {
        pending = undefined;
        start(arg);
      }, delayMs);
    },
    runNow(arg) {
      lastInput = timers.now();
      start(arg);
    },
    cancel: supersede,
  };
}
