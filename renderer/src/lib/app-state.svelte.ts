import type {
  FolderInfo,
  IndexProgress,
  ModelInfo,
  RebuildResult,
  Settings,
  SkippedFile,
  Status,
} from '../../../app/contract/types.ts';
import { api, call } from './client.ts';
import { applyTheme } from './theme.ts';

export type View = 'search' | 'map' | 'duplicates' | 'library' | 'settings';

/**
 * What several views share: the engine's status, folders, models, settings and the live indexing
 * progress. Views read these fields; only the methods here write them.
 */
class AppState {
  view = $state<View>('search');
  status = $state<Status | undefined>();
  folders = $state<FolderInfo[]>([]);
  models = $state<ModelInfo[]>([]);
  settings = $state<Settings | undefined>();
  progress = $state<IndexProgress | undefined>();
  /** Files the index could not read and folders it could not enter, with the reasons (from the index). */
  skips = $state<SkippedFile[]>([]);
  /** Counts the index's changes seen by this page (a watched folder changed, a run ended): an open search runs again. */
  libraryVersion = $state(0);
  error = $state<string | undefined>();
  loaded = $state(false);
  /** The rebuild started in this session, so the library can say where the damaged index was kept. */
  rebuilt = $state<RebuildResult | undefined>();
  /** Counts the refreshes begun (bookkeeping, not display): only the latest one's answers are kept. */
  private refreshes = 0;

  /** First run: no folder yet, or no model, so search cannot answer. */
  get needsSetup(): boolean {
    return this.loaded && (this.folders.length === 0 || this.status?.model === undefined);
  }

  /**
   * Reloads everything shared. Each part stands alone: before a model is installed the engine
   * answers `status` but refuses `listFolders`, and the first-run view still needs the rest.
   */
  async refresh(): Promise<void> {
    const generation = ++this.refreshes;
    const [status, folders, models, settings, skips] = await Promise.allSettled([
      call(api.status()),
      call(api.listFolders()),
      call(api.listModels()),
      call(api.getSettings()),
      call(api.skippedFiles()),
    ]);
    // Two refreshes overlap when a run ends just after another began (the rebuild's own refresh and the
    // one its "done" event starts): the earlier one's answers, read mid-run, must not replace the later.
    if (generation !== this.refreshes) return;
    if (status.status === 'fulfilled') {
      this.status = status.value;
      this.progress ??= status.value.indexing;
      this.error = undefined;
    } else {
      this.error = messageOf(status.reason);
    }
    this.folders = folders.status === 'fulfilled' ? folders.value : [];
    this.skips = skips.status === 'fulfilled' ? skips.value : [];
    if (models.status === 'fulfilled') this.models = models.value;
    if (settings.status === 'fulfilled') {
      this.settings = settings.value;
      applyTheme(settings.value.theme);
    }
    this.loaded = true;
  }

  /** Follows indexing and library events for the life of the page; refreshes counts and skips when a run ends. */
  listen(): () => void {
    const offProgress = api.onIndexProgress((progress) => {
      this.progress = progress;
      if (progress.state === 'done' || progress.state === 'cancelled' || progress.state === 'failed')
        void this.refresh();
    });
    const offChanged = api.onLibraryChanged(() => {
      this.libraryVersion++;
      void this.refresh();
    });
    return () => {
      offProgress();
      offChanged();
    };
  }

  /** Adds folders (typed, chosen in the system dialog or dropped on the window) and indexes them. */
  async addFolders(paths: string[], startIndexing = true): Promise<void> {
    for (const path of paths) await call(api.addFolder({ path }));
    if (startIndexing && paths.length > 0) await call(api.startIndexing({ folders: paths }));
    await this.refresh();
  }

  /**
   * Rebuilds a damaged index (the engine keeps the damaged file aside and indexes the folders again)
   * and shows the run where indexing progress always shows: the library. Throws the engine's refusal.
   */
  async rebuildIndex(folders: string[]): Promise<void> {
    const result = await call(api.rebuildIndex(folders.length > 0 ? { folders } : {}));
    // Progress comes as events (the run's first one was sent before this reply): a small library
    // may have finished by now, so the reply's snapshot would be stale.
    this.rebuilt = result;
    this.view = 'library';
    await this.refresh();
  }

  async updateSettings(patch: Partial<Settings>): Promise<void> {
    try {
      this.settings = await call(api.setSettings(patch));
      applyTheme(this.settings.theme);
      // The folders' "watching" follows the setting.
      if (patch.watchFolders !== undefined) await this.refresh();
    } catch (error) {
      this.error = messageOf(error);
    }
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export const app = new AppState();
