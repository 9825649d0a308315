// macOS only: reads the text in a photo with the Vision framework (VNRecognizeTextRequest at the accurate
// recognition level, with language correction), behind the same contract as the portable PP-OCR reader
// (app/ocr/vision-reader.ts turns the result into app/contract/photo-text.ts). The caller decodes the
// photo as displayed (EXIF orientation applied) and passes its 8-bit RGB pixels, so both readers see the
// same image. Runs on libuv's pool (Napi::AsyncWorker), never on the JavaScript thread.
//
// visionReadText(rgb: Uint8Array, width: number, height: number) → Promise<Array<{ text, confidence,
//   quad, words: Array<{ text, confidence, quad }> }>>, each quad eight numbers: the top-left, top-right,
//   bottom-right and bottom-left corners as (x, y) normalised to the image, origin at its lower left
//   (Vision's coordinates; the TypeScript side flips them). Rejects with Vision's error in its message.
#import <CoreGraphics/CoreGraphics.h>
#import <Foundation/Foundation.h>
#import <Vision/Vision.h>

#include <napi.h>

#include <string>
#include <vector>

namespace eidos {
namespace {

struct Quad {
  double points[8];
};

struct Word {
  std::string text;
  double confidence;
  Quad quad;
};

struct Line {
  std::string text;
  double confidence;
  Quad quad;
  std::vector<Word> words;
};

Quad QuadOf(VNRectangleObservation* box) {
  return Quad{{box.topLeft.x, box.topLeft.y, box.topRight.x, box.topRight.y, box.bottomRight.x, box.bottomRight.y,
               box.bottomLeft.x, box.bottomLeft.y}};
}

// Reads into `out`; returns an empty string on success, else the reason.
std::string Read(const uint8_t* rgb, size_t width, size_t height, std::vector<Line>* out) {
  @autoreleasepool {
    CGDataProviderRef provider = CGDataProviderCreateWithData(nullptr, rgb, width * height * 3, nullptr);
    if (provider == nullptr) return "out of memory";
    CGColorSpaceRef srgb = CGColorSpaceCreateWithName(kCGColorSpaceSRGB);
    CGImageRef image = CGImageCreate(width, height, 8, 24, width * 3, srgb,
                                     kCGImageAlphaNone | kCGBitmapByteOrderDefault, provider, nullptr, false,
                                     kCGRenderingIntentDefault);
    CGColorSpaceRelease(srgb);
    CGDataProviderRelease(provider);
    if (image == nullptr) return "could not wrap the pixels as an image";

    VNRecognizeTextRequest* request = [[VNRecognizeTextRequest alloc] init];
    request.recognitionLevel = VNRequestTextRecognitionLevelAccurate;
    request.usesLanguageCorrection = YES;
    request.automaticallyDetectsLanguage = YES;
    VNImageRequestHandler* handler = [[VNImageRequestHandler alloc] initWithCGImage:image options:@{}];
    NSError* error = nil;
    const BOOL ok = [handler performRequests:@[ request ] error:&error];
    CGImageRelease(image);
    if (!ok) {
      return std::string("Vision could not read the text: ") +
             (error != nil ? error.localizedDescription.UTF8String : "unknown error");
    }
    for (VNRecognizedTextObservation* observation in request.results) {
      VNRecognizedText* best = [observation topCandidates:1].firstObject;
      if (best == nil || best.string.length == 0) continue;
      Line line{best.string.UTF8String, best.confidence, QuadOf(observation), {}};
      NSString* string = best.string;
      // A block captures C++ objects as const copies: it appends through a pointer.
      std::vector<Word>* words = &line.words;
      // At the accurate level, the box of a range covers its whole word group (Apple's documentation of
      // boundingBoxForRange:error:), which is what a word's box is here.
      [string enumerateSubstringsInRange:NSMakeRange(0, string.length)
                                 options:NSStringEnumerationByWords
                              usingBlock:^(NSString* word, NSRange range, NSRange, BOOL*) {
                                NSError* boxError = nil;
                                VNRectangleObservation* box = [best boundingBoxForRange:range error:&boxError];
                                if (box == nil || word == nil) return;
                                words->push_back(Word{word.UTF8String, best.confidence, QuadOf(box)});
                              }];
      out->push_back(std::move(line));
    }
    return "";
  }
}

Napi::Array QuadValue(Napi::Env env, const Quad& quad) {
  Napi::Array array = Napi::Array::New(env, 8);
  for (uint32_t i = 0; i < 8; i++) array.Set(i, Napi::Number::New(env, quad.points[i]));
  return array;
}

class ReadWorker : public Napi::AsyncWorker {
 public:
  ReadWorker(Napi::Env env, Napi::Uint8Array rgb, size_t width, size_t height)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), rgbRef_(Napi::Persistent(rgb)),
        rgb_(rgb.Data()), width_(width), height_(height) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    std::string reason = Read(rgb_, width_, height_, &lines_);
    if (!reason.empty()) SetError(reason);
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Array lines = Napi::Array::New(env, lines_.size());
    for (size_t i = 0; i < lines_.size(); i++) {
      const Line& line = lines_[i];
      Napi::Object value = Napi::Object::New(env);
      value.Set("text", Napi::String::New(env, line.text));
      value.Set("confidence", Napi::Number::New(env, line.confidence));
      value.Set("quad", QuadValue(env, line.quad));
      Napi::Array words = Napi::Array::New(env, line.words.size());
      for (size_t j = 0; j < line.words.size(); j++) {
        Napi::Object word = Napi::Object::New(env);
        word.Set("text", Napi::String::New(env, line.words[j].text));
        word.Set("confidence", Napi::Number::New(env, line.words[j].confidence));
        word.Set("quad", QuadValue(env, line.words[j].quad));
        words.Set(static_cast<uint32_t>(j), word);
      }
      value.Set("words", words);
      lines.Set(static_cast<uint32_t>(i), value);
    }
    deferred_.Resolve(lines);
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::Uint8Array> rgbRef_;  // keeps the pixels alive while Execute reads them
  const uint8_t* rgb_;
  size_t width_;
  size_t height_;
  std::vector<Line> lines_;
};

Napi::Value VisionReadText(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsTypedArray() ||
      info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array || !info[1].IsNumber() ||
      !info[2].IsNumber()) {
    Napi::TypeError::New(env, "visionReadText(rgb: Uint8Array, width: number, height: number)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Uint8Array rgb = info[0].As<Napi::Uint8Array>();
  const int64_t width = info[1].As<Napi::Number>().Int64Value();
  const int64_t height = info[2].As<Napi::Number>().Int64Value();
  if (width < 1 || height < 1 || static_cast<uint64_t>(width * height * 3) != rgb.ByteLength()) {
    Napi::RangeError::New(env, "visionReadText: rgb must hold width × height × 3 bytes").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto* worker = new ReadWorker(env, rgb, static_cast<size_t>(width), static_cast<size_t>(height));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace

void RegisterVision(Napi::Env env, Napi::Object exports) {
  exports.Set("visionReadText", Napi::Function::New(env, VisionReadText, "visionReadText"));
}

}  // namespace eidos
