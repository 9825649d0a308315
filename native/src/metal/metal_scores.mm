// The Metal score kernel's binding (macOS builds only): metalDevice() names the GPU (or null), and
// metalScores(matrix, queries, nq) computes the same nq×n dot products as scores(), reading the matrix
// in place, or returns null when it cannot (i8 matrix, memory not page-aligned: the caller then uses
// the CPU path). Synchronous: the command buffer is awaited before returning.
#import <Foundation/Foundation.h>
#import <Metal/Metal.h>
#include <napi.h>

#include <cstring>

#include "../args.h"
#include "metal_buffer.h"
#include "scores_metal_source.h"  // generated from scores.metal by binding.gyp

namespace eidos {

namespace {

struct Shape {
  uint32_t n, d, nq;
};

struct MetalState {
  id<MTLDevice> device = nil;
  id<MTLCommandQueue> queue = nil;
  id<MTLComputePipelineState> f32 = nil, f16 = nil;
  std::string error;
};

MetalState& State() {
  static MetalState* state = [] {
    auto* s = new MetalState();
    @autoreleasepool {
      s->device = MTLCreateSystemDefaultDevice();
      if (s->device == nil) return (s->error = "no Metal device", s);
      NSError* error = nil;
      id<MTLLibrary> library = [s->device newLibraryWithSource:@(kScoresMetalSource) options:nil error:&error];
      if (library == nil) return (s->error = error.localizedDescription.UTF8String, s->device = nil, s);
      s->f32 = [s->device newComputePipelineStateWithFunction:[library newFunctionWithName:@"scores_f32"] error:&error];
      s->f16 = [s->device newComputePipelineStateWithFunction:[library newFunctionWithName:@"scores_f16"] error:&error];
      if (s->f32 == nil || s->f16 == nil) return (s->error = "could not build the score pipelines", s->device = nil, s);
      s->queue = [s->device newCommandQueue];
    }
    return s;
  }();
  return *state;
}

Napi::Value MetalDevice(const Napi::CallbackInfo& info) {
  MetalState& state = State();
  if (state.device == nil) return info.Env().Null();
  return Napi::String::New(info.Env(), state.device.name.UTF8String);
}

Napi::Value MetalScores(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Keep keep;
  Args args(info, keep);
  Matrix matrix;
  size_t nq = 0;
  const float* queries = nullptr;
  if (!args.Matrix(0, &matrix) || !args.Count(2, "queries count", &nq) ||
      !args.FloatsShaped(1, "queries", nq, matrix.d, &queries)) {
    return env.Undefined();
  }
  MetalState& state = State();
  if (state.device == nil || matrix.dtype == Dtype::I8 || matrix.n == 0 || nq == 0 || matrix.n > UINT32_MAX ||
      matrix.d > UINT32_MAX || nq > UINT32_MAX) {
    return env.Null();
  }
  // Map the whole ArrayBuffer (page-aligned base, page-multiple length) and address the matrix by offset.
  const Napi::TypedArray data = info[0].As<Napi::Object>().Get("data").As<Napi::TypedArray>();
  Napi::ArrayBuffer buffer = data.ArrayBuffer();
  auto result = Napi::Float32Array::New(env, nq * matrix.n);
  @autoreleasepool {
    id<MTLBuffer> rows = MapNoCopy(state.device, buffer.Data(), buffer.ByteLength());
    if (rows == nil) return env.Null();
    id<MTLBuffer> query = [state.device newBufferWithBytes:queries length:nq * matrix.d * sizeof(float)
                                                   options:MTLResourceStorageModeShared];
    id<MTLBuffer> out = [state.device newBufferWithLength:nq * matrix.n * sizeof(float) options:MTLResourceStorageModeShared];
    const Shape shape{static_cast<uint32_t>(matrix.n), static_cast<uint32_t>(matrix.d), static_cast<uint32_t>(nq)};
    id<MTLComputePipelineState> pipeline = matrix.dtype == Dtype::F16 ? state.f16 : state.f32;
    id<MTLCommandBuffer> commands = [state.queue commandBuffer];
    id<MTLComputeCommandEncoder> encoder = [commands computeCommandEncoder];
    [encoder setComputePipelineState:pipeline];
    [encoder setBuffer:rows offset:data.ByteOffset() atIndex:0];
    [encoder setBuffer:query offset:0 atIndex:1];
    [encoder setBuffer:out offset:0 atIndex:2];
    [encoder setBytes:&shape length:sizeof(shape) atIndex:3];
    const NSUInteger width = pipeline.threadExecutionWidth;
    [encoder dispatchThreads:MTLSizeMake(matrix.n, nq, 1) threadsPerThreadgroup:MTLSizeMake(width, 1, 1)];
    [encoder endEncoding];
    [commands commit];
    [commands waitUntilCompleted];
    if (commands.status != MTLCommandBufferStatusCompleted) {
      Napi::Error::New(env, std::string("Metal scores failed: ") +
                                (commands.error ? commands.error.localizedDescription.UTF8String : "unknown error"))
          .ThrowAsJavaScriptException();
      return env.Undefined();
    }
    std::memcpy(result.Data(), out.contents, nq * matrix.n * sizeof(float));
  }
  return result;
}

}  // namespace

void RegisterMetal(Napi::Env env, Napi::Object exports) {
  exports.Set("metalDevice", Napi::Function::New(env, MetalDevice, "metalDevice"));
  exports.Set("metalScores", Napi::Function::New(env, MetalScores, "metalScores"));
}

}  // namespace eidos
