/**
 * The engine: one library (index + thumbnails) in a data folder, one active model, and the services
 * over them. The CLI, `eidos serve` and the Electron engine process all go through this class.
 */
import { Encoder } from '../encoders/encoder.ts';
import type { Placement } from '../encoders/encoder-transport.ts';
import type { ProviderName } from '../models/platform-default.ts';
import { EidosError, isEidosError } from '../contract/errors.ts';
import type { IndexSummary } from '../indexer/pipeline.ts';
import { evaluateRetrieval, type EvalQuery, type EvalReport } from '../evaluation/dataset-eval.ts';
import type { PipelineProgress } from '../indexer/progress.ts';
import { CORE_ML_BATCH } from '../models/coreml-copy.ts';
import type { ModelSpec } from '../models/manifest-types.ts';
import { ensureDataDir, indexPath, modelsDir, thumbnailsDir } from '../paths.ts';
import type { IndexStore } from '../store/index-store.ts';
import type { TextReader } from '../ocr/text-reader.ts';
import { openIndex } from '../store/open.ts';
import { releaseFreedMemory } from '../kernels/index.ts';
import { fillPlaceNames } from './place-names.ts';
import type { ArgsOf } from '../contract/api.ts';
import type { ExplainResponse, LibraryMap, SearchResponse } from '../contract/types.ts';
import { mapOfLibrary } from './library-map.ts';
import { MapLayoutJob, type MapProgressListener } from './map-job.ts';
import { explainQuery } from './explain-query.ts';
import { SearchService, type SearchArgs, type SearchOptions } from '../search/search-service.ts';
import { warmQueryReading } from '../search/when-where/read-query.ts';
import { chooseModel } from './active-model.ts';
import { measurePlacements, recordedPlacements } from './session-placement.ts';
import { readSettings } from './settings.ts';
import { assertFolder } from './folder-check.ts';
import { protectedFolders, type ProtectedFolders } from '../library/protected-folders.ts';

type Tower = 'vision' | 'text';

/** Photos per vision-tower request: Core ML's fixed batch (app/models/coreml-copy.ts). */
const VISION_BATCH = CORE_ML_BATCH;

export interface EngineOptions {
  home: string;
  /** Model id; default: see chooseModel. */
  model?: string;
  provider?: ProviderName;
  /**
   * true: searching only (no writer lock; an index that does not exist yet is an error).
   * 'if-locked': writable, unless another process is writing the index; then read-only, searching
   * what it has committed so far, and every write refused with that process's INDEX_LOCKED message.
   */
  readonly?: boolean | 'if-locked';
  /**
   * Where inference runs: a worker thread (default: the thread stays free for the UI and the bridge), or
   * this thread, for a one-shot command with nothing else to do meanwhile.
   */
  inference?: Placement;
  /** Models to prefer after the settings' when the index holds none yet (a rebuild passes the old index's). */
  fallbackModels?: readonly string[];
  /** Read the words in photos while indexing (default true; app/indexer/text-pass.ts). */
  readText?: boolean;
}

export class Engine {
  readonly home: string;
  readonly store: IndexStore;
  readonly model: ModelSpec;
  readonly modelDir: string;
  readonly thumbnailsDir: string;
  /** The data folder and system trees: never added, scanned nor watched (see protected-folders.ts). */
  readonly protectedFolders: ProtectedFolders;
  /** Search (and the query scores the explanation needs); holds the model's matrix once first used. */
  readonly searcher: SearchService;
  /** Why a writable engine was asked for but this one is read-only (another process writes); see EngineOptions.readonly. */
  readonly writeRefusal: EidosError | undefined;
  private readonly provider: ProviderName | undefined;
  private readonly inference: Placement;
  /** The map request in flight (see `map`). */
  private mapping: Promise<unknown> = Promise.resolve();
  /** The map's layout when one runs: its progress and cancel (map-job.ts). */
  readonly mapJob = new MapLayoutJob();
  /** One encoder (worker thread, one onnxruntime session) per tower, each opened on first use. */
  private readonly towers = new Map<Tower, Promise<Encoder>>();
  private readonly readText: boolean;

