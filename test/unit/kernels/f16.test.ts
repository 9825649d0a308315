import { describe, expect, it } from 'vitest';
import { forcePortableKernels, kernels } from '../../../app/kernels/index.ts';
import { referenceKernels } from '../../../app/kernels/reference.ts';

// Bit patterns from the IEEE 754 binary16 definition (sign 1, exponent 5 with bias 15, mantissa 10).
const exact: [number, number][] = [
  [0, 0x0000],
  [-0, 0x8000],
  [1, 0x3c00],
  [-2, 0xc000],
  [0.5, 0x3800],
  [65504, 0x7bff], // largest finite
  [2 ** -14, 0x0400], // smallest normal
  [2 ** -24, 0x0001], // smallest subnormal
  [1023 * 2 ** -24, 0x03ff], // largest subnormal
  [Infinity, 0x7c00],
  [-Infinity, 0xfc00],
];

// binary32 → binary16 rounding: to nearest, ties to even.
const rounded: [number, number][] = [
  [1 + 2 ** -11, 0x3c00], // halfway between 1 and 1+2^-10: tie to even (1)
  [1 + 3 * 2 ** -11, 0x3c02], // halfway between 1+2^-10 and 1+2^-9: tie to even (…02)
  [1 + 2 ** -11 + 2 ** -20, 0x3c01], // just above the tie
  [65519, 0x7bff], // below the midpoint to 65536: stays finite
  [65520, 0x7c00], // the midpoint rounds (to even) to infinity
  [1e6, 0x7c00],
  [2 ** -25, 0x0000], // halfway to the smallest subnormal: tie to even (0)
  [2 ** -25 + 2 ** -35, 0x0001],
  [3 * 2 ** -25, 0x0002], // 1.5 subnormal steps: tie to even (2)
  [-(2 ** -26), 0x8000], // underflow keeps the sign
  [0.1, 0x2e66], // 0.1 rounds down to 0x2e66 (0.0999755859375)
];

const backends = [
  ['reference', referenceKernels, false],
  ['native (fastest)', kernels, false],
  ['native (portable loops)', kernels, true],
] as const;

describe.each(backends)('f16 conversion, %s', (_name, impl, portable) => {
  const run = <T>(body: () => T): T => {
    if (portable) forcePortableKernels(true);
    try {
      return body();
    } finally {
      if (portable) forcePortableKernels(false);
    }
  };
  // 19 values so the 8-wide SIMD loop and its scalar tail both see them.
  const cases = [...exact, ...rounded];

  it('converts known binary32 values to the exact binary16 bit patterns', () => {
    const out = run(() => impl.f32ToF16(Float32Array.from(cases, ([value]) => value)));
    expect(Array.from(out, (bits) => bits.toString(16))).toEqual(cases.map(([, bits]) => bits.toString(16)));
  });

  it('decodes binary16 patterns to the exact values, −0 and infinities included', () => {
    const out = run(() => impl.f16ToF32(Uint16Array.from(exact, ([, bits]) => bits)));
    expect(Array.from(out)).toEqual(exact.map(([value]) => value));
    expect(Object.is(out[1], -0)).toBe(true);
  });

  it('keeps NaN a quiet NaN with its sign and top payload bits', () => {
    const bits = run(() => impl.f32ToF16(new Float32Array([NaN, -NaN])));
    expect(bits[0]! & 0x7e00).toBe(0x7e00);
    const back = run(() => impl.f16ToF32(Uint16Array.from([0x7e00, 0xfc01, 0x7c01])));
    expect(Array.from(back).every(Number.isNaN)).toBe(true);
  });

  it('round-trips every binary16 pattern that is not NaN', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, h) => h).filter(
      (h) => (h & 0x7c00) !== 0x7c00 || (h & 0x3ff) === 0,
    );
    const back = run(() => impl.f32ToF16(impl.f16ToF32(all)));
    expect(Buffer.from(back.buffer).equals(Buffer.from(all.buffer))).toBe(true);
  });
});
