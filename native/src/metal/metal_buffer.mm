#include "metal_buffer.h"

#include <unistd.h>

#include <cstdint>
#include <memory>

#include "../env_data.h"

namespace eidos {

namespace {

constexpr size_t kCachedBytes = size_t(1) << 20;

// One environment's matrix state (EnvData::metal): touched on its JS thread only, and destroyed at its
// teardown with the reference it holds.
struct MatrixCache {
  Napi::Reference<Napi::ArrayBuffer> owner;  // strong: the memory a no-copy buffer wraps stays allocated
  const void* data = nullptr;
  size_t bytes = 0;
  id<MTLBuffer> buffer = nil;
  bool bufferWrapped = false;
  const char* lastMode = nullptr;  // "wrapped" | "copied" for the last matrix acquired
};

MatrixCache& CacheOf(Napi::Env env) {
  EnvData& data = EnvData::Of(env);
  if (!data.metal) data.metal = std::make_shared<MatrixCache>();
  return *static_cast<MatrixCache*>(data.metal.get());
}

size_t ValueBytes(Dtype dtype) { return dtype == Dtype::F32 ? 4 : dtype == Dtype::F16 ? 2 : 1; }

id<MTLBuffer> Wrap(id<MTLDevice> device, const Napi::TypedArray& rows, const void* data, size_t bytes,
                   bool* wrapped) {
  const size_t page = static_cast<size_t>(getpagesize());
  const size_t rounded = (bytes + page - 1) / page * page;
  // newBufferWithBytesNoCopy needs a page-aligned pointer and a page-multiple length, all of it ours.
  if (reinterpret_cast<uintptr_t>(data) % page == 0 && rows.ByteOffset() + rounded <= rows.ArrayBuffer().ByteLength()) {
    id<MTLBuffer> buffer = [device newBufferWithBytesNoCopy:const_cast<void*>(data)
                                                     length:rounded
                                                    options:MTLResourceStorageModeShared
                                                deallocator:nil];
    if (buffer != nil) return (*wrapped = true, buffer);
  }
  *wrapped = false;
  return [device newBufferWithBytes:data length:bytes options:MTLResourceStorageModeShared];
}

}  // namespace

id<MTLBuffer> AcquireMatrix(const Napi::CallbackInfo& info, size_t index, const Matrix& matrix, id<MTLDevice> device) {
  const size_t bytes = matrix.n * matrix.d * ValueBytes(matrix.dtype);
  if (device == nil || bytes == 0) return nil;
  const Napi::TypedArray rows = info[index].As<Napi::Object>().Get("data").As<Napi::TypedArray>();
  const Napi::ArrayBuffer owner = rows.ArrayBuffer();
  MatrixCache& cache = CacheOf(info.Env());
  if (cache.buffer != nil && cache.data == matrix.data && cache.bytes == bytes && cache.owner.Value().StrictEquals(owner)) {
    cache.lastMode = cache.bufferWrapped ? "wrapped" : "copied";
    return cache.buffer;
  }
  bool wrapped = false;
  id<MTLBuffer> buffer = Wrap(device, rows, matrix.data, bytes, &wrapped);
  if (buffer == nil) return nil;
  cache.lastMode = wrapped ? "wrapped" : "copied";
  if (bytes >= kCachedBytes) {
    // The previous large matrix goes (a job still using it holds its own references to buffer and rows).
    cache.owner = Napi::Persistent(owner);
    cache.data = matrix.data;
    cache.bytes = bytes;
    cache.buffer = buffer;
    cache.bufferWrapped = wrapped;
  }
  return buffer;
}

Napi::Value MetalMatrixMode(const Napi::CallbackInfo& info) {
  const MatrixCache& cache = CacheOf(info.Env());
  if (cache.lastMode == nullptr) return info.Env().Null();
  return Napi::String::New(info.Env(), cache.lastMode);
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
