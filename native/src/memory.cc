// releaseFreedMemory() -> true when the C allocator gave freed memory back to the operating system.
//
// Why: glibc keeps what a thread frees in that thread's malloc arena, and a closed onnxruntime session
// frees hundreds of MB (its weights, its arena's activations) that stay resident in the process: a
// one-shot `eidos index` that releases the vision tower before the text reader and the text tower
// load would otherwise still count the vision tower's pages in its peak RSS. malloc_trim(0) walks
// every arena and returns its free pages (madvise), which costs a few ms once per released tower.
// Elsewhere (macOS's and Windows's allocators return large frees themselves, musl has no trim) it is
// a no-op that returns false.
#include <napi.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace eidos {

namespace {

Napi::Value ReleaseFreedMemory(const Napi::CallbackInfo& info) {
#if defined(__GLIBC__)
  return Napi::Boolean::New(info.Env(), malloc_trim(0) == 1);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

}  // namespace

void RegisterMemory(Napi::Env env, Napi::Object exports) {
  exports.Set("releaseFreedMemory", Napi::Function::New(env, ReleaseFreedMemory, "releaseFreedMemory"));
}

}  // namespace eidos
