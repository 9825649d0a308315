import { existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { EidosError, isEidosError } from '../contract/errors.ts';
import { writeCoreMlCopy } from './coreml-copy.ts';
import { copyWithDigest, hashFile, type FileDigest } from './hash-file.ts';
import { installPartial, withModelLock } from './install.ts';
import { isPinned } from './manifest.ts';
import { checkOnnxTower } from './onnx-signature.ts';
import type { ModelFile, ModelSpec } from './manifest-types.ts';
import { resolveStore, type StoreContext } from './store-context.ts';
import { writeStamp, type FileCheck } from './verify.ts';

export interface ImportOptions {
  /** Which model the folder holds; detected from the files' hashes when absent. */
  id?: string;
  /** Accept files the manifest has no sha256 for (needs `id`: they cannot be recognised by hash). */
  trustUnpinned?: boolean;
  /** Also write the vision tower's fixed-batch Core ML copy (as FetchOptions.coreMlCopy). */
  coreMlCopy?: boolean;
}

export interface ImportResult {
  id: string;
  path: string;
  files: FileCheck[];
}

/** A file of the model inside the folder: at its manifest path (a copied model folder) or flat at the top. */
function locate(folder: string, file: ModelFile): string | undefined {
  return [join(folder, file.path), join(folder, basename(file.path))].find(
    (p) => existsSync(p) && statSync(p).isFile(),
  );
}

/** Compares the folder with one model; hashes are cached because candidate models share files. */
async function match(
  folder: string,
  model: ModelSpec,
  digests: Map<string, Promise<FileDigest>>,
): Promise<Array<FileCheck & { source?: string }>> {
  const checks: Array<FileCheck & { source?: string }> = [];
  for (const file of model.files) {
    const base = { path: file.path, role: file.role, expectedSha256: file.sha256, expectedBytes: file.bytes };
    const source = locate(folder, file);
    if (!source) {
      checks.push({ ...base, status: 'missing' });
      continue;
    }
    // An ONNX tower is read first: "truncated" or "input X is [..], needs [..]" says more than a hash.
    if (file.role === 'vision' || file.role === 'text') {
      try {
        checkOnnxTower(model, file.role, source);
      } catch (error) {
        if (!isEidosError(error, 'MODEL_INVALID')) throw error;
        checks.push({
          ...base,
          source,
          status: 'mismatch',
          actualBytes: statSync(source).size,
          problem: error.message,
        });
        continue;
      }
    }
    // A size that differs settles it without reading hundreds of MB.
    const size = statSync(source).size;
    if (file.bytes !== null && size !== file.bytes) {
      checks.push({ ...base, source, status: 'mismatch', actualBytes: size });
      continue;
    }
    if (!digests.has(source)) digests.set(source, hashFile(source));
    const digest = await (digests.get(source) as Promise<FileDigest>);
    const status = !isPinned(file) ? 'unpinned' : digest.sha256 === file.sha256 ? 'ok' : 'mismatch';
    checks.push({ ...base, source, status, actualSha256: digest.sha256, actualBytes: digest.bytes });
  }
  return checks;
}

function describeProblems(checks: FileCheck[]): string {
  return checks
    .filter((c) => c.status !== 'ok')
    .map((c) => {
      if (c.problem !== undefined) return c.problem;
      if (c.status !== 'mismatch') return `${c.path}: ${c.status}`;
      if (c.actualSha256 === undefined) return `${c.path}: ${c.actualBytes} bytes, expected ${c.expectedBytes}`;
      return `${c.path}: sha256 ${c.actualSha256} is not the pinned ${c.expectedSha256}`;
    })
    .join('; ');
}

/**
 * Installs a model from files copied by hand (air-gapped machines): recognises the model by its
 * pinned hashes (or takes `id`), copies every file into `<id>.partial/` while hashing the copy, and
 * renames it into place only if every copy checks out.
 */
export async function importModel(
  folder: string,
  options: ImportOptions = {},
  context: StoreContext = {},
): Promise<ImportResult> {
  const store = resolveStore(context);
  const from = resolve(folder);
  if (!existsSync(from) || !statSync(from).isDirectory()) {
    throw new EidosError(
      'NOT_FOUND',
      `${from} is not a folder. Pass the folder that holds the model files (onnx/…, tokenizer.json, …).`,
      { file: from },
    );
  }
  const candidates = options.id
    ? [store.model(options.id)]
    : store.manifest.models.filter((m) => m.source === 'download' && m.files.some(isPinned));
  const digests = new Map<string, Promise<FileDigest>>();
  const accepted = (status: FileCheck['status']): boolean =>
    status === 'ok' || (status === 'unpinned' && options.trustUnpinned === true);

  let chosen: { model: ModelSpec; checks: Awaited<ReturnType<typeof match>> } | undefined;
  let closest: typeof chosen;
  for (const model of candidates) {
    const checks = await match(from, model, digests);
    if (checks.every((c) => accepted(c.status))) {
      chosen = { model, checks };
      break;
    }
    if (
      !closest ||
      checks.filter((c) => c.status === 'ok').length > closest.checks.filter((c) => c.status === 'ok').length
    )
      closest = { model, checks };
  }
  if (!chosen) {
    const hint = closest ? ` Closest: ${closest.model.id} (${describeProblems(closest.checks)}).` : '';
    const unpinnedHint = closest?.checks.some((c) => c.status === 'unpinned')
      ? ' Files without a pinned hash need --id and --trust-unpinned.'
      : '';
    throw new EidosError(
      options.id ? 'CHECKSUM_MISMATCH' : 'NOT_FOUND',
      `${from} does not hold a complete, verified copy of ${options.id ?? 'any model in the manifest'}.${hint}${unpinnedHint}`,
      { file: from },
    );
  }

  const { model, checks } = chosen;
  return withModelLock(store, model.id, async () => {
    const partial = store.partialDir(model.id);
    await rm(partial, { recursive: true, force: true });
    const files: FileCheck[] = [];
    for (const check of checks) {
      const { source, ...result } = check;
      const copied = await copyWithDigest(source as string, join(partial, check.path));
      if (copied.sha256 !== check.actualSha256) {
        await rm(partial, { recursive: true, force: true });
        throw new EidosError(
          'CHECKSUM_MISMATCH',
          `${source}: the file changed while it was being copied (sha256 ${copied.sha256}); nothing was installed. Try again.`,
          {
            file: source as string,
          },
        );
      }
      files.push(result);
    }
    if (options.coreMlCopy) await writeCoreMlCopy(model, partial);
    await writeStamp(partial, files);
    return { id: model.id, path: await installPartial(store, model.id), files };
  });
}
