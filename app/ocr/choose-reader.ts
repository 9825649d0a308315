/**
 * Which text reader this machine runs: the Vision framework on a Mac whose native addon has it
 * (vision-reader.ts), else the portable PP-OCR reader. Both fill the same contract; the portable one is
 * the tested reference. Each stores its own name, so a library moved between them is read again.
 */
import { openPortableReader, type TextReader } from './text-reader.ts';
import { openVisionReader } from './vision-reader.ts';

export function openTextReader(): TextReader {
  return openVisionReader() ?? openPortableReader();
}
