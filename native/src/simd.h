// Instruction-set dispatch. The binary targets baseline x86-64 (or arm64); AVX2+FMA+F16C variants of the
// hot loops are compiled alongside and chosen at run time, so one build runs on any CPU.
#pragma once
#include <cstddef>
#include <cstdint>

namespace eidos {

// "avx2-f16c", "neon" or "portable".
const char* ActiveIsa();
// Tests force the portable loops to check them against the reference on a CPU that has AVX2.
void ForcePortable(bool on);
bool UseAvx2();

uint16_t FloatToHalf(float value);
float HalfToFloat(uint16_t half);
void FloatsToHalves(const float* src, uint16_t* dst, size_t count);
void HalvesToFloats(const uint16_t* src, float* dst, size_t count);

}  // namespace eidos
