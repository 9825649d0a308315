// UMAP's layout (L. McInnes, J. Healy, J. Melville, arXiv:1802.03426) from a kNN graph, following
// umap-learn: the fuzzy simplicial set (smooth_knn_dist, compute_membership_strengths, the fuzzy union
// A + Aᵀ − A∘Aᵀ, edges below max/epochs dropped) and optimize_layout_euclidean (each edge sampled every
// epochs_per_sample epochs, 5 negative samples per positive, the curve 1/(1 + a·d^2b), gradients clipped
// at 4, learning rate falling linearly to 0). TypeScript twin: umapLayout in app/kernels/reference.ts.
//
// The graph lists k other points per row (nearest first), i.e. umap-learn's n_neighbors = k + 1, whose
// lists start with the point itself at distance 0.
//
// Threads and reproducibility: umap-learn's parallel epochs race (Hogwild). Here every epoch reads the
// positions as they stood at its start and sums each point's moves in 64-bit fixed point (integer sums
// do not depend on order), and every negative sample is a hash of (seed, epoch, edge, draw): the same
// graph and seed give the same layout bit for bit on any number of threads (the deterministic mode of
// cuML's UMAP uses the same per-epoch accumulation).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "args.h"
#include "job.h"
#include "pool.h"
#include "progress.h"
#include "simd.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define EIDOS_X86 1
#endif

