/**
 * A video is one result, at its best moment. The matrix has a row per photo and per moment of a video
 * (a video's rows are consecutive: app/store/matrix.ts), so a search first folds each file's rows into its
 * best one, then says for each video shown which moment that is and which of its other moments also
 * stand out: the grid shows the best frame with its time, the detail marks the others on the timeline.
 */
import { momentIdOf, photoIdOf } from '../contract/photo-id.ts';
import { mediaMomentPath } from '../contract/media-route.ts';
import type { SearchResult } from '../contract/types.ts';
import { momentTimeOf } from '../video/moment-key.ts';
import type { LibraryMatrix } from './library-matrix.ts';

/** Of `rows` (ascending), the best-scoring row of each file, ascending. */
export function bestRowPerFile(rows: Uint32Array, scores: Float32Array, fileIds: Uint32Array): Uint32Array {
  const out: number[] = [];
  for (const row of rows) {
    const last = out.length - 1;
    if (last >= 0 && fileIds[out[last]!] === fileIds[row]) {
      if (scores[row]! > scores[out[last]!]!) out[last] = row;
    } else out.push(row);
  }
  return Uint32Array.from(out);
}

/** The rows [start, end) of one file (consecutive, in time order for a video), or undefined. */
export function rowsOfFile(
  library: Pick<LibraryMatrix, 'rowOf' | 'fileIds'>,
  fileId: number,
): [number, number] | undefined {
  const any = library.rowOf(fileId);
  if (any === undefined) return undefined;
  let start = any;
  let end = any + 1;
  while (start > 0 && library.fileIds[start - 1] === fileId) start--;
  while (end < library.fileIds.length && library.fileIds[end] === fileId) end++;
  return [start, end];
}

/** The row of a video's moment at `timeMs`, or undefined. */
export function rowOfMoment(
  library: Pick<LibraryMatrix, 'rowOf' | 'fileIds' | 'contentHashes'>,
  fileId: number,
  timeMs: number,
): number | undefined {
  const span = rowsOfFile(library, fileId);
  if (!span) return undefined;
  for (let row = span[0]; row < span[1]; row++) if (momentTimeOf(library.contentHashes[row]!) === timeMs) return row;
  return undefined;
}

/**
 * The result for a row that is a video's moment: its thumbnail becomes that moment's frame and it says
 * the time; `standing` (the rows that stand out) gives the video's other matching moments.
 */
export function withMoment(
  result: SearchResult,
  row: number,
  library: Pick<LibraryMatrix, 'rowOf' | 'fileIds' | 'contentHashes'>,
  standing: ReadonlySet<number>,
): SearchResult {
  const timeMs = momentTimeOf(library.contentHashes[row]!);
  if (timeMs === undefined) return result;
  const fileId = library.fileIds[row]!;
  const [start, end] = rowsOfFile(library, fileId) ?? [row, row + 1];
  const othersMs: number[] = [];
  for (let other = start; other < end; other++) {
    if (other === row || !standing.has(other)) continue;
    const time = momentTimeOf(library.contentHashes[other]!);
    if (time !== undefined) othersMs.push(time);
  }
  return {
    ...result,
    thumbnailUrl: mediaMomentPath(photoIdOf(fileId), timeMs),
    moment: { timeMs, id: momentIdOf(fileId, timeMs), othersMs },
  };
}
