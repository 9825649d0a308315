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

const PAUSE = 30;

describe('latestOnly', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('searches every keystroke at once, aborting the one before, and shows the last once typing pauses', async () => {
    const { calls, task } = controlledTask();
    const results: string[] = [];
    const runner = latestOnly(task, { onResult: (r) => results.push(r), onError: () => {} }, PAUSE, fakeTimers);
    const typed = ['b', 'be', 'bea', 'beac', 'beach'];
    for (const [i, text] of typed.entries()) {
      if (i > 0) await vi.advanceTimersByTimeAsync(25);
      runner.schedule(text);
      // Sent at once, and the one before it aborted.
      expect(calls.map((c) => c.arg)).toEqual(typed.slice(0, i + 1));
      expect(calls.map((c) => c.signal.aborted)).toEqual([...typed.slice(0, i).map(() => true), false]);
      // Answered meanwhile (a transport that cannot abort): never shown, the input moved on.
      if (i > 0) calls[i - 1]!.resolve(`R(${typed[i - 1]})`);
    }
    // The last answer comes 10 ms after the last key: held until typing has paused for PAUSE.
    await vi.advanceTimersByTimeAsync(10);
    calls[4]!.resolve('R(beach)');
    await vi.advanceTimersByTimeAsync(PAUSE - 10 - 1);
    expect(results).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(results).toEqual(['R(beach)']);
  });

  it('shows an answer at once when typing has already paused, and at once after Enter', async () => {
    const { calls, task } = controlledTask();
    const results: string[] = [];
    const runner = latestOnly(task, { onResult: (r) => results.push(r), onError: () => {} }, PAUSE, fakeTimers);
    runner.schedule('sea');
    await vi.advanceTimersByTimeAsync(PAUSE + 5);
    calls[0]!.resolve('R(sea)');
    await vi.advanceTimersByTimeAsync(0);
    expect(results).toEqual(['R(sea)']);
    runner.schedule('seal');
    runner.runNow('seal');
    expect(calls[1]!.signal.aborted).toBe(true);
    calls[2]!.resolve('R(seal)');
    await vi.advanceTimersByTimeAsync(0);
    expect(results).toEqual(['R(sea)', 'R(seal)']);
  });

  it('never lets a slow early answer replace a newer one, even one already held for showing', async () => {
    const { calls, task } = controlledTask();
    const results: string[] = [];
    const runner = latestOnly(task, { onResult: (r) => results.push(r), onError: () => {} }, PAUSE, fakeTimers);
    runner.schedule('sun');
    calls[0]!.resolve('R(sun)'); // held: typing has not paused yet
    await vi.advanceTimersByTimeAsync(5);
    runner.schedule('sunset');
    await vi.advanceTimersByTimeAsync(PAUSE);
    expect(results).toEqual([]);
    calls[1]!.resolve('R(sunset)');
    await vi.runAllTimersAsync();
    expect(results).toEqual(['R(sunset)']);
    runner.runNow('sea');
    runner.runNow('sunset');
    calls[3]!.resolve('R(sunset) again');
    await vi.advanceTimersByTimeAsync(0);
    calls[2]!.resolve('R(sea)');
    await vi.runAllTimersAsync();
    expect(results).toEqual(['R(sunset)', 'R(sunset) again']);
  });

  it('reports errors of the current request only, after the pause, and nothing after cancel', async () => {
    const { calls, task } = controlledTask();
    const errors: string[] = [];
    const results: string[] = [];
    const runner = latestOnly(
      task,
      { onResult: (r) => results.push(r), onError: (e) => errors.push((e as Error).message) },
      PAUSE,
      fakeTimers,
    );
    runner.schedule('red +');
    calls[0]!.reject(new Error('a + needs a term'));
    await vi.advanceTimersByTimeAsync(10);
    runner.schedule('red +car');
    await vi.advanceTimersByTimeAsync(PAUSE);
    expect(errors).toEqual([]);
    calls[1]!.reject(new Error('bad query'));
    await vi.runAllTimersAsync();
    expect(errors).toEqual(['bad query']);
    runner.schedule('y');
    runner.cancel();
    expect(calls[2]!.signal.aborted).toBe(true);
    calls[2]!.resolve('R(y)');
    await vi.runAllTimersAsync();
    expect(results).toEqual([]);
  });
});
