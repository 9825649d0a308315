#include "metal_state.h"

#import <Foundation/Foundation.h>

#include "scores_metal_source.h"  // generated from scores.metal by binding.gyp

namespace eidos {

namespace {

id<MTLComputePipelineState> Pipeline(id<MTLDevice> device, id<MTLLibrary> library, NSString* name,
                                     std::string* error) {
  NSError* failure = nil;
  id<MTLFunction> function = [library newFunctionWithName:name];
  id<MTLComputePipelineState> pipeline =
      function == nil ? nil : [device newComputePipelineStateWithFunction:function error:&failure];
  if (pipeline == nil) {
    *error = std::string("could not build the Metal pipeline ") + name.UTF8String +
             (failure ? std::string(": ") + failure.localizedDescription.UTF8String : std::string());
    return nil;
  }
  // The kernels size their threadgroup arrays and SIMD strides for these (scores.metal).
  if (pipeline.maxTotalThreadsPerThreadgroup < kGroupThreads || pipeline.threadExecutionWidth != kSimdWidth) {
    *error = std::string("the Metal pipeline ") + name.UTF8String + " allows " +
             std::to_string(pipeline.maxTotalThreadsPerThreadgroup) + " threads per threadgroup at SIMD width " +
             std::to_string(pipeline.threadExecutionWidth) + "; the kernels need " + std::to_string(kGroupThreads) +
             " at " + std::to_string(kSimdWidth);
    return nil;
  }
  return pipeline;
}

MetalState* Build() {
  auto* state = new MetalState();
  @autoreleasepool {
    id<MTLDevice> device = MTLCreateSystemDefaultDevice();
    if (device == nil) return (state->error = "no Metal device", state);
    MTLCompileOptions* options = [[MTLCompileOptions alloc] init];
    // IEEE NaN and ±∞ as on the CPU path: the ranking order and the log-sum-exp depend on them. (Its
    // successor, mathMode = MTLMathModeSafe, exists only from the macOS 15 SDK; this sets the same mode.)
    options.fastMathEnabled = NO;
    NSError* failure = nil;
    id<MTLLibrary> library = [device newLibraryWithSource:@(kScoresMetalSource) options:options error:&failure];
    if (library == nil) {
      state->error = std::string("could not compile the Metal kernels: ") +
                     (failure ? failure.localizedDescription.UTF8String : "unknown error");
      return state;
    }
    std::string error;
    state->scoresF32 = Pipeline(device, library, @"scores_f32", &error);
    state->scoresF16 = Pipeline(device, library, @"scores_f16", &error);
    state->passF32 = Pipeline(device, library, @"search_pass_f32", &error);
    state->passF16 = Pipeline(device, library, @"search_pass_f16", &error);
    if (!error.empty()) return (state->error = error, state);
    state->queue = [device newCommandQueue];
    if (state->queue == nil) return (state->error = "could not create a Metal command queue", state);
    state->device = device;
  }
  return state;
}

}  // namespace

MetalState& Metal() {
  static MetalState* state = Build();  // leaked on purpose: GPU objects must outlive every pending job
  return *state;
}

}  // namespace eidos
