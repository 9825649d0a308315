// The GPU's bindings (macOS builds only), in the job shape of job.h: Parse on the JS thread (the C++ job's
// own checks, then the matrix's Metal buffer), Run on a libuv worker (encode, commit, and wait there, never
// on the JS thread), Result back on the JS thread. A call the GPU does not take (an i8 matrix, no device,
// shapes past 32-bit indices) resolves to null, and the caller runs the C++ kernels.
//   metalDevice() → name | null, metalError() → why there is no device | null,
//   metalScoresAsync(matrix, queries, nq), metalSearchPassAsync(matrix, query, tau, k, mask?, wantScores?),
//   pageOffset(buffer)
#import <Foundation/Foundation.h>
#import <Metal/Metal.h>
#include <napi.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>

#include "../job.h"
#include "../score_jobs.h"
#include "metal_buffer.h"
#include "metal_state.h"

namespace eidos {

namespace {

// The layouts scores.metal writes and reads.
struct Shape {
  uint32_t n, d, nq;
};
struct PassParams {
  uint32_t n, d;
  float tau;
  uint32_t keep, hasMask, wantScores;
};
struct Partial {
  float max, sum, weighted;
  uint32_t nan;
};
struct Candidate {
  float value;
  uint32_t index;
};
static_assert(sizeof(Partial) == 16 && sizeof(Candidate) == 8 && sizeof(PassParams) == 24, "scores.metal layouts");
constexpr uint32_t kExcluded = 0xFFFFFFFFu;

// The dtypes the kernels read, and shapes whose row numbers fit 32 bits (the last threadgroup's rows past
// n included, and kExcluded kept free).
bool Takes(const Matrix& matrix) {
  return Metal().device != nil && matrix.dtype != Dtype::I8 && matrix.n > 0 &&
         matrix.n <= kExcluded - kGroupThreads && matrix.d <= std::numeric_limits<uint32_t>::max();
}

id<MTLBuffer> Shared(size_t bytes) {
  return [Metal().device newBufferWithLength:std::max<size_t>(bytes, 16) options:MTLResourceStorageModeShared];
}

// Commits and waits on the calling (worker) thread; false with `error` set when the GPU failed.
bool Finish(id<MTLCommandBuffer> commands, std::string* error) {
  [commands commit];
  [commands waitUntilCompleted];
  if (commands.status == MTLCommandBufferStatusCompleted) return true;
  *error = std::string("the Metal command buffer failed: ") +
           (commands.error ? commands.error.localizedDescription.UTF8String : "unknown error");
  return false;
}

struct MetalScoresJob {
  ScoresJob cpu;  // arguments and result
  id<MTLBuffer> rows = nil, queries = nil;
  std::string error;

  bool Parse(const Napi::CallbackInfo& info) {
    if (!cpu.Parse(info)) return false;
    const Matrix& m = cpu.matrix;
    if (!Takes(m) || cpu.nq == 0 || m.n * cpu.nq > std::numeric_limits<uint32_t>::max()) return false;
    rows = AcquireMatrix(info, 0, m);
    queries = [Metal().device newBufferWithBytes:cpu.queries
                                          length:cpu.nq * m.d * sizeof(float)
                                         options:MTLResourceStorageModeShared];
    return rows != nil && queries != nil;
  }

  void Run() {
    @autoreleasepool {
      MetalState& metal = Metal();
      const Matrix& m = cpu.matrix;
      const size_t pairs = m.n * cpu.nq;
      id<MTLBuffer> out = Shared(pairs * sizeof(float));
      if (out == nil) return (void)(error = "could not allocate the Metal output buffer");
      const Shape shape{static_cast<uint32_t>(m.n), static_cast<uint32_t>(m.d), static_cast<uint32_t>(cpu.nq)};
      id<MTLCommandBuffer> commands = [metal.queue commandBuffer];
      id<MTLComputeCommandEncoder> encoder = [commands computeCommandEncoder];
      [encoder setComputePipelineState:m.dtype == Dtype::F16 ? metal.scoresF16 : metal.scoresF32];
      [encoder setBuffer:rows offset:0 atIndex:0];
      [encoder setBuffer:queries offset:0 atIndex:1];
      [encoder setBuffer:out offset:0 atIndex:2];
      [encoder setBytes:&shape length:sizeof(shape) atIndex:3];
      // One SIMD group per (row, query) pair, kGroupThreads / kSimdWidth pairs per threadgroup.
      const size_t perGroup = kGroupThreads / kSimdWidth;
      [encoder dispatchThreadgroups:MTLSizeMake((pairs + perGroup - 1) / perGroup, 1, 1)
              threadsPerThreadgroup:MTLSizeMake(kGroupThreads, 1, 1)];
      [encoder endEncoding];
      if (!Finish(commands, &error)) return;
      std::memcpy(cpu.out, out.contents, pairs * sizeof(float));
    }
  }

  Napi::Value Result(Napi::Env env) { return cpu.Result(env); }
};

struct MetalSearchPassJob {
  SearchPassJob cpu;  // arguments, the merge and the result
  id<MTLBuffer> rows = nil, query = nil, mask = nil;
  std::string error;

