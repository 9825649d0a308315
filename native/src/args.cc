#include "args.h"

#include <cmath>
#include <sstream>

namespace eidos {

namespace {
std::string NumberText(const Napi::Value& value) {
  return value.IsUndefined() ? "undefined" : value.ToString().Utf8Value();
}
bool ReadCount(const Napi::Value& value, size_t* out) {
  if (!value.IsNumber()) return false;
  const double number = value.As<Napi::Number>().DoubleValue();
  if (!(number >= 0) || number > 9007199254740991.0 || std::floor(number) != number) return false;
  *out = static_cast<size_t>(number);
  return true;
}
}  // namespace

bool Args::Fail(const std::string& message) {
  Napi::TypeError::New(info_.Env(), message).ThrowAsJavaScriptException();
  return false;
}

bool Args::Count(size_t index, const char* name, size_t* out) {
  if (ReadCount(info_[index], out)) return true;
  return Fail(std::string(name) + " must be a non-negative integer, got " + NumberText(info_[index]));
}

bool Args::Finite(size_t index, const char* name, double* out) {
  const Napi::Value value = info_[index];
  if (value.IsNumber() && std::isfinite(value.As<Napi::Number>().DoubleValue())) {
    *out = value.As<Napi::Number>().DoubleValue();
    return true;
  }
  return Fail(std::string(name) + " must be a finite number, got " + NumberText(value));
}

bool Args::Flag(size_t index, const char* name, bool* out) {
  const Napi::Value value = info_[index];
  if (value.IsUndefined()) return (*out = false), true;
  if (!value.IsBoolean()) return Fail(std::string(name) + " must be a boolean");
  *out = value.As<Napi::Boolean>().Value();
  return true;
}

bool Args::TypedArray(size_t index, const char* name, napi_typedarray_type type, const char* typeName,
                      Napi::TypedArray* out) {
  const Napi::Value value = info_[index];
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != type) {
    return Fail(std::string(name) + " must be a " + typeName);
  }
  *out = value.As<Napi::TypedArray>();
  keep_.push_back(Napi::Persistent(value));
  return true;
}

static bool LengthIs(Args& args, const char* name, size_t length, size_t expected, const std::string& shape) {
  if (length == expected) return true;
  std::ostringstream message;
  message << name << " must hold " << shape << " = " << expected << " values, got " << length;
  return args.Fail(message.str());
}

bool Args::Floats(size_t index, const char* name, const float** data, size_t* count) {
  Napi::TypedArray array;
  if (!TypedArray(index, name, napi_float32_array, "Float32Array", &array)) return false;
  *data = array.As<Napi::Float32Array>().Data();
  *count = array.ElementLength();
  return true;
}

bool Args::FloatsShaped(size_t index, const char* name, size_t rows, size_t cols, const float** data) {
  size_t count;
  if (!Floats(index, name, data, &count)) return false;
  return LengthIs(*this, name, count, rows * cols, std::to_string(rows) + "×" + std::to_string(cols));
}

bool Args::Halves(size_t index, const char* name, const uint16_t** data, size_t* count) {
  Napi::TypedArray array;
  if (!TypedArray(index, name, napi_uint16_array, "Uint16Array", &array)) return false;
  *data = array.As<Napi::Uint16Array>().Data();
  *count = array.ElementLength();
  return true;
}

bool Args::Bytes(size_t index, const char* name, size_t count, const char* shape, bool optional,
                 const uint8_t** data) {
  if (optional && info_[index].IsUndefined()) return (*data = nullptr), true;
  Napi::TypedArray array;
  if (!TypedArray(index, name, napi_uint8_array, "Uint8Array", &array)) return false;
  *data = array.As<Napi::Uint8Array>().Data();
  return LengthIs(*this, name, array.ElementLength(), count, shape);
}

bool Args::Doubles(size_t index, const char* name, size_t count, bool optional, const double** data) {
  if (optional && info_[index].IsUndefined()) return (*data = nullptr), true;
  Napi::TypedArray array;
  if (!TypedArray(index, name, napi_float64_array, "Float64Array (from bankLogSumExp)", &array)) return false;
  *data = array.As<Napi::Float64Array>().Data();
  return LengthIs(*this, name, array.ElementLength(), count, "nb");
}

bool Args::Matrix(size_t index, eidos::Matrix* out) {
  const Napi::Value value = info_[index];
  if (!value.IsObject()) return Fail("matrix must be an object { dtype, data, n, d, scales? }");
  const Napi::Object object = value.As<Napi::Object>();
  if (!ReadCount(object.Get("n"), &out->n)) {
    return Fail("matrix.n must be a non-negative integer, got " + NumberText(object.Get("n")));
  }
  if (!ReadCount(object.Get("d"), &out->d)) {
    return Fail("matrix.d must be a non-negative integer, got " + NumberText(object.Get("d")));
  }
  if (out->d == 0) return Fail("matrix.d must be at least 1");
  const Napi::Value dtype = object.Get("dtype");
  const std::string name = dtype.IsString() ? dtype.As<Napi::String>().Utf8Value() : NumberText(dtype);
  struct Kind {
    const char* name;
    Dtype dtype;
    napi_typedarray_type type;
    const char* typeName;
  };
  static const Kind kinds[] = {{"f32", Dtype::F32, napi_float32_array, "Float32Array"},
                               {"f16", Dtype::F16, napi_uint16_array, "Uint16Array"},
                               {"i8", Dtype::I8, napi_int8_array, "Int8Array"}};
  const Kind* kind = nullptr;
  for (const Kind& candidate : kinds) {
    if (dtype.IsString() && name == candidate.name) kind = &candidate;
  }
  if (kind == nullptr) return Fail("matrix.dtype must be 'f32', 'f16' or 'i8', got '" + name + "'");
  const Napi::Value data = object.Get("data");
  if (!data.IsTypedArray() || data.As<Napi::TypedArray>().TypedArrayType() != kind->type) {
    return Fail(std::string("matrix.data must be a ") + kind->typeName + " for dtype '" + kind->name + "'");
  }
  keep_.push_back(Napi::Persistent(data));
  const Napi::TypedArray array = data.As<Napi::TypedArray>();
  if (!LengthIs(*this, "matrix.data", array.ElementLength(), out->n * out->d, "n×d")) return false;
  out->dtype = kind->dtype;
  out->data = static_cast<const uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
  out->scales = nullptr;
  if (kind->dtype == Dtype::I8) {
    const Napi::Value scales = object.Get("scales");
    if (!scales.IsTypedArray() || scales.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
      return Fail("matrix.scales must be a Float32Array for dtype 'i8'");
    }
    keep_.push_back(Napi::Persistent(scales));
    const Napi::Float32Array floats = scales.As<Napi::Float32Array>();
    if (!LengthIs(*this, "matrix.scales", floats.ElementLength(), out->n, "n")) return false;
    out->scales = floats.Data();
  }
  return true;
}

}  // namespace eidos
