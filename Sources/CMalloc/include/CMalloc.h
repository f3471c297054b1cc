#ifndef C_MALLOC_H
#define C_MALLOC_H

#include <stddef.h>

// glibc's allocator statistics and settings, which Swift's Glibc module does not import (it leaves
// malloc.h out). Each returns 0, and does nothing, where the allocator is not glibc 2.33 or later.

/// The bytes in blocks allocated and not freed (`in_use`) and the bytes the allocator has from the
/// system (`held`), through mallinfo2.
int backupd_malloc_usage(size_t *in_use, size_t *held);

/// mallopt(M_ARENA_MAX, arena_max) and mallopt(M_MMAP_THRESHOLD, mmap_threshold); 1 when both took.
int backupd_malloc_configure(int arena_max, int mmap_threshold);

#endif
