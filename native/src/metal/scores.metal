// Dot products of every library row with every query on the GPU (macOS). One thread per (row, query);
// each thread streams its row from unified memory. Accumulates in float, as the CPU path does.
#include <metal_stdlib>
using namespace metal;

struct Shape {
  uint n;
  uint d;
  uint nq;
};

template <typename T>
static void score(device const T* rows, device const float* queries, device float* out, constant Shape& shape,
                  uint2 gid) {
  const uint i = gid.x;
  const uint q = gid.y;
  if (i >= shape.n || q >= shape.nq) return;
  device const T* row = rows + ulong(i) * shape.d;
  device const float* query = queries + ulong(q) * shape.d;
  float sum = 0.0f;
  for (uint j = 0; j < shape.d; ++j) sum = fma(float(row[j]), query[j], sum);
  out[ulong(q) * shape.n + i] = sum;
}

kernel void scores_f32(device const float* rows [[buffer(0)]], device const float* queries [[buffer(1)]],
                       device float* out [[buffer(2)]], constant Shape& shape [[buffer(3)]],
                       uint2 gid [[thread_position_in_grid]]) {
  score(rows, queries, out, shape, gid);
}

kernel void scores_f16(device const half* rows [[buffer(0)]], device const float* queries [[buffer(1)]],
                       device float* out [[buffer(2)]], constant Shape& shape [[buffer(3)]],
                       uint2 gid [[thread_position_in_grid]]) {
  score(rows, queries, out, shape, gid);
}
