/**
 * What the API answers: the shapes a search UI needs, shared by the engine (which fills them), both
 * transports (which carry them as JSON) and the renderer (which imports these types only).
 * Dates are ISO-8601 strings and scores are in bits, so everything survives JSON unchanged.
 */

/** Opaque photo id chosen by the index store; URL-safe by construction (see `PHOTO_ID_PATTERN`). */
export type PhotoId = string;

/** `moment`: a video's frame at a time (`/media/<id>/moment/<ms>`, mediaMomentPath). */
export type MediaVariant = 'thumb' | 'detail' | 'original' | 'moment';

export interface Place {
  lat: number;
  lon: number;
  /** A readable name when one is known offline (e.g. from a bundled gazetteer); else absent. */
  name?: string;
}

/** What a photo card shows, whatever asked for it. */
export interface PhotoSummary {
  id: PhotoId;
  path: string;
  /** Same-origin URL of the thumbnail, `/media/<id>/thumb` (served by either transport). */
  thumbnailUrl: string;
  /** When the photo was taken (EXIF), else the file's modification time; absent when neither is known. */
  takenAt?: string;
  place?: Place;
  /** Camera make and model, e.g. `Apple iPhone 13`. */
  camera?: string;
  width?: number;
  height?: number;
  /** Present for a video: its length (the summary's thumbnail is its first moment). */
  video?: { durationMs: number };
}

/** The moment of a video a result points at, and the video's other moments that match the query. */
export interface ResultMoment {
  timeMs: number;
  /** `<video id>t<ms>`: "more like this" from this moment (SearchArgs.like). */
  id: PhotoId;
  /** The video's other moments that stand out for the query, in time order. */
  othersMs: number[];
}

/** A photo as a search returns it: its summary and how much it stands out for the query. */
export interface SearchResult extends PhotoSummary {
  /** Full PMI of the photo for the query, in bits (> 0: more associated than an average photo here). */
  bits: number;
  /** For a video: the moment it appears at (its best), whose frame `thumbnailUrl` shows. */
  moment?: ResultMoment;
  /**
   * The query's words written in the photo (its recognised text), as read (e.g. `WALMART`), each with its
   * information in this library, −log₂(share of photos whose text holds it); their bits are in `bits`.
   * Absent when none is. `near` is the query word when the photo's word is only one edit from it (a
   * misreading: `walmart` for WALMARL).
   */
  matchedWords?: { text: string; bits: number; near?: string }[];
}

/** One term of a compound query and how much it contributed. */
export interface TermContribution {
  /** The term as written, e.g. `sunset`, `-people`, `2:beach`. */
  term: string;
  weight: number;
  /** Information of this term alone in this library: log2 N − H(p(·|term)). */
  queryBits: number;
  /** The term's PMI for each returned photo, in the same order as `results`. */
  perResultBits: number[];
}

/** A date or place read from the query's words, applied as a filter (app/search/when-where). */
export interface ReadFilter {
  kind: 'date' | 'place';
  /** The words it was read from, as written ("in Lisbon", "last summer"). */
  source: string;
  /** What was understood: "Lisbon, Portugal", "summer 2018". */
  label: string;
  /** Photos this filter alone allows. */
  photos: number;
  /** For a place: the other places of that name, with the words that would choose each ("Paris, Texas"). */
  alternatives?: Array<{ label: string; words: string }>;
}

export interface SearchResponse {
  query: string;
  /**
   * Dates and places read from the query's words and applied as filters; the rest of the words went to the
   * model (`remainder`). Absent when nothing was read. Quoting the words keeps them a description.
   */
  read?: ReadFilter[];
  /** The words the model scored, when some were read as filters ('' when only a date or place was asked for). */
  remainder?: string;
  /** How specific the query is in this library: log2 N − H(p(·|q)), in bits. */
  queryBits: number;
  /** False when no photo is more associated with the query than an average photo here. */
  anyStandsOut: boolean;
  /** A sentence for the UI, e.g. "No photo stands out for 'thing'; try a more specific description." */
  message: string;
  /** Photos that passed the cut-off and the filters (before `top`). */
  total: number;
  results: SearchResult[];
  terms: TermContribution[];
  sort: 'relevance' | 'date';
  elapsedMs: number;
}

