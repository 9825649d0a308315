// macOS only: a video read through AVFoundation, behind the same contract as the portable ffmpeg path
// (app/video/video-decoder.ts; app/video/avfoundation-decoder.ts wraps these two calls):
//
// videoProbe(path) → Promise<{ hasVideo, durationSeconds, width, height, rotation, codec, takenAt? }>
//   AVURLAsset's tracks, duration and creation date, loaded with loadValuesAsynchronouslyForKeys (the
//   synchronous getters are deprecated for Swift only; Objective-C may read them once loaded). rotation is
//   the first video track's preferredTransform as degrees clockwise (0, 90, 180, 270).
// videoFrameAt(path, seconds, width, height) → Promise<{ rgb: Buffer, timeSeconds } | null>
//   AVAssetImageGenerator (generateCGImageAsynchronouslyForTime:completionHandler:, macOS 13+) with the
//   preferred track transform applied and zero time tolerance, drawn into an sRGB context of exactly
//   width × height: 8-bit RGB, three interleaved channels. null past the end of the video.
//
// Both run on libuv's pool (Napi::AsyncWorker): the worker waits on a semaphore while AVFoundation works
// on its own queues, never on the JavaScript thread.
#import <AVFoundation/AVFoundation.h>
#import <CoreGraphics/CoreGraphics.h>
#import <CoreMedia/CoreMedia.h>
#import <Foundation/Foundation.h>

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace eidos {
namespace {

struct Facts {
  bool hasVideo = false;
  double duration = 0;
  double width = 0;
  double height = 0;
  int rotation = 0;
  std::string codec;
  std::string takenAt;
};

AVURLAsset* OpenAsset(const std::string& path) {
  NSURL* url = [NSURL fileURLWithPath:[NSString stringWithUTF8String:path.c_str()]];
  return [AVURLAsset URLAssetWithURL:url options:@{AVURLAssetPreferPreciseDurationAndTimingKey : @YES}];
}

// Loads `keys` of `object` (an asset or a track) and waits; returns an empty string or the failure.
std::string LoadKeys(id<AVAsynchronousKeyValueLoading> object, NSArray<NSString*>* keys) {
  dispatch_semaphore_t done = dispatch_semaphore_create(0);
  [object loadValuesAsynchronouslyForKeys:keys
                        completionHandler:^{
                          dispatch_semaphore_signal(done);
                        }];
  dispatch_semaphore_wait(done, DISPATCH_TIME_FOREVER);
  for (NSString* key in keys) {
    NSError* error = nil;
    if ([object statusOfValueForKey:key error:&error] != AVKeyValueStatusLoaded) {
      return error != nil ? std::string(error.localizedDescription.UTF8String) : "AVFoundation could not read the file";
    }
  }
  return "";
}

std::string FourCC(FourCharCode code) {
  std::string text;
  for (int shift = 24; shift >= 0; shift -= 8) {
    const char c = static_cast<char>((code >> shift) & 0xff);
    if (c != ' ' && c != 0) text.push_back(c);
  }
  return text;
}

std::string Probe(const std::string& path, Facts* out) {
  @autoreleasepool {
    AVURLAsset* asset = OpenAsset(path);
    std::string failed = LoadKeys(asset, @[ @"tracks", @"duration", @"creationDate" ]);
    if (!failed.empty()) return failed;
    out->duration = CMTimeGetSeconds(asset.duration);
    if (!std::isfinite(out->duration)) out->duration = 0;
    NSDate* created = asset.creationDate.dateValue;
    if (created != nil) {
      NSISO8601DateFormatter* format = [[NSISO8601DateFormatter alloc] init];
      out->takenAt = [format stringFromDate:created].UTF8String;
    }
    AVAssetTrack* track = [asset tracksWithMediaType:AVMediaTypeVideo].firstObject;
    if (track == nil) return "";
    failed = LoadKeys(track, @[ @"naturalSize", @"preferredTransform", @"formatDescriptions" ]);
    if (!failed.empty()) return failed;
    out->hasVideo = true;
    out->width = track.naturalSize.width;
    out->height = track.naturalSize.height;
    const CGAffineTransform t = track.preferredTransform;
    // In the track's upper-left-origin coordinates a positive angle turns clockwise: an upright iPhone
    // clip's (0, 1, −1, 0) is 90°.
    const int degrees = static_cast<int>(std::lround(std::atan2(t.b, t.a) * 180.0 / M_PI));
    out->rotation = ((degrees % 360) + 360) % 360;
    out->rotation = (out->rotation + 45) / 90 * 90 % 360;
    id first = track.formatDescriptions.firstObject;
    if (first != nil) out->codec = FourCC(CMFormatDescriptionGetMediaSubType((__bridge CMFormatDescriptionRef)first));
    return "";
  }
}

std::string FrameAt(const std::string& path, double seconds, size_t width, size_t height, std::vector<uint8_t>* rgb,
                    double* actual, bool* past) {
  @autoreleasepool {
    AVURLAsset* asset = OpenAsset(path);
    AVAssetImageGenerator* generator = [AVAssetImageGenerator assetImageGeneratorWithAsset:asset];
    generator.appliesPreferredTrackTransform = YES;
    generator.requestedTimeToleranceBefore = kCMTimeZero;
    generator.requestedTimeToleranceAfter = kCMTimeZero;
    generator.maximumSize = CGSizeMake(width, height);
    __block CGImageRef image = nullptr;
    __block CMTime at = kCMTimeInvalid;
    __block std::string failure;
    dispatch_semaphore_t done = dispatch_semaphore_create(0);
    [generator generateCGImageAsynchronouslyForTime:CMTimeMakeWithSeconds(seconds, 600)
                                  completionHandler:^(CGImageRef generated, CMTime actualTime, NSError* error) {
                                    if (generated != nullptr) {
                                      image = CGImageRetain(generated);
                                      at = actualTime;
                                    } else {
                                      failure = error != nil ? error.localizedDescription.UTF8String : "no frame";
                                    }
                                    dispatch_semaphore_signal(done);
                                  }];
    dispatch_semaphore_wait(done, DISPATCH_TIME_FOREVER);
    if (image == nullptr) {
      *past = seconds > 0;
      return seconds > 0 ? "" : failure;
    }
    CGColorSpaceRef srgb = CGColorSpaceCreateWithName(kCGColorSpaceSRGB);
    std::vector<uint8_t> rgba(width * height * 4);
    CGContextRef context = CGBitmapContextCreate(rgba.data(), width, height, 8, width * 4, srgb,
                                                 kCGImageAlphaNoneSkipLast | kCGBitmapByteOrder32Big);
    CGColorSpaceRelease(srgb);
    if (context == nullptr) {
      CGImageRelease(image);
      return "could not create an sRGB drawing context";
    }
    CGContextSetInterpolationQuality(context, kCGInterpolationHigh);
    CGContextDrawImage(context, CGRectMake(0, 0, width, height), image);
    CGContextRelease(context);
    CGImageRelease(image);
    rgb->resize(width * height * 3);
    for (size_t i = 0, j = 0; i < width * height; i++, j += 4) {
      (*rgb)[i * 3] = rgba[j];
      (*rgb)[i * 3 + 1] = rgba[j + 1];
      (*rgb)[i * 3 + 2] = rgba[j + 2];
    }
    *actual = CMTimeGetSeconds(at);
    return "";
  }
}

class ProbeWorker : public Napi::AsyncWorker {
 public:
  ProbeWorker(Napi::Env env, std::string path)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), path_(std::move(path)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {
    std::string reason = Probe(path_, &facts_);
    if (!reason.empty()) SetError(reason);
  }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object result = Napi::Object::New(env);
    result.Set("hasVideo", Napi::Boolean::New(env, facts_.hasVideo));
    result.Set("durationSeconds", Napi::Number::New(env, facts_.duration));
    result.Set("width", Napi::Number::New(env, facts_.width));
    result.Set("height", Napi::Number::New(env, facts_.height));
    result.Set("rotation", Napi::Number::New(env, facts_.rotation));
    result.Set("codec", Napi::String::New(env, facts_.codec));
    if (!facts_.takenAt.empty()) result.Set("takenAt", Napi::String::New(env, facts_.takenAt));
    deferred_.Resolve(result);
  }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::string path_;
  Facts facts_;
};

class FrameWorker : public Napi::AsyncWorker {
 public:
  FrameWorker(Napi::Env env, std::string path, double seconds, size_t width, size_t height)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), path_(std::move(path)),
        seconds_(seconds), width_(width), height_(height) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override {
    std::string reason = FrameAt(path_, seconds_, width_, height_, &rgb_, &actual_, &past_);
    if (!reason.empty()) SetError(reason);
  }
  void OnOK() override {
    Napi::Env env = Env();
    if (past_) {
      deferred_.Resolve(env.Null());
      return;
    }
    Napi::Object result = Napi::Object::New(env);
    result.Set("rgb", Napi::Buffer<uint8_t>::Copy(env, rgb_.data(), rgb_.size()));
    result.Set("timeSeconds", Napi::Number::New(env, actual_));
    deferred_.Resolve(result);
  }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::string path_;
  double seconds_;
  size_t width_;
  size_t height_;
  std::vector<uint8_t> rgb_;
  double actual_ = 0;
  bool past_ = false;
};

