/** What `duplicates`, `trashPhotos` and `restoreTrash` answer (app/service/duplicates.ts, app/service/trash.ts). */
import type { PhotoId, PhotoSummary } from './types.ts';

/**
 * Three tiers, never mixed: `exact` is one content at several paths; `near` is one photo resized,
 * recompressed, cropped a little, edited or converted (pixel fingerprints); `burst` is one scene taken
 * seconds apart. Each tier works on what the one before keeps: a near-duplicate group holds one file per
 * content, a burst one photo per near-duplicate group.
 */
export type DuplicateTier = 'exact' | 'near' | 'burst';

export interface DuplicateMember extends PhotoSummary {
  bytes: number;
  format: string;
  /** The one suggested to keep (one per group). */
  keep: boolean;
  /** Why it is kept, or why the kept one is preferred to it. */
  reason: string;
}

export interface DuplicateGroup {
  tier: DuplicateTier;
  /** The kept one first. */
  members: DuplicateMember[];
  /** What joins them, e.g. "identical bytes", "fingerprints 0.991–0.998 alike", "taken within 3 s". */
  evidence: string;
}

export interface DuplicatesReport {
  /** Indexed photos looked at. */
  photos: number;
  groups: DuplicateGroup[];
  /** Fingerprints made by this call (a library indexed before fingerprints were kept is filled once), and photos that could not be read. */
  fingerprints: { made: number; failed: number };
  rules: {
    nearMinSimilarity: number;
    burstMinSimilarity: number;
    burstMaxGapSeconds: number;
    burstEmbeddings: boolean;
  };
  seconds: number;
}

/** Photos moved out of the library: to Eidos's trash folder (restorable with `restoreTrash`) or the system's. */
export interface TrashResult {
  /** Names this move for `restoreTrash`. */
  batch: string;
  moved: { id: PhotoId; path: string }[];
  /** Where they went: a folder inside Eidos's data folder, or the system trash. */
  place: 'eidos-trash' | 'system-trash';
  folder?: string;
}

export interface RestoreResult {
  batch: string;
  restored: string[];
  /** Photos left in the trash, each with the reason (e.g. a new file now has its name). */
  kept: { path: string; reason: string }[];
}
