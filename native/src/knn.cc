// k nearest neighbours by inner product (cosine on the library's unit rows): for each query the k rows
// with the largest dot product, best first under the shared ranking order (topk.h). Exact, brute force,
// blocked like a matrix product: a block of queries stays in cache while blocks of rows stream past,
// and each row block is decoded to f32 once per query block. Without explicit queries the rows are their
// own queries and each row is left out of its own list: the kNN graph the library map and the model
// alignment are built on (docs/architecture.md "Library map").
#include <algorithm>
#include <cstring>
#include <vector>

#include "args.h"
#include "job.h"
#include "pool.h"
#include "simd.h"
#include "topk.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define EIDOS_X86 1
#endif

namespace eidos {

namespace {

constexpr size_t kQueryBlock = 32;  // queries sharing one pass over the rows (32×d floats: 64 KiB at d=512)
constexpr size_t kRowBlock = 128;   // rows decoded and scored together (256 KiB at d=512 in f32)

// Rows [begin, end) of `matrix` as f32 in `out`; i8 rows are left unscaled (scales applied to the dots).
void DecodeRows(const Matrix& matrix, size_t begin, size_t end, float* out) {
  const size_t d = matrix.d;
  switch (matrix.dtype) {
    case Dtype::F32:
      std::memcpy(out, static_cast<const float*>(matrix.data) + begin * d, (end - begin) * d * sizeof(float));
      break;
    case Dtype::F16:
      HalvesToFloats(static_cast<const uint16_t*>(matrix.data) + begin * d, out, (end - begin) * d);
      break;
    case Dtype::I8: {
      const int8_t* src = static_cast<const int8_t*>(matrix.data) + begin * d;
      for (size_t j = 0; j < (end - begin) * d; ++j) out[j] = static_cast<float>(src[j]);
      break;
    }
  }
}

// Row i as the query vector it stands for: decoded, and scaled for i8 (the row's true value).
void QueryFromRow(const Matrix& matrix, size_t i, float* out) {
  DecodeRows(matrix, i, i + 1, out);
  if (matrix.dtype == Dtype::I8) {
    for (size_t j = 0; j < matrix.d; ++j) out[j] *= matrix.scales[i];
  }
}

// dots[q·rows + r] = ⟨queries[q], rows[r]⟩ for nq queries and nr rows, both f32 and d wide.
void DotsPortable(const float* queries, size_t nq, const float* rows, size_t nr, size_t d, float* dots) {
  constexpr size_t kLanes = 16;
  for (size_t q = 0; q < nq; ++q) {
    const float* a = queries + q * d;
    for (size_t r = 0; r < nr; ++r) {
      const float* b = rows + r * d;
      float acc[kLanes] = {};
      size_t j = 0;
      for (; j + kLanes <= d; j += kLanes) {
        for (size_t l = 0; l < kLanes; ++l) acc[l] += a[j + l] * b[j + l];
      }
      for (; j < d; ++j) acc[0] += a[j] * b[j];
      float sum = 0;
      for (size_t l = 0; l < kLanes; ++l) sum += acc[l];
      dots[q * nr + r] = sum;
    }
  }
}

#if EIDOS_X86
__attribute__((target("avx2,fma"))) inline float Sum8(__m256 v) {
  const __m128 pair = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 two = _mm_add_ps(pair, _mm_movehl_ps(pair, pair));
  return _mm_cvtss_f32(_mm_add_ss(two, _mm_shuffle_ps(two, two, 1)));
}

// The same product with a 4-query × 2-row register tile: each loaded vector feeds several FMAs, so the
// loop is bound by arithmetic rather than loads. Tails (d % 8, odd rows, nq % 4) take the scalar path.
// The 4 dots of a tile's last odd row, computed with stride 1, stored at stride nr.
inline void SpreadTail(const float* tail, float* dots, size_t nr) {
  for (size_t l = 0; l < 4; ++l) dots[l * nr] = tail[l];
}

__attribute__((target("avx2,fma"))) void DotsAvx2(const float* queries, size_t nq, const float* rows, size_t nr,
                                                   size_t d, float* dots) {
  const size_t d8 = d - d % 8;
  float tail[4];
  size_t q = 0;
  for (; q + 4 <= nq; q += 4) {
    const float* a0 = queries + q * d;
    const float* a1 = a0 + d;
    const float* a2 = a1 + d;
    const float* a3 = a2 + d;
    size_t r = 0;
    for (; r + 2 <= nr; r += 2) {
      const float* b0 = rows + r * d;
      const float* b1 = b0 + d;
      __m256 s00 = _mm256_setzero_ps(), s01 = _mm256_setzero_ps(), s10 = _mm256_setzero_ps(),
             s11 = _mm256_setzero_ps(), s20 = _mm256_setzero_ps(), s21 = _mm256_setzero_ps(),
             s30 = _mm256_setzero_ps(), s31 = _mm256_setzero_ps();
      for (size_t j = 0; j < d8; j += 8) {
        const __m256 x0 = _mm256_loadu_ps(b0 + j), x1 = _mm256_loadu_ps(b1 + j);
        const __m256 y0 = _mm256_loadu_ps(a0 + j), y1 = _mm256_loadu_ps(a1 + j);
        const __m256 y2 = _mm256_loadu_ps(a2 + j), y3 = _mm256_loadu_ps(a3 + j);
        s00 = _mm256_fmadd_ps(y0, x0, s00);
        s01 = _mm256_fmadd_ps(y0, x1, s01);
        s10 = _mm256_fmadd_ps(y1, x0, s10);
        s11 = _mm256_fmadd_ps(y1, x1, s11);
        s20 = _mm256_fmadd_ps(y2, x0, s20);
        s21 = _mm256_fmadd_ps(y2, x1, s21);
        s30 = _mm256_fmadd_ps(y3, x0, s30);
        s31 = _mm256_fmadd_ps(y3, x1, s31);
      }
      float t[8] = {Sum8(s00), Sum8(s01), Sum8(s10), Sum8(s11), Sum8(s20), Sum8(s21), Sum8(s30), Sum8(s31)};
      for (size_t j = d8; j < d; ++j) {
        t[0] += a0[j] * b0[j], t[1] += a0[j] * b1[j], t[2] += a1[j] * b0[j], t[3] += a1[j] * b1[j];
        t[4] += a2[j] * b0[j], t[5] += a2[j] * b1[j], t[6] += a3[j] * b0[j], t[7] += a3[j] * b1[j];
      }
      for (size_t l = 0; l < 4; ++l) {
        dots[(q + l) * nr + r] = t[2 * l];
        dots[(q + l) * nr + r + 1] = t[2 * l + 1];
      }
    }
    if (r < nr) {
      DotsPortable(a0, 4, rows + r * d, 1, d, tail);
      SpreadTail(tail, dots + q * nr + r, nr);
    }
  }
  for (; q < nq; ++q) {
    DotsPortable(queries + q * d, 1, rows, nr, d, dots + q * nr);
  }
}
#endif

void Dots(const float* queries, size_t nq, const float* rows, size_t nr, size_t d, float* dots) {
#if EIDOS_X86
  if (UseAvx2()) return DotsAvx2(queries, nq, rows, nr, d, dots);
#endif
  DotsPortable(queries, nq, rows, nr, d, dots);
}

struct KnnJob {
  Keep keep;
  Matrix matrix;
  size_t k = 0;
  const float* queries = nullptr;  // nullptr: the rows are the queries (self kNN)
  size_t nq = 0;
  Napi::Reference<Napi::Uint32Array> indicesArray;
  Napi::Reference<Napi::Float32Array> similaritiesArray;
  uint32_t* indices = nullptr;
  float* similarities = nullptr;