  private constructor(
    home: string,
    store: IndexStore,
    model: ModelSpec,
    modelDir: string,
    provider: ProviderName | undefined,
    writeRefusal: EidosError | undefined,
    inference: Placement,
    readText: boolean,
    /** False for an engine made by `beside`: the index is the other engine's to close (until `handIndexTo`). */
    private ownsStore = true,
    /**
     * Reads the words in photos while indexing; its worker starts with the first photo to read. Words do
     * not depend on the model, so an engine made by `beside` shares it, and whoever owns the index closes it.
     */
    private readonly textReader: { opened?: Promise<TextReader> } = {},
  ) {
    this.home = home;
    this.readText = readText;
    this.inference = inference;
    this.writeRefusal = writeRefusal;
    this.store = store;
    this.model = model;
    this.modelDir = modelDir;
    this.thumbnailsDir = thumbnailsDir(home);
    this.protectedFolders = protectedFolders(home);
    this.provider = provider;
    this.searcher = new SearchService({ store, model, encoder: async () => this.encoders() });
  }

  static open(options: EngineOptions): Engine {
    ensureDataDir(options.home);
    const settings = readSettings(options.home);
    const context = { modelsDir: modelsDir(options.home) };
    const { store, writeRefusal } = openStore(indexPath(options.home), options.readonly ?? false);
    try {
      const indexedModels = store
        .status()
        .models.filter((m) => m.embeddings > 0)
        .map((m) => m.modelId);
      const { model, dir } = chooseModel(
        [options.model, settings.model || undefined, ...indexedModels, ...(options.fallbackModels ?? [])],
        context,
      );
      const provider =
        options.provider ?? (settings.executionProvider === 'auto' ? undefined : settings.executionProvider);
      return new Engine(
        options.home,
        store,
        model,
        dir,
        provider,
        writeRefusal,
        options.inference ?? 'worker',
        options.readText ?? true,
      );
    } catch (error) {
      store.close();
      throw error;
    }
  }

  /**
   * An engine on this one's index with another installed model (its own towers), for indexing that model
   * while this one answers searches (a model switch, ./model-switch.ts). Closing it leaves the index open.
   */
  beside(modelId: string): Engine {
    const { model, dir } = chooseModel([modelId], { modelsDir: modelsDir(this.home) });
    return new Engine(
      this.home,
      this.store,
      model,
      dir,
      this.provider,
      this.writeRefusal,
      this.inference,
      this.readText,
      false,
      this.textReader,
    );
  }

  /** Makes `next` (made by `beside`) the one that closes the index: this engine then closes only its towers. */
  handIndexTo(next: Engine): void {
    if (next.store !== this.store || !this.ownsStore)
      throw new EidosError('INTERNAL', 'only the engine that owns the index can hand it to one beside it');
    this.ownsStore = false;
    next.ownsStore = true;
  }

  /**
   * The encoder of one tower, opened on first use. The towers are apart so that a search, which needs
   * only the text tower, never waits for the vision tower to load (nor holds its memory), and indexing,
   * which needs the vision tower, loads the text tower only for the prior's concept prompts.
   */
  tower(name: Tower): Promise<Encoder> {
    let opened = this.towers.get(name);
    if (opened === undefined) {
      opened = Encoder.open({
        model: this.model,
        modelDir: this.modelDir,
        towers: [name],
        placement: this.inference,
        batchSize: VISION_BATCH,
        ...(this.provider ? { provider: this.provider } : {}),
      });
      this.towers.set(name, opened);
      void opened.then((encoder) => this.measureCoreMl(encoder)).catch(() => undefined);
    }
    return opened;
  }

  /**
   * Closes one tower's encoder (its worker and sessions), if it is open; the next call that needs it opens
   * it again. What the sessions freed is handed back to the system at once: glibc keeps it in the worker
   * thread's malloc arena otherwise, and the next model to load (the text reader, the text tower) would
   * sit on top of it. Measured on a one-shot `eidos index` of 200 photos with the CLIP fp32 twin (VmRSS):
   * closing the vision tower took 1088 → 904 MB without the trim (the text reader then open beside it),
   * 860 → 209 MB with it.
   */
  private async releaseTower(name: Tower): Promise<void> {
    const opened = this.towers.get(name);
    if (opened === undefined) return;
    this.towers.delete(name);
    await (await opened.catch(() => undefined))?.close();
    releaseFreedMemory();
  }

