/**
 * The model store as the doors use it (`eidos models …`, the API's model methods): list, fetch (the
 * only network use), import, verify. The store itself lives in app/models.
 */
export { loadManifest } from '../models/manifest.ts';
export { defaultModelFor, type DefaultChoice } from '../models/platform-default.ts';
export {
  fetchModel,
  importModel,
  listModels,
  verifyModel,
  type FileCheck,
  type ModelCheck,
  type ModelListing,
  type ModelProgressEvent,
} from '../models/store.ts';
