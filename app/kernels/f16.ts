/**
 * IEEE 754 binary16 ↔ binary32 for one value, on bit patterns (the f16 matrix stores bits in a
 * Uint16Array). Rounding is to nearest, ties to even, as the hardware converters (F16C, ARM FCVT) do.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** binary32 value → binary16 bits. Overflow gives ±inf; NaN stays a (quiet) NaN with its top payload bits. */
export function floatToHalfBits(value: number): number {
  f32[0] = value;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200 | (mantissa >>> 13));
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 31) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Half subnormal: value = m·2^-24 with m = significand·2^(halfExponent−14); below 2^-25 it rounds to 0.
    if (halfExponent < -10) return sign;
    const significand = mantissa | 0x800000;
    const shift = 14 - halfExponent;
    return sign | roundShift(significand, shift);
  }
  // A carry out of the mantissa correctly bumps the exponent (and 65520 and above become inf).
  return sign | ((halfExponent << 10) + roundShift(mantissa, 13));
}

/** value >> shift, rounded to nearest, ties to even (shift ≤ 24). */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value - kept * 2 ** shift;
  const half = 2 ** (shift - 1);
  return rest > half || (rest === half && (kept & 1) === 1) ? kept + 1 : kept;
}

/** binary16 bits → the exact binary32 value (−0, subnormals, ±inf and NaN payloads kept). */
export function halfBitsToFloat(half: number): number {
  const negative = (half & 0x8000) !== 0;
  const exponent = (half >>> 10) & 0x1f;
  const mantissa = half & 0x3ff;
  if (exponent === 0x1f) {
    u32[0] = (negative ? 0x80000000 : 0) | 0x7f800000 | (mantissa << 13);
    return f32[0]!;
  }
  const magnitude = exponent === 0 ? mantissa * 2 ** -24 : (1024 + mantissa) * 2 ** (exponent - 25);
  return negative ? -magnitude : magnitude;
}
