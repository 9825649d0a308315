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
  /** The number of the last run started (its progress carries it as `run`). */
  private runs = 0;

  constructor(private readonly events: IndexingEvents) {}

  get progress(): IndexProgress {
    return { ...this.state };
  }

  get active(): boolean {
    return this.running !== undefined;
  }

  /**
   * Starts a run, or, while one runs, asks for one more right after it (announced as `queued` on the
   * run in flight, so a caller knows its request is served by the next run, not this one).
   */
  start(engine: Engine): IndexProgress {
    if (this.running) {
      this.again = engine;
      if (!this.state.queued) this.update({ ...this.state, queued: true });
      return this.progress;
    }
    this.controller = new AbortController();
    const signal = this.controller.signal;
    const run = ++this.runs;
    // `queued` is the run in flight's, so every update is made from the counts and this: never copied over.
    const queued = (): { queued?: true } => (this.again ? { queued: true } : {});
    this.update({ state: 'scanning', run, done: 0, total: 0, skipped: 0 });
    this.running = engine
      .index({ signal, onProgress: (p) => this.update({ ...fromPipeline(p), run, ...queued() }) })
      .then((summary) => {
        const state = signal.aborted ? 'cancelled' : 'done';
        this.update({ ...this.state, state, etaSeconds: 0, summary, ...queued() });
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
    this.forgetRequests();
    this.controller?.abort();
    return this.progress;
  }

  /** Drops the run asked for after the current one (its engine is about to close); the current one finishes. */
  forgetRequests(): void {
    this.again = undefined;
    if (this.state.queued) {
      const { queued: _dropped, ...rest } = this.state;
      this.update(rest);
    }
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
    ...(p.text ? { text: p.text } : {}),
  };
}
