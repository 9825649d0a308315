// The jobs of the two score bindings the GPU also serves (scores.cc runs them on the CPU threads;
// metal/metal_jobs.mm wraps the same arguments and results around its kernels): the batch scores
// ⟨query_q, row_i⟩, and the fused search pass: s(q,i) = τ·⟨query, row i⟩, their log-sum-exp and softmax
// entropy over all rows, and the top-k of s among the rows the mask allows.
#pragma once
#include <napi.h>

#include <vector>

#include "args.h"
#include "lse.h"
#include "topk.h"

namespace eidos {

Napi::Object TopKObject(Napi::Env env, const std::vector<Entry>& best);

struct ScoresJob {
  Keep keep;
  Matrix matrix;
  const float* queries = nullptr;
  size_t nq = 0;
  float* out = nullptr;  // nq×n, query-major
  Napi::Reference<Napi::Float32Array> result;

  // (matrix, queries, nq) on the JS thread.
  bool Parse(const Napi::CallbackInfo& info);
  void Run();
  Napi::Value Result(Napi::Env) { return result.Value(); }
};

struct SearchPassJob {
  Keep keep;
  Matrix matrix;
  const float* query = nullptr;
  double tau = 1;
  size_t k = 0;
  const uint8_t* mask = nullptr;
  bool wantScores = false;
  float* scores = nullptr;  // n values, when wanted
  Napi::Reference<Napi::Float32Array> scoresArray;
  double lse = 0;
  double entropy = 0;
  std::vector<Entry> best;

  // (matrix, query, tau, k, mask?, wantScores?) on the JS thread.
  bool Parse(const Napi::CallbackInfo& info);
  // The pass on the CPU pool.
  void Run();
  // From the merged log-sum-exp and the candidate lists (each sorted best first, any number of them).
  void Finish(const LogSumExp& total, std::vector<std::vector<Entry>>& candidates);
  Napi::Value Result(Napi::Env env);
};

}  // namespace eidos
