// The GPU's bindings (macOS builds only). A call is parsed and encoded on the JS thread (the C++ job's own
// checks, then the Metal buffers), committed, and left: Metal calls the command buffer's completion
// handler on a thread of its own, which reads the results and posts them to the JS thread through the
// environment's mailbox (../js_mailbox.h), where the Promise settles. No thread waits for the GPU — not
// the JS thread, not one of libuv's pool threads, which ImageIO decodes, sharp and file I/O share. A call
// the GPU does not take (not built yet, no device, an i8 matrix, shapes past 32-bit indices) returns
// null, and the caller runs the C++ kernels.
//   metalPrepare() → Promise<{ device, families }>: builds the device and compiles the kernels on a
//     thread of its own (once per process), rejecting with the reason there is no GPU backend;
//   metalScoresAsync(matrix, queries, nq), metalSearchPassAsync(matrix, query, tau, k, mask?, wantScores?);
//   metalMatrixMode(), pageOffset(buffer) (metal_buffer.h).
#import <Foundation/Foundation.h>
#import <Metal/Metal.h>
#include <napi.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <thread>

#include "../env_data.h"
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
  return matrix.dtype != Dtype::I8 && matrix.n > 0 && matrix.n <= kExcluded - kGroupThreads &&
         matrix.d <= std::numeric_limits<uint32_t>::max();
}

id<MTLBuffer> Shared(id<MTLDevice> device, size_t bytes) {
  return [device newBufferWithLength:std::max<size_t>(bytes, 16) options:MTLResourceStorageModeShared];
}

// Each job: Parse (JS thread: arguments and input buffers; false declines or throws), Encode (JS thread:
// output buffers and the command buffer, nil with `error` set when Metal cannot), Collect (Metal's
// completion thread: results out of the output buffers), Result (JS thread).
struct MetalScoresJob {
  ScoresJob cpu;  // arguments and result
  id<MTLBuffer> rows = nil, queries = nil, out = nil;
  std::string error;

  bool Parse(const Napi::CallbackInfo& info, const MetalState& metal) {
    if (!cpu.Parse(info)) return false;
    const Matrix& m = cpu.matrix;
    if (!Takes(m) || cpu.nq == 0 || m.n * cpu.nq > std::numeric_limits<uint32_t>::max()) return false;
    rows = AcquireMatrix(info, 0, m, metal.device);
    queries = [metal.device newBufferWithBytes:cpu.queries
                                        length:cpu.nq * m.d * sizeof(float)
                                       options:MTLResourceStorageModeShared];
    return rows != nil && queries != nil;
  }

  id<MTLCommandBuffer> Encode(const MetalState& metal) {
    const Matrix& m = cpu.matrix;
    out = Shared(metal.device, m.n * cpu.nq * sizeof(float));
    if (out == nil) return (error = "could not allocate the Metal output buffer", nil);
    const Shape shape{static_cast<uint32_t>(m.n), static_cast<uint32_t>(m.d), static_cast<uint32_t>(cpu.nq)};
    id<MTLCommandBuffer> commands = [metal.queue commandBuffer];
    id<MTLComputeCommandEncoder> encoder = [commands computeCommandEncoder];
    [encoder setComputePipelineState:m.dtype == Dtype::F16 ? metal.scoresF16 : metal.scoresF32];
    [encoder setBuffer:rows offset:0 atIndex:0];
    [encoder setBuffer:queries offset:0 atIndex:1];
    [encoder setBuffer:out offset:0 atIndex:2];
    [encoder setBytes:&shape length:sizeof(shape) atIndex:3];
    // One SIMD group per (row, query) pair, kGroupThreads / kSimdWidth pairs per threadgroup.
    const size_t pairs = m.n * cpu.nq;
    const size_t perGroup = kGroupThreads / kSimdWidth;
    [encoder dispatchThreadgroups:MTLSizeMake((pairs + perGroup - 1) / perGroup, 1, 1)
            threadsPerThreadgroup:MTLSizeMake(kGroupThreads, 1, 1)];
    [encoder endEncoding];
    return commands;
  }

  void Collect() { std::memcpy(cpu.out, out.contents, cpu.matrix.n * cpu.nq * sizeof(float)); }

  Napi::Value Result(Napi::Env env) { return cpu.Result(env); }
};

struct MetalSearchPassJob {
  SearchPassJob cpu;  // arguments, the merge and the result
  id<MTLBuffer> rows = nil, query = nil, mask = nil, partials = nil, candidates = nil, scores = nil;
  uint32_t keep = 0;
  std::string error;

  bool Parse(const Napi::CallbackInfo& info, const MetalState& metal) {
    if (!cpu.Parse(info) || !Takes(cpu.matrix)) return false;
    const Matrix& m = cpu.matrix;
    rows = AcquireMatrix(info, 0, m, metal.device);
    query = [metal.device newBufferWithBytes:cpu.query length:m.d * sizeof(float) options:MTLResourceStorageModeShared];
    if (cpu.mask != nullptr) {
      mask = [metal.device newBufferWithBytes:cpu.mask length:m.n options:MTLResourceStorageModeShared];
      if (mask == nil) return false;
    }
    return rows != nil && query != nil;
  }

