// Mapping a JS ArrayBuffer into a Metal buffer without copying (Apple unified memory).
#pragma once
#import <Metal/Metal.h>

#include <cstddef>

namespace eidos {

// A no-copy MTLBuffer over [base, base+length), or nil when Metal cannot map it: newBufferWithBytesNoCopy
// requires a pointer aligned to the VM page size (16 KiB on Apple Silicon) and a length that is a page
// multiple. app/kernels/matrix.ts allocates matrix buffers to satisfy both (see the note there).
id<MTLBuffer> MapNoCopy(id<MTLDevice> device, void* base, size_t length);

}  // namespace eidos
