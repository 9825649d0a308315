/**
 * The file formats Eidos reads, by extension: a light module (no decoder loaded) for the scanner and
 * the search filters; app/image/decode.ts decodes them.
 */
import { extname } from 'node:path';

/** File name extensions Eidos indexes (lower case, with the dot). */
export const SHARP_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.avif', '.gif', '.tif', '.tiff'] as const;
/** `.hif`: Canon's name for the HEIF its cameras write. */
export const HEIF_EXTENSIONS = ['.heic', '.heif', '.hif'] as const;
export const RAW_EXTENSIONS = ['.dng', '.cr2', '.cr3', '.nef', '.arw', '.raf', '.orf', '.rw2'] as const;
export const PHOTO_EXTENSIONS: readonly string[] = [...SHARP_EXTENSIONS, ...HEIF_EXTENSIONS, ...RAW_EXTENSIONS];

export const isPhotoFile = (file: string): boolean => PHOTO_EXTENSIONS.includes(extname(file).toLowerCase());