  id<MTLCommandBuffer> Encode(const MetalState& metal) {
    const Matrix& m = cpu.matrix;
    const size_t groups = (m.n + kGroupThreads - 1) / kGroupThreads;
    keep = static_cast<uint32_t>(std::min<size_t>(cpu.k, kGroupThreads));
    partials = Shared(metal.device, groups * sizeof(Partial));
    candidates = Shared(metal.device, groups * keep * sizeof(Candidate));
    scores = cpu.wantScores ? Shared(metal.device, m.n * sizeof(float)) : nil;
    if (partials == nil || candidates == nil || (cpu.wantScores && scores == nil)) {
      return (error = "could not allocate the Metal output buffers", nil);
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
    return commands;
  }

  void Collect() {
    const Matrix& m = cpu.matrix;
    const size_t groups = (m.n + kGroupThreads - 1) / kGroupThreads;
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

  Napi::Value Result(Napi::Env env) { return cpu.Result(env); }
};

// A committed job and the Promise it settles; owned by the delivery that settles it (JS thread).
template <class Job>
struct GpuCall {
  Job job;
  Napi::Promise::Deferred deferred;
  explicit GpuCall(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
};

// Parses, encodes and commits a call on the JS thread; its completion handler takes it from there.
template <class Job>
Napi::Value Commit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const MetalState* metal = BuiltMetal();
  if (metal == nullptr || metal->device == nil) return env.Null();
  auto call = std::make_unique<GpuCall<Job>>(env);
  // A failed check leaves a JS exception pending; without one the job declined the call: null tells
  // the caller to use the C++ kernels.
  if (!call->job.Parse(info, *metal)) return env.IsExceptionPending() ? env.Undefined() : env.Null();
  std::shared_ptr<JsMailbox> box = EnvData::Of(env).Mailbox(env);
  if (!box) return env.Null();
  id<MTLCommandBuffer> commands = call->job.Encode(*metal);
  Napi::Promise promise = call->deferred.Promise();
  if (commands == nil) {
    call->deferred.Reject(Napi::Error::New(env, call->job.error).Value());
    return promise;
  }
  GpuCall<Job>* pending = call.release();  // from here owned by the delivery below
  box->Expect(env);
  box->BeginBusy();
  [commands addCompletedHandler:^(id<MTLCommandBuffer> done) {
    @autoreleasepool {
      if (done.status == MTLCommandBufferStatusCompleted) {
        pending->job.Collect();
      } else {
        pending->job.error = std::string("the Metal command buffer failed: ") +
                             (done.error ? done.error.localizedDescription.UTF8String : "unknown error");
      }
    }
    box->EndBusyAndPost([pending, box](napi_env raw) {
      std::unique_ptr<GpuCall<Job>> owned(pending);
      Napi::Env env(raw);
      Napi::HandleScope scope(env);
      box->Settled(env);
      if (!owned->job.error.empty()) owned->deferred.Reject(Napi::Error::New(env, owned->job.error).Value());
      else owned->deferred.Resolve(owned->job.Result(env));
    });
  }];
  [commands commit];
  return promise;
}

template <class Job>
Napi::Value RunOnGpu(const Napi::CallbackInfo& info) {
  Napi::Value result;
  @autoreleasepool {  // Objective-C on the JS thread: its temporaries go when the call returns
    result = Commit<Job>(info);
  }
  return result;
}

Napi::Value MetalPrepare(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto deferred = Napi::Promise::Deferred::New(env);
  std::shared_ptr<JsMailbox> box = EnvData::Of(env).Mailbox(env);
  if (!box) {
    deferred.Reject(Napi::Error::New(env, "Node-API could not create a thread-safe function").Value());
    return deferred.Promise();
  }
  box->Expect(env);
  box->BeginBusy();
  // Device creation and shader compilation take a while (the compile most of it): a thread of their own.
  std::thread([box, deferred] {
    const MetalState& metal = BuildMetal();
    box->EndBusyAndPost([box, deferred, &metal](napi_env raw) {
      Napi::Env env(raw);
      Napi::HandleScope scope(env);
      box->Settled(env);
      if (metal.device == nil) {
        deferred.Reject(Napi::Error::New(env, metal.error).Value());
        return;
      }
      Napi::Object ready = Napi::Object::New(env);
      ready.Set("device", metal.name.c_str());
      ready.Set("families", metal.families.c_str());
      deferred.Resolve(ready);
    });
  }).detach();
  return deferred.Promise();
}

}  // namespace

void RegisterMetal(Napi::Env env, Napi::Object exports) {
  exports.Set("metalPrepare", Napi::Function::New(env, MetalPrepare, "metalPrepare"));
  exports.Set("metalScoresAsync", Napi::Function::New(env, RunOnGpu<MetalScoresJob>, "metalScoresAsync"));
  exports.Set("metalSearchPassAsync", Napi::Function::New(env, RunOnGpu<MetalSearchPassJob>, "metalSearchPassAsync"));
  exports.Set("metalMatrixMode", Napi::Function::New(env, MetalMatrixMode, "metalMatrixMode"));
  exports.Set("pageOffset", Napi::Function::New(env, PageOffset, "pageOffset"));
}

}  // namespace eidos
