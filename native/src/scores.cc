// Scores: the batch dot products, the stable log-sum-exp, and the fused search pass (scores, their
// log-sum-exp and the top-k in one read of the matrix), split over the pool by row ranges.
#include <algorithm>
#include <cstring>

#include "args.h"
#include "job.h"
#include "lse.h"
#include "pool.h"
#include "score_jobs.h"

namespace eidos {

namespace {

// Rows scored per inner block: small enough that the block's scores stay in L1.
constexpr size_t kBlock = 256;
// Rows below which a task is not worth a thread.
constexpr size_t kMinRowsPerTask = 2048;

struct LogSumExpJob {
  Keep keep;
  const float* values = nullptr;
  size_t n = 0;
  double scale = 1;
  double lse = 0;

  bool Parse(const Napi::CallbackInfo& info) {
    Args args(info, keep);
    return args.Floats(0, "values", &values, &n) && args.Finite(1, "scale", &scale);
  }
  void Run() {
    Pool& pool = Pool::Get();
    const size_t tasks = pool.TasksFor(n, 65536);
    std::vector<LogSumExp> parts(tasks);
    pool.Run(tasks, [&](size_t t) {
      const size_t begin = TaskBegin(n, tasks, t);
      parts[t].AddBlock(values + begin, TaskBegin(n, tasks, t + 1) - begin, scale);
    });
    LogSumExp total;
    for (const LogSumExp& part : parts) total.Merge(part);
    lse = total.Value();
  }
  Napi::Value Result(Napi::Env env) { return Napi::Number::New(env, lse); }
};

}  // namespace

// The CPU paths of score_jobs.h: the reference for the GPU's, and what every build has.
bool ScoresJob::Parse(const Napi::CallbackInfo& info) {
  Args args(info, keep);
  if (!args.Matrix(0, &matrix) || !args.Count(2, "queries count", &nq) ||
      !args.FloatsShaped(1, "queries", nq, matrix.d, &queries)) {
    return false;
  }
  auto array = Napi::Float32Array::New(info.Env(), nq * matrix.n);
  out = array.Data();
  result = Napi::Persistent(array);
  return true;
}

void ScoresJob::Run() {
  Pool& pool = Pool::Get();
  const size_t n = matrix.n;
  const size_t tasks = pool.TasksFor(n * std::max<size_t>(nq, 1), kMinRowsPerTask);
  pool.Run(tasks, [&](size_t t) {
    const size_t end = TaskBegin(n, tasks, t + 1);
    // Rows outer, queries inner: a block of rows is read from memory once for all queries.
    for (size_t begin = TaskBegin(n, tasks, t); begin < end; begin += kBlock) {
      const size_t stop = std::min(end, begin + kBlock);
      for (size_t q = 0; q < nq; ++q) ScoreRows(matrix, queries + q * matrix.d, begin, stop, out + q * n + begin);
    }
  });
}

bool SearchPassJob::Parse(const Napi::CallbackInfo& info) {
  Args args(info, keep);
  if (!args.Matrix(0, &matrix) || !args.FloatsShaped(1, "query", 1, matrix.d, &query) ||
      !args.Finite(2, "tau", &tau) || !args.Count(3, "k", &k) ||
      !args.Bytes(4, "mask", matrix.n, "n", true, &mask) || !args.Flag(5, "wantScores", &wantScores)) {
    return false;
  }
  if (wantScores) {
    auto array = Napi::Float32Array::New(info.Env(), matrix.n);
    scores = array.Data();
    scoresArray = Napi::Persistent(array);
  }
  return true;
}

void SearchPassJob::Run() {
  Pool& pool = Pool::Get();
  const size_t n = matrix.n;
  const size_t tasks = pool.TasksFor(n, kMinRowsPerTask);
  std::vector<LogSumExp> sums(tasks);
  std::vector<std::vector<Entry>> parts(tasks);
  const float scale = static_cast<float>(tau);
  pool.Run(tasks, [&](size_t t) {
    TopKHeap heap(k);
    float block[kBlock];
    const size_t end = TaskBegin(n, tasks, t + 1);
    for (size_t begin = TaskBegin(n, tasks, t); begin < end; begin += kBlock) {
      const size_t count = std::min(end - begin, kBlock);
      ScoreRows(matrix, query, begin, begin + count, block);
      for (size_t r = 0; r < count; ++r) block[r] *= scale;
      if (scores != nullptr) std::memcpy(scores + begin, block, count * sizeof(float));
      sums[t].AddBlock(block, count, 1.0);
      for (size_t r = 0; r < count; ++r) {
        if (mask == nullptr || mask[begin + r]) heap.Push(block[r], static_cast<uint32_t>(begin + r));
      }
    }
    parts[t] = heap.TakeSorted();
  });
  LogSumExp total;
  for (const LogSumExp& part : sums) total.Merge(part);
  Finish(total, parts);
}

void SearchPassJob::Finish(const LogSumExp& total, std::vector<std::vector<Entry>>& candidates) {
  lse = total.Value();
  entropy = total.Entropy();
  best = MergeTopK(candidates, k);
}

Napi::Value SearchPassJob::Result(Napi::Env env) {
  Napi::Object result = TopKObject(env, best);
  result.Set("lse", Napi::Number::New(env, lse));
  result.Set("entropy", Napi::Number::New(env, entropy));
  if (wantScores) result.Set("scores", scoresArray.Value());
  return result;
}

void RegisterScores(Napi::Env env, Napi::Object exports) {
  exports.Set("scores", Napi::Function::New(env, RunSync<ScoresJob>, "scores"));
  exports.Set("scoresAsync", Napi::Function::New(env, RunAsync<ScoresJob>, "scoresAsync"));
  exports.Set("logSumExp", Napi::Function::New(env, RunSync<LogSumExpJob>, "logSumExp"));
  exports.Set("searchPass", Napi::Function::New(env, RunSync<SearchPassJob>, "searchPass"));
  exports.Set("searchPassAsync", Napi::Function::New(env, RunAsync<SearchPassJob>, "searchPassAsync"));
}

}  // namespace eidos
