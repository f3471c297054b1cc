import CMalloc
import Foundation

/// glibc's allocator as `serve` runs it (`docs/architecture.md`, "Memory"): an arena per core, and
/// blocks of 128 KiB and more in mappings of their own. glibc's defaults suit a short program: 8
/// arenas a core, each fragmenting on its own, and a threshold that rises to the largest block
/// freed, after which request bodies of up to 1 MiB are carved out of the arenas and leave holes
/// that the heap keeps. A long fuzz run held twice the memory it used that way.
enum ServingAllocator {
    /// Blocks of this size or more are mapped on their own, and unmapped when freed: glibc's
    /// initial threshold, fixed (setting it turns the rise off).
    static let mmapThreshold = 128 << 10

    /// The environment variables through which an operator tunes glibc's allocator; with any of
    /// them set, `serve` leaves the allocator as the operator configured it.
    static let operatorSettings = ["GLIBC_TUNABLES", "MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_"]

    /// The arenas to allow, or `nil` to leave the allocator alone: the operator's settings win.
    static func arenas(environment: [String: String], processors: Int) -> Int? {
        guard operatorSettings.allSatisfy({ environment[$0] == nil }) else { return nil }
        return max(1, processors)
    }

    /// Applies the settings, first thing, before the threads that would each take an arena exist.
    static func configure(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let arenas = arenas(environment: environment, processors: ProcessInfo.processInfo.activeProcessorCount)
        else { return }
        _ = backupd_malloc_configure(Int32(arenas), Int32(mmapThreshold))
    }
}
