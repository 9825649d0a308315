// macOS only: decodes any image the OS knows (HEIC with the hardware HEVC decoder, RAW, JPEG, …) through
// ImageIO, shrunk while decoding to a maximum pixel size, turned by its orientation (EXIF, or the HEIF
// container's irot/imir), colour-converted to sRGB and flattened onto white: the same output contract as
// the portable path (app/image/decode.ts: 8-bit sRGB, three interleaved channels). Runs on libuv's pool
// (Napi::AsyncWorker), never on the JavaScript thread. Properties and pixels both come from the primary
// image (CGImageSourceGetPrimaryImageIndex), and ImageIO reads the caller's bytes without a copy.
//
// imageioDecode(bytes: Uint8Array, maxPixelSize: number) → Promise<{ data: Uint8Array, width, height,
//   fullWidth, fullHeight }>; rejects with the ImageIO failure in its message.
#import <CoreGraphics/CoreGraphics.h>
#import <Foundation/Foundation.h>
#import <ImageIO/ImageIO.h>

#include <napi.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace eidos {
namespace {

struct Decoded {
  std::vector<uint8_t> rgb;
  size_t width = 0;
  size_t height = 0;
  size_t fullWidth = 0;
  size_t fullHeight = 0;
};

// Displayed size of image `index` (orientation applied) from its properties, without decoding pixels.
bool DisplayedSize(CGImageSourceRef source, size_t index, size_t* width, size_t* height) {
  CFDictionaryRef properties = CGImageSourceCopyPropertiesAtIndex(source, index, nullptr);
  if (properties == nullptr) return false;
  int w = 0, h = 0, orientation = 1;
  CFNumberRef number = nullptr;
  bool ok = CFDictionaryGetValueIfPresent(properties, kCGImagePropertyPixelWidth, (const void**)&number) &&
            CFNumberGetValue(number, kCFNumberIntType, &w) &&
            CFDictionaryGetValueIfPresent(properties, kCGImagePropertyPixelHeight, (const void**)&number) &&
            CFNumberGetValue(number, kCFNumberIntType, &h);
  if (CFDictionaryGetValueIfPresent(properties, kCGImagePropertyOrientation, (const void**)&number)) {
    CFNumberGetValue(number, kCFNumberIntType, &orientation);
  }
  CFRelease(properties);
  if (!ok || w <= 0 || h <= 0) return false;
  const bool swap = orientation >= 5 && orientation <= 8;
  *width = static_cast<size_t>(swap ? h : w);
  *height = static_cast<size_t>(swap ? w : h);
  return true;
}

// Decodes into `out`; returns an empty string on success, else the reason.
std::string Decode(const uint8_t* bytes, size_t length, int maxPixelSize, Decoded* out) {
  @autoreleasepool {
    // The file's bytes as they are, not copied: the caller keeps them alive (and unchanged) until the
    // decode is done, and kCFAllocatorNull tells CoreFoundation the memory is not its to free.
    CFDataRef data =
        CFDataCreateWithBytesNoCopy(kCFAllocatorDefault, bytes, static_cast<CFIndex>(length), kCFAllocatorNull);
    if (data == nullptr) return "out of memory";
    CGImageSourceRef source = CGImageSourceCreateWithData(data, nullptr);
    CFRelease(data);  // the source holds its own reference while it reads
    if (source == nullptr || CGImageSourceGetCount(source) == 0) {
      if (source != nullptr) CFRelease(source);
      return "ImageIO does not recognise the file as an image";
    }
    // The primary image, as the portable path decodes (app/image/heif-decode.ts): a HEIF burst or
    // collection need not list it first. (0 for formats without one.)
    const size_t primary = CGImageSourceGetPrimaryImageIndex(source);
    if (!DisplayedSize(source, primary, &out->fullWidth, &out->fullHeight)) {
      CFRelease(source);
      return "ImageIO finds no image size in the file";
    }
    // Always from the full image (hardware decode, shrunk while decoding), never from a possibly tiny
    // embedded thumbnail; with the orientation applied.
    NSDictionary* options = @{
      (__bridge id)kCGImageSourceCreateThumbnailFromImageAlways : @YES,
      (__bridge id)kCGImageSourceCreateThumbnailWithTransform : @YES,
      (__bridge id)kCGImageSourceShouldCacheImmediately : @YES,
      (__bridge id)kCGImageSourceThumbnailMaxPixelSize : @(maxPixelSize),
    };
    CGImageRef image = CGImageSourceCreateThumbnailAtIndex(source, primary, (__bridge CFDictionaryRef)options);
    CFRelease(source);
    if (image == nullptr) return "ImageIO could not decode the image";
    const size_t width = CGImageGetWidth(image);
    const size_t height = CGImageGetHeight(image);
    CGColorSpaceRef srgb = CGColorSpaceCreateWithName(kCGColorSpaceSRGB);
    std::vector<uint8_t> rgba(width * height * 4);
    CGContextRef context = CGBitmapContextCreate(rgba.data(), width, height, 8, width * 4, srgb,
                                                 kCGImageAlphaPremultipliedLast | kCGBitmapByteOrder32Big);
    CGColorSpaceRelease(srgb);
    if (context == nullptr) {
      CGImageRelease(image);
      return "could not create an sRGB drawing context";
    }
    // White first, then the image drawn over it: alpha is flattened onto white, as on the portable path.
    CGContextSetRGBFillColor(context, 1, 1, 1, 1);
    CGContextFillRect(context, CGRectMake(0, 0, width, height));
    CGContextDrawImage(context, CGRectMake(0, 0, width, height), image);
    CGContextRelease(context);
    CGImageRelease(image);
    out->rgb.resize(width * height * 3);
    for (size_t i = 0, j = 0; i < width * height; i++, j += 4) {
      out->rgb[i * 3] = rgba[j];
      out->rgb[i * 3 + 1] = rgba[j + 1];
      out->rgb[i * 3 + 2] = rgba[j + 2];
    }
    out->width = width;
    out->height = height;
    return "";
  }
}

class DecodeWorker : public Napi::AsyncWorker {
 public:
  DecodeWorker(Napi::Env env, Napi::Uint8Array bytes, int maxPixelSize)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), bytesRef_(Napi::Persistent(bytes)),
        bytes_(bytes.Data()), length_(bytes.ByteLength()), maxPixelSize_(maxPixelSize) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    std::string reason = Decode(bytes_, length_, maxPixelSize_, &decoded_);
    if (!reason.empty()) SetError(reason);
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object result = Napi::Object::New(env);
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, decoded_.rgb.size());
    std::copy(decoded_.rgb.begin(), decoded_.rgb.end(), static_cast<uint8_t*>(buffer.Data()));
    result.Set("data", Napi::Uint8Array::New(env, decoded_.rgb.size(), buffer, 0));
    result.Set("width", Napi::Number::New(env, static_cast<double>(decoded_.width)));
    result.Set("height", Napi::Number::New(env, static_cast<double>(decoded_.height)));
    result.Set("fullWidth", Napi::Number::New(env, static_cast<double>(decoded_.fullWidth)));
    result.Set("fullHeight", Napi::Number::New(env, static_cast<double>(decoded_.fullHeight)));
    deferred_.Resolve(result);
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::Uint8Array> bytesRef_;  // keeps the input alive while Execute reads it
  const uint8_t* bytes_;
  size_t length_;
  int maxPixelSize_;
  Decoded decoded_;
};

Napi::Value ImageioDecode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
      !info[1].IsNumber()) {
    Napi::TypeError::New(env, "imageioDecode(bytes: Uint8Array, maxPixelSize: number)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int maxPixelSize = info[1].As<Napi::Number>().Int32Value();
  if (maxPixelSize < 1) {
    Napi::RangeError::New(env, "imageioDecode: maxPixelSize must be at least 1").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto* worker = new DecodeWorker(env, info[0].As<Napi::Uint8Array>(), maxPixelSize);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace

void RegisterImageio(Napi::Env env, Napi::Object exports) {
  exports.Set("imageioDecode", Napi::Function::New(env, ImageioDecode, "imageioDecode"));
}

}  // namespace eidos
