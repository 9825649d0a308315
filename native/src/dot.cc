// The inner loops: one row's dot product with the query. Written with independent accumulators so that
// compilers vectorise them without -ffast-math; the AVX2 variants are the same source compiled for
// AVX2+FMA (and F16C for fp16 rows), selected at run time.
#include <cstring>

#include "dot_body.h"
#include "matrix.h"
#include "simd.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define EIDOS_X86 1
#endif

namespace eidos {

namespace {

#if defined(__aarch64__)
using Half = __fp16;  // arm64 converts fp16 natively (FCVT), vectorised by the compiler
#endif

struct HalfTable {
  float values[65536];
  HalfTable() {
    for (uint32_t h = 0; h < 65536; ++h) values[h] = HalfToFloat(static_cast<uint16_t>(h));
  }
};

void RowsPortable(const Matrix& m, const float* q, size_t begin, size_t end, float* out) {
  const size_t d = m.d;
  for (size_t i = begin; i < end; ++i) {
    float dot = 0;
    switch (m.dtype) {
      case Dtype::F32: {
        const float* row = static_cast<const float*>(m.data) + i * d;
        dot = DotBody([row](size_t j) { return row[j]; }, q, d);
        break;
      }
      case Dtype::F16: {
#if defined(__aarch64__)
        const Half* row = static_cast<const Half*>(m.data) + i * d;
        dot = DotBody([row](size_t j) { return static_cast<float>(row[j]); }, q, d);
#else
        static const HalfTable* table = new HalfTable();  // 256 KiB, built on first use
        const uint16_t* row = static_cast<const uint16_t*>(m.data) + i * d;
        dot = DotBody([row](size_t j) { return table->values[row[j]]; }, q, d);
#endif
        break;
      }
      case Dtype::I8: {
        const int8_t* row = static_cast<const int8_t*>(m.data) + i * d;
        dot = DotBody([row](size_t j) { return static_cast<float>(row[j]); }, q, d) * m.scales[i];
        break;
      }
    }
    out[i - begin] = dot;
  }
}

#if EIDOS_X86
__attribute__((target("avx2,fma"))) float HorizontalSum(__m256 v) {
  const __m128 pair = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 two = _mm_add_ps(pair, _mm_movehl_ps(pair, pair));
  return _mm_cvtss_f32(_mm_add_ss(two, _mm_shuffle_ps(two, two, 1)));
}

// fp16 rows need explicit F16C conversions: compilers do not turn the portable bit twiddling into them.
__attribute__((target("avx2,fma,f16c"))) float DotHalfF16c(const uint16_t* row, const float* q, size_t d) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  size_t j = 0;
  for (; j + 16 <= d; j += 16) {
    const __m256 a0 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + j)));
    const __m256 a1 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + j + 8)));
    acc0 = _mm256_fmadd_ps(a0, _mm256_loadu_ps(q + j), acc0);
    acc1 = _mm256_fmadd_ps(a1, _mm256_loadu_ps(q + j + 8), acc1);
  }
  float sum = HorizontalSum(_mm256_add_ps(acc0, acc1));
  for (; j < d; ++j) sum += HalfToFloat(row[j]) * q[j];
  return sum;
}

__attribute__((target("avx2,fma,f16c"))) void RowsAvx2(const Matrix& m, const float* q, size_t begin, size_t end,
                                                        float* out) {
  const size_t d = m.d;
  for (size_t i = begin; i < end; ++i) {
    float dot = 0;
    switch (m.dtype) {
      case Dtype::F32: {
        const float* row = static_cast<const float*>(m.data) + i * d;
        dot = DotBody([row](size_t j) { return row[j]; }, q, d);
        break;
      }
      case Dtype::F16:
        dot = DotHalfF16c(static_cast<const uint16_t*>(m.data) + i * d, q, d);
        break;
      case Dtype::I8: {
        const int8_t* row = static_cast<const int8_t*>(m.data) + i * d;
        dot = DotBody([row](size_t j) { return static_cast<float>(row[j]); }, q, d) * m.scales[i];
        break;
      }
    }
    out[i - begin] = dot;
  }
}
#endif

}  // namespace

void ScoreRows(const Matrix& matrix, const float* query, size_t begin, size_t end, float* out) {
#if EIDOS_X86
  if (UseAvx2()) return RowsAvx2(matrix, query, begin, end, out);
#endif
  RowsPortable(matrix, query, begin, end, out);
}

}  // namespace eidos
