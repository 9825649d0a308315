/**
 * Wall time of each stage of one search, for the latency breakdown test/bench/search-e2e.ts prints. The
 * search calls `lap(stage)` at the end of each stage: the time since the previous lap is charged to it,
 * so the stages of one search add up to the time from `start()` to its last lap.
 */
export const SEARCH_STAGES = [
  'catch-up',
  'query terms',
  'text encoding',
  'kernel pass',
  'prior and PMI',
  'filters',
  'selection',
  'reading rows',
  'result shaping',
] as const;

export type SearchStage = (typeof SEARCH_STAGES)[number];

export class StageClock {
  readonly totals = new Map<SearchStage, number>();
  private last = performance.now();

  start(): void {
    this.last = performance.now();
  }

  lap(stage: SearchStage): void {
    const now = performance.now();
    this.totals.set(stage, (this.totals.get(stage) ?? 0) + now - this.last);
    this.last = now;
  }
}
