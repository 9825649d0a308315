// Contingency counts for the per-feature MI explanation (docs/architecture.md "Per-feature MI selection"):
// features are independent, so each feature is one task writing its own slice of the table.
#include <algorithm>
#include <sstream>

#include "args.h"
#include "job.h"
#include "pool.h"

namespace eidos {

namespace {

// The first invalid entry a task met, in the reference's scan order (feature, then sample).
struct BadEntry {
  bool found = false;
  size_t feature = 0, sample = 0;
  unsigned value = 0;
  bool label = false;  // a y value rather than a bin id
};

struct CountJob {
  Keep keep;
  const uint8_t* binned = nullptr;
  const uint8_t* y = nullptr;
  size_t f = 0, n = 0, bins = 0, selected = 0;
  bool pairs = false;  // pairCountTables: joint with feature `selected`
  uint32_t* out = nullptr;
  Napi::Reference<Napi::Uint32Array> result;
  std::vector<BadEntry> bad;

  bool Parse(const Napi::CallbackInfo& info, bool withPairs) {
    Args args(info, keep);
    pairs = withPairs;
    if (!args.Count(1, "f", &f) || !args.Count(2, "n", &n) || !args.Count(4, "bins", &bins)) return false;
    if (bins < 1 || bins > 256) return args.Fail("bins must be an integer in 1…256, got " + std::to_string(bins));
    if (!args.Bytes(0, "binned", f * n, "f×n", false, &binned) || !args.Bytes(3, "y", n, "n", false, &y)) return false;
    if (pairs) {
      const double s = info[5].IsNumber() ? info[5].As<Napi::Number>().DoubleValue() : -1;
      if (!(s >= 0 && s < static_cast<double>(f) && s == static_cast<double>(static_cast<size_t>(s)))) {
        return args.Fail("s must name a feature in 0…" + std::to_string(static_cast<long long>(f) - 1) + ", got " +
                         info[5].ToString().Utf8Value());
      }
      selected = static_cast<size_t>(s);
    }
    const size_t size = f * bins * (pairs ? bins : 1) * 2;
    auto array = Napi::Uint32Array::New(info.Env(), size);
    std::fill(array.Data(), array.Data() + size, 0u);
    out = array.Data();
    result = Napi::Persistent(array);
    return true;
  }

  void CountFeature(size_t feature) {
    const uint8_t* column = binned + feature * n;
    const uint8_t* other = binned + selected * n;
    uint32_t* table = out + feature * bins * (pairs ? bins : 1) * 2;
    BadEntry& first = bad[feature];
    for (size_t i = 0; i < n; ++i) {
      const unsigned bin = column[i], label = y[i];
      if (bin >= bins) return (void)(first = {true, feature, i, bin, false});
      size_t cell = bin;
      if (pairs) {
        if (other[i] >= bins) return (void)(first = {true, selected, i, other[i], false});
        cell = cell * bins + other[i];
      }
      if (label > 1) return (void)(first = {true, feature, i, label, true});
      ++table[cell * 2 + label];
    }
  }

  void Run() {
    bad.assign(f, BadEntry());
    Pool::Get().Run(f, [&](size_t feature) { CountFeature(feature); });
  }

  Napi::Value Result(Napi::Env env) {
    for (const BadEntry& entry : bad) {
      if (!entry.found) continue;
      std::ostringstream message;
      if (entry.label) {
        message << "y[" << entry.sample << "] = " << entry.value << "; labels must be 0 or 1";
      } else {
        message << "binned[" << entry.feature << "×n + " << entry.sample << "] = " << entry.value
                << " is not a bin id below bins = " << bins;
      }
      Napi::TypeError::New(env, message.str()).ThrowAsJavaScriptException();
      return env.Undefined();
    }
    return result.Value();
  }
};

struct CountTablesJob : CountJob {
  bool Parse(const Napi::CallbackInfo& info) { return CountJob::Parse(info, false); }
};
struct PairCountTablesJob : CountJob {
  bool Parse(const Napi::CallbackInfo& info) { return CountJob::Parse(info, true); }
};

}  // namespace

void RegisterMi(Napi::Env env, Napi::Object exports) {
  exports.Set("countTables", Napi::Function::New(env, RunSync<CountTablesJob>, "countTables"));
  exports.Set("pairCountTables", Napi::Function::New(env, RunSync<PairCountTablesJob>, "pairCountTables"));
}

}  // namespace eidos
