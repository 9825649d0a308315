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
#include "dot_body.h"
#include "job.h"
#include "neighbours_out.h"
#include "pool.h"
#include "rows.h"
#include "simd.h"
#include "topk.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define EIDOS_X86 1
#endif

namespace eidos {

namespace {

constexpr size_t kQueryBlock = 64;  // queries sharing one pass over the rows (64×d floats: 128 KiB at d=512)
constexpr size_t kRowBlock = 128;   // rows decoded and scored together (256 KiB at d=512 in f32)

}  // namespace

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

void QueryFromRow(const Matrix& matrix, size_t i, float* out) {
  DecodeRows(matrix, i, i + 1, out);
  if (matrix.dtype == Dtype::I8) {
    for (size_t j = 0; j < matrix.d; ++j) out[j] *= matrix.scales[i];
  }
}

namespace {

void DotsPortable(const float* queries, size_t nq, const float* rows, size_t nr, size_t d, float* dots) {
  for (size_t q = 0; q < nq; ++q) {
    for (size_t r = 0; r < nr; ++r) {
      const float* row = rows + r * d;
      dots[q * nr + r] = DotBody([row](size_t j) { return row[j]; }, queries + q * d, d);
    }
  }
}

#if EIDOS_X86
__attribute__((target("avx2,fma"))) inline float Sum8(__m256 v) {
  const __m128 pair = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 two = _mm_add_ps(pair, _mm_movehl_ps(pair, pair));
  return _mm_cvtss_f32(_mm_add_ss(two, _mm_shuffle_ps(two, two, 1)));
}

// One register tile: the Q×R dots of queries a[0..Q) with rows b[0..R). Each loaded vector feeds several
// FMAs, so the loop is bound by arithmetic rather than by loads; the d % 8 tail is added in scalar.
template <size_t Q, size_t R>
__attribute__((target("avx2,fma"), always_inline)) inline void Tile(const float* const* a, const float* const* b,
                                                                     size_t d, float* dots, size_t nr) {
  __m256 acc[Q][R];
  for (size_t q = 0; q < Q; ++q)
    for (size_t r = 0; r < R; ++r) acc[q][r] = _mm256_setzero_ps();
  const size_t d8 = d - d % 8;
  for (size_t j = 0; j < d8; j += 8) {
    __m256 x[R];
    for (size_t r = 0; r < R; ++r) x[r] = _mm256_loadu_ps(b[r] + j);
    for (size_t q = 0; q < Q; ++q) {
      const __m256 y = _mm256_loadu_ps(a[q] + j);
      for (size_t r = 0; r < R; ++r) acc[q][r] = _mm256_fmadd_ps(y, x[r], acc[q][r]);
    }
  }
  for (size_t q = 0; q < Q; ++q) {
    for (size_t r = 0; r < R; ++r) {
      float sum = Sum8(acc[q][r]);
      for (size_t j = d8; j < d; ++j) sum += a[q][j] * b[r][j];
      dots[q * nr + r] = sum;
    }
  }
}

// Rows [r, nr) against Q queries: 4-query × 3-row tiles (12 accumulators of the 16 AVX registers), then
// the leftover rows one at a time.
template <size_t Q>
__attribute__((target("avx2,fma"))) void TileRow(const float* queries, size_t q, const float* rows, size_t nr,
                                                 size_t d, float* dots) {
  const float* a[Q];
  for (size_t l = 0; l < Q; ++l) a[l] = queries + (q + l) * d;
  size_t r = 0;
  for (; r + 3 <= nr; r += 3) {
    const float* b[3] = {rows + r * d, rows + (r + 1) * d, rows + (r + 2) * d};
    Tile<Q, 3>(a, b, d, dots + q * nr + r, nr);
  }
  for (; r < nr; ++r) {
    const float* b[1] = {rows + r * d};
    Tile<Q, 1>(a, b, d, dots + q * nr + r, nr);
  }
}

__attribute__((target("avx2,fma"))) void DotsAvx2(const float* queries, size_t nq, const float* rows, size_t nr,
                                                   size_t d, float* dots) {
  size_t q = 0;
  for (; q + 4 <= nq; q += 4) TileRow<4>(queries, q, rows, nr, d, dots);
  for (; q < nq; ++q) TileRow<1>(queries, q, rows, nr, d, dots);
}
#endif

}  // namespace

void Dots(const float* queries, size_t nq, const float* rows, size_t nr, size_t d, float* dots) {
#if EIDOS_X86
  if (UseAvx2()) return DotsAvx2(queries, nq, rows, nr, d, dots);
#endif
  DotsPortable(queries, nq, rows, nr, d, dots);
}

namespace {

struct KnnJob {
  Keep keep;
  Matrix matrix;
  size_t k = 0;
  const float* queries = nullptr;  // nullptr: the rows are the queries (self kNN)
  size_t nq = 0;
  NeighboursOut out;

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
    out.Allocate(info.Env(), nq, k);
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
          TopKHeap& heap = heaps[q];
          float floor = heap.Floor();
          for (size_t r = 0; r < nr; ++r) {
            if (queries == nullptr && r0 + r == q0 + q) continue;  // a row is not its own neighbour
            const float value = matrix.dtype == Dtype::I8 ? row[r] * matrix.scales[r0 + r] : row[r];
            if (value < floor) continue;
            heap.Push(value, static_cast<uint32_t>(r0 + r));
            floor = heap.Floor();
          }
        }
      }
      for (size_t q = 0; q < count; ++q) {
        const std::vector<Entry> best = heaps[q].TakeSorted();
        for (size_t j = 0; j < k; ++j) {
          out.indices[(q0 + q) * k + j] = best[j].index;
          out.similarities[(q0 + q) * k + j] = best[j].value;
        }
      }
    });
  }

  Napi::Value Result(Napi::Env env) {
    return out.Result(env, k);
  }
};

}  // namespace

void RegisterKnn(Napi::Env env, Napi::Object exports) {
  exports.Set("knn", Napi::Function::New(env, RunSync<KnnJob>, "knn"));
  exports.Set("knnAsync", Napi::Function::New(env, RunAsync<KnnJob>, "knnAsync"));
}

}  // namespace eidos