  /** Closes the text reader's worker and sessions, if open (as releaseTower); the next `reader()` starts it again. */
  private async releaseReader(): Promise<void> {
    const opened = this.textReader.opened;
    if (opened === undefined) return;
    this.textReader.opened = undefined;
    await (await opened.catch(() => undefined))?.close();
    releaseFreedMemory();
  }

  /**
   * A Core ML session's placement is measured once per graph file (in a child process, in the background)
   * so Settings and `eidos models list` can say what Core ML took without `eidos doctor`.
   */
  private async measureCoreMl(encoder: Encoder): Promise<void> {
    const unmeasured = encoder.sessions.filter(
      (s) => s.provider === 'coreml' && !recordedPlacements(this.modelDir).some((p) => p.file === s.file),
    );
    if (unmeasured.length > 0) await measurePlacements(this.modelDir, unmeasured, this.model.coreMlFlags);
  }

  /** The text reader (app/ocr/choose-reader.ts), opened on first use. */
  reader(): Promise<TextReader> {
    this.textReader.opened ??= import('../ocr/choose-reader.ts').then(({ openTextReader }) => openTextReader());
    return this.textReader.opened;
  }

  /** Both towers behind one face, each loaded only when a call needs it. */
  private encoders(): Pick<Encoder, 'embedTexts' | 'embedImages'> {
    return {
      embedTexts: async (texts) => (await this.tower('text')).embedTexts(texts),
      embedImages: async (pixels, n) => (await this.tower('vision')).embedImages(pixels, n),
    };
  }

  /** The execution provider that runs the text tower, once it is loaded (queries use it first). */
  async textProvider(): Promise<ProviderName | undefined> {
    return this.towers.has('text') ? (await this.tower('text').catch(() => undefined))?.provider : undefined;
  }

  /**
   * Loads what the first search needs (the text tower, the matrix, the prior) ahead of it, so a freshly
   * started app answers its first query as fast as its later ones. Failures surface on that query.
   */
  async warmUp(): Promise<void> {
    await Promise.all([this.tower('text'), this.searcher.ready()]);
    // Last, as it holds this thread for a few hundred ms: reading dates and places in a query.
    warmQueryReading();
  }

  /** True when another process writes the index, so this engine only reads it. */
  get readonly(): boolean {
    return this.store.readonly;
  }

  /** Recall of cosine and of full PMI over labelled queries, scored exactly as a search scores them. */
  async evaluate(queries: EvalQuery[]): Promise<Omit<EvalReport, 'photos' | 'queryColumn'>> {
    return evaluateRetrieval(
      { service: this.searcher, store: this.store, tau: this.model.logitScale, embedTexts: this.encoders().embedTexts },
      queries,
    );
  }

  /** Throws unless this engine may write the index (the other process's INDEX_LOCKED when it writes). */
  assertWritable(): void {
    if (this.store.readonly) throw this.writeRefusal ?? new EidosError('INTERNAL', 'this engine was opened read-only');
  }

  /** The library's folders (absolute paths). */
  folders(): string[] {
    return this.store.listFolders().map((folder) => folder.path);
  }

  /**
   * Adds folders to the library (each checked first: an existing folder named in full, not the data
   * folder or a system tree); ones it already has are left as they are.
   */
  addFolders(folders: readonly string[]): void {
    if (folders.length > 0) this.assertWritable();
    for (const folder of folders) assertFolder(folder, this.protectedFolders);
    for (const folder of folders) this.store.addFolder(folder);
  }

