#include "metal_buffer.h"

#include <unistd.h>

#include <cstdint>

#include "metal_state.h"

namespace eidos {

namespace {

constexpr size_t kCachedBytes = size_t(1) << 20;

struct CachedMatrix {
  napi_env env = nullptr;                    // the JS environment (thread) the reference belongs to
  Napi::Reference<Napi::ArrayBuffer> owner;  // strong: the memory a no-copy buffer wraps stays allocated
  const void* data = nullptr;
  size_t bytes = 0;
  id<MTLBuffer> buffer = nil;
};

// Touched on the owning JS thread only; never destroyed at exit (a reference must not outlive its
// environment's teardown). Another environment (a worker thread) gets buffers for its calls alone.
CachedMatrix* cached = nullptr;

size_t ValueBytes(Dtype dtype) { return dtype == Dtype::F32 ? 4 : dtype == Dtype::F16 ? 2 : 1; }

id<MTLBuffer> Wrap(id<MTLDevice> device, const Napi::TypedArray& rows, const void* data, size_t bytes) {
  const size_t page = static_cast<size_t>(getpagesize());
  const size_t rounded = (bytes + page - 1) / page * page;
  // newBufferWithBytesNoCopy needs a page-aligned pointer and a page-multiple length, all of it ours.
  if (reinterpret_cast<uintptr_t>(data) % page == 0 && rows.ByteOffset() + rounded <= rows.ArrayBuffer().ByteLength()) {
    id<MTLBuffer> buffer = [device newBufferWithBytesNoCopy:const_cast<void*>(data)
                                                     length:rounded
                                                    options:MTLResourceStorageModeShared
                                                deallocator:nil];
    if (buffer != nil) return buffer;
  }
  return [device newBufferWithBytes:data length:bytes options:MTLResourceStorageModeShared];
}

}  // namespace

id<MTLBuffer> AcquireMatrix(const Napi::CallbackInfo& info, size_t index, const Matrix& matrix) {
  const size_t bytes = matrix.n * matrix.d * ValueBytes(matrix.dtype);
  MetalState& metal = Metal();
  if (metal.device == nil || bytes == 0) return nil;
  const Napi::TypedArray rows = info[index].As<Napi::Object>().Get("data").As<Napi::TypedArray>();
  const Napi::ArrayBuffer owner = rows.ArrayBuffer();
  const bool ours = cached == nullptr || cached->env == static_cast<napi_env>(info.Env());
  if (ours && cached != nullptr && cached->data == matrix.data && cached->bytes == bytes &&
      cached->owner.Value().StrictEquals(owner)) {
    return cached->buffer;
  }
  id<MTLBuffer> buffer = Wrap(metal.device, rows, matrix.data, bytes);
  if (buffer != nil && bytes >= kCachedBytes && ours) {
    // The previous large matrix goes (a job still using it holds its own references to buffer and rows).
    delete cached;
    cached = new CachedMatrix();
    cached->env = info.Env();
    cached->owner = Napi::Persistent(owner);
    cached->data = matrix.data;
    cached->bytes = bytes;
    cached->buffer = buffer;
  }
  return buffer;
}

Napi::Value PageOffset(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArrayBuffer()) {
    Napi::TypeError::New(env, "pageOffset(buffer) needs an ArrayBuffer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const size_t page = static_cast<size_t>(getpagesize());
  const auto address = reinterpret_cast<uintptr_t>(info[0].As<Napi::ArrayBuffer>().Data());
  Napi::Object result = Napi::Object::New(env);
  result.Set("pageBytes", Napi::Number::New(env, static_cast<double>(page)));
  result.Set("offset", Napi::Number::New(env, static_cast<double>(address % page)));
  return result;
}

}  // namespace eidos
