// A long job's progress and cancellation, shared with JavaScript through an Int32Array the caller passes
// (usually on a SharedArrayBuffer, so another thread can read it while the job runs):
//   [0] cancel: the caller sets it to 1 to stop the job at its next step;
//   [1] phase, [2] steps done, [3] steps in the phase: written by the job as it goes.
// GCC/Clang atomic builtins (the toolchains binding.gyp builds with), so a reader never sees a torn value.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace eidos {

class Progress {
 public:
  // Reads the optional control array at info[index]; false (and a pending TypeError) when it is not one.
  bool Parse(const Napi::CallbackInfo& info, size_t index, std::vector<Napi::Reference<Napi::Value>>& keep) {
    const Napi::Value value = info[index];
    if (value.IsUndefined()) return true;
    if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
        value.As<Napi::TypedArray>().ElementLength() < 4) {
      Napi::TypeError::New(info.Env(), "control must be an Int32Array of at least 4 values")
          .ThrowAsJavaScriptException();
      return false;
    }
    control_ = value.As<Napi::Int32Array>().Data();
    keep.push_back(Napi::Persistent(value));
    return true;
  }
  bool Cancelled() const { return control_ != nullptr && __atomic_load_n(&control_[0], __ATOMIC_RELAXED) != 0; }
  void Report(int32_t phase, size_t done, size_t total) const {
    if (control_ == nullptr) return;
    __atomic_store_n(&control_[3], static_cast<int32_t>(total), __ATOMIC_RELAXED);
    __atomic_store_n(&control_[2], static_cast<int32_t>(done), __ATOMIC_RELAXED);
    __atomic_store_n(&control_[1], phase, __ATOMIC_RELAXED);
  }

 private:
  int32_t* control_ = nullptr;
};

// Counter-based random numbers: a 32-bit hash of (seed, a, b, c), the same in app/kernels/reference.ts
// (written with Math.imul there), so every draw depends only on what it is for, never on which thread
// draws it or in what order.
inline uint32_t Mix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}
// Draw in two steps for many c with the same (seed, a, b): DrawPrefix once, then DrawFrom for each c
// (the same values as Draw, a quarter of the work per draw).
inline uint32_t DrawPrefix(uint32_t seed, uint32_t a, uint32_t b) {
  uint32_t h = Mix32(seed ^ 0x9e3779b9u);
  h = Mix32(h ^ a);
  return Mix32((h + 0x7f4a7c15u) ^ b);
}
inline uint32_t DrawFrom(uint32_t prefix, uint32_t c) { return Mix32((prefix + 0x2545f491u) ^ c); }
inline uint32_t Draw(uint32_t seed, uint32_t a, uint32_t b, uint32_t c) { return DrawFrom(DrawPrefix(seed, a, b), c); }

}  // namespace eidos
