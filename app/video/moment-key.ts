/**
 * A moment of a video is identified by its video's content hash and its time: the key is the video's hex
 * hash followed by the time in milliseconds as 8 hex digits. It is itself lower-case hex, so everything
 * keyed by content (thumbnails, the image prior, the map's points) takes a moment as it takes a photo.
 */
const TIME_DIGITS = 8;
/** 2^32 − 1 ms: about 49 days, far beyond any clip. */
export const MAX_MOMENT_MS = 0xffffffff;

export function momentKey(videoHash: string, timeMs: number): string {
  if (!Number.isInteger(timeMs) || timeMs < 0 || timeMs > MAX_MOMENT_MS)
    throw new RangeError(`A moment's time must be a whole number of ms in 0..${MAX_MOMENT_MS}, not ${timeMs}.`);
  return videoHash + timeMs.toString(16).padStart(TIME_DIGITS, '0');
}

/** SQL (SQLite) for the same key from a row's `content_hash` and `time_ms` columns. */
export const momentKeySql = (hash: string, time: string): string => `${hash} || printf('%08x', ${time})`;

/** The time (ms) of a moment key, or undefined for a photo's content hash (SHA-256: 64 hex digits). */
export function momentTimeOf(key: string): number | undefined {
  return key.length === 64 + TIME_DIGITS ? Number.parseInt(key.slice(64), 16) : undefined;
}
