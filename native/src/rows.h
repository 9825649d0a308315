// Reading the embedding matrix's rows as f32 and multiplying blocks of them: shared by the exact kNN
// (knn.cc) and NN-descent (nn_descent.cc), which both score rows against rows.
#pragma once
#include <cstddef>

#include "matrix.h"

namespace eidos {

// Rows [begin, end) of `matrix` as f32 in `out`; i8 rows are left unscaled (scales applied to the dots).
void DecodeRows(const Matrix& matrix, size_t begin, size_t end, float* out);
// Row i as the query vector it stands for: decoded, and scaled for i8 (the row's true value).
void QueryFromRow(const Matrix& matrix, size_t i, float* out);
// dots[q·nr + r] = ⟨queries[q], rows[r]⟩ for nq queries and nr rows, both f32 and d wide (AVX2 when present).
void Dots(const float* queries, size_t nq, const float* rows, size_t nr, size_t d, float* dots);

}  // namespace eidos
