import type { RecognisedText } from './photo-text.ts';
import type {
  Ack,
  ExplainResponse,
  FolderInfo,
  IndexProgress,
  LibraryMap,
  MapProgress,
  MediaVariant,
  ModelComparison,
  ModelInfo,
  ModelProgress,
  ModelSwitch,
  PhotoDetail,
  PhotoId,
  LibraryChange,
  RebuildResult,
  SearchResponse,
  Settings,
  SkippedFile,
  Status,
} from './types.ts';
import type { DuplicatesReport, RestoreResult, TrashResult } from './duplicates.ts';
import { PHOTO_ID_PATTERN } from './photo-id.ts';
import {
  array,
  boolean,
  number,
  object,
  oneOf,
  optional,
  refine,
  string,
  type Infer,
  type Schema,
} from './validate.ts';

/**
 * The API: one table of methods (argument schema, result type, description) that both transports —
 * Electron IPC (main/ipc.ts, main/preload.ts) and the loopback HTTP bridge (app/server/) — are
 * generated from. `scope: 'shell'` methods need the desktop shell (Finder, default app) and are
 * answered by the Electron main process, never by the engine or the web bridge.
 */

const photoId = string({
  min: 1,
  max: 128,
  pattern: PHOTO_ID_PATTERN,
  patternName: 'a photo id (letters, digits, _ or -)',
});
const folderPath = string({ min: 1, max: 4096 });
const isoDate = string({
  min: 10,
  max: 35,
  pattern: /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/,
  patternName: 'an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM…)',
});

/**
 * A query: 1000 characters. The text encoder reads at most 77 tokens (roughly 300 characters of
 * English) of each term and drops the rest, and a query has a few terms, so 1000 leaves room for
 * several full terms; anything longer is a pasted document, refused with the reason rather than cut.
 */
const query = string({
  min: 1,
  max: 1000,
  tooLongHint:
    'the text encoder reads about 77 tokens (some 300 characters) of each term, so describe the photos in a sentence or a few terms.',
});

/**
 * Results a search returns when neither the request nor the user's settings say: enough to fill a few
 * screens of the grid, short enough to read in a terminal. The one default every door shares.
 */
export const DEFAULT_TOP = 100;

const searchFilters = object({
  from: optional(isoDate),
  to: optional(isoDate),
  folder: optional(folderPath),
  camera: optional(string({ min: 1, max: 200 })),
  // photo: every photo format; video: every video (app/video/video-formats.ts).
  type: optional(oneOf(['photo', 'video', 'jpeg', 'heic', 'png', 'webp', 'tiff', 'raw', 'other'])),
  hasGps: optional(boolean()),
  /** A stored place name: town, region or country (case-insensitive), e.g. `Lisbon`, `Portugal`. */
  place: optional(string({ min: 1, max: 200 })),
  near: optional(
    object({
      lat: number({ min: -90, max: 90 }),
      lon: number({ min: -180, max: 180 }),
      km: number({ min: 0, max: 20000 }),
    }),
  ),
});

/**
 * Each setting's schema: what `setSettings` accepts and what `settings.json` may hold (a field that
 * fails is refused by the API and read back as its default). A model id has the manifest's shape
 * here; that it names a model of the manifest is checked by the service, which has the manifest.
 */
export const settingsFields = {
  model: string({
    min: 1,
    max: 100,
    pattern: /^[a-z0-9][a-z0-9._-]*$/i,
    patternName: 'a model id (letters, digits, ., _ or -)',
  }),
  executionProvider: oneOf(['auto', 'cpu', 'coreml']),
  watchFolders: boolean(),
  defaultTop: number({ min: 1, max: 1000, integer: true }),
  theme: oneOf(['system', 'light', 'dark']),
} satisfies { [K in keyof Settings]: Schema<Settings[K]> };

const settingsPatch = object({
  model: optional(settingsFields.model),
  executionProvider: optional(settingsFields.executionProvider),
  watchFolders: optional(settingsFields.watchFolders),
  defaultTop: optional(settingsFields.defaultTop),
  theme: optional(settingsFields.theme),
});

/**
 * A search request's fields. The API requires a query or `like` (below); the CLI checks these fields
 * alone because its `--like` names a file, which travels beside the request, not in it.
 */
export const searchFields = object({
  query: optional(query),
  top: optional(number({ min: 1, max: 1000, integer: true })),
  sort: optional(oneOf(['relevance', 'date'])),
  filters: optional(searchFilters),
  // A photo as the query ("more like this"): alone, or as one more term beside the query's.
  like: optional(photoId),
});

type Scope = 'engine' | 'shell';

interface MethodSpec<A, R, S extends Scope> {
  args: Schema<A>;
  /** Type carrier only (never read at run time): the method's result type. */
  result: R;
  description: string;
  scope: S;
}

/** Declares a method; `R` is given explicitly, `A` and the scope are inferred. */
function method<R>() {
  return <A, S extends Scope = 'engine'>(args: Schema<A>, description: string, scope?: S): MethodSpec<A, R, S> => ({
    args,
    result: undefined as R,
    description,
    scope: scope ?? ('engine' as S),
  });
}

