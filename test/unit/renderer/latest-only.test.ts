import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { latestOnly } from '../../../renderer/src/lib/latest-only.ts';

/** A task whose answers the test releases by hand, in any order. */
function controlledTask() {
  const calls: { arg: string; resolve: (value: string) => void; reject: (error: Error) => void }[] = [];
  const task = (arg: string) =>
    new Promise<string>((resolve, reject) => {
      calls.push({ arg, resolve, reject });
    });
  return { calls, task };
}

describe('latestOnly', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs once, with the last input, after the delay since the last keystroke', async () => {
    const { calls, task } = controlledTask();
    const results: string[] = [];
    const runner = latestOnly(task, { onResult: (r) => results.push(r), onError: () => {} }, 120);
    for (const text of ['b', 'be', 'bea', 'beach']) {
      runner.schedule(text);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(20);
    expect(calls.map((c) => c.arg)).toEqual(['beach']);
    calls[0]!.resolve('R(beach)');
    await vi.runAllTimersAsync();
    expect(results).toEqual(['R(beach)']);
  });

  it('drops a response that arrives after a newer request started', async () => {
    const { calls, task } = controlledTask();
    const results: string[] = [];
    const runner = latestOnly(task, { onResult: (r) => results.push(r), onError: () => {} }, 120);
    runner.runNow('sea');
    runner.runNow('sunset');
    calls[1]!.resolve('R(sunset)');
    await Promise.resolve();
    calls[0]!.resolve('R(sea)');
    await vi.runAllTimersAsync();
    expect(results).toEqual(['R(sunset)']);
  });

  it('treats a response as stale as soon as newer input is typed, before that input is sent', async () => {
    const { calls, task } = controlledTask();
    const results: string[] = [];
    const errors: unknown[] = [];
    const runner = latestOnly(task, { onResult: (r) => results.push(r), onError: (e) => errors.push(e) }, 120);
    runner.runNow('dog');
    runner.schedule('dogs');
    calls[0]!.reject(new Error('late failure'));
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toEqual([]);
    await vi.advanceTimersByTimeAsync(120);
    calls[1]!.resolve('R(dogs)');
    await vi.runAllTimersAsync();
    expect(results).toEqual(['R(dogs)']);
  });

  it('reports errors of the current request and nothing after cancel', async () => {
    const { calls, task } = controlledTask();
    const errors: string[] = [];
    const results: string[] = [];
    const runner = latestOnly(
      task,
      { onResult: (r) => results.push(r), onError: (e) => errors.push((e as Error).message) },
      120,
    );
    runner.runNow('x');
    calls[0]!.reject(new Error('bad query'));
    await vi.runAllTimersAsync();
    expect(errors).toEqual(['bad query']);
    runner.schedule('y');
    runner.cancel();
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(1);
    expect(results).toEqual([]);
  });
});