namespace eidos {

namespace {

constexpr double kNegativeRate = 5;  // negative_sample_rate
constexpr double kGamma = 1;         // repulsion_strength
constexpr double kInitialAlpha = 1;  // learning_rate
constexpr float kClip = 4;
constexpr double kFixed = 4294967296.0;  // 2^32: a move's fixed-point unit

// smooth_knn_dist for one row of k ascending distances (self excluded): ρ, the nearest non-zero
// distance, and σ with Σ_j exp(−max(0, d_j − ρ)/σ) = log2(k + 1), by bisection as umap-learn does it.
void SmoothKnn(const float* dist, size_t k, double meanAll, double* rho, double* sigma) {
  const double target = std::log2(static_cast<double>(k + 1));
  double r = 0, rowSum = 0;
  for (size_t j = 0; j < k; ++j) {
    rowSum += dist[j];
    if (r == 0 && dist[j] > 0) r = dist[j];
  }
  double lo = 0, hi = INFINITY, mid = 1;
  for (int iteration = 0; iteration < 64; ++iteration) {
    double psum = 0;
    for (size_t j = 0; j < k; ++j) {
      const double d = dist[j] - r;
      psum += d > 0 ? std::exp(-d / mid) : 1.0;
    }
    if (std::fabs(psum - target) < 1e-5) break;
    if (psum > target) {
      hi = mid;
      mid = (lo + hi) / 2;
    } else {
      lo = mid;
      mid = std::isinf(hi) ? mid * 2 : (lo + hi) / 2;
    }
  }
  // umap-learn's floor on σ (MIN_K_DIST_SCALE), its means counting the point's own zero distance.
  if (r > 0) {
    mid = std::max(mid, 1e-3 * rowSum / static_cast<double>(k + 1));
  } else {
    mid = std::max(mid, 1e-3 * meanAll);
  }
  *rho = r, *sigma = mid;
}

struct Edges {
  std::vector<uint32_t> start;  // n + 1 row offsets (head = row)
  std::vector<uint32_t> tail;
  std::vector<float> weight;
};

// The fuzzy union of the directed memberships, rows sorted by tail.
Edges FuzzySet(const uint32_t* indices, const float* distances, size_t n, size_t k, Pool& pool) {
  const unsigned parts = std::max(1u, pool.Threads());
  double total = 0;
  for (size_t e = 0; e < n * k; ++e) total += distances[e];
  const double meanAll = total / static_cast<double>(n * (k + 1));
  std::vector<float> member(n * k);
  pool.Run(parts, [&](size_t part) {
    for (size_t i = TaskBegin(n, parts, part); i < TaskBegin(n, parts, part + 1); ++i) {
      double rho, sigma;
      SmoothKnn(distances + i * k, k, meanAll, &rho, &sigma);
      for (size_t j = 0; j < k; ++j) {
        const double d = distances[i * k + j] - rho;
        member[i * k + j] = indices[i * k + j] == i ? 0.0f
                            : d <= 0 || sigma == 0  ? 1.0f
                                                    : static_cast<float>(std::exp(-d / sigma));
      }
    }
  });
  // Each directed membership w(i→j) lands in row i as itself and in row j as the transpose.
  std::vector<uint32_t> count(n + 1, 0);
  for (size_t e = 0; e < n * k; ++e) ++count[e / k], ++count[indices[e]];
  std::vector<uint32_t> offset(n + 1, 0);
  for (size_t i = 0; i < n; ++i) offset[i + 1] = offset[i] + count[i];
  struct Entry {
    uint32_t col;
    float w;
  };
  std::vector<Entry> entries(offset[n]);
  std::vector<uint32_t> fill(offset.begin(), offset.end() - 1);
  for (size_t e = 0; e < n * k; ++e) {
    const uint32_t i = static_cast<uint32_t>(e / k), j = indices[e];
    entries[fill[i]++] = {j, member[e]};
    entries[fill[j]++] = {i, member[e]};
  }
  std::vector<uint32_t> kept(n, 0);
  pool.Run(parts, [&](size_t part) {
    for (size_t i = TaskBegin(n, parts, part); i < TaskBegin(n, parts, part + 1); ++i) {
      Entry* row = &entries[offset[i]];
      const size_t m = offset[i + 1] - offset[i];
      std::sort(row, row + m, [](const Entry& x, const Entry& y) { return x.col < y.col || (x.col == y.col && x.w < y.w); });
      size_t out = 0;
      for (size_t s = 0; s < m;) {
        float w = row[s].w;
        if (s + 1 < m && row[s + 1].col == row[s].col) {  // both directions: a + b − a·b
          w = row[s].w + row[s + 1].w - row[s].w * row[s + 1].w;
          row[out++] = {row[s].col, w};
          s += 2;
        } else {
          row[out++] = {row[s].col, w};
          s += 1;
        }
      }
      kept[i] = static_cast<uint32_t>(out);
    }
  });
  Edges edges;
  edges.start.assign(n + 1, 0);
  for (size_t i = 0; i < n; ++i) {
    size_t live = 0;
    for (size_t s = 0; s < kept[i]; ++s) live += entries[offset[i] + s].w > 0;
    edges.start[i + 1] = edges.start[i] + static_cast<uint32_t>(live);
  }
  edges.tail.resize(edges.start[n]);
  edges.weight.resize(edges.start[n]);
  pool.Run(parts, [&](size_t part) {
    for (size_t i = TaskBegin(n, parts, part); i < TaskBegin(n, parts, part + 1); ++i) {
      size_t at = edges.start[i];
      for (size_t s = 0; s < kept[i]; ++s) {
        const Entry& entry = entries[offset[i] + s];
        if (entry.w > 0) edges.tail[at] = entry.col, edges.weight[at++] = entry.w;
      }
    }
  });
  return edges;
}

inline float Clip(float v) { return std::max(-kClip, std::min(kClip, v)); }

// x^b for x > 0 as 2^(b·log2 x), both halves by short series (relative error below 2e-5): the epochs
// evaluate it for every sample, and the libm calls were most of their time. The reference uses Math.pow.
inline float FastPow(float x, float b) {
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  const int exponent = static_cast<int>((bits >> 23) & 0xff) - 127;
  bits = (bits & 0x007fffffu) | 0x3f800000u;  // mantissa m in [1, 2)
  float m;
  std::memcpy(&m, &bits, 4);
  // log2 m = (2/ln 2)·atanh t, t = (m − 1)/(m + 1) ≤ 1/3.
  const float t = (m - 1.0f) / (m + 1.0f), t2 = t * t;
  const float log2m = 2.8853900817779268f * t * (1.0f + t2 * (1.0f / 3 + t2 * (1.0f / 5 + t2 * (1.0f / 7 + t2 / 9))));
  float y = b * (static_cast<float>(exponent) + log2m);
  y = std::max(-126.0f, std::min(126.0f, y));
  const float whole = std::floor(y), f = (y - whole) * 0.6931471805599453f;
  // e^f for f in [0, ln 2): Taylor to the 7th power.
  const float ef =
      1.0f + f * (1.0f + f * (0.5f + f * (1.0f / 6 + f * (1.0f / 24 + f * (1.0f / 120 + f * (1.0f / 720 + f / 5040))))));
  uint32_t scale = static_cast<uint32_t>(static_cast<int>(whole) + 127) << 23;
  float two;
  std::memcpy(&two, &scale, 4);
  return ef * two;
}

// The epochs' arithmetic, in a batch per point: the moves of a point at (cx, cy) relative to other points
// (ox, oy)[i], towards a neighbour (attraction: coeff = −2ab·d^2(b−1) / (1 + a·d^2b)) or away from a
// negative sample (repulsion: coeff = 2γb / ((0.001 + d²)(1 + a·d^2b))), each Clip(coeff·d)·alpha, and
// no move between coincident points. 8 at a time with AVX2, whose lanes do exactly the portable
// arithmetic (the same operations in the same order, nothing fused), so both give the same bits.
struct Forces {
  float cx, cy, a, b, alpha;
};

template <bool kAttract>
void MovesPortable(const Forces& f, const float* ox, const float* oy, size_t begin, size_t end, float* fx, float* fy) {
  const float attraction = -2.0f * f.a * f.b, repulsion = 2.0f * static_cast<float>(kGamma) * f.b;
  for (size_t i = begin; i < end; ++i) {
    const float dx = f.cx - ox[i], dy = f.cy - oy[i];
    const float d2 = dx * dx + dy * dy;
    if (d2 > 0) {
      const float pw = FastPow(d2, f.b);  // d²^b
      const float coeff = kAttract ? attraction * (pw / d2) / (f.a * pw + 1.0f)
                                   : repulsion / ((0.001f + d2) * (f.a * pw + 1.0f));
      fx[i] = Clip(coeff * dx) * f.alpha, fy[i] = Clip(coeff * dy) * f.alpha;
    } else {
      fx[i] = 0, fy[i] = 0;
    }
  }
}

#if EIDOS_X86
// FastPow on 8 lanes, operation for operation ("avx2" without "fma": nothing may be fused).
__attribute__((target("avx2"))) inline __m256 FastPow8(__m256 x, __m256 b) {
  const __m256i bits = _mm256_castps_si256(x);
  const __m256i exponent =
      _mm256_sub_epi32(_mm256_and_si256(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(0xff)), _mm256_set1_epi32(127));
  const __m256 m = _mm256_castsi256_ps(
      _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x3f800000)));
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 t = _mm256_div_ps(_mm256_sub_ps(m, one), _mm256_add_ps(m, one));
  const __m256 t2 = _mm256_mul_ps(t, t);
  __m256 series = _mm256_add_ps(_mm256_set1_ps(1.0f / 7), _mm256_div_ps(t2, _mm256_set1_ps(9.0f)));
  series = _mm256_add_ps(_mm256_set1_ps(1.0f / 5), _mm256_mul_ps(t2, series));
  series = _mm256_add_ps(_mm256_set1_ps(1.0f / 3), _mm256_mul_ps(t2, series));
  series = _mm256_add_ps(one, _mm256_mul_ps(t2, series));
  const __m256 log2m = _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(2.8853900817779268f), t), series);
  __m256 y = _mm256_mul_ps(b, _mm256_add_ps(_mm256_cvtepi32_ps(exponent), log2m));
  y = _mm256_max_ps(_mm256_set1_ps(-126.0f), _mm256_min_ps(_mm256_set1_ps(126.0f), y));
  const __m256 whole = _mm256_floor_ps(y);
  const __m256 f = _mm256_mul_ps(_mm256_sub_ps(y, whole), _mm256_set1_ps(0.6931471805599453f));
  __m256 e = _mm256_add_ps(_mm256_set1_ps(1.0f / 720), _mm256_div_ps(f, _mm256_set1_ps(5040.0f)));
  e = _mm256_add_ps(_mm256_set1_ps(1.0f / 120), _mm256_mul_ps(f, e));
  e = _mm256_add_ps(_mm256_set1_ps(1.0f / 24), _mm256_mul_ps(f, e));
  e = _mm256_add_ps(_mm256_set1_ps(1.0f / 6), _mm256_mul_ps(f, e));
  e = _mm256_add_ps(_mm256_set1_ps(0.5f), _mm256_mul_ps(f, e));
  e = _mm256_add_ps(one, _mm256_mul_ps(f, e));
  e = _mm256_add_ps(one, _mm256_mul_ps(f, e));
  const __m256i scale =
      _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvttps_epi32(whole), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(e, _mm256_castsi256_ps(scale));
}

