#include "metal_buffer.h"

#include <mach/mach.h>

#include <cstdint>

namespace eidos {

id<MTLBuffer> MapNoCopy(id<MTLDevice> device, void* base, size_t length) {
  const uintptr_t page = vm_page_size;
  if (base == nullptr || length == 0 || reinterpret_cast<uintptr_t>(base) % page != 0 || length % page != 0) {
    return nil;
  }
  // The JS ArrayBuffer owns the memory and outlives the call (the job keeps a reference): no deallocator.
  return [device newBufferWithBytesNoCopy:base length:length options:MTLResourceStorageModeShared deallocator:nil];
}

}  // namespace eidos
