#include "metal_state.h"

#import <Foundation/Foundation.h>

#include <atomic>

#include "scores_metal_source.h"  // generated from scores.metal by binding.gyp

namespace eidos {

namespace {

std::atomic<const MetalState*> built{nullptr};

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

// The GPU families whose devices run simd_sum and simd_max (SIMD-scoped reductions, which the kernels
// use): Apple7 and later (M1 on), and Mac2. A device in neither — an old GPU, or a virtual machine's
// paravirtual one — is refused before anything is compiled.
std::string QualifyingFamilies(id<MTLDevice> device) {
  std::string families;
  if ([device supportsFamily:MTLGPUFamilyApple7]) families = "Apple7";
  if ([device supportsFamily:MTLGPUFamilyMac2]) families += families.empty() ? "Mac2" : ", Mac2";
  return families;
}

MetalState* Build() {
  auto* state = new MetalState();
  @autoreleasepool {
    id<MTLDevice> device = MTLCreateSystemDefaultDevice();
    if (device == nil) return (state->error = "no Metal device", state);
    state->name = device.name.UTF8String;
    state->families = QualifyingFamilies(device);
    if (state->families.empty()) {
      state->error = "the GPU " + state->name +
                     " is in neither the Apple7 nor the Mac2 Metal family, so it lacks the SIMD-group reductions "
                     "the kernels use";
      return state;
    }
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

const MetalState& BuildMetal() {
  // Leaked on purpose: GPU objects must outlive every pending job. A function-local static is built
  // once even when two environments' start-up threads arrive together.
  static const MetalState* state = [] {
    const MetalState* made = Build();
    built.store(made, std::memory_order_release);
    return made;
  }();
  return *state;
}

const MetalState* BuiltMetal() { return built.load(std::memory_order_acquire); }

}  // namespace eidos
