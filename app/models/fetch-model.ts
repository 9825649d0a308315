import { mkdir, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { EidosError } from '../contract/errors.ts';
import { writeCoreMlCopy } from './coreml-copy.ts';
import { PRIVATE_DIR_MODE } from '../util/private-fs.ts';
import { downloadFile } from './download.ts';
import { loadGenerator, type GeneratorName } from './generators.ts';
import { withModelLock, installPartial } from './install.ts';
import { licenceAccepted, licenceRefusal, recordLicenceAcceptance } from './licence-acceptance.ts';
import { isPinned } from './manifest.ts';
import type { ModelFile, ModelSpec } from './manifest-types.ts';
import { resolveStore, type ResolvedStore, type StoreContext } from './store-context.ts';
import { checkFolder, writeStamp, type FileCheck } from './verify.ts';

export interface ModelProgressEvent {
  id: string;
  state: 'downloading' | 'generating' | 'verifying' | 'done';
  /** The file being transferred, while downloading. */
  file?: string;
  receivedBytes: number;
  /** Sum of the files' sizes where known (unknown sizes count once the server names them). */
  totalBytes: number;
}

export interface FetchOptions {
  onProgress?: (event: ModelProgressEvent) => void;
  signal?: AbortSignal;
  /** Accept files the manifest has no sha256 for; their observed hashes are returned. */
  trustUnpinned?: boolean;
  /**
   * The user accepts the model's restrictive licence (manifest `requiresLicenceAcceptance`) now; it is
   * remembered for this model. Without it, and without an earlier acceptance, such a model is refused
   * before anything downloads.
   */
  acceptLicence?: boolean;
  /** Tests only: fetch `<baseUrl>/<file path>` instead of the manifest URLs (may be plain http on loopback). */
  baseUrl?: string;
  /**
   * Also write the vision tower's fixed-batch Core ML copy (coreml-copy.ts), checked before the install is
   * moved into place. The service asks for it where Core ML runs the encoders.
   */
  coreMlCopy?: boolean;
  /** Tests only: replaces the model's generator (e.g. to link a cached architecture twin). */
  generate?: (dir: string) => Promise<void>;
}

export interface FetchResult {
  id: string;
  path: string;
  /** Per file; `unpinned` entries were accepted only because `trustUnpinned` was set. */
  files: FileCheck[];
}

function refuseUnpinned(
  model: ModelSpec,
  files: Array<{ path: string; sha256?: string | null; bytes?: number | null }>,
): never {
  const list = files.map((f) => (f.sha256 ? `${f.path} (sha256 ${f.sha256}, ${f.bytes} bytes)` : f.path)).join('; ');
  throw new EidosError(
    'MODEL_INVALID',
    `${model.id}: the manifest has no pinned sha256 for ${list}, so Eidos cannot prove these files are the right ones. ` +
      `Pin them in models/manifest.json, or pass --trust-unpinned to accept what arrives (its hashes are printed).`,
  );
}

function mismatch(model: ModelSpec, file: ModelFile, got: { sha256: string; bytes: number }): EidosError {
  return new EidosError(
    'CHECKSUM_MISMATCH',
    `${model.id}: ${file.path} arrived with sha256 ${got.sha256} (${got.bytes} bytes) but the manifest pins ${file.sha256} (${file.bytes ?? '?'} bytes). ` +
      `The file was discarded and nothing was installed; try again later, or import a verified copy with 'eidos models import'.`,
    { file: file.path },
  );
}

async function downloadAll(store: ResolvedStore, model: ModelSpec, options: FetchOptions): Promise<FileCheck[]> {
  const partial = store.partialDir(model.id);
  await mkdir(partial, { recursive: true, mode: PRIVATE_DIR_MODE });
  const known = model.files.reduce((sum, f) => sum + (f.bytes ?? 0), 0);
  let done = 0;
  let extra = 0; // sizes the manifest did not know, as the server reports them
  const checks: FileCheck[] = [];
  for (const file of model.files) {
    const url = options.baseUrl ? `${options.baseUrl.replace(/\/$/, '')}/${file.path}` : (file.url as string);
    const dest = join(partial, file.path);
    let fileTotal: number | null = null;
    const digest = await downloadFile({
      url,
      dest,
      expectedBytes: file.bytes,
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (received, total) => {
        if (file.bytes === null && total !== null && fileTotal === null) {
          fileTotal = total;
          extra += total;
        }
        options.onProgress?.({
          id: model.id,
          state: 'downloading',
          file: file.path,
          receivedBytes: done + received,
          totalBytes: known + extra,
        });
      },
    });
    const base = {
      path: file.path,
      role: file.role,
      expectedSha256: file.sha256,
      expectedBytes: file.bytes,
      actualSha256: digest.sha256,
      actualBytes: digest.bytes,
    };
    if (isPinned(file) && (digest.sha256 !== file.sha256 || (file.bytes !== null && digest.bytes !== file.bytes))) {
      await unlink(dest); // a resumed retry must not build on wrong bytes
      throw mismatch(model, file, digest);
    }
    checks.push({ ...base, status: isPinned(file) ? 'ok' : 'unpinned' });
    done += digest.bytes;
  }
  return checks;
}

async function generateAll(store: ResolvedStore, model: ModelSpec, options: FetchOptions): Promise<FileCheck[]> {
  const partial = store.partialDir(model.id);
  await rm(partial, { recursive: true, force: true }); // generation is cheap and deterministic: always start clean
  await mkdir(partial, { recursive: true, mode: PRIVATE_DIR_MODE });
  options.onProgress?.({ id: model.id, state: 'generating', receivedBytes: 0, totalBytes: 0 });
  await (options.generate ?? (await loadGenerator(model.generator as GeneratorName)))(partial);
  options.onProgress?.({ id: model.id, state: 'verifying', receivedBytes: 0, totalBytes: 0 });
  const checks = await checkFolder(model, partial);
  const missing = checks.filter((c) => c.status === 'missing');
  if (missing.length > 0) {
    throw new EidosError(
      'MODEL_INVALID',
      `${model.id}: the generator did not write ${missing.map((c) => c.path).join(', ')}; the manifest and the generator disagree.`,
    );
  }
  const wrong = checks.find((c) => c.status === 'mismatch');
  if (wrong)
    throw mismatch(model, model.files.find((f) => f.path === wrong.path) as ModelFile, {
      sha256: wrong.actualSha256 ?? '',
      bytes: wrong.actualBytes ?? 0,
    });
  const unpinned = checks.filter((c) => c.status === 'unpinned');
  if (unpinned.length > 0 && !options.trustUnpinned) {
    refuseUnpinned(
      model,
      unpinned.map((c) => ({
        path: c.path,
        ...(c.actualSha256 ? { sha256: c.actualSha256 } : {}),
        ...(c.actualBytes === undefined ? {} : { bytes: c.actualBytes }),
      })),
    );
  }
  return checks;
}

/**
 * Installs model `id` into `<models>/<id>/`: downloads (or, for the synthetic model, generates) every
 * file into `<id>.partial/`, checks each against its pinned sha256, then renames the folder into place.
 * An interrupted fetch resumes from the partial folder next time. Nothing is installed unless every file
 * checks out (or is unpinned and `trustUnpinned` is set).
 */
export async function fetchModel(
  id: string,
  options: FetchOptions = {},
  context: StoreContext = {},
): Promise<FetchResult> {
  const store = resolveStore(context);
  const model = store.model(id);
  if (!licenceAccepted(store.dir, model)) {
    if (!options.acceptLicence) throw licenceRefusal(model);
    recordLicenceAcceptance(store.dir, model);
  }
  const unpinned = model.files.filter((f) => !isPinned(f));
  if (model.source === 'download' && unpinned.length > 0 && !options.trustUnpinned) refuseUnpinned(model, unpinned);

  return withModelLock(store, id, async () => {
    const files =
      model.source === 'generated'
        ? await generateAll(store, model, options)
        : await downloadAll(store, model, options);
    if (options.coreMlCopy) await writeCoreMlCopy(model, store.partialDir(id));
    await writeStamp(store.partialDir(id), files);
    const path = await installPartial(store, id);
    const total = files.reduce((sum, f) => sum + (f.actualBytes ?? 0), 0);
    options.onProgress?.({ id, state: 'done', receivedBytes: total, totalBytes: total });
    return { id, path, files };
  });
}
