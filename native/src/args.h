// Argument checks for the bindings. Each failure throws a TypeError naming the argument and the rule,
// worded like app/kernels/validate.ts, and returns false. Views point into the JS typed arrays'
// memory; the arrays are kept alive (Keep) until the job is destroyed, which matters for async jobs.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "matrix.h"

namespace eidos {

using Keep = std::vector<Napi::Reference<Napi::Value>>;

class Args {
 public:
  Args(const Napi::CallbackInfo& info, Keep& keep) : info_(info), keep_(keep) {}

  bool Fail(const std::string& message);
  bool Matrix(size_t index, eidos::Matrix* out);
  // A Float32Array of any length.
  bool Floats(size_t index, const char* name, const float** data, size_t* count);
  // A Float32Array of exactly rows×cols values (shape is said as "rows×cols" in the message).
  bool FloatsShaped(size_t index, const char* name, size_t rows, size_t cols, const float** data);
  bool Halves(size_t index, const char* name, const uint16_t** data, size_t* count);
  // A Uint8Array of exactly `count` bytes; when `optional`, undefined gives nullptr.
  bool Bytes(size_t index, const char* name, size_t count, const char* shape, bool optional, const uint8_t** data);
  // A Float64Array of exactly `count` values; when `optional`, undefined gives nullptr.
  bool Doubles(size_t index, const char* name, size_t count, bool optional, const double** data);
  bool Count(size_t index, const char* name, size_t* out);
  bool Finite(size_t index, const char* name, double* out);
  // undefined counts as false.
  bool Flag(size_t index, const char* name, bool* out);

 private:
  bool TypedArray(size_t index, const char* name, napi_typedarray_type type, const char* typeName,
                  Napi::TypedArray* out);
  const Napi::CallbackInfo& info_;
  Keep& keep_;
};

}  // namespace eidos