export interface ExplainFeature {
  /** Concept prompt (e.g. `sand`), raw dimension (`dim 417`), or words in the photo as a query term (`text:walmart`). */
  name: string;
  kind: 'concept' | 'dim' | 'text';
  /** I(F; Y) of this feature alone, bits. */
  bits: number;
  /** What it added given the features selected before it (the selection criterion's gain), bits. */
  gainBits: number;
  /** Information the selection holds after adding this feature (greedy order), bits. */
  cumulativeBits: number;
  /** Significance of the pick: its independence test's p-value, Bonferroni-adjusted for the candidates. */
  pValue: number;
  /** Higher or lower in the top results than in the library: suggests +term or −term. */
  direction: 'higher' | 'lower';
}

export interface ExplainWord {
  /** As a query term: `text:walmart`. */
  name: string;
  /** As looked up (case and accents folded). */
  word: string;
  bits: number;
  /** Of the `positives` top photos explained, how many hold it. */
  inTop: number;
}

export interface ExplainPhoto {
  id: PhotoId;
  thumbnailUrl: string;
  /** The photo's score for the query, bits. */
  bits: number;
  /** The photo's value on each selected feature, in `features` order. */
  values: number[];
  /** Where each value sits in the library (0–100), in `features` order. */
  percentiles: number[];
}

export interface ExplainResponse {
  query: string;
  features: ExplainFeature[];
  photos: ExplainPhoto[];
  /** Sizes of the labelled sets the estimate used: top-k (Y = 1) and background (Y = 0). */
  positives: number;
  background: number;
  /** Bias-corrected estimator used, for the UI's footnote. */
  estimator: string;
  /** The query's information in this library, log2 N − H(p(·|q)), bits. */
  queryBits: number;
  /** InfoNCE lower bound on the information the top results carry about the query, bits. */
  infoNceBits: number;
  /**
   * The query's words found written in photos, beside the concepts: each with its information in this
   * library, −log₂(share of photos whose text holds it), the bits it adds to the score of a photo holding it
   * ("the words 'walmart' in the photo: 9.4 bits"), and how many of the explained top photos hold it.
   * Absent when none is. Each is also a candidate of the feature selection (kind 'text').
   */
  words?: ExplainWord[];
  /** H(Y): the most the features could explain, bits. */
  labelEntropyBits: number;
  elapsedMs: number;
}

export interface FolderInfo {
  path: string;
  photos: number;
  skipped: number;
  /** ISO time of the last completed index of this folder. */
  lastIndexedAt?: string;
  /** True only while a file watcher is subscribed to this folder (the "watch folders" setting is on). */
  watching: boolean;
  /** Why the folder is not watched although watching is on (missing, unmounted, another process writes the index). */
  watchProblem?: string;
}

/** A file the index could not read, or a folder the scan could not enter, and why. */
export interface SkippedFile {
  path: string;
  /** A stable error code, e.g. `DECODE_FAILED`, `UNREADABLE`, `TOO_LARGE`. */
  code: string;
  reason: string;
  /** True for a folder the scan could not enter (its photos were not looked at). */
  isDirectory: boolean;
}

/** Sent after the index's photos changed, so an open search can run again. */
export interface LibraryChange {
  /** Photos in the index now. */
  photos: number;
  /** Photos added or changed, moved and removed by the change. */
  added: number;
  moved: number;
  removed: number;
}

export interface IndexProgress {
  state: 'idle' | 'scanning' | 'indexing' | 'cancelled' | 'done' | 'failed';
  folder?: string;
  done: number;
  total: number;
  skipped: number;
  /**
   * Which run this is: runs in one process are numbered 1, 2, … as they start (absent before the first).
   * A caller that asked for a run waits for the end of this run, or of the next one when `queued`.
   */
  run?: number;
  /** True when a run was asked for while this one runs (a watched change, a request): it starts as this one ends. */
  queued?: boolean;
  /** The file being worked on, for the status line. */
  current?: string;
  etaSeconds?: number;
  /** Photos per second over the last few seconds. */
  rate?: number;
  /** While the run reads the words in photos (after their vectors are written): photos read of how many. */
  text?: { done: number; total: number; failed: number };
  /** When a run has ended (done or cancelled): what it did, as `eidos index` reports it. */
  summary?: IndexRunSummary;
  /**
   * Why a failed run failed (state `failed` only), with the error's code (so `eidos index` beside the app
   * exits as it would alone). Skipped files are not failures: `skippedFiles` lists them.
   */
  error?: { code: string; message: string };
}

/** What one indexing run did. */
export interface IndexRunSummary {
  unchanged: number;
  moved: number;
  deleted: number;
  encoded: number;
  reused: number;
  skipped: number;
  /** Files or folders the scan could not read, with the reason. */
  problems: Array<{ path: string; reason: string }>;
  seconds: number;
  /**
   * The words read in photos during this run (issue 23): photos read, photos whose text could not be read,
   * and the seconds that took (a part of `seconds`: photos/s of the image work is encoded over the rest).
   */
  text?: { read: number; failed: number; seconds: number };
}

