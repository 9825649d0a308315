// Streaming log-sum-exp: blocks of values are folded into (max, Σ exp(v − max), Σ exp(v − max)·v), so one
// pass suffices and per-task partial results merge exactly like blocks. Sums in double; NaN anywhere gives
// NaN. The third sum gives the entropy of softmax(v) for free: H = lse − Σ p·v (the query's information,
// docs/architecture.md "Scores").
#pragma once
#include <cmath>
#include <cstddef>
#include <limits>

namespace eidos {

struct LogSumExp {
  double max = -std::numeric_limits<double>::infinity();
  double sum = 0;
  double weighted = 0;  // Σ exp(v − max)·v
  bool nan = false;

  void Add(double blockMax, double blockSum, double blockWeighted) {
    if (std::isnan(blockMax)) nan = true;
    if (nan || blockMax == -std::numeric_limits<double>::infinity()) return;
    if (blockMax > max) {
      const double shrink = std::exp(max - blockMax);
      sum = sum * shrink + blockSum;
      weighted = weighted * shrink + blockWeighted;
      max = blockMax;
    } else {
      const double shrink = std::exp(blockMax - max);
      sum += blockSum * shrink;
      weighted += blockWeighted * shrink;
    }
  }
  // Folds in scale·values[0..count).
  void AddBlock(const float* values, size_t count, double scale) {
    double blockMax = -std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < count; ++i) {
      const double v = scale * values[i];
      if (std::isnan(v)) return (void)(nan = true);
      if (v > blockMax) blockMax = v;
    }
    if (blockMax == std::numeric_limits<double>::infinity() || blockMax == -std::numeric_limits<double>::infinity()) {
      return Add(blockMax, 1, 0);
    }
    double blockSum = 0, blockWeighted = 0;
    for (size_t i = 0; i < count; ++i) {
      const double v = scale * values[i];
      const double e = std::exp(static_cast<float>(v - blockMax));
      blockSum += e;
      if (e > 0) blockWeighted += e * v;  // skips −∞ rows (p = 0), whose e·v would be NaN
    }
    Add(blockMax, blockSum, blockWeighted);
  }
  void Merge(const LogSumExp& other) {
    if (other.nan) nan = true;
    Add(other.max, other.sum, other.weighted);
  }
  double Value() const {
    if (nan) return std::numeric_limits<double>::quiet_NaN();
    if (max == std::numeric_limits<double>::infinity() || max == -std::numeric_limits<double>::infinity()) return max;
    return max + std::log(sum);
  }
  // H(softmax) in nats = lse − Σ p·v; NaN when the log-sum-exp is not finite.
  double Entropy() const {
    const double lse = Value();
    if (!std::isfinite(lse)) return std::numeric_limits<double>::quiet_NaN();
    return lse - weighted / sum;  // Σ p·v = Σ e^(v−max)·v / Σ e^(v−max)
  }
};

}  // namespace eidos
