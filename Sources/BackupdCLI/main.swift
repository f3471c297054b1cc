import NIOCore
import NIOPosix

// `serve` runs Swift concurrency on NIO's event loops: the loop that reads a request runs the task
// that answers it, with no hop to another pool and back (`docs/architecture.md`, "Threads"). It
// must be installed before any task exists, so here, first. The other commands, and the tests,
// which build the server in their own process, keep Swift's default executor. The allocator is
// set for a long-running server before that, before those loops' threads exist (`ServingAllocator`).
if CommandLine.arguments.dropFirst().first == "serve" {
    ServingAllocator.configure()
    _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
}
await Backupd.start()
