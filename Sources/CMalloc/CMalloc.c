#include "CMalloc.h"

// features.h defines __GLIBC__ (musl has one too, without it).
#if defined(__linux__)
#include <features.h>
#endif
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#define BACKUPD_GLIBC_MALLOC 1
#include <malloc.h>
#endif

int backupd_malloc_usage(size_t *in_use, size_t *held) {
#if defined(BACKUPD_GLIBC_MALLOC)
    struct mallinfo2 info = mallinfo2();
    // hblkhd: blocks served by an mmap of their own, outside the arenas, in use until freed.
    *in_use = info.uordblks + info.hblkhd;
    *held = info.arena + info.hblkhd;
    return 1;
#else
    (void)in_use;
    (void)held;
    return 0;
#endif
}

int backupd_malloc_configure(int arena_max, int mmap_threshold) {
#if defined(BACKUPD_GLIBC_MALLOC)
    return mallopt(M_ARENA_MAX, arena_max) == 1 && mallopt(M_MMAP_THRESHOLD, mmap_threshold) == 1;
#else
    (void)arena_max;
    (void)mmap_threshold;
    return 0;
#endif
}