// MovesPortable on whole groups of 8; returns how many it did.
template <bool kAttract>
__attribute__((target("avx2"))) size_t MovesAvx2(const Forces& f, const float* ox, const float* oy, size_t count,
                                                 float* fx, float* fy) {
  const __m256 cx = _mm256_set1_ps(f.cx), cy = _mm256_set1_ps(f.cy), a = _mm256_set1_ps(f.a), b = _mm256_set1_ps(f.b);
  const __m256 alpha = _mm256_set1_ps(f.alpha), zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f);
  const __m256 attraction = _mm256_set1_ps(-2.0f * f.a * f.b);
  const __m256 repulsion = _mm256_set1_ps(2.0f * static_cast<float>(kGamma) * f.b);
  const __m256 lo = _mm256_set1_ps(-kClip), hi = _mm256_set1_ps(kClip), epsilon = _mm256_set1_ps(0.001f);
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    const __m256 dx = _mm256_sub_ps(cx, _mm256_loadu_ps(ox + i)), dy = _mm256_sub_ps(cy, _mm256_loadu_ps(oy + i));
    const __m256 d2 = _mm256_add_ps(_mm256_mul_ps(dx, dx), _mm256_mul_ps(dy, dy));
    const __m256 pw = FastPow8(d2, b);
    const __m256 curve = _mm256_add_ps(_mm256_mul_ps(a, pw), one);
    const __m256 coeff =
        kAttract ? _mm256_div_ps(_mm256_mul_ps(attraction, _mm256_div_ps(pw, d2)), curve)
                 : _mm256_div_ps(repulsion, _mm256_mul_ps(_mm256_add_ps(epsilon, d2), curve));
    const __m256 apart = _mm256_cmp_ps(d2, zero, _CMP_GT_OQ);
    const __m256 gx = _mm256_mul_ps(_mm256_max_ps(lo, _mm256_min_ps(hi, _mm256_mul_ps(coeff, dx))), alpha);
    const __m256 gy = _mm256_mul_ps(_mm256_max_ps(lo, _mm256_min_ps(hi, _mm256_mul_ps(coeff, dy))), alpha);
    _mm256_storeu_ps(fx + i, _mm256_and_ps(apart, gx));
    _mm256_storeu_ps(fy + i, _mm256_and_ps(apart, gy));
  }
  return i;
}
#endif