  async index(
    options: {
      onProgress?: (p: PipelineProgress) => void;
      signal?: AbortSignal;
      /**
       * A one-shot run (`eidos index` without --watch): each model is released once its part is done, so
       * the run never holds two at once (its peak memory): the vision tower once the photos are embedded,
       * before the text reader reads them; the text reader before the text tower loads for the prior's
       * concept prompts. A long-running engine leaves it unset: it keeps them for the next change in a
       * live folder.
       */
      oneShot?: boolean;
    } = {},
  ): Promise<IndexSummary> {
    this.assertWritable();
    if (this.folders().length === 0)
      throw new EidosError('BAD_ARGUMENT', "the library has no folders yet: run 'eidos index <folder>'.");
    // Loaded when first used: the decoders (sharp, libheif, exifr) and the file watcher are not what a search needs.
    const { indexLibrary } = await import('../indexer/pipeline.ts');
    const summary = await indexLibrary({
      store: this.store,
      model: this.model,
      // The vision tower loads with the first photo to embed: a run that finds nothing new (a
      // watcher's catch-up, a re-index of an unchanged library) never pays for it.
      encoder: {
        batchSize: VISION_BATCH,
        embedImages: async (pixels, n, options) => (await this.tower('vision')).embedImages(pixels, n, options),
      },
      thumbnailsDir: this.thumbnailsDir,
      protected: this.protectedFolders,
      ...(this.readText ? { text: await this.reader() } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.oneShot ? { afterImages: () => this.releaseTower('vision') } : {}),
    });
    if (options.oneShot) await this.releaseReader();
    // What a first search would otherwise compute (the concept prompts' vectors, the image prior) is
    // computed now and kept with the index, so the first query after a start is as fast as any other.
    await this.searcher.ready().catch((error: unknown) => {
      if (!isEidosError(error, 'NOT_FOUND')) throw error;
    });
    // A map the user has made follows the library: new photos are placed on it now (see app/map/drift.ts).
    if (this.store.hasMap(this.model.id)) await this.map();
    // Place names for photos with a position (and, after an upgrade, for the photos indexed before).
    await fillPlaceNames(this.store, options.signal);
    return summary;
  }

  /**
   * Watches the library's folders (native file watcher) and indexes whatever changes, one run at a
   * time, reporting each run; resolves to a function that stops watching after the run in flight.
   */
  async watch(report: {
    onRun(changes: number, summary: IndexSummary): void;
    onError(error: unknown): void;
  }): Promise<() => Promise<void>> {
    const { watchLibrary } = await import('../library/watch.ts');
    let running: Promise<void> = Promise.resolve();
    // A folder an older Eidos let in that is now refused (see protected-folders.ts) is not watched; the scan lists it.
    const watched = this.folders().filter((folder) => this.protectedFolders.refusal(folder) === undefined);
    const watcher = await watchLibrary(
      watched,
      (changes) => {
        running = running
          .then(async () => report.onRun(changes.length, await this.index()))
          .catch((error: unknown) => report.onError(error));
      },
      { protected: this.protectedFolders },
    );
    return async () => {
      await watcher.close();
      await running;
    };
  }

  search(args: SearchArgs, options: SearchOptions = {}): Promise<SearchResponse> {
    // The text tower loads in its worker while this thread reads the matrix and the prior.
    void this.tower('text').catch(() => undefined);
    // A request without a count gets the user's setting, so every door returns the same number.
    return this.searcher.search({ ...args, top: args.top ?? readSettings(this.home).defaultTop }, options);
  }

  /** Why the query's top results are what they are: MI-selected concepts (or dimensions) in bits. */
  async explain(args: ArgsOf<'explain'>): Promise<ExplainResponse> {
    const scored = await this.searcher.scoreQuery(args.query);
    // The search already holds the concept bank (its prior's reference queries): reuse it.
    const concepts = async (): Promise<{ names: string[]; embeddings: Float32Array }> => {
      const bank = await this.searcher.concepts();
      return { names: bank.concepts, embeddings: bank.vectors };
    };
    return explainQuery(scored, args, concepts, this.model.logitScale);
  }

  /**
   * The library map (app/map), brought up to date with the index first. Calls run one after another: a
   * second request while a large library is being laid out waits for that layout and then reads it,
   * instead of starting another one beside it.
   */
  map(args: ArgsOf<'map'> = {}, progress?: MapProgressListener): Promise<LibraryMap> {
    const run = this.mapping.then(() => mapOfLibrary(this, args, progress));
    this.mapping = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    for (const opened of this.towers.values()) await (await opened.catch(() => undefined))?.close();
    if (!this.ownsStore) return;
    await (await this.textReader.opened?.catch(() => undefined))?.close();
    this.store.close();
  }
}

function openStore(file: string, readonly: boolean | 'if-locked'): { store: IndexStore; writeRefusal?: EidosError } {
  if (readonly !== 'if-locked') return { store: openIndex(file, { readonly }) };
  try {
    return { store: openIndex(file) };
  } catch (error) {
    if (!isEidosError(error, 'INDEX_LOCKED')) throw error;
    return { store: openIndex(file, { readonly: true }), writeRefusal: error };
  }
}
