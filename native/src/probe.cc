// The memory-bandwidth limit for the benchmark (test/bench/search.ts): one multi-threaded pass that only
// reads a buffer (sums its 64-bit words), the least work any scorer over the same bytes can do.
#include <cstring>

#include "args.h"
#include "job.h"
#include "pool.h"

namespace eidos {

namespace {

struct ReadAllJob {
  Keep keep;
  const uint8_t* bytes = nullptr;
  size_t length = 0;
  uint64_t total = 0;

  bool Parse(const Napi::CallbackInfo& info) {
    if (!info[0].IsTypedArray()) {
      Napi::TypeError::New(info.Env(), "readAll(array) needs a typed array").ThrowAsJavaScriptException();
      return false;
    }
    const Napi::TypedArray array = info[0].As<Napi::TypedArray>();
    keep.push_back(Napi::Persistent(info[0]));
    bytes = static_cast<const uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
    length = array.ByteLength();
    return true;
  }
  void Run() {
    Pool& pool = Pool::Get();
    const size_t words = length / 8;
    const size_t tasks = pool.TasksFor(words, 1 << 16);
    std::vector<uint64_t> sums(tasks);
    pool.Run(tasks, [&](size_t t) {
      uint64_t acc[8] = {};
      size_t w = TaskBegin(words, tasks, t);
      const size_t end = TaskBegin(words, tasks, t + 1);
      for (; w + 8 <= end; w += 8) {
        for (size_t l = 0; l < 8; ++l) {
          uint64_t word;
          std::memcpy(&word, bytes + (w + l) * 8, 8);
          acc[l] += word;
        }
      }
      for (; w < end; ++w) {
        uint64_t word;
        std::memcpy(&word, bytes + w * 8, 8);
        acc[0] += word;
      }
      for (uint64_t a : acc) sums[t] += a;
    });
    for (uint64_t s : sums) total += s;
  }
  // The sum itself is meaningless; returning it keeps the reads from being optimised away.
  Napi::Value Result(Napi::Env env) { return Napi::Number::New(env, static_cast<double>(total & 0xffff)); }
};

}  // namespace

void RegisterProbe(Napi::Env env, Napi::Object exports) {
  exports.Set("readAll", Napi::Function::New(env, RunSync<ReadAllJob>, "readAll"));
}

}  // namespace eidos
