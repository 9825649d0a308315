// Bounded top-k selection under the one ranking order all backends share (app/kernels/reference.ts
// `ranksBefore`): larger value first, NaN as −inf, ties to the lower index. Because the order is total,
// per-task selections merged in any order give the same ids as one sequential pass.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace eidos {

struct Entry {
  float value;
  uint32_t index;
};

inline bool RanksBefore(const Entry& a, const Entry& b) {
  const float x = std::isnan(a.value) ? -std::numeric_limits<float>::infinity() : a.value;
  const float y = std::isnan(b.value) ? -std::numeric_limits<float>::infinity() : b.value;
  return x > y || (x == y && a.index < b.index);
}

class TopKHeap {
 public:
  explicit TopKHeap(size_t k) : k_(k) { heap_.reserve(k < 4096 ? k : 4096); }
  void Push(float value, uint32_t index);
  // A value strictly below this cannot enter (−inf until the heap is full): a cheap test before Push.
  float Floor() const {
    return heap_.size() < k_ || k_ == 0 ? -std::numeric_limits<float>::infinity() : heap_.front().value;
  }
  // Sorted best first; empties the heap.
  std::vector<Entry> TakeSorted();

 private:
  size_t k_;
  std::vector<Entry> heap_;  // worst entry at the front
};

// Best-first union of several selections, cut to k.
std::vector<Entry> MergeTopK(std::vector<std::vector<Entry>>& parts, size_t k);

}  // namespace eidos
