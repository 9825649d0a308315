/**
 * Eidos's own trash (for `eidos serve`, whose page cannot reach the system trash): photos the user sends
 * there are moved, never deleted, into `<data folder>/trash/<batch>/` (0700; each photo keeps its own
 * modes), with a `manifest.json` (0600) naming where each came from, and forgotten
 * by the index. `restoreTrash` moves a batch back where it was (the index picks the photos up again on
 * its next run) and removes the batch's folder once it is empty. Nothing here ever unlinks a photo
 * except the source of a copy across disks, once the copy is complete.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, readFile, rename, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { PhotoId } from '../contract/types.ts';
import type { RestoreResult, TrashResult } from '../contract/duplicates.ts';
import { EidosError } from '../contract/errors.ts';
import type { IndexStore } from '../store/index-store.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../util/private-fs.ts';

export const trashDir = (home: string): string => join(home, 'trash');
const BATCH_PATTERN = /^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$/;

interface TrashEntry {
  original: string;
  stored: string;
  bytes: number;
}

/** Moves a file, across disks too (copy, check the size, then remove the source). */
async function move(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(from, to);
    if ((await stat(to)).size !== (await stat(from)).size) throw new Error(`the copy of ${from} is incomplete`);
    await unlink(from);
  }
}

async function writeManifest(folder: string, entries: TrashEntry[]): Promise<void> {
  await writeFile(join(folder, 'manifest.json'), JSON.stringify({ entries }, null, 1), { mode: PRIVATE_FILE_MODE });
}

export async function trashPhotos(home: string, store: IndexStore, ids: readonly PhotoId[]): Promise<TrashResult> {
  if (ids.length === 0) throw new EidosError('BAD_ARGUMENT', 'trashPhotos needs at least one photo id.');
  const rows = store.photoRows(ids.map(Number));
  const missing = ids.filter((id) => !rows.some((row) => String(row.id) === id));
  if (missing.length > 0) throw new EidosError('NOT_FOUND', `no indexed photo has the id ${missing.join(', ')}.`);
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const batch = `${stamp}-${randomBytes(4).toString('hex')}`;
  const folder = join(trashDir(home), batch);
  ensurePrivateDir(trashDir(home), { what: "Eidos's trash folder" });
  ensurePrivateDir(folder, { what: "Eidos's trash folder" });
  const entries: TrashEntry[] = [];
  const moved: { id: PhotoId; path: string }[] = [];
  for (const row of rows) {
    const stored = join(folder, `${entries.length}-${basename(row.path)}`);
    const { size } = await stat(row.path).catch(() => {
      throw new EidosError('NOT_FOUND', `${row.path} is no longer there.`, { file: row.path });
    });
    await move(row.path, stored);
    entries.push({ original: row.path, stored: basename(stored), bytes: size });
    moved.push({ id: String(row.id), path: row.path });
    // After every move, so the manifest always names every photo in the folder.
    await writeManifest(folder, entries);
  }
  if (!store.readonly) store.removeFiles(rows.map((row) => row.id));
  return { batch, moved, place: 'eidos-trash', folder };
}

export async function restoreTrash(home: string, batch: string): Promise<RestoreResult> {
  if (!BATCH_PATTERN.test(batch)) throw new EidosError('BAD_ARGUMENT', `'${batch}' does not name a trash batch.`);
  const folder = join(trashDir(home), batch);
  let entries: TrashEntry[];
  try {
    entries = (JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')) as { entries: TrashEntry[] }).entries;
  } catch {
    throw new EidosError('NOT_FOUND', `there is no trash batch ${batch} in ${trashDir(home)}.`, { file: folder });
  }
  const restored: string[] = [];
  const kept: { path: string; reason: string }[] = [];
  const left: TrashEntry[] = [];
  for (const entry of entries) {
    const stored = join(folder, basename(entry.stored));
    if (existsSync(entry.original)) {
      kept.push({
        path: entry.original,
        reason: `a file named ${entry.original} is there now; the photo stays in ${stored}`,
      });
      left.push(entry);
    } else if (!existsSync(dirname(entry.original))) {
      kept.push({
        path: entry.original,
        reason: `its folder ${dirname(entry.original)} is gone; the photo stays in ${stored}`,
      });
      left.push(entry);
    } else {
      await move(stored, entry.original);
      restored.push(entry.original);
    }
  }
  if (left.length > 0) await writeManifest(folder, left);
  else {
    await unlink(join(folder, 'manifest.json'));
    // Only an empty folder goes: anything else in it stays.
    await rmdir(folder).catch(() => undefined);
  }
  return { batch, restored, kept };
}
