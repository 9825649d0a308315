#include "topk.h"

#include <algorithm>

#include "args.h"
#include "job.h"
#include "pool.h"

namespace eidos {

void TopKHeap::Push(float value, uint32_t index) {
  const Entry entry{value, index};
  // std heap functions keep the "largest" under the comparator at the front: with RanksBefore that is
  // the worst entry, the one to evict.
  if (heap_.size() < k_) {
    heap_.push_back(entry);
    std::push_heap(heap_.begin(), heap_.end(), RanksBefore);
  } else if (k_ > 0 && RanksBefore(entry, heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), RanksBefore);
    heap_.back() = entry;
    std::push_heap(heap_.begin(), heap_.end(), RanksBefore);
  }
}

std::vector<Entry> TopKHeap::TakeSorted() {
  std::sort(heap_.begin(), heap_.end(), RanksBefore);
  return std::move(heap_);
}

std::vector<Entry> MergeTopK(std::vector<std::vector<Entry>>& parts, size_t k) {
  std::vector<Entry> all;
  for (auto& part : parts) all.insert(all.end(), part.begin(), part.end());
  const size_t keep = std::min(k, all.size());
  std::partial_sort(all.begin(), all.begin() + keep, all.end(), RanksBefore);
  all.resize(keep);
  return all;
}

Napi::Object TopKObject(Napi::Env env, const std::vector<Entry>& best) {
  auto indices = Napi::Uint32Array::New(env, best.size());
  auto values = Napi::Float32Array::New(env, best.size());
  for (size_t r = 0; r < best.size(); ++r) {
    indices[r] = best[r].index;
    values[r] = best[r].value;
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("indices", indices);
  result.Set("values", values);
  return result;
}

namespace {

struct TopKJob {
  Keep keep;
  const float* values = nullptr;
  size_t n = 0, k = 0;
  const uint8_t* mask = nullptr;
  std::vector<Entry> best;

  bool Parse(const Napi::CallbackInfo& info) {
    Args args(info, keep);
    return args.Floats(0, "values", &values, &n) && args.Count(1, "k", &k) &&
           args.Bytes(2, "mask", n, "n", true, &mask);
  }
  void Run() {
    Pool& pool = Pool::Get();
    const size_t tasks = pool.TasksFor(n, 65536);
    std::vector<std::vector<Entry>> parts(tasks);
    pool.Run(tasks, [&](size_t t) {
      TopKHeap heap(k);
      for (size_t i = TaskBegin(n, tasks, t); i < TaskBegin(n, tasks, t + 1); ++i) {
        if (mask == nullptr || mask[i]) heap.Push(values[i], static_cast<uint32_t>(i));
      }
      parts[t] = heap.TakeSorted();
    });
    best = MergeTopK(parts, k);
  }
  Napi::Value Result(Napi::Env env) { return TopKObject(env, best); }
};

}  // namespace

void RegisterTopK(Napi::Env env, Napi::Object exports) {
  exports.Set("topK", Napi::Function::New(env, RunSync<TopKJob>, "topK"));
}

}  // namespace eidos
