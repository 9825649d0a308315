// Inverted-file search (Jégou, Douze, Schmid 2011, §4: the coarse quantiser alone), for placing many
// new photos on a large map (app/map/placement-neighbours.ts) in one threaded call:
//   1. each query probes the `probes` centres with the largest ⟨query, centre⟩;
//   2. every row of the matrix joins the list of its nearest centre (its largest ⟨row, centre⟩), read
//      straight from the matrix a block at a time (f16 decoded per block, never the whole map in f32);
//   3. each list is searched exactly by all the queries that probe it together (the blocked product of
//      knn.cc on the list's rows), a list per task, largest first;
//   4. each query's k best over its lists are merged. A query whose lists hold fewer than k rows in all
//      searches every list instead, so the answer is always k rows.
// Every choice is made under the shared ranking order (topk.h: ties to the lower index) on values that do
// not depend on which thread computed them, and the merge is order-free, so the result is the same on
// any thread count. The contract and the reference: app/kernels/contract.ts `invertedFileSearch`.
#include <algorithm>
#include <numeric>
#include <vector>

#include "args.h"
#include "job.h"
#include "neighbours_out.h"
#include "pool.h"
#include "rows.h"
#include "topk.h"

namespace eidos {

namespace {

constexpr size_t kRowBlock = 128;       // rows decoded and scored together (256 KiB at d=512 in f32)
constexpr size_t kAssignMinRows = 4096;  // rows per assignment task at the least

struct InvertedFileJob {
  Keep keep;
  Matrix matrix;
  size_t k = 0, nq = 0, lists = 0, probes = 0;
  const float* queries = nullptr;
  const float* centres = nullptr;
  NeighboursOut out;

  bool Parse(const Napi::CallbackInfo& info) {
    Args args(info, keep);
    if (!args.Matrix(0, &matrix) || !args.Count(1, "k", &k) || !args.Count(3, "queries count", &nq) ||
        !args.FloatsShaped(2, "queries", nq, matrix.d, &queries) || !args.Count(5, "lists", &lists) ||
        !args.FloatsShaped(4, "centres", lists, matrix.d, &centres) || !args.Count(6, "probes", &probes)) {
      return false;
    }
    if (lists < 1) return args.Fail("lists must be at least 1");
    if (probes < 1 || probes > lists) {
      return args.Fail("probes must be between 1 and the lists (" + std::to_string(lists) + "), got " +
                       std::to_string(probes));
    }
    if (k < 1 || k > matrix.n) {
      return args.Fail("k must be between 1 and the rows (" + std::to_string(matrix.n) + "), got " +
                       std::to_string(k));
    }
    out.Allocate(info.Env(), nq, k);
    return true;
  }

  // A row's true inner product from its decoded dot (i8 rows carry their scale apart).
  float Value(float dot, size_t row) const { return matrix.dtype == Dtype::I8 ? dot * matrix.scales[row] : dot; }

  // probed[q·probes + j]: query q's j-th nearest centre.
  std::vector<uint32_t> Probe() const {
    std::vector<uint32_t> probed(nq * probes);
    std::vector<float> dots(nq * lists);
    Dots(queries, nq, centres, lists, matrix.d, dots.data());
    for (size_t q = 0; q < nq; ++q) {
      TopKHeap heap(probes);
      for (size_t c = 0; c < lists; ++c) heap.Push(dots[q * lists + c], static_cast<uint32_t>(c));
      const std::vector<Entry> best = heap.TakeSorted();
      for (size_t j = 0; j < probes; ++j) probed[q * probes + j] = best[j].index;
    }
    return probed;
  }

  // owner[i]: the list of row i (its nearest centre, ties to the lower).
  std::vector<uint32_t> Assign(Pool& pool) const {
    const size_t n = matrix.n, d = matrix.d;
    std::vector<uint32_t> owner(n);
    const size_t tasks = pool.TasksFor(n, kAssignMinRows);
    pool.Run(tasks, [&](size_t t) {
      const size_t begin = TaskBegin(n, tasks, t), end = TaskBegin(n, tasks, t + 1);
      std::vector<float> rows(kRowBlock * d), dots(kRowBlock * lists);
      for (size_t r0 = begin; r0 < end; r0 += kRowBlock) {
        const size_t r1 = std::min(end, r0 + kRowBlock), nr = r1 - r0;
        DecodeRows(matrix, r0, r1, rows.data());
        Dots(rows.data(), nr, centres, lists, d, dots.data());
        for (size_t r = 0; r < nr; ++r) {
          const float* row = &dots[r * lists];
          Entry best{Value(row[0], r0 + r), 0};
          for (size_t c = 1; c < lists; ++c) {
            const Entry entry{Value(row[c], r0 + r), static_cast<uint32_t>(c)};
            if (RanksBefore(entry, best)) best = entry;
          }
          owner[r0 + r] = best.index;
        }
      }
    });
    return owner;
  }

