// resampleImage: Pillow's antialiased resampling of 8-bit interleaved pixels (BICUBIC: Catmull-Rom,
// a = -0.5; BILINEAR: the triangle; the kernel stretched by the scale when shrinking), the same
// arithmetic in the same order as app/kernels/resample-reference.ts: float32 weights, float32 sums tap by
// tap, along columns and then along rows, each output rounded half up and clamped. The indexer runs it for
// every photo (the model input, the fingerprint's grey pictures) beside the encoder on the same cores, so
// both passes read contiguous rows (the second on a transposed copy) and vectorise.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "args.h"
#include "job.h"

namespace eidos {

namespace {

double Cubic(double x) {
  const double a = -0.5;
  const double t = std::fabs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

double Triangle(double x) { return std::max(0.0, 1 - std::fabs(x)); }

// Pillow's two filters the models' processors name: its BICUBIC (support 2) and BILINEAR (support 1).
struct Filter {
  double (*weight)(double);
  double support;
};
const Filter kBicubic{Cubic, 2};
const Filter kBilinear{Triangle, 1};

struct AxisTaps {
  std::vector<int32_t> first;
  std::vector<int32_t> count;
  std::vector<float> weights;
  size_t stride = 0;
};

// The taps of output positions first … first + count − 1 of an inSize → outSize resize.
AxisTaps TapsOf(size_t inSize, size_t outSize, const Filter& filter, size_t first, size_t count) {
  const double scale = static_cast<double>(inSize) / static_cast<double>(outSize);
  const double stretch = std::max(scale, 1.0);
  const double support = filter.support * stretch;
  AxisTaps taps;
  taps.stride = static_cast<size_t>(std::ceil(support)) * 2 + 1;
  taps.first.resize(count);
  taps.count.resize(count);
  taps.weights.assign(count * taps.stride, 0.0f);
  for (size_t i = 0; i < count; ++i) {
    const double centre = (static_cast<double>(first + i) + 0.5) * scale;
    const int64_t from = std::max<int64_t>(0, static_cast<int64_t>(std::floor(centre - support)));
    const int64_t to = std::min<int64_t>(static_cast<int64_t>(inSize), static_cast<int64_t>(std::ceil(centre + support)));
    float* w = &taps.weights[i * taps.stride];
    double total = 0;
    for (int64_t j = from; j < to; ++j) {
      const double value = filter.weight((static_cast<double>(j) + 0.5 - centre) / stretch);
      w[j - from] = static_cast<float>(value);
      total += value;
    }
    for (int64_t j = 0; j < to - from; ++j) w[j] = static_cast<float>(static_cast<double>(w[j]) / total);
    taps.first[i] = static_cast<int32_t>(from);
    taps.count[i] = static_cast<int32_t>(to - from);
  }
  return taps;
}

// The part of the resized picture that is computed (a model's centre crop): the rest is never needed.
struct Window {
  size_t left = 0, top = 0, width = 0, height = 0;
};

// One pass along columns: each output row is the weighted sum of its taps' rows, `length` values a row,
// accumulated in float32 tap by tap (contiguous rows: the compiler vectorises the inner loop).
template <typename T>
void AlongColumns(const T* src, size_t length, const AxisTaps& taps, size_t outRows, float* out) {
  for (size_t y = 0; y < outRows; ++y) {
    float* acc = out + y * length;
    std::fill(acc, acc + length, 0.0f);
    const float* w = &taps.weights[y * taps.stride];
    for (int32_t k = 0; k < taps.count[y]; ++k) {
      const T* line = src + (static_cast<size_t>(taps.first[y]) + k) * length;
      const float weight = w[k];
      for (size_t i = 0; i < length; ++i) acc[i] += weight * static_cast<float>(line[i]);
    }
  }
}

// rows × cols pixels of `channels` values → cols × rows pixels.
void Transpose(const float* src, size_t rows, size_t cols, size_t channels, float* out) {
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c)
      for (size_t k = 0; k < channels; ++k) out[(c * rows + r) * channels + k] = src[(r * cols + c) * channels + k];
}

// Rounded half up and clamped; truncation is the floor once the value is clamped to be non-negative
// (std::floor is a library call on baseline x86-64, and this runs for every output value).
uint8_t ToByte(float value) {
  const double half = static_cast<double>(value) + 0.5;
  if (half <= 0) return 0;
  if (half >= 255) return 255;
  return static_cast<uint8_t>(static_cast<int>(half));
}

// Along columns, then (transposed, so that this pass reads contiguous rows too) along rows; only the
// window's output rows and columns.
void Resample(const uint8_t* src, size_t width, size_t height, size_t channels, size_t outWidth, size_t outHeight,
              const Filter& filter, const Window& window, uint8_t* out) {
  const size_t w = window.width, h = window.height;
  std::vector<float> columns(h * width * channels);
  AlongColumns(src, width * channels, TapsOf(height, outHeight, filter, window.top, h), h, columns.data());
  std::vector<float> turned(columns.size());
  Transpose(columns.data(), h, width, channels, turned.data());
  std::vector<float> rows(w * h * channels);
  AlongColumns(turned.data(), h * channels, TapsOf(width, outWidth, filter, window.left, w), w, rows.data());
  // rows holds w × h pixels: turned back while rounding.
  for (size_t y = 0; y < h; ++y)
    for (size_t x = 0; x < w; ++x)
      for (size_t k = 0; k < channels; ++k) out[(y * w + x) * channels + k] = ToByte(rows[(x * h + y) * channels + k]);
}

// window.<name> of an optional { left, top, width, height }: a non-negative integer.
bool WindowField(const Napi::Object& object, const char* name, Args& args, size_t* out) {
  const Napi::Value value = object.Get(name);
  const double number = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : -1;
  if (!(number >= 0 && number <= 9007199254740991.0 && std::floor(number) == number))
    return args.Fail(std::string("window.") + name + " must be a non-negative integer");
  *out = static_cast<size_t>(number);
  return true;
}

struct ResampleJob {
  Keep keep;
  const uint8_t* src = nullptr;
  size_t width = 0, height = 0, channels = 0, outWidth = 0, outHeight = 0;
  const Filter* filter = &kBicubic;
  Window window;
  uint8_t* dst = nullptr;
  Napi::Reference<Napi::Uint8Array> out;

