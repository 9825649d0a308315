/**
 * The engine behind the API, for `eidos serve` and the Electron engine process: the engine is opened
 * once a model is installed (before that, status says what to do), indexing runs in the background
 * with progress events, and every answer is shaped as app/api/types.ts says.
 */
import { resolve } from 'node:path';
import { Engine, type EngineOptions } from './engine.ts';
import { IndexingJob } from './indexing-job.ts';
import { LiveFolders } from './live-folders.ts';
import { protectedFolders } from '../library/protected-folders.ts';
import { fileIdOf } from '../contract/photo-id.ts';
import { createMediaAccess } from './media-access.ts';
import { assertSettingsPatch, readSettings, writeSettings } from './settings.ts';
import { describeError, EidosError, isEidosError } from '../contract/errors.ts';
import { listModels } from '../models/store.ts';
import { defaultModelOf, fetchModel, loadManifest } from './models.ts';
import { recordedPlacements } from './session-placement.ts';
import { ensureDataDir, indexPath, modelsDir, thumbnailsDir } from '../paths.ts';
import { assertIndexSound } from '../store/health.ts';
import type { ApiEvent, ApiHandlers } from '../contract/api.ts';
import { toPhotoDetail } from '../search/results.ts';
import { photoTextById } from './photo-text.ts';
import { compareModels } from './compare-models.ts';
import { ModelSwitcher, pendingSwitch, vectorUse } from './model-switch.ts';
import { findLibraryDuplicates } from './duplicates.ts';
import { restoreTrash, trashPhotos } from './trash.ts';
import { damagedIndexOf, guiDamageNotice, rebuildFromDamage } from './rebuild-index.ts';
import type { FolderInfo, PhotoDetail, SkippedFile, Status } from '../contract/types.ts';

const VERSION = '0.1.0';
/** How long after start-up the catch-up scan of watched folders waits (see below). */
const CATCH_UP_DELAY_MS = 3000;

