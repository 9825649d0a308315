/**
 * Live folders: one native watcher per library folder while the "watch folders" setting is on, so
 * the Library can say which folders are really watched (and why one is not), and a folder that
 * cannot be watched (unmounted, deleted) does not stop the others. What to do with a change is the
 * caller's: the engine's handlers start an indexing run (app/service/indexing-job.ts).
 */
import { describeError } from '../contract/errors.ts';
import type { LibraryChange, LibraryWatcher, WatchOptions } from '../library/watch.ts';

export interface FolderWatchState {
  watching: boolean;
  watchProblem?: string;
}

export class LiveFolders {
  private readonly watchers = new Map<string, LibraryWatcher>();
  private readonly problems = new Map<string, string>();
  /** Changes of the watched set run one after another: two quick calls must not subscribe a folder twice. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly onChange: (changes: LibraryChange[]) => void,
    private readonly options: Omit<WatchOptions, 'onError'> = {},
  ) {}

  /** Watches exactly `folders` (none: stops every watcher); folders already watched keep their watcher. */
  watch(folders: readonly string[]): Promise<void> {
    const next = this.queue.then(() => this.apply(new Set(folders)));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Whether `folder` is watched now, and why not when a watcher could not be subscribed. */
  state(folder: string): FolderWatchState {
    const problem = this.problems.get(folder);
    return { watching: this.watchers.has(folder), ...(problem ? { watchProblem: problem } : {}) };
  }

  close(): Promise<void> {
    return this.watch([]);
  }

  private async apply(wanted: Set<string>): Promise<void> {
    for (const [folder, watcher] of this.watchers) {
      if (wanted.has(folder)) continue;
      this.watchers.delete(folder);
      await watcher.close();
    }
    for (const folder of this.problems.keys()) if (!wanted.has(folder)) this.problems.delete(folder);
    if (wanted.size === 0) return;
    // Loaded only once something is watched: a search-only process never loads the native watcher.
    const { watchLibrary } = await import('../library/watch.ts');
    for (const folder of wanted) {
      if (this.watchers.has(folder)) continue;
      try {
        const watcher = await watchLibrary([folder], this.onChange, {
          ...this.options,
          onError: (error) => this.problems.set(folder, `the watcher stopped: ${describeError(error)}`),
        });
        this.watchers.set(folder, watcher);
        this.problems.delete(folder);
      } catch (error) {
        this.problems.set(folder, describeError(error));
      }
    }
  }
}
