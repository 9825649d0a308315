import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE } from '../util/private-fs.ts';
import { hashFile } from './hash-file.ts';
import { isPinned } from './manifest.ts';
import type { ModelFileRole, ModelSpec } from './manifest-types.ts';
import { resolveStore, type StoreContext } from './store-context.ts';

/** `unpinned`: the manifest has no hash to check against, so the file cannot be called ok. */
export type FileStatus = 'ok' | 'mismatch' | 'missing' | 'unpinned';

export interface FileCheck {
  path: string;
  role: ModelFileRole;
  status: FileStatus;
  expectedSha256: string | null;
  expectedBytes: number | null;
  actualSha256?: string;
  actualBytes?: number;
  /** What is wrong beyond the hash (an ONNX tower that is damaged or has other inputs/outputs). */
  problem?: string;
}

export interface ModelCheck {
  id: string;
  installed: boolean;
  /** Every file present and matching its pinned hash. */
  ok: boolean;
  files: FileCheck[];
}

/** Written after a full check so `listModels` can tell "verified" from file sizes and times without re-hashing. */
const STAMP_FILE = '.eidos-verified.json';

interface Stamp {
  files: Array<{ path: string; bytes: number; mtimeMs: number; sha256: string }>;
}

/** Hashes every file of `model` found under `dir` and compares it with the manifest. */
export async function checkFolder(model: ModelSpec, dir: string): Promise<FileCheck[]> {
  const checks: FileCheck[] = [];
  for (const file of model.files) {
    const base = { path: file.path, role: file.role, expectedSha256: file.sha256, expectedBytes: file.bytes };
    const path = join(dir, file.path);
    if (!existsSync(path)) {
      checks.push({ ...base, status: 'missing' });
      continue;
    }
    const digest = await hashFile(path);
    const status: FileStatus = !isPinned(file)
      ? 'unpinned'
      : digest.sha256 === file.sha256 && (file.bytes === null || digest.bytes === file.bytes)
        ? 'ok'
        : 'mismatch';
    checks.push({ ...base, status, actualSha256: digest.sha256, actualBytes: digest.bytes });
  }
  return checks;
}

/** Records what a successful check saw (sizes, times, hashes) in the model's folder. */
export async function writeStamp(dir: string, checks: FileCheck[]): Promise<void> {
  const files = [];
  for (const check of checks) {
    if (check.status !== 'ok' || check.actualSha256 === undefined) return;
    const info = await stat(join(dir, check.path));
    files.push({ path: check.path, bytes: info.size, mtimeMs: info.mtimeMs, sha256: check.actualSha256 });
  }
  await writeFile(join(dir, STAMP_FILE), `${JSON.stringify({ files } satisfies Stamp, null, 2)}\n`, {
    mode: PRIVATE_FILE_MODE,
  });
}

/** Cheap "still verified?": the stamp matches the manifest's pins and every file's size and time. */
export async function stampStillValid(model: ModelSpec, dir: string): Promise<boolean> {
  let stamp: Stamp;
  try {
    stamp = JSON.parse(await readFile(join(dir, STAMP_FILE), 'utf8')) as Stamp;
  } catch {
    return false;
  }
  for (const file of model.files) {
    const entry = Array.isArray(stamp.files) ? stamp.files.find((f) => f.path === file.path) : undefined;
    if (!entry || !isPinned(file) || entry.sha256 !== file.sha256) return false;
    try {
      const info = await stat(join(dir, file.path));
      if (info.size !== entry.bytes || info.mtimeMs !== entry.mtimeMs) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Re-hashes the installed model `id` against the manifest (and refreshes the stamp when all is well). */
export async function verifyModel(id: string, context: StoreContext = {}): Promise<ModelCheck> {
  const store = resolveStore(context);
  const model = store.model(id);
  const dir = store.installDir(id);
  if (!existsSync(dir)) {
    return {
      id,
      installed: false,
      ok: false,
      files: model.files.map((f) => ({
        path: f.path,
        role: f.role,
        status: 'missing',
        expectedSha256: f.sha256,
        expectedBytes: f.bytes,
      })),
    };
  }
  const files = await checkFolder(model, dir);
  const ok = files.every((f) => f.status === 'ok');
  if (ok) await writeStamp(dir, files);
  return { id, installed: true, ok, files };
}