  bool Parse(const Napi::CallbackInfo& info) {
    Args args(info, keep);
    const char* names[] = {"width", "height", "channels", "outWidth", "outHeight"};
    size_t* values[] = {&width, &height, &channels, &outWidth, &outHeight};
    for (size_t i = 0; i < 5; ++i) {
      if (!args.Count(i + 1, names[i], values[i])) return false;
      if (*values[i] < 1) return args.Fail(std::string(names[i]) + " must be a positive integer, got 0");
    }
    if (channels > 4) return args.Fail("channels must be between 1 and 4, got " + std::to_string(channels));
    const std::string name = info[6].IsString() ? info[6].As<Napi::String>().Utf8Value() : "";
    if (name == "bilinear") {
      filter = &kBilinear;
    } else if (name != "bicubic") {
      return args.Fail("filter must be 'bicubic' or 'bilinear'");
    }
    window = Window{0, 0, outWidth, outHeight};
    if (!info[7].IsUndefined()) {
      if (!info[7].IsObject()) return args.Fail("window must be { left, top, width, height }");
      const Napi::Object object = info[7].As<Napi::Object>();
      if (!WindowField(object, "left", args, &window.left) || !WindowField(object, "top", args, &window.top) ||
          !WindowField(object, "width", args, &window.width) || !WindowField(object, "height", args, &window.height))
        return false;
      if (window.width < 1 || window.height < 1 || window.left + window.width > outWidth ||
          window.top + window.height > outHeight)
        return args.Fail("window must be a non-empty part of the outWidth×outHeight picture");
    }
    // Bytes() words a wrong length as "must hold <shape> = N values".
    if (!args.Bytes(0, "src", width * height * channels, "width×height×channels", false, &src)) return false;
    auto array = Napi::Uint8Array::New(info.Env(), window.width * window.height * channels);
    dst = array.Data();
    out = Napi::Persistent(array);
    return true;
  }
  void Run() { Resample(src, width, height, channels, outWidth, outHeight, *filter, window, dst); }
  Napi::Value Result(Napi::Env) { return out.Value(); }
};

}  // namespace

void RegisterResample(Napi::Env env, Napi::Object exports) {
  exports.Set("resampleImage", Napi::Function::New(env, RunSync<ResampleJob>, "resampleImage"));
}

}  // namespace eidos