  // Each list's k best rows for each of its askers: best[list][a] for asker a (askers[list][a]).
  void SearchLists(Pool& pool, const std::vector<std::vector<uint32_t>>& members,
                   const std::vector<std::vector<uint32_t>>& askers,
                   std::vector<std::vector<std::vector<Entry>>>& best) const {
    const size_t d = matrix.d;
    std::vector<size_t> order(lists);
    std::iota(order.begin(), order.end(), 0);
    // Largest first, so the last tasks are short and the threads finish together.
    const auto cost = [&](size_t list) { return members[list].size() * askers[list].size(); };
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return cost(a) > cost(b); });
    pool.Run(lists, [&](size_t t) {
      const size_t list = order[t];
      const std::vector<uint32_t>& rows = members[list];
      const std::vector<uint32_t>& asking = askers[list];
      const size_t na = asking.size();
      if (na == 0 || rows.empty()) return;
      std::vector<float> query(na * d), block(kRowBlock * d), dots(na * kRowBlock);
      for (size_t a = 0; a < na; ++a) std::copy_n(queries + asking[a] * d, d, &query[a * d]);
      std::vector<TopKHeap> heaps(na, TopKHeap(k));
      for (size_t r0 = 0; r0 < rows.size(); r0 += kRowBlock) {
        const size_t nr = std::min(rows.size(), r0 + kRowBlock) - r0;
        for (size_t r = 0; r < nr; ++r) DecodeRows(matrix, rows[r0 + r], rows[r0 + r] + 1, &block[r * d]);
        Dots(query.data(), na, block.data(), nr, d, dots.data());
        for (size_t a = 0; a < na; ++a) {
          TopKHeap& heap = heaps[a];
          float floor = heap.Floor();
          for (size_t r = 0; r < nr; ++r) {
            const uint32_t row = rows[r0 + r];
            const float value = Value(dots[a * nr + r], row);
            if (value < floor) continue;
            heap.Push(value, row);
            floor = heap.Floor();
          }
        }
      }
      best[list].resize(na);
      for (size_t a = 0; a < na; ++a) best[list][a] = heaps[a].TakeSorted();
    });
  }

  void Run() {
    if (nq == 0) return;
    Pool& pool = Pool::Get();
    const std::vector<uint32_t> probed = Probe();
    const std::vector<uint32_t> owner = Assign(pool);
    std::vector<std::vector<uint32_t>> members(lists), askers(lists);
    std::vector<size_t> sizes(lists, 0);
    for (const uint32_t list : owner) ++sizes[list];
    for (size_t c = 0; c < lists; ++c) members[c].reserve(sizes[c]);
    for (size_t i = 0; i < owner.size(); ++i) members[owner[i]].push_back(static_cast<uint32_t>(i));
    // asked[q]: the lists query q searches, ascending (its probed lists, or all when they hold under k rows).
    std::vector<std::vector<uint32_t>> asked(nq);
    for (size_t q = 0; q < nq; ++q) {
      size_t held = 0;
      for (size_t j = 0; j < probes; ++j) held += sizes[probed[q * probes + j]];
      if (held >= k) {
        asked[q].assign(probed.begin() + q * probes, probed.begin() + (q + 1) * probes);
        std::sort(asked[q].begin(), asked[q].end());
      } else {
        asked[q].resize(lists);
        std::iota(asked[q].begin(), asked[q].end(), 0);
      }
      for (const uint32_t list : asked[q]) askers[list].push_back(static_cast<uint32_t>(q));
    }
    std::vector<std::vector<std::vector<Entry>>> best(lists);
    SearchLists(pool, members, askers, best);
    // Merge: query q's part from each list it asked, found by its position among that list's askers.
    std::vector<size_t> seen(lists, 0);
    for (size_t q = 0; q < nq; ++q) {
      std::vector<std::vector<Entry>> parts;
      parts.reserve(asked[q].size());
      for (const uint32_t list : asked[q]) {
        if (!best[list].empty()) parts.push_back(std::move(best[list][seen[list]]));
        ++seen[list];
      }
      const std::vector<Entry> top = MergeTopK(parts, k);
      for (size_t j = 0; j < k; ++j) {
        out.indices[q * k + j] = top[j].index;
        out.similarities[q * k + j] = top[j].value;
      }
    }
  }

  Napi::Value Result(Napi::Env env) {
    return out.Result(env, k);
  }
};

}  // namespace

void RegisterInvertedFile(Napi::Env env, Napi::Object exports) {
  exports.Set("invertedFileSearch", Napi::Function::New(env, RunSync<InvertedFileJob>, "invertedFileSearch"));
  exports.Set("invertedFileSearchAsync",
              Napi::Function::New(env, RunAsync<InvertedFileJob>, "invertedFileSearchAsync"));
}

}  // namespace eidos