Napi::Value VideoProbe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "videoProbe(path: string)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto* worker = new ProbeWorker(env, info[0].As<Napi::String>().Utf8Value());
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value VideoFrameAt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsString() || !info[1].IsNumber() || !info[2].IsNumber() || !info[3].IsNumber()) {
    Napi::TypeError::New(env, "videoFrameAt(path: string, seconds: number, width: number, height: number)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const double seconds = info[1].As<Napi::Number>().DoubleValue();
  const int64_t width = info[2].As<Napi::Number>().Int64Value();
  const int64_t height = info[3].As<Napi::Number>().Int64Value();
  if (!(seconds >= 0) || width < 2 || height < 2 || width > 8192 || height > 8192) {
    Napi::RangeError::New(env, "videoFrameAt: seconds ≥ 0 and a size of 2..8192 px each way").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto* worker = new FrameWorker(env, info[0].As<Napi::String>().Utf8Value(), seconds, static_cast<size_t>(width),
                                 static_cast<size_t>(height));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace

void RegisterVideoFrames(Napi::Env env, Napi::Object exports) {
  exports.Set("videoProbe", Napi::Function::New(env, VideoProbe));
  exports.Set("videoFrameAt", Napi::Function::New(env, VideoFrameAt));
}

}  // namespace eidos
