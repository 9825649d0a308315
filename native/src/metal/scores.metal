// The GPU kernels (macOS), compiled at run time with fast math off (NaN and ±∞ keep their IEEE meaning,
// as on the CPU path). Rows are read from the library matrix in unified memory; sums accumulate in float.
#include <metal_stdlib>
using namespace metal;

// Threads per threadgroup in every dispatch; SIMD groups are 32 wide on every Apple GPU (the host checks
// both against the pipeline before using it). Macros, so they can size threadgroup arrays.
#define GROUP_THREADS 256
#define SIMD_WIDTH 32
#define SIMD_GROUPS (GROUP_THREADS / SIMD_WIDTH)

// ---- Batch scores (the explanation's concept scores): out[q·n + i] = ⟨row i, query q⟩ ----

struct Shape {
  uint n;
  uint d;
  uint nq;
};

// One SIMD group per (row, query): its lanes split the columns and simd_sum adds their partial sums.
template <typename T>
static void score(device const T* rows, device const float* queries, device float* out, constant Shape& shape,
                  uint pair, uint lane) {
  const uint i = pair % shape.n;
  const uint q = pair / shape.n;
  if (q >= shape.nq) return;  // uniform within the SIMD group: every lane has the same pair
  device const T* row = rows + ulong(i) * shape.d;
  device const float* query = queries + ulong(q) * shape.d;
  float sum = 0.0f;
  for (uint j = lane; j < shape.d; j += SIMD_WIDTH) sum = fma(float(row[j]), query[j], sum);
  sum = simd_sum(sum);
  if (lane == 0) out[ulong(q) * shape.n + i] = sum;
}

kernel void scores_f32(device const float* rows [[buffer(0)]], device const float* queries [[buffer(1)]],
                       device float* out [[buffer(2)]], constant Shape& shape [[buffer(3)]],
                       uint sg [[simdgroup_index_in_threadgroup]], uint group [[threadgroup_position_in_grid]],
                       uint lane [[thread_index_in_simdgroup]]) {
  score(rows, queries, out, shape, group * SIMD_GROUPS + sg, lane);
}

kernel void scores_f16(device const half* rows [[buffer(0)]], device const float* queries [[buffer(1)]],
                       device float* out [[buffer(2)]], constant Shape& shape [[buffer(3)]],
                       uint sg [[simdgroup_index_in_threadgroup]], uint group [[threadgroup_position_in_grid]],
                       uint lane [[thread_index_in_simdgroup]]) {
  score(rows, queries, out, shape, group * SIMD_GROUPS + sg, lane);
}

// ---- The fused search pass: logits, partial log-sum-exp and top-k candidates per threadgroup ----

// A threadgroup scores GROUP_THREADS consecutive rows, one per thread in steps 2 and 3.
#define EXCLUDED 0xFFFFFFFFu  // a candidate slot the mask (or the end of the matrix) leaves empty

struct PassParams {
  uint n;
  uint d;
  float tau;
  uint keep;  // candidates written per threadgroup: min(k, GROUP_THREADS)
  uint hasMask;
  uint wantScores;
};

// Must match metal_search.mm. The host merges these in double (lse.h), as the CPU path merges its tasks.
struct Partial {
  float max;       // of the group's non-NaN logits (−∞ when none)
  float sum;       // Σ exp(s − max), or 1 when max is ±∞ (as lse.h folds such a block)
  float weighted;  // Σ exp(s − max)·s over rows with exp(s − max) > 0
  uint nan;        // 1 when a logit is NaN: the log-sum-exp is NaN
};

struct Candidate {
  float value;
  uint index;
};

// The ranking order of every backend (topk.h, reference.ts ranksBefore): larger first, NaN as −∞, ties to
// the lower index. Excluded slots carry (−∞, EXCLUDED) and so rank after every real row.
static bool ranksBefore(Candidate a, Candidate b) {
  const float x = isnan(a.value) ? -INFINITY : a.value;
  const float y = isnan(b.value) ? -INFINITY : b.value;
  return x > y || (x == y && a.index < b.index);
}

