import NIOCore
import NIOPosix

// `serve` runs Swift concurrency on NIO's event loops: the loop that reads a request runs the task
// that answers it, with no hop to another pool and back (`docs/architecture.md`, "Threads"). It
// must be installed before any task exists, so here, first. The other commands, and the tests,
// which build the server in their own process, keep Swift's default executor.
if CommandLine.arguments.dropFirst().first == "serve" {
    _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
}
await Backupd.start()
