// IEEE binary16 <-> binary32: the portable bit-level conversion (same rules as app/kernels/f16.ts), the
// F16C instructions when present (identical results: round to nearest even), and the JS bindings.
#include <cstring>

#include "args.h"
#include "job.h"
#include "simd.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define EIDOS_X86 1
#endif

namespace eidos {

namespace {
bool forcedPortable = false;

bool CpuHasAvx2() {
#if EIDOS_X86
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                          __builtin_cpu_supports("f16c");
  return has;
#else
  return false;
#endif
}

uint32_t RoundShift(uint32_t value, unsigned shift) {
  const uint32_t kept = value >> shift;
  const uint32_t rest = value & ((1u << shift) - 1);
  const uint32_t half = 1u << (shift - 1);
  return (rest > half || (rest == half && (kept & 1))) ? kept + 1 : kept;
}
}  // namespace

bool UseAvx2() { return !forcedPortable && CpuHasAvx2(); }
void ForcePortable(bool on) { forcedPortable = on; }

const char* ActiveIsa() {
#if defined(__aarch64__)
  return "neon";
#else
  return UseAvx2() ? "avx2-f16c" : "portable";
#endif
}

uint16_t FloatToHalf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  const uint32_t sign = (bits >> 16) & 0x8000;
  const int exponent = static_cast<int>((bits >> 23) & 0xff);
  const uint32_t mantissa = bits & 0x7fffff;
  if (exponent == 0xff) return static_cast<uint16_t>(sign | 0x7c00 | (mantissa ? 0x200 | (mantissa >> 13) : 0));
  const int halfExponent = exponent - 127 + 15;
  if (halfExponent >= 31) return static_cast<uint16_t>(sign | 0x7c00);
  if (halfExponent <= 0) {
    if (halfExponent < -10) return static_cast<uint16_t>(sign);
    return static_cast<uint16_t>(sign | RoundShift(mantissa | 0x800000, static_cast<unsigned>(14 - halfExponent)));
  }
  return static_cast<uint16_t>(sign | ((static_cast<uint32_t>(halfExponent) << 10) + RoundShift(mantissa, 13)));
}

float HalfToFloat(uint16_t half) {
  const uint32_t sign = static_cast<uint32_t>(half & 0x8000) << 16;
  const uint32_t exponent = (half >> 10) & 0x1f;
  uint32_t mantissa = half & 0x3ff;
  uint32_t bits;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000 | (mantissa << 13);
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    bits = sign;
  } else {
    // Subnormal half: normalise into a binary32 normal number.
    int shift = 0;
    while (!(mantissa & 0x400)) {
      mantissa <<= 1;
      ++shift;
    }
    bits = sign | (static_cast<uint32_t>(113 - shift) << 23) | ((mantissa & 0x3ff) << 13);
  }
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

#if EIDOS_X86
__attribute__((target("avx2,f16c"))) static size_t FloatsToHalvesF16c(const float* src, uint16_t* dst, size_t count) {
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    const __m128i halves = _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), halves);
  }
  return i;
}

__attribute__((target("avx2,f16c"))) static size_t HalvesToFloatsF16c(const uint16_t* src, float* dst, size_t count) {
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i))));
  }
  return i;
}
#endif

void FloatsToHalves(const float* src, uint16_t* dst, size_t count) {
  size_t done = 0;
#if EIDOS_X86
  if (UseAvx2()) done = FloatsToHalvesF16c(src, dst, count);
#endif
  for (size_t i = done; i < count; ++i) dst[i] = FloatToHalf(src[i]);
}

void HalvesToFloats(const uint16_t* src, float* dst, size_t count) {
  size_t done = 0;
#if EIDOS_X86
  if (UseAvx2()) done = HalvesToFloatsF16c(src, dst, count);
#endif
  for (size_t i = done; i < count; ++i) dst[i] = HalfToFloat(src[i]);
}

namespace {

struct F32ToF16Job {
  Keep keep;
  const float* src = nullptr;
  size_t count = 0;
  uint16_t* dst = nullptr;
  Napi::Reference<Napi::Uint16Array> out;

  bool Parse(const Napi::CallbackInfo& info) {
    Args args(info, keep);
    if (!args.Floats(0, "src", &src, &count)) return false;
    auto array = Napi::Uint16Array::New(info.Env(), count);
    dst = array.Data();
    out = Napi::Persistent(array);
    return true;
  }
  void Run() { FloatsToHalves(src, dst, count); }
  Napi::Value Result(Napi::Env) { return out.Value(); }
};

struct F16ToF32Job {
  Keep keep;
  const uint16_t* src = nullptr;
  size_t count = 0;
  float* dst = nullptr;
  Napi::Reference<Napi::Float32Array> out;

  bool Parse(const Napi::CallbackInfo& info) {
    Args args(info, keep);
    if (!args.Halves(0, "src", &src, &count)) return false;
    auto array = Napi::Float32Array::New(info.Env(), count);
    dst = array.Data();
    out = Napi::Persistent(array);
    return true;
  }
  void Run() { HalvesToFloats(src, dst, count); }
  Napi::Value Result(Napi::Env) { return out.Value(); }
};

}  // namespace

void RegisterConvert(Napi::Env env, Napi::Object exports) {
  exports.Set("f32ToF16", Napi::Function::New(env, RunSync<F32ToF16Job>, "f32ToF16"));
  exports.Set("f16ToF32", Napi::Function::New(env, RunSync<F16ToF32Job>, "f16ToF32"));
}

}  // namespace eidos
