// The library matrix as the GPU reads it (macOS builds only): one Metal buffer per matrix generation.
#pragma once
#import <Metal/Metal.h>
#include <napi.h>

#include "../matrix.h"

namespace eidos {

// The Metal buffer holding the rows of `matrix`, the checked matrix argument at `index` (JS thread only).
// It wraps the rows' own memory without a copy when they start on a VM page and the page-rounded length
// lies inside their ArrayBuffer (app/kernels/matrix.ts allocates matrices so, asking pageOffset where a
// page starts), and holds a copy otherwise: both checked here, never assumed. A matrix of a megabyte or
// more is kept, per Node environment, until another large matrix arrives there (the library's next
// generation), with a strong reference to its ArrayBuffer, so the wrapped memory outlives the buffer;
// smaller ones (the explanation's candidate rows, new each call) live as long as their job, which keeps
// its arguments referenced. nil when Metal cannot make a buffer.
id<MTLBuffer> AcquireMatrix(const Napi::CallbackInfo& info, size_t index, const Matrix& matrix, id<MTLDevice> device);

// metalMatrixMode() → 'wrapped' | 'copied' | null: how this environment's last matrix reached the GPU
// (kernelStatus reports it: a copy of a library costs its size in memory again).
Napi::Value MetalMatrixMode(const Napi::CallbackInfo& info);

// pageOffset(buffer: ArrayBuffer) → { pageBytes, offset }: the VM page size and how many bytes past a
// page boundary the buffer starts, so the caller can place a matrix on a page.
Napi::Value PageOffset(const Napi::CallbackInfo& info);

}  // namespace eidos
