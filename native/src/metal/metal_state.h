// The Metal device, command queue and compute pipelines, created once on first use (macOS builds only).
#pragma once
#import <Metal/Metal.h>

#include <string>

namespace eidos {

// Threads per threadgroup of every dispatch and the SIMD width the kernels assume (scores.metal).
constexpr NSUInteger kGroupThreads = 256;
constexpr NSUInteger kSimdWidth = 32;

struct MetalState {
  id<MTLDevice> device = nil;
  id<MTLCommandQueue> queue = nil;
  id<MTLComputePipelineState> scoresF32 = nil, scoresF16 = nil, passF32 = nil, passF16 = nil;
  // Why there is no Metal backend (empty when there is one).
  std::string error;
};

// Built on the JS thread at the first call; read-only afterwards (MTLDevice and MTLCommandQueue are
// thread-safe, so the async jobs use them from libuv's workers).
MetalState& Metal();

}  // namespace eidos
