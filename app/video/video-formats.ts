/**
 * The video files Eidos indexes by their moments, by extension: a light module (no decoder loaded) for the
 * scanner and the search filters. Whether a file's codec decodes is the decoder's business
 * (app/video/video-decoder.ts); a file it cannot read is skipped with the reason.
 */
import { extname } from 'node:path';

/** Phone and camera video containers (lower case, with the dot). */
export const VIDEO_EXTENSIONS = ['.mov', '.mp4', '.m4v', '.3gp', '.webm', '.mkv', '.avi', '.mts', '.m2ts'] as const;

/** The `format` stored for each (files.format); `video` as a filter kind covers exactly these. */
export const VIDEO_FORMATS: readonly string[] = VIDEO_EXTENSIONS.map((extension) => extension.slice(1));

export const isVideoFile = (file: string): boolean =>
  (VIDEO_EXTENSIONS as readonly string[]).includes(extname(file).toLowerCase());

export const isVideoFormat = (format: string): boolean => VIDEO_FORMATS.includes(format);
