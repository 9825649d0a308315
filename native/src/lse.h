// Streaming log-sum-exp: blocks of values are folded into (max, Σ exp(v − max)), so one pass suffices
// and per-task partial results merge exactly like blocks. Sums in double; NaN anywhere gives NaN.
#pragma once
#include <cmath>
#include <cstddef>
#include <limits>

namespace eidos {

struct LogSumExp {
  double max = -std::numeric_limits<double>::infinity();
  double sum = 0;
  bool nan = false;

  void Add(double blockMax, double blockSum) {
    if (std::isnan(blockMax)) nan = true;
    if (nan || blockMax == -std::numeric_limits<double>::infinity()) return;
    if (blockMax > max) {
      sum = sum * std::exp(max - blockMax) + blockSum;
      max = blockMax;
    } else {
      sum += blockSum * std::exp(blockMax - max);
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
      return Add(blockMax, 1);
    }
    double blockSum = 0;
    for (size_t i = 0; i < count; ++i) blockSum += std::exp(static_cast<float>(scale * values[i] - blockMax));
    Add(blockMax, blockSum);
  }
  void Merge(const LogSumExp& other) {
    if (other.nan) nan = true;
    Add(other.max, other.sum);
  }
  double Value() const {
    if (nan) return std::numeric_limits<double>::quiet_NaN();
    if (max == std::numeric_limits<double>::infinity() || max == -std::numeric_limits<double>::infinity()) return max;
    return max + std::log(sum);
  }
};

}  // namespace eidos
