// The approximate k-nearest-neighbour graph for large libraries: NN-descent (W. Dong, M. Charikar, K. Li,
// "Efficient k-nearest neighbor graph construction for generic similarity measures", WWW 2011), the
// search umap-learn and umap-js use, on cosine distance 1 − ⟨a, b⟩ of the unit rows (f32, f16 or i8).
// "A neighbour of my neighbour is likely my neighbour": from a random graph, each round compares the
// pairs among every point's recent neighbours and reverse neighbours (sampled, at most kCandidates) and
// keeps what is closer, until a round changes almost nothing.
//
// Reproducible whatever the thread count: every random draw is a hash of what it is for (progress.h),
// each round's comparisons read the graph as it stood before the round's block, and their updates are
// applied per target point in one fixed order. Threads: blocks of points on the shared pool.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "args.h"
#include "job.h"
#include "neighbours_out.h"
#include "pool.h"
#include "progress.h"
#include "rows.h"

namespace eidos {

namespace {

// Candidates per point per round: sampled new (and old) neighbours, forward and reverse (Dong's ρK with
// ρ = 1 at K = 15... kept above K so that reverse neighbours of hubs still get through).
constexpr size_t kCandidates = 20;
// Rounds at most, and the stop: fewer than kDelta·n·K graph changes in a round (Dong's δ = 0.001).
constexpr int kMaxRounds = 16;
constexpr double kDelta = 0.001;
// Points whose comparisons are generated before their updates are applied (bounds the update buffer).
constexpr size_t kBlock = 16384;
constexpr size_t kChunk = 64;  // points per task within a block

// Each point's K current neighbours as a max-heap on distance (the worst at the top), with the "new"
// flag of NN-descent: a neighbour not yet used as a candidate.
struct Heaps {
  size_t K = 0;
  std::vector<uint32_t> index;
  std::vector<float> distance;
  std::vector<uint8_t> fresh;

  Heaps(size_t n, size_t k) : K(k), index(n * k, UINT32_MAX), distance(n * k, 1e30f), fresh(n * k, 0) {}
  float Worst(size_t i) const { return distance[i * K]; }

  // Offers j at distance d to point i: kept when closer than i's worst and not already there.
  bool Push(size_t i, uint32_t j, float d) {
    float* dist = &distance[i * K];
    uint32_t* ids = &index[i * K];
    uint8_t* flag = &fresh[i * K];
    if (!(d < dist[0])) return false;
    for (size_t s = 0; s < K; ++s)
      if (ids[s] == j) return false;
    // Replace the top and sift down.
    size_t at = 0;
    for (;;) {
      const size_t left = 2 * at + 1, right = left + 1;
      size_t larger = at;
      float largest = d;
      if (left < K && dist[left] > largest) larger = left, largest = dist[left];
      if (right < K && dist[right] > largest) larger = right, largest = dist[right];
      if (larger == at) break;
      dist[at] = dist[larger], ids[at] = ids[larger], flag[at] = flag[larger];
      at = larger;
    }
    dist[at] = d, ids[at] = j, flag[at] = 1;
    return true;
  }
};

// A bounded list of candidate points keeping the kCandidates with the smallest random priority.
struct Candidates {
  std::vector<uint32_t> id;
  std::vector<uint32_t> priority;
  std::vector<uint8_t> count;

  explicit Candidates(size_t n) : id(n * kCandidates), priority(n * kCandidates), count(n, 0) {}
  void Clear(size_t i) { count[i] = 0; }
  void Offer(size_t i, uint32_t j, uint32_t p) {
    uint32_t* ids = &id[i * kCandidates];
    uint32_t* pr = &priority[i * kCandidates];
    const size_t c = count[i];
    for (size_t s = 0; s < c; ++s)
      if (ids[s] == j) return;
    if (c < kCandidates) {
      ids[c] = j, pr[c] = p, count[i] = static_cast<uint8_t>(c + 1);
      return;
    }
    size_t worst = 0;
    for (size_t s = 1; s < kCandidates; ++s)
      if (pr[s] > pr[worst]) worst = s;
    if (p < pr[worst]) ids[worst] = j, pr[worst] = p;
  }
  size_t Size(size_t i) const { return count[i]; }
  const uint32_t* Of(size_t i) const { return &id[i * kCandidates]; }
};

struct Update {
  uint32_t a, b;
  float d;
};

struct NnDescentJob {
  Keep keep;
  Matrix matrix;
  size_t k = 0;
  uint32_t seed = 0;
  Progress progress;
  std::string error;
  NeighboursOut out;
  int rounds = 0;

