/**
 * Switching the model searches use without a pause in searching (`eidos models use`, Settings): the new
 * model indexes the library in the background, as ordinary indexing runs of the process's IndexingJob
 * (announced by indexProgress), while the current model keeps answering. When the new model's vectors
 * cover every indexed photo, the engine that indexed them (its text tower and prior already loaded)
 * becomes the one that answers, and the settings name it. The old model's vectors stay in the index
 * (switching back is then immediate, and `compare-models` can compare the two); their disk use is shown.
 *
 * The switch asked for is kept in `<data>/model-switch.json` (0600) until it completes, so a process that
 * stops in the middle resumes it at its next start (what was embedded is kept, by content hash).
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EidosError } from '../contract/errors.ts';
import type { IndexProgress, ModelSwitch, ModelVectors } from '../contract/types.ts';
import { ensureDataDir } from '../paths.ts';
import type { IndexStore } from '../store/index-store.ts';
import type { IndexStatus } from '../store/types.ts';
import { PRIVATE_FILE_MODE } from '../util/private-fs.ts';
import type { Engine } from './engine.ts';
import type { IndexingJob } from './indexing-job.ts';
import { readSettings, writeSettings } from './settings.ts';

/** What a switch needs from the process it runs in (`eidos serve` and the app's engine, or one CLI command). */
export interface SwitchHost {
  /** The engine that answers searches now. */
  engine(): Engine | undefined;
  /** The process's one indexing job: the new model's runs queue with every other run. */
  job: IndexingJob;
  /** Makes `next` the engine that answers (the switch completed); `previous` is the one it replaces. */
  adopt(next: Engine, previous: Engine): Promise<void>;
  /** Tells listeners (modelSwitch events). */
  announce(state: ModelSwitch): void;
}

const switchFile = (home: string): string => join(home, 'model-switch.json');

/** The switch asked for and not completed (a process stopped during it), if any. */
export function pendingSwitch(home: string): { from: string; to: string } | undefined {
  try {
    const raw = JSON.parse(readFileSync(switchFile(home), 'utf8')) as { from?: unknown; to?: unknown };
    return typeof raw.from === 'string' && typeof raw.to === 'string' ? { from: raw.from, to: raw.to } : undefined;
  } catch {
    return undefined;
  }
}

function rememberSwitch(home: string, from: string, to: string): void {
  ensureDataDir(home);
  const file = switchFile(home);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ from, to }), { mode: PRIVATE_FILE_MODE });
  renameSync(temporary, file);
}

function forgetSwitch(home: string): void {
  if (existsSync(switchFile(home))) rmSync(switchFile(home), { force: true });
}

/** Names `model` in the settings, so every process (and the next start) searches with it. */
function settleOn(home: string, model: string): void {
  const settings = readSettings(home);
  if (settings.model !== model) writeSettings(home, { ...settings, model });
}

/** How many of the library's indexed photos have a vector of `modelId`. */
export function coverage(store: IndexStore, modelId: string): { covered: number; photos: number } {
  const status = store.status();
  const entry = status.models.find((m) => m.modelId === modelId);
  return { photos: status.indexed, covered: entry ? status.indexed - entry.pending : 0 };
}

/** The bytes one model's vectors take in the index (stored as half or single floats; SQLite's overhead aside). */
export const vectorBytes = (m: { embeddings: number; dim: number; dtype: 'f16' | 'f32' }): number =>
  m.embeddings * m.dim * (m.dtype === 'f16' ? 2 : 4);

/** Every model's vectors in the index and the bytes they take. */
export function vectorUse(models: IndexStatus['models'], activeModel: string): ModelVectors[] {
  return models.map((m) => ({
    modelId: m.modelId,
    vectors: m.embeddings,
    bytes: vectorBytes(m),
    active: m.modelId === activeModel,
  }));
}

const ended = (p: IndexProgress): boolean => p.summary !== undefined || p.state === 'failed';

export class ModelSwitcher {
  private current: ModelSwitch | undefined;
  /** The engine indexing the new model, on the same index; undefined when no switch runs. */
  private target: Engine | undefined;
  /** The indexing run that is the switch's (a run of host.job). */
  private run: number | undefined;

  constructor(
    private readonly home: string,
    private readonly host: SwitchHost,
  ) {}

  /** The latest switch of this process, if one was asked for. */
  get state(): ModelSwitch | undefined {
    return this.current && { ...this.current };
  }

  /** True while a switch indexes its model. */
  get active(): boolean {
    return this.target !== undefined;
  }

