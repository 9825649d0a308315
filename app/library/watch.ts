import { realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import watcher from '@parcel/watcher';
import { describeError, EidosError } from '../contract/errors.ts';
import { isWithin } from '../util/path-containment.ts';
import { isHiddenOrSystem, photoFormat } from './scan.ts';
import type { ProtectedFolders } from './protected-folders.ts';

export type ChangeType = 'create' | 'update' | 'delete';

/**
 * A path to re-plan. Photos are reported by their own path; a folder created or moved in is
 * reported as a folder (its files may arrive without events of their own: rescan it); a deleted
 * path is reported whatever it was, since a deleted folder can no longer be told from a file.
 */
export interface LibraryChange {
  path: string;
  type: ChangeType;
  isDirectory: boolean;
}

export interface WatchOptions {
  /** Report after this long without new events… */
  debounceMs?: number;
  /** …but no later than this after the first pending event (a long copy still shows progress). */
  maxWaitMs?: number;
  onError?: (error: Error) => void;
  /** Folders never watched (the data folder, system trees): one inside a root is ignored, a root that is one refused. */
  protected?: ProtectedFolders;
}

export interface LibraryWatcher {
  /** The changes heard and not reported yet: they wait for the quiet period (what a status line can show). */
  pending(): LibraryChange[];
  /** Stops watching; pending changes are dropped and no callback runs afterwards. */
  close(): Promise<void>;
}

/**
 * The operating system's own watcher. Left to choose, @parcel/watcher first probes for a Watchman
 * server by starting a shell (`watchman … 2>/dev/null`): a process started and a file opened for
 * writing outside the data folder, on every subscription, for a daemon Eidos never uses.
 */
const NATIVE_BACKENDS: Partial<Record<NodeJS.Platform, watcher.BackendType>> = {
  darwin: 'fs-events',
  linux: 'inotify',
  win32: 'windows',
};

/** True when any part of the path below the root is hidden or a system folder (as the scanner skips). */
const ignored = (root: string, path: string) => relative(root, path).split(sep).some(isHiddenOrSystem);

/** Characters that make @parcel/watcher read an ignore entry as a glob rather than a path. */
const GLOB_CHARACTERS = /[*?[\]{}()!+@]/;

/**
 * The protected folders inside `root`, spelled under `root` as given (events carry that spelling);
 * throws when `root` is itself protected.
 */
function protectedInside(root: string, guard: ProtectedFolders | undefined): string[] {
  if (!guard) return [];
  const refusal = guard.refusal(root);
  if (refusal) throw new EidosError('BAD_ARGUMENT', `not watched: ${refusal}`, { file: root });
  let realRoot: string;
  try {
    realRoot = realpathSync.native(root);
  } catch {
    return []; // subscribing fails below with the reason
  }
  return guard.folders
    .filter((folder) => isWithin(folder.path, realRoot))
    .map((folder) => join(root, relative(realRoot, folder.path)));
}

/**
 * Watches the library roots (natively: FSEvents, inotify, ReadDirectoryChangesW) and reports debounced batches of changes.
 * A batch says "look again", not "exactly these": @parcel/watcher can drop an event that arrives while it hands
 * the batch before it over (parcel-bundler/watcher#183), so callers rescan the library on any batch, as the
 * engine's indexing run does, instead of trusting the list to be complete.
 */
export async function watchLibrary(
  roots: readonly string[],
  onChange: (changes: LibraryChange[]) => void,
  options: WatchOptions = {},
): Promise<LibraryWatcher> {
  const debounceMs = options.debounceMs ?? 1000;
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  let pending = new Map<string, LibraryChange>();
  let timer: NodeJS.Timeout | undefined;
  let firstPendingAt = 0;
  let closed = false;

  const flush = () => {
    timer = undefined;
    if (closed || pending.size === 0) return;
    const changes = [...pending.values()];
    pending = new Map();
    onChange(changes);
  };

  const add = (change: LibraryChange) => {
    const earlier = pending.get(change.path);
    // A file created and then written is still new; anything followed by a delete is gone.
    pending.set(change.path, earlier?.type === 'create' && change.type === 'update' ? earlier : change);
    const now = Date.now();
    if (!timer) firstPendingAt = now;
    clearTimeout(timer);
    timer = setTimeout(flush, Math.max(0, Math.min(debounceMs, firstPendingAt + maxWaitMs - now)));
  };

  const handle = (root: string, skipped: readonly string[]) => async (error: Error | null, events: watcher.Event[]) => {
    if (error) {
      options.onError?.(error);
      return;
    }
    for (const event of events) {
      if (closed || ignored(root, event.path)) continue;
      // Eidos writing its own thumbnails inside a watched home folder is not a change to the library.
      if (skipped.some((folder) => isWithin(event.path, folder))) continue;
      if (event.type === 'delete') {
        add({ path: event.path, type: 'delete', isDirectory: false });
      } else if (photoFormat(basename(event.path))) {
        add({ path: event.path, type: event.type, isDirectory: false });
      } else if (event.type === 'create') {
        const isDirectory = await stat(event.path).then(
          (stats) => stats.isDirectory(),
          () => false,
        );
        if (isDirectory && !closed) add({ path: event.path, type: 'create', isDirectory: true });
      }
    }
  };

  const ignore = ['**/.*', '**/node_modules', '**/@eaDir'];
  const backend = NATIVE_BACKENDS[process.platform];
  const subscriptions: watcher.AsyncSubscription[] = [];
  try {
    for (const root of roots) {
      const skipped = protectedInside(root, options.protected);
      // Ignored by the native watcher too, so it adds no watch in them (inotify's are a limited resource).
      const ignoreHere = [...ignore, ...skipped.filter((folder) => !GLOB_CHARACTERS.test(folder))];
      try {
        subscriptions.push(
          await watcher.subscribe(root, handle(root, skipped), { ignore: ignoreHere, ...(backend ? { backend } : {}) }),
        );
      } catch (error) {
        throw new EidosError(
          'NOT_FOUND',
          `Cannot watch the library folder ${root}: ${describeError(error)}. Check that it exists and is mounted.`,
          { file: root, cause: error },
        );
      }
    }
  } catch (error) {
    await Promise.all(subscriptions.map((subscription) => subscription.unsubscribe()));
    throw error;
  }
  return {
    pending: () => [...pending.values()],
    async close() {
      closed = true;
      clearTimeout(timer);
      pending.clear();
      await Promise.all(subscriptions.map((subscription) => subscription.unsubscribe()));
    },
  };
}
