/** The pipeline's own progress (counts, a smoothed rate, the time left): the CLI prints it; the service turns it into the API's IndexProgress. */
export interface PipelineProgress {
  phase: 'scanning' | 'indexing' | 'reading-text' | 'finishing' | 'done';
  /** Files that need reading in this run (new or changed). */
  total: number;
  done: number;
  encoded: number;
  /** Content already embedded (copies, files changed back): metadata only. */
  reused: number;
  skipped: number;
  /** Photos per second over the last few seconds. */
  rate: number;
  /** Seconds left at the current rate; undefined before the rate is known. */
  etaSeconds: number | undefined;
  /** The file read last, for display. */
  current?: string;
  /** The text pass (text-pass.ts): photos whose words were read in this run, of how many. */
  text?: { done: number; total: number; failed: number };
}

/** Rate over a sliding window, so a slow start or a pause does not distort the ETA for long. */
export class RateMeter {
  private readonly samples: Array<{ t: number; done: number }> = [];

  constructor(
    private readonly windowMs = 5000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  record(done: number): number {
    const t = this.now();
    this.samples.push({ t, done });
    while (this.samples.length > 2 && t - (this.samples[0] as { t: number }).t > this.windowMs) this.samples.shift();
    const first = this.samples[0] as { t: number; done: number };
    const seconds = (t - first.t) / 1000;
    return seconds > 0 ? (done - first.done) / seconds : 0;
  }
}

export function etaSeconds(remaining: number, rate: number): number | undefined {
  return rate > 0 ? remaining / rate : undefined;
}
