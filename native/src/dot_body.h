// The portable dot-product loop every kernel shares: written with independent accumulators so that
// compilers vectorise it without -ffast-math (and inline it into the AVX2 variants compiled per function).
#pragma once
#include <cstddef>

namespace eidos {

constexpr size_t kDotLanes = 16;

// Σ load(j)·query[j] with kDotLanes independent partial sums (vectorisable), plus the tail.
template <class Load>
__attribute__((always_inline)) inline float DotBody(Load load, const float* query, size_t d) {
  float acc[kDotLanes] = {};
  size_t j = 0;
  for (; j + kDotLanes <= d; j += kDotLanes) {
    for (size_t l = 0; l < kDotLanes; ++l) acc[l] += load(j + l) * query[j + l];
  }
  for (; j < d; ++j) acc[0] += load(j) * query[j];
  float sum = 0;
  for (size_t l = 0; l < kDotLanes; ++l) sum += acc[l];
  return sum;
}

}  // namespace eidos
