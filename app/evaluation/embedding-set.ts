/**
 * Precomputed embeddings for `eidos eval --embeddings`: image rows, one query per image (row i of the
 * queries belongs to row i of the images), and optionally a bank of text embeddings standing in for the
 * image prior's query bank. Every row is L2-normalised here, as the encoders do before indexing; the
 * images become the same kind of matrix the index holds (f16 when the file is f16, else f32).
 */
import { isAbsolute, join, resolve } from 'node:path';
import { EidosError } from '../contract/errors.ts';
import type { EmbeddingMatrix } from '../kernels/contract.ts';
import { kernels } from '../kernels/index.ts';
import { allocateMatrix } from '../kernels/matrix.ts';
import type { QueryBank } from '../search/image-prior.ts';
import { readNpy, type NpyMatrix } from './npy.ts';

export interface EmbeddingFiles {
  /** Folder the other paths are relative to (absolute paths are taken as they are). */
  folder: string;
  images: string;
  queries: string;
  bank?: string;
}

export interface EmbeddingSet {
  images: EmbeddingMatrix;
  /** nq × d, L2-normalised. */
  queries: Float32Array;
  nq: number;
  bank?: QueryBank;
  files: { images: string; queries: string; bank?: string };
}

export function loadEmbeddingSet(files: EmbeddingFiles): EmbeddingSet {
  const path = (name: string) => (isAbsolute(name) ? name : resolve(join(files.folder, name)));
  const imagesFile = path(files.images);
  const queriesFile = path(files.queries);
  const bankFile = files.bank === undefined ? undefined : path(files.bank);
  const images = normalized(readNpy(imagesFile), imagesFile);
  const queries = normalized(readNpy(queriesFile), queriesFile);
  const sameModel = (file: string, cols: number) => {
    if (cols === images.cols) return;
    throw new EidosError(
      'BAD_ARGUMENT',
      `${file} has ${cols}-dimensional rows but the images in ${imagesFile} have ${images.cols}: they must come from one model.`,
      { file },
    );
  };
  sameModel(queriesFile, queries.cols);
  if (queries.rows !== images.rows) {
    throw new EidosError(
      'BAD_ARGUMENT',
      `${queriesFile} has ${queries.rows} rows but ${imagesFile} has ${images.rows}: row i of the queries must belong to row i of the images.`,
      { file: queriesFile },
    );
  }
  let bank: QueryBank | undefined;
  if (bankFile !== undefined) {
    const rows = normalized(readNpy(bankFile), bankFile);
    sameModel(bankFile, rows.cols);
    bank = { vectors: rows.values, nb: rows.rows };
  }
  return {
    images: imageMatrix(images),
    queries: queries.values,
    nq: queries.rows,
    ...(bank ? { bank } : {}),
    files: { images: imagesFile, queries: queriesFile, ...(bankFile ? { bank: bankFile } : {}) },
  };
}

/** The rows scaled to unit length; a zero row cannot be, and is an error naming it. */
function normalized(matrix: NpyMatrix, file: string): NpyMatrix {
  const { rows, cols, values } = matrix;
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += values[r * cols + j]! ** 2;
    if (!(sum > 0))
      throw new EidosError('BAD_ARGUMENT', `${file}: row ${r} is all zeros, so it has no direction to compare.`, {
        file,
      });
    const scale = 1 / Math.sqrt(sum);
    for (let j = 0; j < cols; j++) out[r * cols + j] = values[r * cols + j]! * scale;
  }
  return { ...matrix, values: out };
}

function imageMatrix(images: NpyMatrix): EmbeddingMatrix {
  if (images.dtype === 'f32') {
    const matrix = allocateMatrix('f32', images.rows, images.cols);
    matrix.data.set(images.values);
    return matrix;
  }
  const matrix = allocateMatrix('f16', images.rows, images.cols);
  matrix.data.set(kernels.f32ToF16(images.values));
  return matrix;
}
