// The image prior (hubness correction, docs/architecture.md "Scores"): per bank query b the library-wide
// L_b = log Σ_i exp s(b,i), then per row log p̂(i) = log (1/nb) Σ_b exp(s(b,i) − L_b).
#include <algorithm>
#include <cmath>
#include <limits>

#include "args.h"
#include "job.h"
#include "lse.h"
#include "pool.h"

namespace eidos {

namespace {

// Rows per block: the block's rows are reused from cache for every bank query.
constexpr size_t kBlock = 64;

struct BankParts {
  Matrix matrix;
  const float* bank = nullptr;
  size_t nb = 0;
  double tau = 1;

  bool Parse(Args& args) {
    return args.Matrix(0, &matrix) && args.Count(2, "bank count", &nb) &&
           args.FloatsShaped(1, "bank", nb, matrix.d, &bank) && args.Finite(3, "tau", &tau);
  }

  // L_b over this matrix's rows, for every bank query.
  std::vector<double> LogSumExps() const {
    Pool& pool = Pool::Get();
    const size_t tasks = pool.TasksFor(matrix.n * std::max<size_t>(nb, 1), 4096);
    std::vector<std::vector<LogSumExp>> parts(tasks, std::vector<LogSumExp>(nb));
    pool.Run(tasks, [&](size_t t) {
      float scores[kBlock];
      const size_t end = TaskBegin(matrix.n, tasks, t + 1);
      for (size_t begin = TaskBegin(matrix.n, tasks, t); begin < end; begin += kBlock) {
        const size_t stop = std::min(end, begin + kBlock);
        for (size_t b = 0; b < nb; ++b) {
          ScoreRows(matrix, bank + b * matrix.d, begin, stop, scores);
          parts[t][b].AddBlock(scores, stop - begin, tau);
        }
      }
    });
    std::vector<double> lse(nb);
    for (size_t b = 0; b < nb; ++b) {
      LogSumExp total;
      for (const auto& part : parts) total.Merge(part[b]);
      lse[b] = total.Value();
    }
    return lse;
  }
};

struct BankLogSumExpJob {
  Keep keep;
  BankParts parts;
  std::vector<double> lse;

  bool Parse(const Napi::CallbackInfo& info) {
    Args args(info, keep);
    return parts.Parse(args);
  }
  void Run() { lse = parts.LogSumExps(); }
  Napi::Value Result(Napi::Env env) {
    auto out = Napi::Float64Array::New(env, lse.size());
    std::copy(lse.begin(), lse.end(), out.Data());
    return out;
  }
};

struct LogPriorJob {
  Keep keep;
  BankParts parts;
  const double* given = nullptr;  // library-wide L_b, when the caller has them
  float* out = nullptr;
  Napi::Reference<Napi::Float32Array> result;

  bool Parse(const Napi::CallbackInfo& info) {
    Args args(info, keep);
    if (!parts.Parse(args) || !args.Doubles(4, "bankLse", parts.nb, true, &given)) return false;
    auto array = Napi::Float32Array::New(info.Env(), parts.matrix.n);
    out = array.Data();
    result = Napi::Persistent(array);
    return true;
  }
  void Run() {
    const std::vector<double> own = given == nullptr ? parts.LogSumExps() : std::vector<double>();
    const double* lse = given == nullptr ? own.data() : given;
    const Matrix& matrix = parts.matrix;
    const size_t nb = parts.nb;
    const double logNb = std::log(static_cast<double>(nb));
    Pool& pool = Pool::Get();
    const size_t tasks = pool.TasksFor(matrix.n * std::max<size_t>(nb, 1), 4096);
    pool.Run(tasks, [&](size_t t) {
      std::vector<float> scores(nb * kBlock);  // [b][row in block]
      std::vector<float> shifted(nb);
      const size_t end = TaskBegin(matrix.n, tasks, t + 1);
      for (size_t begin = TaskBegin(matrix.n, tasks, t); begin < end; begin += kBlock) {
        const size_t count = std::min(end - begin, kBlock);
        for (size_t b = 0; b < nb; ++b) {
          ScoreRows(matrix, parts.bank + b * matrix.d, begin, begin + count, scores.data() + b * kBlock);
        }
        for (size_t r = 0; r < count; ++r) {
          for (size_t b = 0; b < nb; ++b) {
            shifted[b] = static_cast<float>(parts.tau * scores[b * kBlock + r] - lse[b]);
          }
          LogSumExp sum;
          sum.AddBlock(shifted.data(), nb, 1.0);
          out[begin + r] = static_cast<float>(sum.Value() - logNb);
        }
      }
    });
  }
  Napi::Value Result(Napi::Env) { return result.Value(); }
};

}  // namespace

void RegisterPrior(Napi::Env env, Napi::Object exports) {
  exports.Set("bankLogSumExp", Napi::Function::New(env, RunSync<BankLogSumExpJob>, "bankLogSumExp"));
  exports.Set("logPrior", Napi::Function::New(env, RunSync<LogPriorJob>, "logPrior"));
  exports.Set("logPriorAsync", Napi::Function::New(env, RunAsync<LogPriorJob>, "logPriorAsync"));
}

}  // namespace eidos
