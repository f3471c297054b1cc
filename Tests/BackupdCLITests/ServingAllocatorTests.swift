import Testing

@testable import BackupdCLI

/// `serve`'s allocator settings (`docs/architecture.md`, "Memory"): an arena per core unless the
/// operator tuned glibc through the environment, whose settings then stand untouched.
@Suite struct ServingAllocatorTests {
    @Test func anArenaPerCoreByDefault() {
        #expect(ServingAllocator.arenas(environment: ["PATH": "/usr/bin"], processors: 2) == 2)
        #expect(ServingAllocator.arenas(environment: [:], processors: 16) == 16)
        #expect(ServingAllocator.arenas(environment: [:], processors: 0) == 1)
    }

    @Test(arguments: ["GLIBC_TUNABLES", "MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_"])
    func theOperatorsSettingsWin(_ variable: String) {
        #expect(ServingAllocator.arenas(environment: [variable: "glibc.malloc.arena_max=4"], processors: 2) == nil)
    }
}
