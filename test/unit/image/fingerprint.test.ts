// The pixel fingerprint against closed forms: a DCT basis picture is one coefficient, a flat picture is
// nothing, brightness and contrast leave it unchanged, and the similarity is a symmetric cosine.
import { describe, expect, it } from 'vitest';
import {
  FINGERPRINT_LENGTH,
  FINGERPRINT_SOURCE,
  VIEW_LENGTH,
  fingerprintOfGrey,
  fingerprintSimilarity,
  wholeFrame,
} from '../../../app/image/fingerprint.ts';
import { mulberry32 } from '../../../app/util/mulberry32.ts';

const N = FINGERPRINT_SOURCE;
/** cos((2x + 1)uπ / 2N)·cos((2y + 1)vπ / 2N): the DCT-II basis picture of frequency (u, v). */
const basisPicture = (u: number, v: number) =>
  Float64Array.from({ length: N * N }, (_, i) => {
    const [x, y] = [i % N, Math.floor(i / N)];
    return (
      128 + 100 * Math.cos(((2 * x + 1) * u * Math.PI) / (2 * N)) * Math.cos(((2 * y + 1) * v * Math.PI) / (2 * N))
    );
  });
/** Where (u, v) sits in a view: row-major over 6 × 6 frequencies, DC left out. */
const slot = (u: number, v: number) => v * 6 + u - 1;

describe('fingerprintOfGrey', () => {
  it('a DCT basis picture is that one coefficient of the whole frame, at unit length', () => {
    for (const [u, v] of [
      [1, 0],
      [0, 1],
      [2, 3],
      [5, 5],
    ] as const) {
      const frame = wholeFrame(fingerprintOfGrey(basisPicture(u, v)));
      expect(frame).toHaveLength(VIEW_LENGTH);
      frame.forEach((value, i) => expect(Math.abs(value)).toBeCloseTo(i === slot(u, v) ? 1 : 0, 5));
    }
  });

  it('a flat picture has no fingerprint: all zeros, alike to nothing', () => {
    const flat = fingerprintOfGrey(new Float64Array(N * N).fill(77));
    expect(flat).toHaveLength(FINGERPRINT_LENGTH);
    expect(flat.every((value) => value === 0)).toBe(true);
    expect(fingerprintSimilarity(flat, fingerprintOfGrey(basisPicture(1, 1)))).toBe(0);
  });

  it('brightness and contrast (a·pixel + b, a > 0) leave it unchanged; a negative leaves it opposite', () => {
    const random = mulberry32(3);
    const picture = Float64Array.from({ length: N * N }, () => random() * 255);
    const base = fingerprintOfGrey(picture);
    const edited = fingerprintOfGrey(picture.map((p) => 0.7 * p + 40));
    edited.forEach((value, i) => expect(value).toBeCloseTo(base[i]!, 5));
    expect(fingerprintSimilarity(base, edited)).toBeCloseTo(1, 5);
    const negative = fingerprintOfGrey(picture.map((p) => 255 - p));
    expect(fingerprintSimilarity(base, negative)).toBeLessThan(0);
  });

  it('the similarity is symmetric, 1 with itself, and the cosine of two whole frames at least', () => {
    const random = mulberry32(9);
    const a = fingerprintOfGrey(Float64Array.from({ length: N * N }, () => random() * 255));
    const b = fingerprintOfGrey(Float64Array.from({ length: N * N }, () => random() * 255));
    expect(fingerprintSimilarity(a, a)).toBeCloseTo(1, 5);
    expect(fingerprintSimilarity(a, b)).toBe(fingerprintSimilarity(b, a));
    let cosine = 0;
    for (let i = 0; i < VIEW_LENGTH; i++) cosine += a[i]! * b[i]!;
    expect(fingerprintSimilarity(a, b)).toBeGreaterThanOrEqual(cosine);
  });

  it('refuses a picture of the wrong size, naming the size it needs', () => {
    expect(() => fingerprintOfGrey(new Float64Array(10))).toThrow(`${N * N} grey pixels`);
  });
});
