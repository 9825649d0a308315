import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { IndexStore } from '../../app/store/index-store.ts';
import { openIndex } from '../../app/store/open.ts';
import { tempDir } from './temp-dir.ts';

/** A fresh index with one library folder for every test of the calling file, closed and removed after it. */
export interface TempStore {
  readonly dir: string;
  readonly store: IndexStore;
  readonly folderId: number;
  /** A path inside the library folder. */
  photo(name: string): string;
}

export function useTempStore(): TempStore {
  let current: { dir: string; cleanup: () => void; store: IndexStore; folderId: number } | undefined;
  beforeEach(() => {
    const { dir, cleanup } = tempDir();
    const store = openIndex(join(dir, 'index.sqlite'));
    current = { dir, cleanup, store, folderId: store.addFolder(join(dir, 'photos')).id };
  });
  afterEach(() => {
    current?.store.close();
    current?.cleanup();
    current = undefined;
  });
  const now = () => {
    if (!current) throw new Error('useTempStore: used outside a test');
    return current;
  };
  return {
    get dir() {
      return now().dir;
    },
    get store() {
      return now().store;
    },
    get folderId() {
      return now().folderId;
    },
    photo: (name) => join(now().dir, 'photos', name),
  };
}
