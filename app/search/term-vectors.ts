/**
 * One query vector per term: text terms through the text tower (one batch), a photo in the library by
 * its stored vector (no re-encoding: the ranking then compares like with like), a file outside the
 * library through the image tower.
 */
import { resolve } from 'node:path';
import type { Encoder } from '../encoders/encoder.ts';
import { EidosError } from '../contract/errors.ts';
import { fileIdOf, momentOfId } from '../contract/photo-id.ts';
import { rowOfMoment, rowsOfFile } from './moment-groups.ts';
import type { ModelSpec } from '../models/manifest-types.ts';
import type { IndexStore } from '../store/index-store.ts';
import type { LibraryMatrix } from './library-matrix.ts';
import type { QueryTerm } from '../contract/query-language.ts';
import type { StageClock } from './stage-clock.ts';

export interface TermVectorContext {
  store: IndexStore;
  model: ModelSpec;
  library: LibraryMatrix;
  encoder: () => Promise<Pick<Encoder, 'embedTexts' | 'embedImages'>>;
  /** Charged with the text tower's time ('text encoding') apart from the rest ('query terms'). */
  clock?: StageClock;
}

export async function termVectors(terms: readonly QueryTerm[], context: TermVectorContext): Promise<Float32Array[]> {
  const out = new Array<Float32Array>(terms.length);
  const textTerms = terms.flatMap((term, k) => (term.kind === 'text' ? [{ text: term.text, k }] : []));
  if (textTerms.length > 0) {
    const encoder = await context.encoder();
    context.clock?.lap('query terms');
    const { data, d } = await encoder.embedTexts(textTerms.map((t) => t.text));
    context.clock?.lap('text encoding');
    textTerms.forEach(({ k }, j) => (out[k] = data.slice(j * d, j * d + d)));
  }
  for (const [k, term] of terms.entries()) {
    if (term.kind === 'image') out[k] = await imageVector(term.ref, context);
  }
  return out;
}

async function imageVector(
  ref: { photoId: string } | { file: string },
  context: TermVectorContext,
): Promise<Float32Array> {
  const { library, store } = context;
  if ('photoId' in ref) {
    const fileId = fileIdOf(ref.photoId);
    // A video's moment (`12t4000`): that frame's vector; a video's plain id: its first moment.
    const moment = momentOfId(ref.photoId);
    const row = moment
      ? rowOfMoment(library, moment.fileId, moment.timeMs)
      : fileId === undefined
        ? undefined
        : (rowsOfFile(library, fileId)?.[0] ?? undefined);
    if (row === undefined)
      throw new EidosError(
        'NOT_FOUND',
        `There is no indexed photo with id ${ref.photoId}; search again to get current ids.`,
      );
    return library.rowVector(row);
  }
  const file = resolve(ref.file);
  const stored = store.fileByPath({ path: file });
  const row = stored ? library.rowOf(stored.id) : undefined;
  if (row !== undefined) return library.rowVector(row);
  // The decoders load only when a photo file is part of the query.
  const { preprocessForModel } = await import('../image/preprocess.ts');
  const pixels = await preprocessForModel(file, context.model.preprocess);
  const { data } = await (await context.encoder()).embedImages(pixels, 1);
  return data;
}