// fx, fy[i]: the point's move relative to (ox, oy)[i], for i below their size on entry. With AVX2 the
// inputs are padded to whole groups of 8 with the point itself (no move), so no lane runs the slow loop.
template <bool kAttract>
void Moves(const Forces& f, std::vector<float>& ox, std::vector<float>& oy, std::vector<float>& fx,
           std::vector<float>& fy) {
  size_t done = 0;
#if EIDOS_X86
  if (UseAvx2()) {
    const size_t padded = (ox.size() + 7) / 8 * 8;
    ox.resize(padded, f.cx), oy.resize(padded, f.cy);
    fx.resize(padded), fy.resize(padded);
    done = MovesAvx2<kAttract>(f, ox.data(), oy.data(), padded, fx.data(), fy.data());
  }
#endif
  fx.resize(std::max(fx.size(), ox.size())), fy.resize(std::max(fy.size(), oy.size()));
  MovesPortable<kAttract>(f, ox.data(), oy.data(), done, ox.size(), fx.data(), fy.data());
}

// One part's scratch for a point's epoch: its due edges' tails (positions and moves) and negative
// counts, and its negative samples (positions and moves).
struct Scratch {
  std::vector<uint32_t> tail;
  std::vector<int> negatives;
  std::vector<float> tx, ty, px, py, ox, oy, nx, ny;
  void Clear() { tail.clear(), negatives.clear(), tx.clear(), ty.clear(), ox.clear(), oy.clear(); }
};

