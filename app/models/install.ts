import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EidosError } from '../contract/errors.ts';
import { fileLocks } from '../kernels/index.ts';
import { ensurePrivateDir, narrowTree, PRIVATE_FILE_MODE } from '../util/private-fs.ts';
import type { ResolvedStore } from './store-context.ts';

/**
 * Runs `work` while holding `<id>.lock` in the models folder, so two fetches or imports of one model
 * never write the same `<id>.partial/`. The lock is one the operating system holds (flock, as the index's
 * writer lock: app/store/lock.ts), so a fetch that was killed, even one its parent has not reaped, or a pid
 * reused by another program, never keeps a model busy. The file stays; the pid written into it after the
 * lock is taken only names the holder in the message a second fetch prints.
 */
export async function withModelLock<T>(store: ResolvedStore, id: string, work: () => Promise<T>): Promise<T> {
  // A link to another disk is fine (models are large) when it and its folder are this user's.
  ensurePrivateDir(store.dir, { what: 'The models folder', allowLink: true });
  const path = join(store.dir, `${id}.lock`);
  const locks = fileLocks();
  const held = locks.tryLock(path);
  if (held === undefined) {
    const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    const who =
      Number.isInteger(holder) && holder > 0 ? `another Eidos process (pid ${holder})` : 'another Eidos process';
    throw new EidosError('MODEL_BUSY', `${who} is installing ${id}; wait for it to finish.`, { file: path });
  }
  try {
    // Another descriptor of the file: writing and closing it leaves the flock of `held` in place.
    await writeFile(path, String(process.pid), { mode: PRIVATE_FILE_MODE });
    return await work();
  } finally {
    locks.release(held);
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
