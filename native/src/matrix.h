// The embedding matrix as the kernels see it: a view of the JS typed array's memory (zero-copy).
#pragma once
#include <cstddef>
#include <cstdint>

namespace eidos {

enum class Dtype { F32, F16, I8 };

struct Matrix {
  Dtype dtype = Dtype::F32;
  const void* data = nullptr;     // n×d, row-major
  const float* scales = nullptr;  // i8 only: row i ≈ scales[i]·data[i]
  size_t n = 0;
  size_t d = 0;
};

// out[r] = ⟨row begin+r, query⟩ for rows [begin, end), with the fastest code this CPU supports.
void ScoreRows(const Matrix& matrix, const float* query, size_t begin, size_t end, float* out);

}  // namespace eidos
