/**
 * Cameras set to RAW + JPEG (and iPhones shooting ProRAW beside HEIC) write each photo twice under one
 * name: `IMG_0001.CR3` and `IMG_0001.JPG`. Both show the same picture, so the library indexes it once,
 * from the camera's own rendering (JPEG or HEIF), which Eidos decodes in full rather than through a preview.
 */
import { extname } from 'node:path';
import { HEIF_EXTENSIONS, RAW_EXTENSIONS } from '../image/formats.ts';

const rendered = new Set<string>(['.jpg', '.jpeg', ...HEIF_EXTENSIONS]);
const raw = new Set<string>(RAW_EXTENSIONS);

const stemOf = (name: string): string => name.slice(0, name.length - extname(name).length).toLowerCase();

/**
 * `names` (one folder's photo and video files) without each RAW file that has a JPEG or HEIF twin of the
 * same name, and without the video half of each Live Photo: a `.mov` beside a JPEG or HEIF of the same
 * name is the few seconds the iPhone filmed around that photo, shown by Photos as part of the photo, not
 * as a video of its own. (A `.mov` with no still beside it is indexed as a video.)
 */
export function withoutRawTwins<T>(entries: readonly T[], nameOf: (entry: T) => string): T[] {
  const renderedStems = new Set(
    entries
      .map(nameOf)
      .filter((name) => rendered.has(extname(name).toLowerCase()))
      .map(stemOf),
  );
  if (renderedStems.size === 0) return [...entries];
  return entries.filter((entry) => {
    const name = nameOf(entry);
    const extension = extname(name).toLowerCase();
    return !((raw.has(extension) || extension === '.mov') && renderedStems.has(stemOf(name)));
  });
}