/**
 * A change of the model searches use (`eidos models use`, Settings): the new model indexes the library in
 * the background (its runs are ordinary indexing runs, announced by indexProgress) while the old one keeps
 * answering; searches switch once the new model's vectors cover every indexed photo.
 */
export interface ModelSwitch {
  /** The model that answers searches until the switch completes. */
  from: string;
  to: string;
  /** `indexing`: the new model is embedding the library; `switched`: searches use it now; `failed`/`cancelled`: they stay on `from`. */
  state: 'indexing' | 'switched' | 'failed' | 'cancelled';
  /** Indexed photos that have the new model's vector, of `photos`. */
  covered: number;
  photos: number;
  error?: string;
}

/** One model's vectors in the index and the disk they take (each vector's bytes; SQLite's own overhead aside). */
export interface ModelVectors {
  modelId: string;
  vectors: number;
  bytes: number;
  /** True for the model that answers searches. */
  active: boolean;
}

export interface ModelProgress {
  id: string;
  state: 'downloading' | 'verifying' | 'done' | 'failed';
  receivedBytes: number;
  totalBytes: number;
  error?: string;
}

/**
 * What the model table (README, `eidos models list`, the first-run view and Settings) shows to help a user
 * choose: facts about the model itself, each figure with its source. Absent for test models.
 */
export interface ModelCard {
  /** Languages a query may be written in, in words: "English", or the languages of a multilingual model. */
  languages: string;
  /**
   * A published zero-shot text→image retrieval figure (R@1, %) on COCO and, where published, Flickr30k, with
   * where it was published; `note` for other published figures of the same source (e.g. ImageNet top-1).
   */
  retrieval?: { coco: number; flickr30k?: number; note?: string; source: string };
  /** The architecture twin (a `*-twin` id) that stands in for it in tests and speed measurements. */
  twin?: string;
  /** Peak memory of indexing with this model, in MB, as measured here; absent until measured. */
  memoryMb?: number;
  /** Speed measured here on the model's architecture twin, e.g. "9 photos/s on 2 cores"; absent until measured. */
  speed?: string;
}

export interface ModelInfo {
  id: string;
  name: string;
  description: string;
  licence: string;
  /** Where the licence can be read. */
  licenceUrl?: string;
  /** Its weights' licence restricts use: it downloads only after the user accepts it (remembered per model). */
  requiresLicenceAcceptance: boolean;
  /** No acceptance needed, or the user has accepted it. */
  licenceAccepted: boolean;
  bytes: number;
  /** The model-table entry, for the models a user may choose (not the test models). */
  card?: ModelCard;
  /** The model this machine would install by default (its execution provider and accepted licences decide). */
  recommended: boolean;
  /** Why, on the recommended model (and on the one that would be recommended once its licence is accepted). */
  recommendation?: string;
  installed: boolean;
  active: boolean;
  /** Photos of the library this model has embedded (the ones it can be compared on). */
  indexedPhotos: number;
}

export interface Status {
  version: string;
  photos: number;
  folders: number;
  model?: {
    id: string;
    executionProvider: string;
    /** Per tower, where onnxruntime last put its nodes ("Core ML took N of M nodes in K partitions"), when measured. */
    towers?: Array<{ tower: 'vision' | 'text'; provider: string; nodes: string }>;
  };
  indexing: IndexProgress;
  /**
   * The scan for what changed while nothing watched the folders (the app was closed), run once a few
   * seconds after start-up: `waiting` to start, `running`, or `done` (ended, or none was needed). Once it
   * is done, only a request or a watched change starts a run.
   */
  catchUp: 'waiting' | 'running' | 'done';
  /** True when the model is present and the index is ready to answer searches. */
  ready: boolean;
  /** What the user must do before searching, e.g. "Fetch a model with Settings → Models". */
  notice?: string;
  /** Present when the index file is damaged: searching waits for `rebuildIndex`; the photos are unaffected. */
  damagedIndex?: DamagedIndex;
  /** The latest model switch of this process (absent when none was asked for); its changes arrive as modelSwitch events. */
  modelSwitch?: ModelSwitch;
  /** Every model's vectors in the index, with their disk use (the old model's stay until the user drops them). */
  vectors?: ModelVectors[];
}

