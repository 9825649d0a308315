import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EidosError } from '../contract/errors.ts';
import { processAlive } from '../util/process-alive.ts';
import { ensurePrivateDir, narrowTree, PRIVATE_FILE_MODE } from '../util/private-fs.ts';
import type { ResolvedStore } from './store-context.ts';

/**
 * Runs `work` while holding `<id>.lock` in the models folder, so two fetches or imports of one model
 * never write the same `<id>.partial/`. A lock left by a process that no longer runs is taken over.
 */
export async function withModelLock<T>(store: ResolvedStore, id: string, work: () => Promise<T>): Promise<T> {
  // A link to another disk is fine (models are large) when it and its folder are this user's.
  ensurePrivateDir(store.dir, { what: 'The models folder', allowLink: true });
  const lock = join(store.dir, `${id}.lock`);
  for (;;) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx', mode: PRIVATE_FILE_MODE });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(lock, 'utf8').catch(() => ''));
      if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) {
        throw new EidosError(
          'MODEL_BUSY',
          `another Eidos process (pid ${holder}) is installing ${id}; wait for it to finish.`,
          { file: lock },
        );
      }
      await rm(lock, { force: true });
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { force: true });
  }
}

/**
 * Moves the finished `<id>.partial/` into place with renames (atomic on one file system): a reader
 * sees either the old model or the new one, never a mix. An old install is moved aside first and
 * removed after.
 */
export async function installPartial(store: ResolvedStore, id: string): Promise<string> {
  const target = store.installDir(id);
  const partial = store.partialDir(id);
  // Whatever wrote the files (a generator, an import, a download under any umask), the installed model is private.
  narrowTree(partial);
  if (!existsSync(target)) {
    await rename(partial, target);
    return target;
  }
  const aside = join(store.dir, `${id}.old-${process.pid}`);
  await rename(target, aside);
  await rename(partial, target);
  await rm(aside, { recursive: true, force: true });
  return target;
}
