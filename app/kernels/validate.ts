/**
 * Argument checks for the TypeScript kernels, with the same rules (and the same wording) as the native
 * binding's checks in native/src/args.h, so both backends refuse the same calls.
 */
import { EidosError } from '../contract/errors.ts';
import type { EmbeddingMatrix } from './contract.ts';

function fail(message: string): never {
  throw new EidosError('BAD_ARGUMENT', message);
}

export function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) fail(`${name} must be a non-negative integer, got ${value}`);
}

export function checkFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) fail(`${name} must be a finite number, got ${value}`);
}

export function checkLength(name: string, array: ArrayLike<number>, expected: number, shape: string): void {
  if (array.length !== expected) fail(`${name} must hold ${shape} = ${expected} values, got ${array.length}`);
}

export function checkMatrix(matrix: EmbeddingMatrix): void {
  checkCount('matrix.n', matrix.n);
  checkCount('matrix.d', matrix.d);
  if (matrix.d === 0) fail('matrix.d must be at least 1');
  const expected: Record<EmbeddingMatrix['dtype'], string> = {
    f32: 'Float32Array',
    f16: 'Uint16Array',
    i8: 'Int8Array',
  };
  const ctor = { f32: Float32Array, f16: Uint16Array, i8: Int8Array }[matrix.dtype];
  if (ctor === undefined) fail(`matrix.dtype must be 'f32', 'f16' or 'i8', got '${String(matrix.dtype)}'`);
  if (!(matrix.data instanceof ctor))
    fail(`matrix.data must be a ${expected[matrix.dtype]} for dtype '${matrix.dtype}'`);
  checkLength('matrix.data', matrix.data, matrix.n * matrix.d, 'n×d');
  if (matrix.dtype === 'i8') {
    if (!(matrix.scales instanceof Float32Array)) fail("matrix.scales must be a Float32Array for dtype 'i8'");
    checkLength('matrix.scales', matrix.scales, matrix.n, 'n');
  }
}

/** k neighbours out of `eligible` rows (self kNN leaves each row out of its own list). */
export function checkNeighbourCount(k: number, eligible: number, self: boolean): void {
  if (k < 1 || k > eligible)
    fail(`k must be between 1 and the ${self ? 'other rows' : 'rows'} (${eligible}), got ${k}`);
}

/** An inverted file of `lists` lists, each query probing `probes` of them. */
export function checkInvertedFile(lists: number, probes: number): void {
  if (lists < 1) fail('lists must be at least 1');
  if (probes < 1 || probes > lists) fail(`probes must be between 1 and the lists (${lists}), got ${probes}`);
}

export function checkQueries(name: string, queries: Float32Array, count: number, d: number): void {
  if (!(queries instanceof Float32Array)) fail(`${name} must be a Float32Array`);
  checkCount(`${name} count`, count);
  checkLength(name, queries, count * d, `${count}×${d}`);
}

export function checkMask(mask: Uint8Array | undefined, n: number): void {
  if (mask === undefined) return;
  if (!(mask instanceof Uint8Array)) fail('mask must be a Uint8Array');
  checkLength('mask', mask, n, 'n');
}

export function checkBins(binned: Uint8Array, f: number, n: number, y: Uint8Array, bins: number): void {
  checkCount('f', f);
  checkCount('n', n);
  if (!Number.isInteger(bins) || bins < 1 || bins > 256) fail(`bins must be an integer in 1…256, got ${bins}`);
  if (!(binned instanceof Uint8Array)) fail('binned must be a Uint8Array');
  if (!(y instanceof Uint8Array)) fail('y must be a Uint8Array');
  checkLength('binned', binned, f * n, 'f×n');
  checkLength('y', y, n, 'n');
}

export function checkFeature(s: number, f: number): void {
  if (!Number.isInteger(s) || s < 0 || s >= f) fail(`s must name a feature in 0…${f - 1}, got ${s}`);
}

export function checkBankLse(bankLse: Float64Array, nb: number): void {
  if (!(bankLse instanceof Float64Array)) fail('bankLse must be a Float64Array (from bankLogSumExp)');
  checkLength('bankLse', bankLse, nb, 'nb');
}

export function badBin(feature: number, sample: number, bin: number, bins: number): never {
  fail(`binned[${feature}×n + ${sample}] = ${bin} is not a bin id below bins = ${bins}`);
}

export function badLabel(sample: number, label: number): never {
  fail(`y[${sample}] = ${label}; labels must be 0 or 1`);
}