template <typename T>
static void searchPass(device const T* rows, device const float* query, device const uchar* mask,
                       device float* scores, device Partial* partials, device Candidate* candidates,
                       constant PassParams& p, threadgroup float* logits, threadgroup Candidate* best,
                       threadgroup float* perSimd, threadgroup uint* perSimdNan, uint group, uint tid, uint sg,
                       uint lane) {
  const uint first = group * GROUP_THREADS;

  // 1. Each SIMD group reduces one row at a time: its lanes stride over the columns, simd_sum adds them.
  for (uint r = sg; r < GROUP_THREADS; r += SIMD_GROUPS) {
    const uint row = first + r;
    float dot = 0.0f;
    if (row < p.n) {  // uniform within the SIMD group
      device const T* values = rows + ulong(row) * p.d;
      for (uint j = lane; j < p.d; j += SIMD_WIDTH) dot = fma(float(values[j]), query[j], dot);
    }
    dot = simd_sum(dot);
    if (lane == 0) logits[r] = dot * p.tau;
  }
  threadgroup_barrier(mem_flags::mem_threadgroup);

  // 2. The group's partial log-sum-exp over its real rows (every row: the mask limits only the top-k).
  const uint row = first + tid;
  const bool real = row < p.n;
  const float s = logits[tid];
  const bool isNan = real && isnan(s);
  if (real && p.wantScores != 0) scores[row] = s;
  const float simdMax = simd_max(real && !isNan ? s : -INFINITY);
  const uint simdNan = simd_max(isNan ? 1u : 0u);
  if (lane == 0) {
    perSimd[sg] = simdMax;
    perSimdNan[sg] = simdNan;
  }
  threadgroup_barrier(mem_flags::mem_threadgroup);
  float groupMax = -INFINITY;
  uint groupNan = 0;
  for (uint g = 0; g < SIMD_GROUPS; ++g) {
    groupMax = max(groupMax, perSimd[g]);
    groupNan |= perSimdNan[g];
  }
  const bool finite = isfinite(groupMax);
  const float e = real && !isNan && finite ? exp(s - groupMax) : 0.0f;
  const float simdSum = simd_sum(e);
  const float simdWeighted = simd_sum(e > 0.0f ? e * s : 0.0f);
  threadgroup_barrier(mem_flags::mem_threadgroup);  // every thread has read perSimd[] before it is reused
  if (lane == 0) {
    perSimd[sg] = simdSum;
    perSimd[SIMD_GROUPS + sg] = simdWeighted;
  }
  threadgroup_barrier(mem_flags::mem_threadgroup);
  if (tid == 0) {
    float sum = 0.0f, weighted = 0.0f;
    for (uint g = 0; g < SIMD_GROUPS; ++g) {
      sum += perSimd[g];
      weighted += perSimd[SIMD_GROUPS + g];
    }
    partials[group] = Partial{groupMax, finite ? sum : 1.0f, finite ? weighted : 0.0f, groupNan};
  }
  if (p.keep == 0) return;  // uniform: no thread reaches the barriers below

  // 3. The group's best `keep` rows the mask allows: a bitonic sort of its 256 slots, best first.
  const bool eligible = real && (p.hasMask == 0 || mask[row] != 0);
  best[tid] = eligible ? Candidate{s, row} : Candidate{-INFINITY, EXCLUDED};
  threadgroup_barrier(mem_flags::mem_threadgroup);
  for (uint size = 2; size <= GROUP_THREADS; size <<= 1) {
    for (uint stride = size >> 1; stride > 0; stride >>= 1) {
      const uint partner = tid ^ stride;
      if (partner > tid) {
        const Candidate a = best[tid];
        const Candidate b = best[partner];
        const bool bestFirst = (tid & size) == 0;
        if (bestFirst ? ranksBefore(b, a) : ranksBefore(a, b)) {
          best[tid] = b;
          best[partner] = a;
        }
      }
      threadgroup_barrier(mem_flags::mem_threadgroup);
    }
  }
  if (tid < p.keep) candidates[ulong(group) * p.keep + tid] = best[tid];
}

#define SEARCH_PASS_KERNEL(NAME, T)                                                                              \
  kernel void NAME(device const T* rows [[buffer(0)]], device const float* query [[buffer(1)]],                 \
                   device const uchar* mask [[buffer(2)]], device float* scores [[buffer(3)]],                  \
                   device Partial* partials [[buffer(4)]], device Candidate* candidates [[buffer(5)]],          \
                   constant PassParams& params [[buffer(6)]], uint group [[threadgroup_position_in_grid]],      \
                   uint tid [[thread_index_in_threadgroup]], uint sg [[simdgroup_index_in_threadgroup]],      \
                   uint lane [[thread_index_in_simdgroup]]) {                                                   \
    threadgroup float logits[GROUP_THREADS];                                                                        \
    threadgroup Candidate best[GROUP_THREADS];                                                                      \
    threadgroup float perSimd[2 * SIMD_GROUPS];                                                                   \
    threadgroup uint perSimdNan[SIMD_GROUPS];                                                                     \
    searchPass(rows, query, mask, scores, partials, candidates, params, logits, best, perSimd, perSimdNan, group, \
               tid, sg, lane);                                                                                 \
  }

SEARCH_PASS_KERNEL(search_pass_f32, float)
SEARCH_PASS_KERNEL(search_pass_f16, half)