  bool Parse(const Napi::CallbackInfo& info) {
    Args args(info, keep);
    if (!args.Matrix(0, &matrix) || !args.Count(1, "k", &k)) return false;
    const bool self = info[2].IsUndefined();
    if (self) {
      nq = matrix.n;
    } else if (!args.Count(3, "queries count", &nq) || !args.FloatsShaped(2, "queries", nq, matrix.d, &queries)) {
      return false;
    }
    const size_t eligible = self && matrix.n > 0 ? matrix.n - 1 : matrix.n;
    if (k < 1 || k > eligible) {
      return args.Fail("k must be between 1 and the " + std::string(self ? "other rows" : "rows") + " (" +
                       std::to_string(eligible) + "), got " + std::to_string(k));
    }
    auto ids = Napi::Uint32Array::New(info.Env(), nq * k);
    auto sims = Napi::Float32Array::New(info.Env(), nq * k);
    indices = ids.Data();
    similarities = sims.Data();
    indicesArray = Napi::Persistent(ids);
    similaritiesArray = Napi::Persistent(sims);
    return true;
  }

  void Run() {
    Pool& pool = Pool::Get();
    const size_t d = matrix.d, n = matrix.n;
    const size_t blocks = (nq + kQueryBlock - 1) / kQueryBlock;
    // Query blocks are the tasks: each owns its queries' heaps, so no merging is needed.
    pool.Run(blocks, [&](size_t b) {
      const size_t q0 = b * kQueryBlock, q1 = std::min(nq, q0 + kQueryBlock), count = q1 - q0;
      std::vector<float> query(count * d), rows(kRowBlock * d), dots(count * kRowBlock);
      for (size_t q = 0; q < count; ++q) {
        if (queries != nullptr) {
          std::memcpy(&query[q * d], queries + (q0 + q) * d, d * sizeof(float));
        } else {
          QueryFromRow(matrix, q0 + q, &query[q * d]);
        }
      }
      std::vector<TopKHeap> heaps(count, TopKHeap(k));
      for (size_t r0 = 0; r0 < n; r0 += kRowBlock) {
        const size_t r1 = std::min(n, r0 + kRowBlock), nr = r1 - r0;
        DecodeRows(matrix, r0, r1, rows.data());
        Dots(query.data(), count, rows.data(), nr, d, dots.data());
        for (size_t q = 0; q < count; ++q) {
          const float* row = &dots[q * nr];
          for (size_t r = 0; r < nr; ++r) {
            if (queries == nullptr && r0 + r == q0 + q) continue;  // a row is not its own neighbour
            const float value = matrix.dtype == Dtype::I8 ? row[r] * matrix.scales[r0 + r] : row[r];
            heaps[q].Push(value, static_cast<uint32_t>(r0 + r));
          }
        }
      }
      for (size_t q = 0; q < count; ++q) {
        const std::vector<Entry> best = heaps[q].TakeSorted();
        for (size_t j = 0; j < k; ++j) {
          indices[(q0 + q) * k + j] = best[j].index;
          similarities[(q0 + q) * k + j] = best[j].value;
        }
      }
    });
  }

  Napi::Value Result(Napi::Env env) {
    Napi::Object result = Napi::Object::New(env);
    result.Set("k", Napi::Number::New(env, static_cast<double>(k)));
    result.Set("indices", indicesArray.Value());
    result.Set("similarities", similaritiesArray.Value());
    return result;
  }
};

}  // namespace

void RegisterKnn(Napi::Env env, Napi::Object exports) {
  exports.Set("knn", Napi::Function::New(env, RunSync<KnnJob>, "knn"));
  exports.Set("knnAsync", Napi::Function::New(env, RunAsync<KnnJob>, "knnAsync"));
}

}  // namespace eidos
