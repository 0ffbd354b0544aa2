#include "server/memory.hpp"

#include <malloc.h>

// tcmalloc's C interface, when tcmalloc is linked into the program (weak: absent otherwise).
extern "C" void MallocExtension_ReleaseFreeMemory(void) __attribute__((weak));

namespace cunji::server {

void release_free_memory() noexcept {
  if (MallocExtension_ReleaseFreeMemory) MallocExtension_ReleaseFreeMemory();
  else malloc_trim(0);
}

}  // namespace cunji::server