  bool Parse(const Napi::CallbackInfo& info) {
    if (!cpu.Parse(info) || !Takes(cpu.matrix)) return false;
    const Matrix& m = cpu.matrix;
    id<MTLDevice> device = Metal().device;
    rows = AcquireMatrix(info, 0, m);
    query = [device newBufferWithBytes:cpu.query length:m.d * sizeof(float) options:MTLResourceStorageModeShared];
    if (cpu.mask != nullptr) {
      mask = [device newBufferWithBytes:cpu.mask length:m.n options:MTLResourceStorageModeShared];
      if (mask == nil) return false;
    }
    return rows != nil && query != nil;
  }

  void Run() {
    @autoreleasepool {
      MetalState& metal = Metal();
      const Matrix& m = cpu.matrix;
      const size_t groups = (m.n + kGroupThreads - 1) / kGroupThreads;
      const uint32_t keep = static_cast<uint32_t>(std::min<size_t>(cpu.k, kGroupThreads));
      id<MTLBuffer> partials = Shared(groups * sizeof(Partial));
      id<MTLBuffer> candidates = Shared(groups * keep * sizeof(Candidate));
      id<MTLBuffer> scores = cpu.wantScores ? Shared(m.n * sizeof(float)) : nil;
      if (partials == nil || candidates == nil || (cpu.wantScores && scores == nil)) {
        return (void)(error = "could not allocate the Metal output buffers");
      }
      const PassParams params{static_cast<uint32_t>(m.n), static_cast<uint32_t>(m.d), static_cast<float>(cpu.tau),
                              keep,                       mask != nil ? 1u : 0u,       cpu.wantScores ? 1u : 0u};
      id<MTLCommandBuffer> commands = [metal.queue commandBuffer];
      id<MTLComputeCommandEncoder> encoder = [commands computeCommandEncoder];
      [encoder setComputePipelineState:m.dtype == Dtype::F16 ? metal.passF16 : metal.passF32];
      [encoder setBuffer:rows offset:0 atIndex:0];
      [encoder setBuffer:query offset:0 atIndex:1];
      [encoder setBuffer:(mask != nil ? mask : query) offset:0 atIndex:2];  // not read without a mask
      [encoder setBuffer:(scores != nil ? scores : partials) offset:0 atIndex:3];  // not written unless wanted
      [encoder setBuffer:partials offset:0 atIndex:4];
      [encoder setBuffer:candidates offset:0 atIndex:5];
      [encoder setBytes:&params length:sizeof(params) atIndex:6];
      [encoder dispatchThreadgroups:MTLSizeMake(groups, 1, 1) threadsPerThreadgroup:MTLSizeMake(kGroupThreads, 1, 1)];
      [encoder endEncoding];
      if (!Finish(commands, &error)) return;

      // Each threadgroup's (max, Σe, Σe·s) merged in double, as the CPU merges its tasks (lse.h).
      LogSumExp total;
      const auto* parts = static_cast<const Partial*>(partials.contents);
      for (size_t g = 0; g < groups; ++g) {
        if (parts[g].nan != 0) total.nan = true;
        else total.Add(parts[g].max, parts[g].sum, parts[g].weighted);
      }
      // Each threadgroup's best `keep`, best first with empty slots last; MergeTopK ranks them as topK does.
      std::vector<std::vector<Entry>> lists(1);
      const auto* found = static_cast<const Candidate*>(candidates.contents);
      for (size_t c = 0; c < groups * keep; ++c) {
        if (found[c].index != kExcluded) lists[0].push_back(Entry{found[c].value, found[c].index});
      }
      if (scores != nil) std::memcpy(cpu.scores, scores.contents, m.n * sizeof(float));
      cpu.Finish(total, lists);
    }
  }

  Napi::Value Result(Napi::Env env) { return cpu.Result(env); }
};

Napi::Value MetalDevice(const Napi::CallbackInfo& info) {
  MetalState& metal = Metal();
  if (metal.device == nil) return info.Env().Null();
  return Napi::String::New(info.Env(), metal.device.name.UTF8String);
}

Napi::Value MetalError(const Napi::CallbackInfo& info) {
  MetalState& metal = Metal();
  if (metal.device != nil) return info.Env().Null();
  return Napi::String::New(info.Env(), metal.error);
}

}  // namespace

void RegisterMetal(Napi::Env env, Napi::Object exports) {
  exports.Set("metalDevice", Napi::Function::New(env, MetalDevice, "metalDevice"));
  exports.Set("metalError", Napi::Function::New(env, MetalError, "metalError"));
  exports.Set("metalScoresAsync", Napi::Function::New(env, RunAsync<MetalScoresJob>, "metalScoresAsync"));
  exports.Set("metalSearchPassAsync", Napi::Function::New(env, RunAsync<MetalSearchPassJob>, "metalSearchPassAsync"));
  exports.Set("pageOffset", Napi::Function::New(env, PageOffset, "pageOffset"));
}

}  // namespace eidos
