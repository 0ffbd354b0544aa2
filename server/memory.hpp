#pragma once
// The server's own memory, as the system sees it.

namespace cunji::server {

// Gives the allocator's free memory back to the system. For after a request that built a large
// working set and let it go (the ledger check reads every posting of the marketplace): tcmalloc,
// linked into `cunji` by default, keeps freed pages for reuse and would otherwise leave the
// server's RSS at the peak of the largest such request; glibc's malloc trims its heaps.
void release_free_memory() noexcept;

}  // namespace cunji::server