struct UmapJob {
  Keep keep;
  const uint32_t* indices = nullptr;
  const float* distances = nullptr;
  const float* init = nullptr;
  size_t n = 0, k = 0, epochs = 0;
  uint32_t seed = 0;
  double a = 0, b = 0;
  Progress progress;
  std::string error;
  Napi::Reference<Napi::Float32Array> outArray;
  float* out = nullptr;

  bool Parse(const Napi::CallbackInfo& info) {
    Args args(info, keep);
    if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array)
      return args.Fail("indices must be a Uint32Array");
    keep.push_back(Napi::Persistent(info[0]));
    const size_t count = info[0].As<Napi::TypedArray>().ElementLength();
    indices = info[0].As<Napi::Uint32Array>().Data();
    size_t seedValue = 0;
    if (!args.Count(2, "k", &k) || k < 1) return k < 1 && info[2].IsNumber() ? args.Fail("k must be at least 1") : false;
    if (count % k != 0) return args.Fail("indices must hold n×k values, got " + std::to_string(count));
    n = count / k;
    if (!args.FloatsShaped(1, "distances", n, k, &distances)) return false;
    if (!args.Count(3, "seed", &seedValue) || !args.Count(4, "epochs", &epochs) || !args.Finite(5, "a", &a) ||
        !args.Finite(6, "b", &b))
      return false;
    if (epochs < 1) return args.Fail("epochs must be at least 1");
    if (!(a > 0) || !(b > 0)) return args.Fail("a and b must be positive");
    if (!info[7].IsUndefined() && !args.FloatsShaped(7, "init", n, 2, &init)) return false;
    if (!progress.Parse(info, 8, keep)) return false;
    for (size_t e = 0; e < count; ++e)
      if (indices[e] >= n) return args.Fail("indices must be rows below n = " + std::to_string(n));
    seed = static_cast<uint32_t>(seedValue);
    auto xy = Napi::Float32Array::New(info.Env(), n * 2);
    out = xy.Data();
    outArray = Napi::Persistent(xy);
    return true;
  }

  void Run() {
    Pool& pool = Pool::Get();
    progress.Report(2, 0, epochs);
    const Edges edges = FuzzySet(indices, distances, n, k, pool);
    const size_t m = edges.tail.size();
    float wmax = 0;
    for (float w : edges.weight) wmax = std::max(wmax, w);
    // make_epochs_per_sample, after umap-learn drops the edges below max/epochs.
    std::vector<float> perSample(m), nextSample(m), perNegative(m), nextNegative(m);
    const double E = static_cast<double>(epochs);
    for (size_t e = 0; e < m; ++e) {
      const double w = edges.weight[e] < wmax / E ? 0.0 : edges.weight[e];
      const double samples = E * w / wmax;
      perSample[e] = samples > 0 ? static_cast<float>(E / samples) : -1.0f;
      perNegative[e] = perSample[e] / static_cast<float>(kNegativeRate);
      nextSample[e] = perSample[e];
      nextNegative[e] = perNegative[e];
    }

    // Initial positions (random in [−10, 10]² as umap-js's, or given), scaled to [0, 10] per axis.
    std::vector<float> y(2 * n);
    for (size_t i = 0; i < 2 * n; ++i)
      y[i] = init != nullptr ? init[i] : static_cast<float>(Draw(seed, 0xfffffffeu, static_cast<uint32_t>(i), 0) / kFixed * 20.0 - 10.0);
    for (size_t dim = 0; dim < 2; ++dim) {
      float lo = INFINITY, hi = -INFINITY;
      for (size_t i = 0; i < n; ++i) lo = std::min(lo, y[2 * i + dim]), hi = std::max(hi, y[2 * i + dim]);
      const float span = hi > lo ? hi - lo : 1.0f;
      for (size_t i = 0; i < n; ++i) y[2 * i + dim] = 10.0f * (y[2 * i + dim] - lo) / span;
    }

    // Each part's moves in fixed point: integer sums, so the total never depends on the parts. Four
    // parts a thread, taken as threads free up, so a thread the machine holds back delays no epoch much.
    const unsigned parts = 4 * std::max(1u, pool.Threads());
    std::vector<std::vector<int64_t>> moves(parts, std::vector<int64_t>(2 * n, 0));
    std::vector<Scratch> scratches(parts);
    const float fa = static_cast<float>(a), fb = static_cast<float>(b);
    for (size_t epoch = 0; epoch < epochs; ++epoch) {
      if (progress.Cancelled()) return void(error = "cancelled");
      const float alpha = static_cast<float>(kInitialAlpha * (1.0 - static_cast<double>(epoch) / E));
      const float now = static_cast<float>(epoch);
      const uint32_t epochPrefix = static_cast<uint32_t>(epoch);
      pool.Run(parts, [&](size_t part) {
        int64_t* move = moves[part].data();
        const auto add = [move](size_t at, double v) { move[at] += static_cast<int64_t>(v * kFixed); };
        Scratch& scratch = scratches[part];
        for (size_t j = TaskBegin(n, parts, part); j < TaskBegin(n, parts, part + 1); ++j) {
          const float cx = y[2 * j], cy = y[2 * j + 1];
          scratch.Clear();
          // The point's due edges (each attraction also moves the tail) and their negative samples,
          // gathered; the moves computed in two batches; then summed in edge order.
          for (size_t e = edges.start[j]; e < edges.start[j + 1]; ++e) {
            if (perSample[e] <= 0 || nextSample[e] > now) continue;
            const uint32_t t = edges.tail[e];
            scratch.tail.push_back(t), scratch.tx.push_back(y[2 * t]), scratch.ty.push_back(y[2 * t + 1]);
            nextSample[e] += perSample[e];
            const int negatives = static_cast<int>((now - nextNegative[e]) / perNegative[e]);
            const uint32_t prefix = DrawPrefix(seed, epochPrefix, static_cast<uint32_t>(e));
            for (int p = 0; p < negatives; ++p) {
              const uint32_t other = DrawFrom(prefix, static_cast<uint32_t>(p)) % static_cast<uint32_t>(n);
              scratch.ox.push_back(y[2 * other]), scratch.oy.push_back(y[2 * other + 1]);
            }
            scratch.negatives.push_back(std::max(negatives, 0));
            nextNegative[e] += static_cast<float>(negatives) * perNegative[e];
          }
          const Forces forces{cx, cy, fa, fb, alpha};
          Moves<true>(forces, scratch.tx, scratch.ty, scratch.px, scratch.py);
          Moves<false>(forces, scratch.ox, scratch.oy, scratch.nx, scratch.ny);
          double hx = 0, hy = 0;
          size_t at = 0;
          for (size_t s = 0; s < scratch.tail.size(); ++s) {
            add(2 * scratch.tail[s], -scratch.px[s]), add(2 * scratch.tail[s] + 1, -scratch.py[s]);
            hx += scratch.px[s], hy += scratch.py[s];
            for (int p = 0; p < scratch.negatives[s]; ++p, ++at) hx += scratch.nx[at], hy += scratch.ny[at];
          }
          add(2 * j, hx), add(2 * j + 1, hy);
        }
      });
      pool.Run(parts, [&](size_t part) {
        for (size_t i = 2 * TaskBegin(n, parts, part); i < 2 * TaskBegin(n, parts, part + 1); ++i) {
          int64_t total = 0;
          for (auto& move : moves) total += move[i], move[i] = 0;
          y[i] += static_cast<float>(static_cast<double>(total) / kFixed);
        }
      });
      progress.Report(2, epoch + 1, epochs);
    }
    std::copy(y.begin(), y.end(), out);
  }

  Napi::Value Result(Napi::Env env) { return outArray.Value(); }
};

}  // namespace

void RegisterUmap(Napi::Env env, Napi::Object exports) {
  exports.Set("umapLayout", Napi::Function::New(env, RunSync<UmapJob>, "umapLayout"));
  exports.Set("umapLayoutAsync", Napi::Function::New(env, RunAsync<UmapJob>, "umapLayoutAsync"));
}

}  // namespace eidos
