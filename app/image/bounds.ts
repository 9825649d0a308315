/** How far a decode may shrink a photo: the one definition the main thread and the HEIF threads share. */

/** The smallest embedded image (HEIF thumbnail item, RAW preview) that may stand in for a photo. */
export interface EmbeddedNeed {
  /** Its displayed short edge is at least this (e.g. the model's shortest edge)… */
  minShortEdge: number;
  /** …and its long edge at least this (e.g. the grid thumbnail's edge). */
  minLongEdge: number;
}

export interface DecodeBounds {
  /** Shrink so the long edge is at most this (e.g. the largest thumbnail)… */
  maxLongEdge?: number;
  /** …but never so far that the short edge drops below this (e.g. the model's shortest edge). */
  minShortEdge?: number;
  /**
   * An embedded image at least this large may stand in for the photo. A RAW file's largest preview
   * below it is refused. Without it, HEIF decodes in full.
   */
  embedded?: EmbeddedNeed;
}

/** The scale (≤ 1) that meets `bounds` for a `width` × `height` image. */
export function boundedScale(width: number, height: number, bounds: DecodeBounds): number {
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  const shrinkTo = bounds.maxLongEdge === undefined ? 1 : bounds.maxLongEdge / long;
  const keepAtLeast = bounds.minShortEdge === undefined ? 0 : bounds.minShortEdge / short;
  return Math.min(1, Math.max(shrinkTo, keepAtLeast));
}