export interface DamagedIndex {
  /** The damaged index file (it will be kept beside the fresh one as `<file>.damaged-<time>`). */
  file: string;
  /** The library folders still readable from it; empty when the rebuild must be told them. */
  folders: string[];
}

export interface RebuildResult {
  /** Where the damaged index's files now are (nothing is deleted). */
  aside: string[];
  /** The folders the fresh index is being built from. */
  folders: string[];
  /** The indexing run that rebuilds it; progress arrives as indexProgress events. */
  indexing: IndexProgress;
}

/** Everything known about one photo; its bits belong to a search, so the search result carries them. */
export interface PhotoDetail extends PhotoSummary {
  folder: string;
  bytes: number;
  format: string;
  detailUrl: string;
  originalUrl: string;
  /** Selected EXIF fields, already readable (e.g. `{ "Exposure": "1/250 s" }`). */
  exif: Record<string, string>;
}

export interface Settings {
  model: string;
  executionProvider: 'auto' | 'cpu' | 'coreml';
  /** Watch indexed folders and index new photos automatically. */
  watchFolders: boolean;
  /** Results per page when the request does not say. */
  defaultTop: number;
  theme: 'system' | 'light' | 'dark';
}

export interface Ack {
  ok: true;
}

/** One photo on which two models' neighbourhoods disagree, with its k nearest photos under each. */
export interface ModelDisagreement {
  photo: PhotoSummary;
  /** Neighbours the two lists share (0…k). */
  overlap: number;
  neighboursA: PhotoSummary[];
  neighboursB: PhotoSummary[];
}

/**
 * How closely two models arrange the same photos: mutual-kNN alignment (Huh et al. 2024) with its
 * chance level and a bootstrap interval, and linear CKA (Kornblith et al. 2019). See app/alignment.
 */
export interface ModelComparison {
  a: { id: string; dim: number; photos: number };
  b: { id: string; dim: number; photos: number };
  /** Distinct photos (by content) compared: the sample's size N (every one both models indexed with `all`). */
  photos: number;
  /**
   * The items: N photos of the `of` distinct ones both models indexed, sampled with `seed` (null when all
   * were taken), and their ids. The score depends on N (Huh et al. measure at N = 1,024).
   */
  sample: { size: number; of: number; seed: number | null; ids: PhotoId[] };
  k: number;
  /** Mean over photos of the share of their k nearest neighbours the two models have in common (0…1). */
  mutualKnn: number;
  /** k/(n − 1): what two unrelated models give in expectation. */
  chance: number;
  interval: { low: number; high: number; level: number; resamples: number; seed: number; method: 'percentile' };
  cka: number;
  /** Photos sharing 0, 1, …, k neighbours. */
  overlapHistogram: number[];
  disagreements: ModelDisagreement[];
  /** Time of the two kNN passes and of everything else, in seconds. */
  seconds: { knnA: number; knnB: number; rest: number };
}

/** A region of the library map: an island of the layout, named by the concepts that set it apart. */
export interface MapRegion {
  id: number;
  /** Centre, in the map's coordinates. */
  x: number;
  y: number;
  photos: number;
  /** Concepts carrying the most information about membership, with what each added (bits), best first. */
  concepts: { name: string; bits: number }[];
}

/**
 * The library map's layout as it runs (announced by `mapProgress` events): the neighbour search, UMAP's
 * epochs, then naming the regions. Each layout has a number (`run`); its end is `done`, `cancelled`
 * (by `cancelMap`) or `failed`.
 */
export interface MapProgress {
  state: 'running' | 'done' | 'cancelled' | 'failed';
  run: number;
  photos: number;
  phase: 'neighbours' | 'layout' | 'regions';
  /** Share of the whole layout done, 0–1. */
  fraction: number;
  /** Seconds still to go at the pace so far; absent until there is a pace to go by. */
  etaSeconds?: number;
  error?: string;
}

/** The 2-D map of every indexed photo (UMAP of the model's embeddings), in [0, 1]², y pointing down. */
export interface LibraryMap {
  model: string;
  /** Photo ids, and per photo its point (x, y interleaved) and region, in the same order. */
  ids: PhotoId[];
  xy: number[];
  region: number[];
  regions: MapRegion[];
  seed: number;
  /** Photos in the last full layout, placed onto it since, removed since; drift and the bound that re-lays it out. */
  layout: {
    laidOut: number;
    placed: number;
    removed: number;
    drift: number;
    relayoutAbove: number;
    computedAt: string;
    /** What this request did: read the stored map, placed new photos on it, or laid it out afresh. */
    action: 'stored' | 'placed' | 'laid-out';
  };
  elapsedMs: number;
}
