// The result every neighbour search returns to JavaScript ({ k, indices, similarities }: each row's k
// neighbours best first): the two typed arrays, made on the JavaScript thread before the job runs (a worker
// thread may not make JavaScript values), written through raw pointers while it runs, handed back after.
#pragma once
#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace eidos {

struct NeighboursOut {
  uint32_t* indices = nullptr;
  float* similarities = nullptr;

  void Allocate(Napi::Env env, size_t rows, size_t k) {
    auto ids = Napi::Uint32Array::New(env, rows * k);
    auto sims = Napi::Float32Array::New(env, rows * k);
    indices = ids.Data();
    similarities = sims.Data();
    indicesArray_ = Napi::Persistent(ids);
    similaritiesArray_ = Napi::Persistent(sims);
  }

  Napi::Object Result(Napi::Env env, size_t k) const {
    Napi::Object result = Napi::Object::New(env);
    result.Set("k", Napi::Number::New(env, static_cast<double>(k)));
    result.Set("indices", indicesArray_.Value());
    result.Set("similarities", similaritiesArray_.Value());
    return result;
  }

 private:
  Napi::Reference<Napi::Uint32Array> indicesArray_;
  Napi::Reference<Napi::Float32Array> similaritiesArray_;
};

}  // namespace eidos