  bool Parse(const Napi::CallbackInfo& info) {
    Args args(info, keep);
    size_t seedValue = 0;
    if (!args.Matrix(0, &matrix) || !args.Count(1, "k", &k) || !args.Count(2, "seed", &seedValue)) return false;
    if (!progress.Parse(info, 3, keep)) return false;
    if (k < 1 || matrix.n < 2 || k > matrix.n - 1) {
      return args.Fail("k must be between 1 and the other rows (" + std::to_string(matrix.n > 0 ? matrix.n - 1 : 0) +
                       "), got " + std::to_string(k));
    }
    seed = static_cast<uint32_t>(seedValue);
    out.Allocate(info.Env(), matrix.n, k);
    return true;
  }

  // Cosine distances among `members` rows: out[a·m + b] for a in [0, nq), b in [0, m).
  void Distances(const std::vector<uint32_t>& members, size_t nq, std::vector<float>& rows, std::vector<float>& out) {
    const size_t d = matrix.d, m = members.size();
    rows.resize(m * d);
    out.resize(nq * m);
    for (size_t r = 0; r < m; ++r) QueryFromRow(matrix, members[r], &rows[r * d]);
    Dots(rows.data(), nq, rows.data(), m, d, out.data());
    for (float& v : out) v = 1.0f - v;
  }

