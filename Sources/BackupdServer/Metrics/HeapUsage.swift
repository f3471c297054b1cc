import CMalloc

/// What the C allocator holds, for `/metrics`: the bytes in blocks the process has allocated and
/// not freed, and the bytes the allocator has from the system (the difference is free memory it
/// keeps in its arenas). A leak grows the first; the second, and with it RSS, also grows when
/// freed memory is scattered between blocks still in use, without anything leaking.
struct HeapUsage {
    let inUseBytes: Int
    let heldBytes: Int

    /// The allocator's figures now; `nil` where it is not glibc's. Its walk of every arena is
    /// cheap enough for a scrape, not for every request.
    static func current() -> HeapUsage? {
        var inUse = 0
        var held = 0
        guard backupd_malloc_usage(&inUse, &held) != 0 else { return nil }
        return HeapUsage(inUseBytes: inUse, heldBytes: held)
    }
}
