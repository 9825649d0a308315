/**
 * The model store: which models the manifest offers, which are installed in `<models>/<id>/`, and
 * where their files are. Installing goes through `fetchModel` (the app's only network use) or
 * `importModel` (files copied from another machine); `verifyModel` re-checks an install.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EidosError } from '../contract/errors.ts';
import { isPinned } from './manifest.ts';
import { licenceAccepted } from './licence-acceptance.ts';
import { defaultModelFor, type DefaultChoice, type ProviderName } from './platform-default.ts';
import type { ModelCard, ModelFileRole } from './manifest-types.ts';
import { resolveStore, type ResolvedStore, type StoreContext } from './store-context.ts';
import { stampStillValid } from './verify.ts';

export { fetchModel, type FetchOptions, type FetchResult, type ModelProgressEvent } from './fetch-model.ts';
export { importModel, type ImportOptions, type ImportResult } from './import-model.ts';
export { verifyModel, type FileCheck, type FileStatus, type ModelCheck } from './verify.ts';
export type { StoreContext } from './store-context.ts';

/** The default model of this machine's store: its provider, and the licences its user has accepted. */
export function defaultModelOf(context: StoreContext = {}, provider?: ProviderName): DefaultChoice {
  return defaultOfStore(resolveStore(context), provider);
}

const defaultOfStore = (store: ResolvedStore, provider?: ProviderName): DefaultChoice =>
  defaultModelFor(store.manifest, provider, (id) => licenceAccepted(store.dir, store.model(id)));

export interface ModelListing {
  id: string;
  name: string;
  description: string;
  licence: string;
  licenceUrl?: string;
  /** Its licence must be accepted before it downloads (manifest `requiresLicenceAcceptance`). */
  requiresLicenceAcceptance: boolean;
  /** No acceptance needed, or the user has accepted it. */
  licenceAccepted: boolean;
  /** The model-table entry (absent for test models). */
  card?: ModelCard;
  source: 'download' | 'generated';
  /** Total size of the files; null while any size is unknown. */
  bytes: number | null;
  /** Every file has a pinned sha256 in the manifest. */
  pinned: boolean;
  installed: boolean;
  /** Passed a full hash check, and no file changed size or time since. */
  verified: boolean;
  /** The default on this machine (its execution provider decides: platform-default.ts). */
  isDefault: boolean;
}

export async function listModels(context: StoreContext = {}): Promise<ModelListing[]> {
  const store = resolveStore(context);
  const defaultId = defaultOfStore(store).id;
  return Promise.all(
    store.manifest.models.map(async (model) => {
      const dir = store.installDir(model.id);
      const installed = existsSync(dir);
      const sizes = model.files.map((f) => f.bytes);
      return {
        id: model.id,
        name: model.name,
        description: model.description,
        licence: model.licence,
        ...(model.licenceUrl === undefined ? {} : { licenceUrl: model.licenceUrl }),
        requiresLicenceAcceptance: model.requiresLicenceAcceptance === true,
        licenceAccepted: licenceAccepted(store.dir, model),
        ...(model.card === undefined ? {} : { card: model.card }),
        source: model.source,
        bytes: sizes.includes(null) ? null : (sizes as number[]).reduce((a, b) => a + b, 0),
        pinned: model.files.every(isPinned),
        installed,
        verified: installed && (await stampStillValid(model, dir)),
        isDefault: model.id === defaultId,
      };
    }),
  );
}

/** Absolute path of an installed model's file; MODEL_MISSING (with what to run) when it is not there. */
export function modelPath(id: string, role: ModelFileRole, context: StoreContext = {}): string {
  const store = resolveStore(context);
  const model = store.model(id);
  const file = model.files.find((f) => f.role === role);
  if (!file) throw new EidosError('MODEL_INVALID', `the manifest entry of ${id} has no '${role}' file.`);
  const path = join(store.installDir(id), file.path);
  if (!existsSync(path)) {
    throw new EidosError(
      'MODEL_MISSING',
      `${path} is missing: model ${id} is not installed. Run 'eidos models fetch ${id}' (or 'eidos models import <folder>' offline).`,
      {
        file: path,
      },
    );
  }
  return path;
}
