// The Metal device, command queue and compute pipelines (macOS builds only): built once per process on a
// thread of their own (metalPrepare in metal_jobs.mm starts it when the kernels load), never on the JS
// thread, and read-only afterwards (MTLDevice, MTLCommandQueue and pipeline states are thread-safe).
#pragma once
#import <Metal/Metal.h>

#include <string>

namespace eidos {

// Threads per threadgroup of every dispatch and the SIMD width the kernels assume (scores.metal).
constexpr NSUInteger kGroupThreads = 256;
constexpr NSUInteger kSimdWidth = 32;

struct MetalState {
  id<MTLDevice> device = nil;  // nil when there is no usable GPU (`error` says why)
  id<MTLCommandQueue> queue = nil;
  id<MTLComputePipelineState> scoresF32 = nil, scoresF16 = nil, passF32 = nil, passF16 = nil;
  std::string name;      // the device's name, also when it is refused
  std::string families;  // the qualifying GPU families it reports ("Apple7, Mac2")
  std::string error;     // why there is no Metal backend (empty when there is one)
};

// Builds the state on the calling thread the first time (a thread made for it); concurrent and later
// callers get the same state, waiting for the first build to finish. Never call it on the JS thread.
const MetalState& BuildMetal();

// The state once built, else nullptr; never waits (for the JS thread).
const MetalState* BuiltMetal();

}  // namespace eidos