export async function createEngineHandlers(dataDir: string): Promise<ApiHandlers> {
  ensureDataDir(dataDir);
  const listeners = new Set<(event: ApiEvent) => void>();
  const emit = (event: ApiEvent): void => listeners.forEach((listener) => listener(event));
  /** The catch-up scan below, announced in `status` (so a caller can wait until nothing more starts on its own). */
  let catchUp: { state: Status['catchUp']; run?: number } = { state: 'done' };
  const job = new IndexingJob({
    progress: (payload) => {
      if (catchUp.state === 'running' && payload.run === catchUp.run && (payload.summary || payload.state === 'failed'))
        catchUp = { state: 'done' };
      emit({ name: 'indexProgress', payload });
      switcher.onProgress(payload);
    },
    changed: (summary) =>
      libraryChanged({ added: summary.encoded + summary.reused, moved: summary.moved, removed: summary.deleted }),
  });
  const libraryChanged = (counts: { added: number; moved: number; removed: number }): void => {
    if (engine) emit({ name: 'libraryChanged', payload: { photos: engine.store.status().indexed, ...counts } });
  };
  // A change in a watched folder asks for a run (one more after the run in flight, if one runs).
  // The data folder inside a watched one (a home folder) is not watched: thumbnails are not photos.
  const live = new LiveFolders(
    () => {
      if (engine && !engine.readonly) job.start(engine);
    },
    { protected: protectedFolders(dataDir) },
  );
  const modelContext = { modelsDir: modelsDir(dataDir) };
  let engine: Engine | undefined;
  // Why the engine is not open (no model yet, a damaged index…), kept with its code for every request.
  let engineError: EidosError | undefined;
  // `eidos models use` / Settings: the new model indexes beside the engine, which it replaces once it covers the library.
  const switcher = new ModelSwitcher(dataDir, {
    engine: () => engine,
    job,
    adopt: async (next, previous) => {
      // A run asked for meanwhile (a watched change) was asked of the old engine: the new one does it.
      const asked = job.progress.queued === true;
      job.forgetRequests();
      previous.handIndexTo(next);
      engine = next;
      await previous.close();
      if (asked) job.start(next);
      await followFolders();
    },
    announce: (payload) => emit({ name: 'modelSwitch', payload }),
  });

  /**
   * (Re)opens the engine. `checkPages` reads every page of the index first (linear in its size, so
   * only at start and after a failed rebuild): a damaged table under intact counts would otherwise
   * open fine and fail searches one by one, with no rebuild offered.
   */
  const openEngine = async (
    options: { checkPages?: boolean } & Pick<EngineOptions, 'fallbackModels'> = {},
  ): Promise<void> => {
    // A switch's engine shares the index about to close: searches stay on the model the settings name.
    switcher.stop('cancelled', 'the engine was reopened (a settings change or a rebuild)');
    // No watcher may start a run on the engine about to close.
    await live.close();
    job.forgetRequests();
    await job.settled();
    if (engine) await engine.close();
    engine = undefined;
    try {
      if (options.checkPages) assertIndexSound(indexPath(dataDir));
      // While another process indexes, search what it has committed; writes reopen (see writableEngine).
      engine = Engine.open({
        home: dataDir,
        readonly: 'if-locked',
        ...(options.fallbackModels ? { fallbackModels: options.fallbackModels } : {}),
      });
      engineError = undefined;
      // The window is up before the user types: have the text tower, matrix and prior ready by then.
      void engine.warmUp().catch(() => undefined);
      await followFolders();
    } catch (error) {
      engineError =
        error instanceof EidosError
          ? error
          : new EidosError('INTERNAL', `The engine did not start: ${describeError(error)}`, { cause: error });
    }
  };
  await openEngine({ checkPages: true });
  // What changed while nothing watched (the app was closed) is caught up once, a few seconds after
  // the first search is ready: the scan then does not compete with the query typed right after start.
  if (engine && !engine.readonly && readSettings(dataDir).watchFolders && engine.folders().length > 0) {
    const opened = engine;
    catchUp = { state: 'waiting' };
    void opened
      .warmUp()
      .catch(() => undefined)
      .then(() => {
        const later = setTimeout(() => {
          // A run already going (or a reopened engine's) covers what the catch-up would have.
          if (engine !== opened || job.active) catchUp = { state: 'done' };
          else catchUp = { state: 'running', run: job.start(opened).run };
        }, CATCH_UP_DELAY_MS);
        later.unref();
      });
  }

  // A model switch the last process did not finish goes on.
  const unfinished = pendingSwitch(dataDir);
  if (unfinished && engine && !engine.readonly) void switcher.use(unfinished.to).catch(() => undefined);

  const requireEngine = (): Engine => {
    if (!engine)
      throw engineError ?? new EidosError('MODEL_MISSING', 'no model is installed: fetch one in Settings → Models.');
    return engine;
  };

  /** The engine for a request that writes: one opened read-only beside another writer is reopened first, in case that one finished. */
  const writableEngine = async (): Promise<Engine> => {
    if (engine?.writeRefusal) await openEngine();
    const e = requireEngine();
    e.assertWritable();
    return e;
  };

  /**
   * Watches the library's folders while the setting is on and this process may write the index;
   * called whenever the engine, the folders or the setting change.
   */
  async function followFolders(): Promise<void> {
    const on = engine !== undefined && !engine.readonly && readSettings(dataDir).watchFolders;
    await live.watch(on && engine ? engine.folders() : []);
  }

  const watchState = (e: Engine, folder: string): Pick<FolderInfo, 'watching' | 'watchProblem'> => {
    if (!readSettings(dataDir).watchFolders) return { watching: false };
    if (e.readonly)
      return { watching: false, watchProblem: `not watched: ${e.writeRefusal?.message ?? 'the index is read-only'}` };
    return live.state(folder);
  };

  const folderInfo = (e: Engine): FolderInfo[] =>
    e.store.folderStats().map((f) => ({
      path: f.path,
      photos: f.files,
      skipped: f.skipped,
      ...watchState(e, f.path),
      ...(f.lastIndexedAt ? { lastIndexedAt: f.lastIndexedAt } : {}),
    }));

  const handlers: ApiHandlers = {
    async status(): Promise<Status> {
      const base = { version: VERSION, indexing: job.progress, catchUp: catchUp.state };
      if (!engine && isEidosError(engineError, 'INDEX_CORRUPT')) {
        const damagedIndex = damagedIndexOf(indexPath(dataDir));
        return { ...base, photos: 0, folders: 0, ready: false, notice: guiDamageNotice(damagedIndex), damagedIndex };
      }
      if (!engine)
        return {
          ...base,
          photos: 0,
          folders: 0,
          ready: false,
          notice: engineError?.message ?? 'Fetch a model in Settings → Models.',
        };
      const status = engine.store.status();
      const provider = await engine.textProvider();
      return {
        ...base,
        photos: status.indexed,
        folders: status.folders.length,
        model: {
          id: engine.model.id,
          executionProvider: provider ?? 'not loaded',
          towers: recordedPlacements(engine.modelDir).map((p) => ({
            tower: p.tower,
            provider: p.provider,
            nodes: p.summary,
          })),
        },
        ready: status.indexed > 0,
        ...(status.folders.length === 0 ? { notice: 'Add a folder of photos to start.' } : {}),
        ...(switcher.state ? { modelSwitch: switcher.state } : {}),
        vectors: vectorUse(status.models, engine.model.id),
      };
    },
    async listFolders() {
      return folderInfo(requireEngine());
    },
    async addFolder({ path }) {
      const e = await writableEngine();
      e.addFolders([path]);
      const folder = resolve(path);
      await followFolders();
      return (
        folderInfo(e).find((f) => f.path === folder) ?? {
          path: folder,
          photos: 0,
          skipped: 0,
          watching: false,
        }
      );
    },
    async removeFolder({ path }) {
      const e = await writableEngine();
      if (job.active) throw new EidosError('BAD_ARGUMENT', 'indexing is running: cancel it before removing a folder.');
      const before = e.store.status().indexed;
      if (!e.store.removeFolder(path)) throw new EidosError('NOT_FOUND', `${path} is not a library folder.`);
      await followFolders();
      libraryChanged({ added: 0, moved: 0, removed: before - e.store.status().indexed });
      return { ok: true };
    },
    async startIndexing({ folders }) {
      const e = await writableEngine();
      const known = new Set(e.folders());
      e.addFolders((folders ?? []).filter((folder) => !known.has(folder)));
      if (folders?.length) await followFolders();
      return job.start(e);
    },
    async skippedFiles({ limit }): Promise<SkippedFile[]> {
      const e = requireEngine();
      const files = e.store.skippedFiles(limit ?? 1000).map((f) => ({ ...f, isDirectory: false }));
      const problems = e.store.scanProblems(limit ?? 1000);
      return [...problems, ...files].slice(0, limit ?? 1000);
    },
    async cancelIndexing() {
      return job.cancel();
    },
    async rebuildIndex({ folders }) {
      if (job.active) throw new EidosError('BAD_ARGUMENT', 'indexing is running: stop it before rebuilding the index.');
      return rebuildFromDamage(dataDir, folders ?? [], {
        release: async () => {
          await engine?.close();
          engine = undefined;
        },
        reopen: openEngine,
        startIndexing: (folderPaths) => {
          const e = requireEngine();
          e.addFolders(folderPaths);
          void followFolders();
          return job.start(e);
        },
      });
    },
    async search(args) {
      return requireEngine().search(args);
    },
    async explain(args) {
      return requireEngine().explain(args);
    },
    async map(args) {
      return requireEngine().map(args, (payload) => emit({ name: 'mapProgress', payload }));
    },
    async cancelMap() {
      requireEngine().mapJob.cancel();
      return { ok: true };
    },
    async photo({ id }): Promise<PhotoDetail> {
      const e = requireEngine();
      const fileId = fileIdOf(id);
      const [row] = fileId === undefined ? [] : e.store.photoRows([fileId]);
      if (!row) throw new EidosError('NOT_FOUND', `no photo ${id} in the index.`);
      return toPhotoDetail(row);
    },
    async placeNames({ prefix }) {
      return requireEngine().store.placeNamesStarting(prefix ?? '', 50);
    },
    async photoText({ id }) {
      return photoTextById(requireEngine(), id);
    },
    async listModels() {
      const models = await listModels(modelContext);
      const indexed = new Map(engine?.store.status().models.map((m) => [m.modelId, m.embeddings]));
      const choice = defaultModelOf(modelContext);
      // Under Core ML, the preferred model (MobileCLIP2-S2) is recommended once its licence is accepted: say so on it.
      const preferred = choice.provider === 'coreml' ? loadManifest().coreMlPreferredModel : undefined;
      return models.map((m) => ({
        id: m.id,
        name: m.name,
        description: m.description,
        licence: m.licence,
        ...(m.licenceUrl === undefined ? {} : { licenceUrl: m.licenceUrl }),
        requiresLicenceAcceptance: m.requiresLicenceAcceptance,
        licenceAccepted: m.licenceAccepted,
        ...(m.card ? { card: m.card } : {}),
        recommended: m.id === choice.id,
        ...(m.id === choice.id
          ? { recommendation: choice.reason }
          : m.id === preferred && !m.licenceAccepted
            ? { recommendation: `the best choice on this Mac once you accept its licence: ${m.licence}` }
            : {}),
        bytes: m.bytes ?? 0,
        installed: m.installed,
        active: engine?.model.id === m.id,
        indexedPhotos: indexed.get(m.id) ?? 0,
      }));
    },
    async fetchModel({ id, acceptLicence }) {
      let total = 0;
      try {
        await fetchModel(
          id,
          {
            ...(acceptLicence === true ? { acceptLicence } : {}),
            onProgress: (p) => {
              total = p.totalBytes;
              const state = p.state === 'generating' ? 'downloading' : p.state;
              emit({
                name: 'modelProgress',
                payload: { id, state, receivedBytes: p.receivedBytes, totalBytes: p.totalBytes },
              });
            },
          },
          modelContext,
        );
      } catch (error) {
        emit({
          name: 'modelProgress',
          payload: { id, state: 'failed', receivedBytes: 0, totalBytes: total, error: (error as Error).message },
        });
        throw error;
      }
      if (!engine) await openEngine();
      const info = (await handlers.listModels({})).find((m) => m.id === id);
      if (!info) throw new EidosError('NOT_FOUND', `unknown model ${id}`);
      return info;
    },
    async useModel({ id }) {
      await writableEngine();
      return switcher.use(id);
    },
    async compareModels(args) {
      // Both kNN passes run on the kernels' own thread; between bootstrap resamples this thread answers others.
      return compareModels(requireEngine().store, args, {
        yieldEvery: () => new Promise((resolve) => setImmediate(resolve)),
      });
    },
    async duplicates() {
      return findLibraryDuplicates(requireEngine());
    },
    async trashPhotos({ ids }) {
      const e = await writableEngine();
      const result = await trashPhotos(dataDir, e.store, ids);
      libraryChanged({ added: 0, moved: 0, removed: result.moved.length });
      return result;
    },
    async restoreTrash({ batch }) {
      const e = await writableEngine();
      const result = await restoreTrash(dataDir, batch);
      // The photos are back in their folders: the next run indexes them (their vectors are still kept by content).
      if (result.restored.length > 0) job.start(e);
      return result;
    },
    async getSettings() {
      return readSettings(dataDir);
    },
    async setSettings(patch) {
      assertSettingsPatch(patch);
      const next = { ...readSettings(dataDir) };
      for (const [key, value] of Object.entries(patch))
        if (value !== undefined) (next as Record<string, unknown>)[key] = value;
      writeSettings(dataDir, next);
      if (patch.model !== undefined || patch.executionProvider !== undefined) await openEngine();
      else if (patch.watchFolders !== undefined) await followFolders();
      return next;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    media: createMediaAccess(() => engine?.store, thumbnailsDir(dataDir)),
    async close() {
      await live.close();
      // Detached first: a switch cut short by closing resumes at the next start (its cancelled run does not end it).
      const switchClosed = switcher.close();
      job.cancel();
      await job.settled();
      await switchClosed;
      await engine?.close();
      engine = undefined;
    },
  };
  return handlers;
}
