/**
 * Search-as-you-type. Every input is searched at once (no debounce before the request, so the engine
 * starts on the last keystroke the moment it is typed), and newer input aborts the request in flight.
 * What waits is the painting: an answer is shown once the typing has paused for `holdMs`, so a burst
 * of keystrokes does not paint a result grid per key (each paint would hold up the next), and a
 * half-typed query's error does not flash by. A response that arrives after newer input (a transport
 * that cannot abort) is dropped, so results never jump back to an older query.
 */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface LatestOnly<A> {
  /** New input: searched now, its answer shown once typing pauses. */
  schedule(arg: A): void;
  /** Searches `arg` now and shows its answer as soon as it comes (e.g. on Enter). */
  runNow(arg: A): void;
  /** Drops anything in flight or waiting to be shown. */
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
  holdMs: number,
  timers: Timers = realTimers,
): LatestOnly<A> {
  let generation = 0;
  let inFlight: AbortController | undefined;
  let held: unknown;
  let lastInput = Number.NEGATIVE_INFINITY;

  /** Newer input makes what is in flight or held stale as of now, not only once the new request is sent. */
  const supersede = (): void => {
    generation++;
    inFlight?.abort();
    inFlight = undefined;
    if (held !== undefined) timers.clearTimeout(held);
    held = undefined;
  };
  const start = (arg: A, hold: boolean): void => {
    supersede();
    const mine = generation;
    const controller = new AbortController();
    inFlight = controller;
    const settle = (show: () => void): void => {
      if (mine !== generation) return;
      inFlight = undefined;
      const wait = hold ? lastInput + holdMs - timers.now() : 0;
      if (wait <= 0) {
        show();
        return;
      }
      held = timers.setTimeout(() => {
        held = undefined;
        if (mine === generation) show();
      }, wait);
    };
    task(arg, controller.signal).then(
      (result) => settle(() => handlers.onResult(result, arg)),
      (error: unknown) => settle(() => handlers.onError(error, arg)),
    );
  };
  return {
    schedule(arg) {
      lastInput = timers.now();
      start(arg, true);
    },
    runNow(arg) {
      start(arg, false);
    },
    cancel: supersede,
  };
}
