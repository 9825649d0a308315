/**
 * When placing is no longer enough. Placed photos never move the old ones, so every photo added or
 * removed since the last full layout is a point the layout's neighbour graph did not see. The drift is
 * their share of the photos the layout was fitted on; above RELAYOUT_DRIFT the whole map is laid out
 * again. A fifth: new photos that resemble the library are placed well at any share, but a new subject
 * (a holiday, a new hobby) has no old neighbours of its own and is squeezed between its nearest old
 * ones; by the time it is a fifth of the map it deserves its own region, which only a re-layout gives.
 */
export const RELAYOUT_DRIFT = 0.2;

export interface DriftCount {
  /** Photos in the last full layout. */
  laidOut: number;
  /** Photos placed since. */
  placed: number;
  /** Photos removed since (placed or laid out). */
  removed: number;
}

export function drift(count: DriftCount): number {
  return count.laidOut === 0 ? Infinity : (count.placed + count.removed) / count.laidOut;
}

export const needsRelayout = (count: DriftCount): boolean => drift(count) > RELAYOUT_DRIFT;
