/**
 * Indexing runs in the background of a long-lived process (serve, the Electron engine): one at a
 * time, with their progress kept for `status` and pushed to listeners, cancellation after the batch
 * in flight, and a request arriving during a run (a watched folder changed, a folder was added)
 * answered by one more run right after it, however many requests arrived meanwhile.
 */
import type { IndexProgress } from '../contract/types.ts';
import { errorBody } from '../contract/dispatch.ts';
import type { IndexSummary } from '../indexer/pipeline.ts';
import type { PipelineProgress } from '../indexer/progress.ts';
import type { Engine } from './engine.ts';

export interface IndexingEvents {
  progress(progress: IndexProgress): void;
  /** A run ended (done or cancelled) having added, moved or removed photos. */
  changed(summary: IndexSummary): void;
}

export class IndexingJob {
  private state: IndexProgress = { state: 'idle', done: 0, total: 0, skipped: 0 };
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;
  /** The engine to index again once the run in flight ends: something changed that it may not have seen. */
  private again: Engine | undefined;

  constructor(private readonly events: IndexingEvents) {}

  get progress(): IndexProgress {
    return { ...this.state };
  }

  get active(): boolean {
    return this.running !== undefined;
  }

  /** Starts a run, or, while one runs, asks for one more right after it. */
  start(engine: Engine): IndexProgress {
    if (this.running) {
      this.again = engine;
      return this.progress;
    }
    this.controller = new AbortController();
    const signal = this.controller.signal;
    this.update({ state: 'scanning', done: 0, total: 0, skipped: 0 });
    this.running = engine
      .index({ signal, onProgress: (p) => this.update(fromPipeline(p)) })
      .then((summary) => {
        this.update({ ...this.state, state: signal.aborted ? 'cancelled' : 'done', etaSeconds: 0, summary });
        if (summary.encoded + summary.reused + summary.moved + summary.deleted > 0) this.events.changed(summary);
      })
      // A failed run is a failure of the run (a full disk, a damaged index), not a skipped file.
      .catch((error: unknown) => this.update({ ...this.state, state: 'failed', error: errorBody(error) }))
      .finally(() => {
        this.running = undefined;
        this.controller = undefined;
        const next = this.again;
        this.again = undefined;
        if (next && !signal.aborted) this.start(next);
      });
    return this.progress;
  }

  /** Stops the run in flight after its batch and drops the one asked for after it. */
  cancel(): IndexProgress {
    this.again = undefined;
    this.controller?.abort();
    return this.progress;
  }

  /** Drops the run asked for after the current one (its engine is about to close); the current one finishes. */
  forgetRequests(): void {
    this.again = undefined;
  }

  /** Resolves when no run is in flight any more (including one asked for during the last). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private update(next: IndexProgress): void {
    this.state = next;
    this.events.progress(this.progress);
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