  void Run() {
    Pool& pool = Pool::Get();
    const size_t n = matrix.n, K = k;
    Heaps heaps(n, K);
    const size_t chunks = (n + kChunk - 1) / kChunk;

    // A random graph: K distinct other points each (a hash per point and draw).
    pool.Run(chunks, [&](size_t c) {
      std::vector<float> rows, dist;
      std::vector<uint32_t> members;
      for (size_t i = c * kChunk; i < std::min(n, (c + 1) * kChunk); ++i) {
        members.assign(1, static_cast<uint32_t>(i));
        for (uint32_t draw = 0; members.size() < K + 1; ++draw) {
          const uint32_t j = Draw(seed, 0xffffffffu, static_cast<uint32_t>(i), draw) % n;
          if (std::find(members.begin(), members.end(), j) == members.end()) members.push_back(j);
        }
        Distances(members, 1, rows, dist);
        for (size_t r = 1; r < members.size(); ++r) heaps.Push(i, members[r], dist[r]);
      }
    });

    Candidates fresh(n), old(n);
    const unsigned parts = std::max(1u, pool.Threads());
    std::vector<std::vector<Update>> updates(std::min(chunks, (kBlock + kChunk - 1) / kChunk));
    std::vector<size_t> changed(parts);
    for (int round = 0; round < kMaxRounds; ++round) {
      progress.Report(1, static_cast<size_t>(round), kMaxRounds);
      if (progress.Cancelled()) return void(error = "cancelled");
      // Candidates: each point's new and old neighbours, and the points that have it as one, keeping
      // the kCandidates with the smallest priority (a hash of the pair and the round). Each part fills
      // its own points' lists, scanning every heap in the same order, so the lists never depend on parts.
      pool.Run(parts, [&](size_t part) {
        const size_t begin = TaskBegin(n, parts, part), end = TaskBegin(n, parts, part + 1);
        for (size_t i = begin; i < end; ++i) fresh.Clear(i), old.Clear(i);
        for (size_t i = 0; i < n; ++i) {
          for (size_t s = 0; s < K; ++s) {
            const uint32_t j = heaps.index[i * K + s];
            if (j == UINT32_MAX) continue;
            const uint32_t lo = std::min<uint32_t>(static_cast<uint32_t>(i), j);
            const uint32_t hi = std::max<uint32_t>(static_cast<uint32_t>(i), j);
            const uint32_t p = Draw(seed, static_cast<uint32_t>(round), lo, hi);
            Candidates& into = heaps.fresh[i * K + s] ? fresh : old;
            if (i >= begin && i < end) into.Offer(i, j, p);
            if (j >= begin && j < end) into.Offer(j, static_cast<uint32_t>(i), p);
          }
        }
      });
      // A new neighbour sampled as a candidate is old from now on.
      pool.Run(parts, [&](size_t part) {
        for (size_t i = TaskBegin(n, parts, part); i < TaskBegin(n, parts, part + 1); ++i) {
          const uint32_t* ids = fresh.Of(i);
          for (size_t s = 0; s < K; ++s) {
            if (!heaps.fresh[i * K + s]) continue;
            if (std::find(ids, ids + fresh.Size(i), heaps.index[i * K + s]) != ids + fresh.Size(i))
              heaps.fresh[i * K + s] = 0;
          }
        }
      });
      size_t changes = 0;
      for (size_t block = 0; block < n; block += kBlock) {
        const size_t blockEnd = std::min(n, block + kBlock);
        const size_t blockChunks = (blockEnd - block + kChunk - 1) / kChunk;
        // Local join: new × new and new × old among each point's candidates, kept as updates when the
        // pair beats either end's worst neighbour (read from the graph as it stood before this block).
        pool.Run(blockChunks, [&](size_t c) {
          std::vector<Update>& out = updates[c];
          out.clear();
          std::vector<uint32_t> members;
          std::vector<float> rows, dist;
          for (size_t i = block + c * kChunk; i < std::min(blockEnd, block + (c + 1) * kChunk); ++i) {
            const size_t nf = fresh.Size(i);
            if (nf == 0) continue;
            members.assign(fresh.Of(i), fresh.Of(i) + nf);
            for (size_t s = 0; s < old.Size(i); ++s)
              if (std::find(members.begin(), members.begin() + nf, old.Of(i)[s]) == members.begin() + nf)
                members.push_back(old.Of(i)[s]);
            Distances(members, nf, rows, dist);
            const size_t m = members.size();
            for (size_t a = 0; a < nf; ++a) {
              for (size_t b = a + 1; b < m; ++b) {
                const uint32_t u = members[a], v = members[b];
                const float d = dist[a * m + b];
                if (d < heaps.Worst(u) || d < heaps.Worst(v)) out.push_back({u, v, d});
              }
            }
          }
        });
        // Apply: each part owns its points and reads every update in chunk order.
        pool.Run(parts, [&](size_t part) {
          const size_t begin = TaskBegin(n, parts, part), end = TaskBegin(n, parts, part + 1);
          size_t count = 0;
          for (size_t c = 0; c < blockChunks; ++c) {
            for (const Update& u : updates[c]) {
              if (u.a >= begin && u.a < end) count += heaps.Push(u.a, u.b, u.d);
              if (u.b >= begin && u.b < end) count += heaps.Push(u.b, u.a, u.d);
            }
          }
          changed[part] = count;
        });
        for (size_t part = 0; part < parts; ++part) changes += changed[part];
      }
      rounds = round + 1;
      if (static_cast<double>(changes) < kDelta * static_cast<double>(n * K)) break;
    }
    progress.Report(1, kMaxRounds, kMaxRounds);

    // Each point's neighbours nearest first (ties to the lower index), as similarities 1 − d.
    pool.Run(parts, [&](size_t part) {
      std::vector<std::pair<float, uint32_t>> row(K);
      for (size_t i = TaskBegin(n, parts, part); i < TaskBegin(n, parts, part + 1); ++i) {
        for (size_t s = 0; s < K; ++s) row[s] = {heaps.distance[i * K + s], heaps.index[i * K + s]};
        std::sort(row.begin(), row.end());
        for (size_t s = 0; s < k; ++s) {
          out.indices[i * k + s] = row[s].second;
          out.similarities[i * k + s] = 1.0f - row[s].first;
        }
      }
    });
  }

  Napi::Value Result(Napi::Env env) {
    Napi::Object result = out.Result(env, k);
    result.Set("rounds", Napi::Number::New(env, rounds));
    return result;
  }
};

}  // namespace

void RegisterNnDescent(Napi::Env env, Napi::Object exports) {
  exports.Set("nnDescent", Napi::Function::New(env, RunSync<NnDescentJob>, "nnDescent"));
  exports.Set("nnDescentAsync", Napi::Function::New(env, RunAsync<NnDescentJob>, "nnDescentAsync"));
}

}  // namespace eidos
