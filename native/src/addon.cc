// Entry point of the eidos_native addon: registers each area's bindings (one file per area) and a
// status call. The only JS file that loads this is app/kernels/index.ts, which declares its types.
#include <napi.h>

#include "pool.h"
#include "simd.h"

namespace eidos {
void RegisterScores(Napi::Env env, Napi::Object exports);
void RegisterTopK(Napi::Env env, Napi::Object exports);
void RegisterKnn(Napi::Env env, Napi::Object exports);
void RegisterNnDescent(Napi::Env env, Napi::Object exports);
void RegisterInvertedFile(Napi::Env env, Napi::Object exports);
void RegisterUmap(Napi::Env env, Napi::Object exports);
void RegisterPrior(Napi::Env env, Napi::Object exports);
void RegisterMi(Napi::Env env, Napi::Object exports);
void RegisterConvert(Napi::Env env, Napi::Object exports);
void RegisterResample(Napi::Env env, Napi::Object exports);
void RegisterProbe(Napi::Env env, Napi::Object exports);
void RegisterFileLock(Napi::Env env, Napi::Object exports);
void RegisterMemory(Napi::Env env, Napi::Object exports);
#ifdef EIDOS_METAL
void RegisterMetal(Napi::Env env, Napi::Object exports);
#endif
#ifdef EIDOS_IMAGEIO
void RegisterImageio(Napi::Env env, Napi::Object exports);
#endif
#ifdef EIDOS_AVFOUNDATION
void RegisterVideoFrames(Napi::Env env, Napi::Object exports);
#endif
#ifdef EIDOS_VISION
void RegisterVision(Napi::Env env, Napi::Object exports);
#endif
}  // namespace eidos

namespace {

Napi::Value Status(const Napi::CallbackInfo& info) {
  Napi::Object status = Napi::Object::New(info.Env());
  status.Set("threads", eidos::Pool::Get().Threads());
  status.Set("isa", eidos::ActiveIsa());
  return status;
}

// Test hook: run the portable loops even where AVX2 exists, to hold them to the reference too.
Napi::Value SetPortable(const Napi::CallbackInfo& info) {
  if (!info[0].IsBoolean()) {
    Napi::TypeError::New(info.Env(), "setPortable(on) needs a boolean").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  eidos::ForcePortable(info[0].As<Napi::Boolean>().Value());
  return Napi::String::New(info.Env(), eidos::ActiveIsa());
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  eidos::RegisterScores(env, exports);
  eidos::RegisterTopK(env, exports);
  eidos::RegisterKnn(env, exports);
  eidos::RegisterNnDescent(env, exports);
  eidos::RegisterInvertedFile(env, exports);
  eidos::RegisterUmap(env, exports);
  eidos::RegisterPrior(env, exports);
  eidos::RegisterMi(env, exports);
  eidos::RegisterConvert(env, exports);
  eidos::RegisterResample(env, exports);
  eidos::RegisterProbe(env, exports);
  eidos::RegisterFileLock(env, exports);
  eidos::RegisterMemory(env, exports);
#ifdef EIDOS_METAL
  eidos::RegisterMetal(env, exports);
#endif
#ifdef EIDOS_IMAGEIO
  eidos::RegisterImageio(env, exports);
#endif
#ifdef EIDOS_AVFOUNDATION
  eidos::RegisterVideoFrames(env, exports);
#endif
#ifdef EIDOS_VISION
  eidos::RegisterVision(env, exports);
#endif
  exports.Set("status", Napi::Function::New(env, Status, "status"));
  exports.Set("setPortable", Napi::Function::New(env, SetPortable, "setPortable"));
  return exports;
}

}  // namespace

NODE_API_MODULE(eidos_native, Init)
