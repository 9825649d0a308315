/**
 * The model store as the doors use it (`eidos models …`, the API's model methods): list, fetch (the
 * only network use), import, verify. The store itself lives in app/models.
 */
export { loadManifest } from '../models/manifest.ts';
export { defaultModelFor, type DefaultChoice } from '../models/platform-default.ts';
import { defaultProvider } from '../models/platform-default.ts';
import {
  fetchModel as fetchIntoStore,
  importModel as importIntoStore,
  type FetchOptions,
  type ImportOptions,
  type StoreContext,
} from '../models/store.ts';

/**
 * Where Core ML runs the encoders, an install also writes the vision tower's fixed-batch Core ML copy
 * (app/models/coreml-copy.ts), so the first session finds it ready and checked.
 */
const withCoreMlCopy = <T extends { coreMlCopy?: boolean }>(options: T): T => ({
  ...options,
  coreMlCopy: options.coreMlCopy ?? defaultProvider() === 'coreml',
});

export const fetchModel = (id: string, options: FetchOptions = {}, context: StoreContext = {}) =>
  fetchIntoStore(id, withCoreMlCopy(options), context);
export const importModel = (folder: string, options: ImportOptions = {}, context: StoreContext = {}) =>
  importIntoStore(folder, withCoreMlCopy(options), context);

export {
  defaultModelOf,
  listModels,
  verifyModel,
  type FileCheck,
  type ModelCheck,
  type ModelListing,
  type ModelProgressEvent,
} from '../models/store.ts';
