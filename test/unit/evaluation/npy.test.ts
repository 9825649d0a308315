import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { floatToHalfBits } from '../../../app/kernels/f16.ts';
import { parseNpy, readNpy } from '../../../app/evaluation/npy.ts';

/** A .npy file written byte by byte from the format's specification (not by the reader under test). */
function npy(options: {
  descr: string;
  shape: string;
  body: Uint8Array;
  version?: 1 | 2;
  fortran?: boolean;
}): Uint8Array {
  const { descr, shape, body, version = 1, fortran = false } = options;
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }`;
  const prefix = version === 1 ? 10 : 12;
  const padded = dict + ' '.repeat((64 - ((prefix + dict.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(prefix + padded.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, padded.length, true);
  else view.setUint32(8, padded.length, true);
  out.set(new TextEncoder().encode(padded), prefix);
  out.set(body, prefix + padded.length);
  return out;
}

const REAL_EMBEDDINGS = '/work/shared/real-embeddings/flickr8k-clip-vit-b32';

const f32Bytes = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
const f16Bytes = (values: number[]) => new Uint8Array(Uint16Array.from(values, (v) => floatToHalfBits(v)).buffer);

describe('readNpy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eidos-npy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a float32 2-D array in C order with the data at byte 128, as NumPy writes it', () => {
    const bytes = npy({ descr: '<f4', shape: '(2, 3)', body: f32Bytes([1, 2, 3, -4.5, 0.25, 1e-8]) });
    expect(bytes.length - 24).toBe(128); // the header padded to a multiple of 64 bytes, as NumPy pads it
    const file = join(dir, 'a.npy');
    writeFileSync(file, bytes);
    const m = readNpy(file);
    expect(m).toMatchObject({ dtype: 'f32', rows: 2, cols: 3 });
    expect(Array.from(m.values)).toEqual(Array.from(Float32Array.from([1, 2, 3, -4.5, 0.25, 1e-8])));
  });

  it('reads float16 exactly and version 2 headers', () => {
    const m = parseNpy(
      npy({ descr: '<f2', shape: '(1, 4)', body: f16Bytes([1, -2, 0.5, 65504]), version: 2 }),
      'h.npy',
    );
    expect(m).toMatchObject({ dtype: 'f16', rows: 1, cols: 4 });
    expect(Array.from(m.values)).toEqual([1, -2, 0.5, 65504]);
  });

  it('reads the shared real embeddings: 1000 × 512 float32, norms as their SOURCE.md measured', () => {
    const m = readNpy(join(REAL_EMBEDDINGS, 'flickr8k_hf_test_image_embs.npy'));
    expect(m).toMatchObject({ dtype: 'f32', rows: 1000, cols: 512 });
    let mean = 0;
    for (let r = 0; r < m.rows; r++) mean += Math.hypot(...m.values.subarray(r * 512, r * 512 + 512)) / m.rows;
    expect(mean).toBeCloseTo(10.45, 1);
  });

  it.each([
    ['bad magic', Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), /magic/],
    ['float64', npy({ descr: '<f8', shape: '(1, 1)', body: new Uint8Array(8) }), /'<f8'.*only little-endian float32/],
    ['big-endian float32', npy({ descr: '>f4', shape: '(1, 1)', body: new Uint8Array(4) }), /'>f4'/],
    ['Fortran order', npy({ descr: '<f4', shape: '(2, 2)', body: new Uint8Array(16), fortran: true }), /Fortran/],
    ['a 1-D array', npy({ descr: '<f4', shape: '(4,)', body: new Uint8Array(16) }), /shape is \(4,\)/],
    [
      'truncated data',
      npy({ descr: '<f4', shape: '(2, 2)', body: new Uint8Array(12) }),
      /needs 16 data bytes .* but the file has 12/,
    ],
    ['a NaN', npy({ descr: '<f4', shape: '(1, 2)', body: f32Bytes([0, NaN]) }), /row 0, column 1 is NaN/],
    [
      'version 9',
      (() => {
        const b = npy({ descr: '<f4', shape: '(1, 1)', body: new Uint8Array(4) });
        b[6] = 9;
        return b;
      })(),
      /version 9/,
    ],
  ])('refuses %s with a message naming the file and the reason', (_name, bytes, reason) => {
    expect(() => parseNpy(bytes, '/data/x.npy')).toThrow(/\/data\/x\.npy is not a usable \.npy embedding file/);
    expect(() => parseNpy(bytes, '/data/x.npy')).toThrow(reason);
  });

  it('names a missing file', () => {
    expect(() => readNpy(join(dir, 'missing.npy'))).toThrow(/Cannot read .*missing\.npy: ENOENT/);
  });
});
