/**
 * A reader for NumPy `.npy` files holding one 2-D little-endian float32 or float16 array in C order:
 * the format precomputed embeddings come in (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
 * Layout: the magic "\x93NUMPY", major and minor version bytes, the header length (uint16 LE in v1,
 * uint32 LE in v2 and v3), an ASCII (v3: UTF-8) Python dict literal, then the raw data.
 */
import { readFileSync } from 'node:fs';
import { EidosError } from '../contract/errors.ts';
import { kernels } from '../kernels/index.ts';

export interface NpyMatrix {
  /** The element type stored in the file. */
  dtype: 'f32' | 'f16';
  rows: number;
  cols: number;
  /** rows × cols, row-major, as float32 (float16 files converted exactly). */
  values: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DESCR: Record<string, NpyMatrix['dtype']> = { '<f4': 'f32', '<f2': 'f16' };

/** Reads `file`; any problem is an EidosError naming the file and the reason. */
export function readNpy(file: string): NpyMatrix {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (cause) {
    throw new EidosError(
      'NOT_FOUND',
      `Cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}.`,
      { file, cause },
    );
  }
  return parseNpy(bytes, file);
}

/** Parses the bytes of a `.npy` file; `file` only names it in errors. */
export function parseNpy(bytes: Uint8Array, file: string): NpyMatrix {
  const fail = (reason: string): never => {
    throw new EidosError('BAD_ARGUMENT', `${file} is not a usable .npy embedding file: ${reason}.`, { file });
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    fail('it does not start with the .npy magic "\\x93NUMPY"');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail(`format version ${major}.${bytes[7]} is not 1, 2 or 3`);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) fail('the header is cut off');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthBytes + headerLength;
  if (dataStart > bytes.length) fail(`the header says it is ${headerLength} bytes but the file ends before`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lengthBytes, dataStart));

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    fail(`the header "${header.trim()}" lacks descr, fortran_order or shape`);
  const dtype = DESCR[descr!];
  if (dtype === undefined)
    fail(`its element type is '${descr}', but only little-endian float32 ('<f4') and float16 ('<f2') are read`);
  if (fortran === 'True') fail('it is stored in Fortran (column-major) order; save it with C order');
  const shape = shapeText!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.length !== 2 || shape.some((s) => !Number.isSafeInteger(s) || s < 1))
    fail(`its shape is (${shapeText}), not (rows, columns) with both ≥ 1`);
  const [rows, cols] = shape as [number, number];

  const width = dtype === 'f32' ? 4 : 2;
  const expected = rows * cols * width;
  if (bytes.length - dataStart !== expected) {
    fail(
      `a ${rows} × ${cols} ${descr} array needs ${expected} data bytes after the ${dataStart}-byte header, but the file has ${bytes.length - dataStart}`,
    );
  }
  // Copy into an aligned buffer (the data offset need not be a multiple of the element size).
  const data = Uint8Array.prototype.slice.call(bytes, dataStart, dataStart + expected);
  const values =
    dtype === 'f32'
      ? new Float32Array(data.buffer, data.byteOffset, rows * cols)
      : kernels.f16ToF32(new Uint16Array(data.buffer, data.byteOffset, rows * cols));
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) fail(`row ${Math.floor(bad / cols)}, column ${bad % cols} is ${values[bad]}, not a finite number`);
  return { dtype: dtype!, rows, cols, values };
}
