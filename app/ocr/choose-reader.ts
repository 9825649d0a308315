/**
 * Which text reader this machine runs: the Vision framework on a Mac whose native addon has it
 * (vision-reader.ts), else the portable PP-OCR reader. Both fill the same contract; the portable one is
 * the tested reference.
 */
import { openPortableReader, type TextReader } from './text-reader.ts';

export function openTextReader(): TextReader {
  return openPortableReader();
}
