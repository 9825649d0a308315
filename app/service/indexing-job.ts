/**
 * One indexing run in the background of a long-lived process (serve, the Electron engine), with
 * its progress kept for `status` and pushed to listeners, and cancellation after the batch in flight.
 */
import type { IndexProgress } from '../contract/types.ts';
import { describeError } from '../contract/errors.ts';
import { errorBody } from '../contract/dispatch.ts';
import type { PipelineProgress } from '../indexer/progress.ts';
import type { Engine } from './engine.ts';

export class IndexingJob {
  private state: IndexProgress = { state: 'idle', done: 0, total: 0, skipped: 0 };
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly emit: (progress: IndexProgress) => void) {}

  get progress(): IndexProgress {
    return { ...this.state };
  }

  get active(): boolean {
    return this.running !== undefined;
  }

  start(engine: Engine): IndexProgress {
    if (this.running) return this.progress;
    this.controller = new AbortController();
    const signal = this.controller.signal;
    this.update({ state: 'scanning', done: 0, total: 0, skipped: 0 });
    this.running = engine
      .index({ signal, onProgress: (p) => this.update(fromPipeline(p)) })
      .then((summary) =>
        this.update({ ...this.state, state: signal.aborted ? 'cancelled' : 'done', etaSeconds: 0, summary }),
      )
      .catch((error: unknown) =>
        this.update({
          ...this.state,
          state: 'failed',
          lastSkip: { path: '', reason: describeError(error) },
          error: errorBody(error),
        }),
      )
      .finally(() => {
        this.running = undefined;
        this.controller = undefined;
      });
    return this.progress;
  }

  cancel(): IndexProgress {
    this.controller?.abort();
    return this.progress;
  }

  /** Resolves when the current run (if any) has ended. */
  async settled(): Promise<void> {
    await this.running;
  }

  private update(next: IndexProgress): void {
    this.state = next;
    this.emit(this.progress);
  }
}

function fromPipeline(p: PipelineProgress): IndexProgress {
  const state = p.phase === 'scanning' ? 'scanning' : p.phase === 'done' ? 'done' : 'indexing';
  return {
    state,
    done: p.done,
    total: p.total,
    skipped: p.skipped,
    rate: p.rate,
    ...(p.current ? { current: p.current } : {}),
    ...(p.etaSeconds !== undefined ? { etaSeconds: p.etaSeconds } : {}),
  };
}