const none = object({});

export const contract = {
  status: method<Status>()(none, 'Index size, model, indexing state, and whether search is ready.'),
  listFolders: method<FolderInfo[]>()(
    none,
    'The indexed folders with their photo and skip counts, and whether each is being watched.',
  ),
  skippedFiles: method<SkippedFile[]>()(
    object({ limit: optional(number({ min: 1, max: 10_000, integer: true })) }),
    'Files the index could not read and folders the scan could not enter, each with its path and reason.',
  ),
  addFolder: method<FolderInfo>()(
    object({ path: folderPath }),
    'Adds a folder to the library (indexing starts separately).',
  ),
  removeFolder: method<Ack>()(
    object({ path: folderPath }),
    'Removes a folder and its photos from the index (never touches the files).',
  ),
  startIndexing: method<IndexProgress>()(
    object({ folders: optional(array(folderPath, { max: 1000 })) }),
    'Indexes the given folders, or all of them; progress arrives as indexProgress events.',
  ),
  cancelIndexing: method<IndexProgress>()(none, 'Stops indexing after the batch in flight; nothing indexed is lost.'),
  rebuildIndex: method<RebuildResult>()(
    object({ folders: optional(array(folderPath, { max: 1000 })) }),
    'For a damaged index: keeps it aside (never deleted), starts a fresh one and indexes its folders (or the given ones) into it; never touches the photos.',
  ),
  search: method<SearchResponse>()(
    refine(searchFields, (args) =>
      args.query === undefined && args.like === undefined
        ? 'needs a query, a photo to search like (like), or both.'
        : undefined,
    ),
    'Ranks photos by PMI with the query (terms, +/-, weights, filters, or a photo as the query).',
  ),
  explain: method<ExplainResponse>()(
    object({
      query,
      features: optional(oneOf(['concepts', 'dims'])),
      k: optional(number({ min: 1, max: 50, integer: true })),
    }),
    'The features that carry the information behind the top results, selected by conditional MI.',
  ),
  map: method<LibraryMap>()(
    object({
      relayout: optional(boolean()),
      seed: optional(number({ min: 0, max: 2 ** 31 - 1, integer: true })),
    }),
    'The 2-D map of the library (UMAP, stored in the index): photos added since are placed on it; relayout lays it out afresh. A layout announces its progress as mapProgress events.',
  ),
  cancelMap: method<Ack>()(
    none,
    'Stops the map layout in progress (the map request waiting for it fails with CANCELLED); the stored map stays as it was.',
  ),
  photo: method<PhotoDetail>()(object({ id: photoId }), 'Everything known about one photo.'),
  placeNames: method<Array<{ name: string; photos: number }>>()(
    object({ prefix: optional(string({ max: 200 })) }),
    'Place names stored for the photos (towns, regions, countries) starting with the prefix, most photos first: completion for the place filter.',
  ),
  photoText: method<RecognisedText | null>()(
    object({ id: photoId }),
    'The words read in one photo (lines and words, each with its box in displayed-photo pixels and its confidence); null until they are read, or when they could not be.',
  ),
  listModels: method<ModelInfo[]>()(none, 'Models in the manifest, whether installed and which is active.'),
  fetchModel: method<ModelInfo>()(
    object({ id: string({ min: 1, max: 200 }), acceptLicence: optional(boolean()) }),
    'Downloads and verifies a model (the only network use); progress arrives as modelProgress events. A model under a restrictive licence needs acceptLicence once (remembered).',
  ),
  useModel: method<ModelSwitch>()(
    object({ id: string({ min: 1, max: 200 }) }),
    'Makes searches use another installed model without a pause: it indexes the library in the background (indexProgress) while the current model keeps answering, and searches switch when its vectors cover the library (modelSwitch events). The old vectors stay.',
  ),
  compareModels: method<ModelComparison>()(
    object({
      a: string({ min: 1, max: 200 }),
      b: string({ min: 1, max: 200 }),
      k: optional(number({ min: 1, max: 100, integer: true })),
      sample: optional(number({ min: 3, max: 10_000_000, integer: true })),
      all: optional(boolean()),
    }),
    'How closely two models that both indexed the library agree, on N sampled photos (default 1,024, seeded, as Huh et al.) or all of them: mutual-kNN alignment, its chance level and interval, CKA, and the photos they disagree on most.',
  ),
  duplicates: method<DuplicatesReport>()(
    none,
    "The library's exact copies, near-duplicates and bursts, each group with the photo to keep and why.",
  ),
  trashPhotos: method<TrashResult>()(
    object({ ids: array(photoId, { max: 10_000 }) }),
    "Moves photos into Eidos's trash folder (in its data folder; never deleted) and out of the index; restoreTrash undoes it.",
  ),
  restoreTrash: method<RestoreResult>()(
    object({ batch: string({ min: 1, max: 64 }) }),
    'Moves the photos of one trashPhotos call back where they were, and indexes them again.',
  ),
  getSettings: method<Settings>()(none, 'The current settings.'),
  setSettings: method<Settings>()(settingsPatch, 'Changes the given settings and returns all of them.'),
  revealPhoto: method<Ack>()(object({ id: photoId }), 'Shows the photo in Finder / the file manager.', 'shell'),
  openPhoto: method<Ack>()(object({ id: photoId }), "Opens the photo in the system's default viewer.", 'shell'),
  copyPhotoPath: method<Ack>()(object({ id: photoId }), "Copies the photo's file path to the clipboard.", 'shell'),
  quickLookPhoto: method<Ack>()(object({ id: photoId }), 'Shows the photo in Quick Look (macOS).', 'shell'),
  systemTrashPhotos: method<TrashResult>()(
    object({ ids: array(photoId, { max: 10_000 }) }),
    "Moves photos to the system's trash (the desktop app); the system's Put Back / Restore undoes it.",
    'shell',
  ),
  chooseFolders: method<{ folders: string[] }>()(
    none,
    "Opens the system's folder dialog (several folders may be chosen); empty when cancelled. Adds nothing by itself.",
    'shell',
  ),
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type ArgsOf<M extends MethodName> = Infer<Contract[M]['args']>;
export type ResultOf<M extends MethodName> = Contract[M]['result'];
export type ShellMethod = { [M in MethodName]: Contract[M]['scope'] extends 'shell' ? M : never }[MethodName];
export type EngineMethod = Exclude<MethodName, ShellMethod>;

export const methodNames = Object.keys(contract) as MethodName[];
export const isMethodName = (name: string): name is MethodName => Object.hasOwn(contract, name);

/** Server-pushed events and their payloads. */
export interface ApiEventMap {
  indexProgress: IndexProgress;
  modelProgress: ModelProgress;
  /** The index's photos changed (a run or a removed folder): an open search should ask again. */
  libraryChanged: LibraryChange;
  /** The library map's layout: phase, share done and time to go (see MapProgress). */
  mapProgress: MapProgress;
  /** A model switch progressed, completed (searches now use the new model) or stopped. */
  modelSwitch: ModelSwitch;
}
export type EventName = keyof ApiEventMap;
export const eventNames: readonly EventName[] = [
  'indexProgress',
  'modelProgress',
  'libraryChanged',
  'mapProgress',
  'modelSwitch',
];
export type ApiEvent = { [E in EventName]: { name: E; payload: ApiEventMap[E] } }[EventName];

/** Validates an untrusted argument for `name`; a missing argument counts as `{}`. */
export function parseArgs<M extends MethodName>(name: M, arg: unknown): ArgsOf<M> {
  return contract[name].args.parse(arg ?? {}, name) as ArgsOf<M>;
}

/**
 * Files Eidos may serve: the indexed folders (originals) and its own thumbnail cache. Implemented by
 * the engine; the transports check containment themselves (app/api/file-access.ts).
 */
export interface MediaAccess {
  /** The file for this photo and variant (thumb/detail may be rendered on demand), or undefined if unknown. */
  locate(id: PhotoId, variant: MediaVariant, timeMs?: number): Promise<string | undefined>;
  /** Every folder a served file may live in. */
  allowedRoots(): Promise<string[]>;
}

/** What the engine implements: every engine method, an event subscription, and media access. */
export type ApiHandlers = { [M in EngineMethod]: (args: ArgsOf<M>) => Promise<ResultOf<M>> } & {
  /** Calls `listener` for every event until the returned function is called. */
  subscribe(listener: (event: ApiEvent) => void): () => void;
  media: MediaAccess;
  /** Releases what the engine holds (worker threads, the database) when the host shuts down. */
  close?(): Promise<void>;
};

/** Answer shape on the wire for IPC and the engine port (HTTP uses status codes instead). */
export type ApiReply<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/**
 * How one call may be cut short: when a newer search replaces it, the HTTP transport aborts the request
 * (its answer is never read); Electron's IPC cannot, so its answer arrives and the caller drops it.
 */
export interface CallOptions {
  signal?: AbortSignal;
}

/**
 * What the renderer calls, whichever the transport: `window.eidos` (Electron preload) or
 * `createHttpClient()` (web bridge). One named method per API method, one `on<Event>` per event.
 */
export type ApiClient = {
  // A method whose fields are all optional may be called without an argument.
  [M in MethodName]: Partial<ArgsOf<M>> extends ArgsOf<M>
    ? (args?: ArgsOf<M>, options?: CallOptions) => Promise<ApiReply<ResultOf<M>>>
    : (args: ArgsOf<M>, options?: CallOptions) => Promise<ApiReply<ResultOf<M>>>;
} & {
  [E in EventName as `on${Capitalize<E>}`]: (listener: (payload: ApiEventMap[E]) => void) => () => void;
};

/** `indexProgress` → `onIndexProgress`. */
export const eventMethodName = (name: EventName): string => `on${name.charAt(0).toUpperCase()}${name.slice(1)}`;

/** What the Electron preload tells the page about the desktop shell (`window.eidosDesktop`); absent in a browser. */
export interface DesktopShell {
  platform: string;
  /** File-system paths of files or folders dropped on the window, in order; ones without a path are left out. */
  pathsOf(files: File[]): string[];
}
