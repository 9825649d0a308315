import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { latestOnly, type Timers } from '../../../renderer/src/lib/latest-only.ts';

/** A task whose answers the test releases by hand, in any order; it ignores its abort signal, as IPC does. */
function controlledTask() {
  const calls: {
    arg: string;
    signal: AbortSignal;
    resolve: (value: string) => void;
    reject: (error: Error) => void;
  }[] = [];
  const task = (arg: string, signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      calls.push({ arg, signal, resolve, reject });
    });
  return { calls, task };
}

/** The fake clock vitest drives (setTimeout and Date are faked, so Date.now() is its time). */
const fakeTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

const DELAY = 40;

describe('latestOnly', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('searches at once on the first keystroke after a pause, then once typing pauses, with the last input', async () => {
    const { calls, task } = controlledTask();
    const results: string[] = [];
    const runner = latestOnly(task, { onResult: (r) => results.push(r), onError: () => {} }, DELAY, fakeTimers);
    await vi.advanceTimersByTimeAsync(1000);
    runner.schedule('b');
    expect(calls.map((c) => c.arg)).toEqual(['b']);
    for (const text of ['be', 'bea', 'beac', 'beach']) {
      await vi.advanceTimersByTimeAsync(25);
      runner.schedule(text);
    }
    // Typing keeps the trailing search waiting...
    expect(calls.map((c) => c.arg)).toEqual(['b']);
    await vi.advanceTimersByTimeAsync(DELAY - 1);
    expect(calls).toHaveLength(1);
    // ...until it pauses for the delay: then the last input is searched, and nothing in between.
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.arg)).toEqual(['b', 'beach']);
    calls[1]!.resolve('R(beach)');
    await vi.runAllTimersAsync();
    expect(results).toEqual(['R(beach)']);
  });

  it('aborts the request in flight when newer input arrives, and drops its answer if it comes anyway', async () => {
    const { calls, task } = controlledTask();
    const results: string[] = [];
    const runner = latestOnly(task, { onResult: (r) => results.push(r), onError: () => {} }, DELAY, fakeTimers);
    runner.schedule('sea');
    expect(calls[0]!.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(10);
    runner.schedule('seal');
    // Stale as soon as the newer input is typed, before the newer request is even sent.
    expect(calls[0]!.signal.aborted).toBe(true);
    calls[0]!.resolve('R(sea)');
    await vi.advanceTimersByTimeAsync(DELAY);
    expect(results).toEqual([]);
    expect(calls.map((c) => c.arg)).toEqual(['sea', 'seal']);
    calls[1]!.resolve('R(seal)');
    await vi.runAllTimersAsync();
    expect(results).toEqual(['R(seal)']);
  });

  it('never lets a slow early answer replace a newer one', async () => {
    const { calls, task } = controlledTask();
    const results: string[] = [];
    const runner = latestOnly(task, { onResult: (r) => results.push(r), onError: () => {} }, DELAY, fakeTimers);
    runner.runNow('sea');
    runner.runNow('sunset');
    calls[1]!.resolve('R(sunset)');
    await vi.advanceTimersByTimeAsync(0);
    calls[0]!.resolve('R(sea)');
    await vi.runAllTimersAsync();
    expect(results).toEqual(['R(sunset)']);
  });

  it('reports errors of the current request only, and nothing after cancel', async () => {
    const { calls, task } = controlledTask();
    const errors: string[] = [];
    const results: string[] = [];
    const runner = latestOnly(
      task,
      { onResult: (r) => results.push(r), onError: (e) => errors.push((e as Error).message) },
      DELAY,
      fakeTimers,
    );
    runner.runNow('dog');
    runner.schedule('dogs');
    calls[0]!.reject(new Error('late failure'));
    await vi.advanceTimersByTimeAsync(DELAY);
    expect(errors).toEqual([]);
    calls[1]!.reject(new Error('bad query'));
    await vi.runAllTimersAsync();
    expect(errors).toEqual(['bad query']);
    await vi.advanceTimersByTimeAsync(1000);
    runner.schedule('y');
    runner.cancel();
    expect(calls[2]!.signal.aborted).toBe(true);
    calls[2]!.resolve('R(y)');
    await vi.runAllTimersAsync();
    expect(results).toEqual([]);
  });
});