  /**
   * Starts switching to `id` (installed), or, when searches already use it, stops a switch under way.
   * Returns at once: the switch goes on in the background, announced by `host.announce`.
   */
  async use(id: string): Promise<ModelSwitch> {
    const engine = this.host.engine();
    if (!engine)
      throw new EidosError('MODEL_MISSING', "no model answers searches yet: fetch one first ('eidos models fetch').");
    engine.assertWritable();
    const from = engine.model.id;
    if (this.target) {
      if (this.target.model.id === id) return this.state as ModelSwitch;
      if (id !== from) {
        const { covered, photos } = this.current as ModelSwitch;
        throw new EidosError(
          'BAD_ARGUMENT',
          `searches are switching to ${this.target.model.id} (${covered} of ${photos} photos when it started): let it finish, or stop it with 'eidos models use ${from}'.`,
        );
      }
      this.stop('cancelled', `stopped: searches stay on ${from}.`);
    }
    if (id === from) {
      settleOn(this.home, id);
      forgetSwitch(this.home);
      return this.announce({ from, to: id, state: 'switched', ...coverage(engine.store, id) });
    }
    // Throws MODEL_MISSING (with what to run) when the model is not installed: nothing changes then.
    const target = engine.beside(id);
    // The settings keep naming the current model until the switch completes: a restart meanwhile still
    // searches with it (else the engine might pick the new model's partial vectors).
    settleOn(this.home, from);
    rememberSwitch(this.home, from, id);
    this.target = target;
    const covered = coverage(engine.store, id);
    this.announce({ from, to: id, state: 'indexing', ...covered });
    // Vectors already there for every photo (switching back to a model whose vectors stayed, an empty library).
    if (covered.covered >= covered.photos) await this.finish();
    else this.startRun();
    return this.state as ModelSwitch;
  }

  /** Called with every indexProgress of the host's job: the end of the switch's run decides what comes next. */
  onProgress(progress: IndexProgress): void {
    if (!this.target || progress.run !== this.run || !ended(progress)) return;
    if (progress.state === 'failed') return this.stop('failed', progress.error?.message ?? 'the indexing run failed');
    if (progress.state === 'cancelled')
      return this.stop('cancelled', 'indexing was stopped: searches stay on the current model.');
    const engine = this.host.engine();
    if (!engine) return this.stop('failed', 'the engine closed during the switch');
    const now = coverage(engine.store, this.target.model.id);
    const before = this.current as ModelSwitch;
    if (now.covered >= now.photos) {
      void this.finish().catch((error: unknown) => this.stop('failed', (error as Error).message));
      return;
    }
    // Photos arrived during the run (a watched folder): one more run. A run that embedded nothing and
    // covered nothing more would only repeat itself.
    if (progress.summary?.encoded === 0 && now.covered <= before.covered) {
      return this.stop(
        'failed',
        `${now.photos - now.covered} photos could not be embedded by ${this.target.model.id}: see 'eidos status'.`,
      );
    }
    this.announce({ ...before, ...now });
    this.startRun();
  }

  /** Closes the new model's engine without ending the switch (the process is closing: the next start resumes it). */
  async close(): Promise<void> {
    const target = this.target;
    this.target = undefined;
    this.run = undefined;
    await this.host.job.settled();
    await target?.close();
  }

  /** Ends a switch under way (the engine is about to be reopened, or its run failed): searches stay on the old model. */
  stop(state: 'failed' | 'cancelled', reason: string): void {
    const target = this.target;
    if (!target) return;
    const run = this.run;
    this.target = undefined;
    this.run = undefined;
    forgetSwitch(this.home);
    if (this.host.job.active && this.host.job.progress.run === run) this.host.job.cancel();
    // Its towers may still be in the run in flight: closed once that run is over.
    void this.host.job
      .settled()
      .then(() => target.close())
      .catch(() => undefined);
    this.announce({ ...(this.current as ModelSwitch), state, error: reason });
  }

  private startRun(): void {
    const started = this.host.job.start(this.target as Engine);
    // Asked while another run is going: the job runs ours right after it.
    this.run = started.queued ? (started.run ?? 0) + 1 : started.run;
  }

  private async finish(): Promise<void> {
    const target = this.target as Engine;
    const previous = this.host.engine() as Engine;
    this.target = undefined;
    this.run = undefined;
    settleOn(this.home, target.model.id);
    forgetSwitch(this.home);
    await this.host.adopt(target, previous);
    this.announce({ ...(this.current as ModelSwitch), ...coverage(target.store, target.model.id), state: 'switched' });
  }

  private announce(state: ModelSwitch): ModelSwitch {
    this.current = state;
    this.host.announce({ ...state });
    return { ...state };
  }
}
