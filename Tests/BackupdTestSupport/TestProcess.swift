public import Foundation
import Subprocess
import Synchronization

#if canImport(System)
import System
#else
import SystemPackage
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a finished (or killed) child process ended and what it wrote.
public struct ProcessResult: Sendable {
    /// The exit status, or the signal number when `signaled`.
    public let status: Int32
    /// Ended by a signal rather than by exiting (also when its end could not be learnt: status -1).
    public let signaled: Bool
    /// Still running at the deadline (and then killed).
    public let timedOut: Bool
    public let stdout: Data
    public let stderr: Data

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    /// Exited by itself with status 0.
    public var succeeded: Bool { !signaled && !timedOut && status == 0 }
    /// The non-empty lines of standard error.
    public var stderrLines: [Substring] { stderrText.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) } }
}

/// A child process of a test, started with swift-subprocess: the one way the tests run programs.
///
/// - Spawning runs on Subprocess's own worker thread, and the child's end is learnt by its
///   monitor thread through a pidfd (Linux 5.4 and later; before, a SIGCHLD handler that only
///   peeks at Subprocess's own children), never by a `waitpid` of anyone's: no thread of the
///   cooperative pool blocks, no other child is reaped, and no turn of a run loop is needed.
/// - Standard error goes to a file, never a pipe: a chatty child (a node logging every request)
///   can never block on a full pipe that a busy test process has not drained yet.
/// - Standard output is read as it comes, into memory (`stdoutSoFar`). That stream also keeps
///   Subprocess's `Execution`, and with it the pidfd that signals go through, valid for exactly
///   as long as the child runs: a signal can never reach a recycled pid.
/// - Every wait is bounded, and a child whose `TestProcess` goes away is killed (SIGKILL).
///
/// The child gets the test process's environment changed by `environment` (a `nil` value
/// removes a variable), without `LOG_LEVEL` and `LOG_FORMAT` (the default lines are what the tests
/// read) and without any `BACKUPD_…` variable it did not give (`serve` reads its options from them).
public final class TestProcess: Sendable {
    public let executable: String
    public let arguments: [String]
    /// The child's process id.
    public let pid: Int32
    private let shared: Shared
    private let outputDirectory: URL
    private let stderrPath: String

    private init(executable: String, arguments: [String], pid: Int32, shared: Shared, outputDirectory: URL, stderrPath: String) {
        self.executable = executable
        self.arguments = arguments
        self.pid = pid
        self.shared = shared
        self.outputDirectory = outputDirectory
        self.stderrPath = stderrPath
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts `executable arguments…` (an absolute path) in `directory` (default: this process's),
    /// standard input read from `stdin` (default: `/dev/null`); returns once the child runs.
    public static func start(
        _ executable: String,
        _ arguments: [String],
        environment overrides: [String: String?] = [:],
        in directory: URL? = nil,
        stdin: URL? = nil
    ) async throws -> TestProcess {
        let outputDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("backupd-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        let stderrPath = outputDirectory.appendingPathComponent("stderr").path
        var updates: [Environment.Key: String?] = ["LOG_LEVEL": nil, "LOG_FORMAT": nil]
        for name in ProcessInfo.processInfo.environment.keys where name.hasPrefix("BACKUPD_") {
            if let key = Environment.Key(rawValue: name) { updates[key] = .some(nil) }
        }
        for (name, value) in overrides {
            guard let key = Environment.Key(rawValue: name) else { throw SpawnError(description: "bad variable name \(name)") }
            updates[key] = value
        }
        let input: FileDescriptor
        let errors: FileDescriptor
        do {
            input = try FileDescriptor.open(FilePath(stdin?.path ?? "/dev/null"), .readOnly, options: .closeOnExec)
            do {
                errors = try FileDescriptor.open(
                    FilePath(stderrPath),
                    .writeOnly,
                    options: [.create, .truncate, .closeOnExec],
                    permissions: [.ownerReadWrite]
                )
            } catch {
                try? input.close()
                throw error
            }
        } catch {
            try? FileManager.default.removeItem(at: outputDirectory)
            throw error
        }

        let shared = Shared()
        let environment = Environment.inherit.updating(updates)
        let workingDirectory = directory.map { FilePath($0.path) }
        do {
            let pid = try await withCheckedThrowingContinuation { (started: CheckedContinuation<Int32, any Error>) in
                shared.state.withLock { $0.started = started }
                Task.detached {
                    do {
                        let outcome = try await Subprocess.run(
                            .path(FilePath(executable)),
                            arguments: Arguments(arguments),
                            environment: environment,
                            workingDirectory: workingDirectory,
                            input: .fileDescriptor(input, closeAfterSpawningProcess: true),
                            output: .sequence,
                            error: .fileDescriptor(errors, closeAfterSpawningProcess: true)
                        ) { execution in
                            await shared.serve(execution)
                        }
                        shared.end(.ended(outcome.terminationStatus))
                    } catch {
                        shared.end(.failed("\(error)"))
                    }
                }
            }
            return TestProcess(
                executable: executable,
                arguments: arguments,
                pid: pid,
                shared: shared,
                outputDirectory: outputDirectory,
                stderrPath: stderrPath
            )
        } catch {
            try? FileManager.default.removeItem(at: outputDirectory)
            throw SpawnError(description: "cannot run \(executable): \(error)")
        }
    }

    /// Runs `executable arguments…` to its end, at most `timeout` (then it is killed and the
    /// result says `timedOut`).
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String?] = [:],
        in directory: URL? = nil,
        stdin: URL? = nil,
        timeout: Duration
    ) async throws -> ProcessResult {
        try await start(executable, arguments, environment: environment, in: directory, stdin: stdin).wait(timeout: timeout)
    }

    /// Whether the child still runs (or has ended so recently that Subprocess has not reaped it yet).
    public var isRunning: Bool { shared.state.withLock { $0.end == nil } }

    /// Sends `signal` (SIGTERM, SIGINT, SIGKILL, …) to the child only, while it runs.
    public func send(_ signal: Int32) {
        shared.send(signal)
    }

    /// What the child has written to standard output so far.
    public func stdoutSoFar() -> String {
        shared.state.withLock { String(decoding: $0.stdout, as: UTF8.self) }
    }

    /// What the child has written to standard error so far.
    public func stderrSoFar() -> String {
        String(decoding: FileManager.default.contents(atPath: stderrPath) ?? Data(), as: UTF8.self)
    }

    /// Waits for the end, at most `timeout`; past it the child is killed (SIGKILL) and the
    /// result says `timedOut`. The output file is removed afterwards.
    public func wait(timeout: Duration) async -> ProcessResult {
        var timedOut = false
        if !(await shared.waitForEnd(within: timeout)) {
            timedOut = true
            shared.send(SIGKILL)
            // After SIGKILL the end is near; still bounded.
            _ = await shared.waitForEnd(within: .seconds(10))
        }
        let (end, stdout) = shared.state.withLock { ($0.end, $0.stdout) }
        var stderr = FileManager.default.contents(atPath: stderrPath) ?? Data()
        let status: Int32
        let signaled: Bool
        switch end {
        case .ended(.exited(let code)):
            (status, signaled) = (code, false)
        case .ended(.signaled(let signal)):
            (status, signaled) = (signal, true)
        case .failed(let error):
            (status, signaled) = (-1, true)
            stderr.append(contentsOf: Array("\nTestProcess: \(error)\n".utf8))
        case nil:
            (status, signaled) = (-1, true)
        }
        try? FileManager.default.removeItem(at: outputDirectory)
        return ProcessResult(status: status, signaled: signaled, timedOut: timedOut, stdout: Data(stdout), stderr: stderr)
    }

    deinit {
        // Never leave a child behind, whatever the test did; Subprocess then reaps it.
        shared.send(SIGKILL)
        try? FileManager.default.removeItem(at: outputDirectory)
    }
}

extension TestProcess {
    /// The one thing Subprocess cannot do: run a program to its end synchronously, for the
    /// teardown that must finish before a `deinit` or a `defer` returns (`PostgresTestCluster`'s
    /// `destroy`). It blocks the calling thread in `waitpid`, never waits for another task, so
    /// it cannot deadlock a cooperative pool whose threads all run one; keep it for teardown
    /// only. Standard output is discarded, standard error returned; the environment is this process's.
    public static func runBlocking(_ executable: String, _ arguments: [String]) throws -> ProcessResult {
        let errorsPath = FileManager.default.temporaryDirectory.appendingPathComponent("backupd-child-\(UUID().uuidString).err").path
        defer { try? FileManager.default.removeItem(atPath: errorsPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errorsPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw SpawnError(description: "cannot run \(executable): error \(spawned)") }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
        let signal = raw & 0x7f
        return ProcessResult(
            status: signal == 0 ? (raw >> 8) & 0xff : signal,
            signaled: signal != 0,
            timedOut: false,
            stdout: Data(),
            stderr: FileManager.default.contents(atPath: errorsPath) ?? Data()
        )
    }
}

/// What the detached task that runs the child shares with its `TestProcess`. The task holds
/// this, not the `TestProcess`, so that dropping the latter kills the child.
private final class Shared: Sendable {
    typealias Running = Execution<FileDescriptorInput, SequenceOutput, FileDescriptorOutput>

    enum End: Sendable {
        case ended(TerminationStatus)
        /// Subprocess failed to spawn or to monitor the child.
        case failed(String)
    }

    struct State: ~Copyable {
        /// Resumed once, with the pid or the spawn's failure.
        var started: CheckedContinuation<Int32, any Error>?
        /// The running child, while its standard output is read: signals go through it.
        var execution: Running?
        var stdout: [UInt8] = []
        var end: End?
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }

    let state = Mutex(State())

    /// The body of `Subprocess.run`: it returns only once the child has ended, so that the
    /// execution (and the pidfd that `send` uses) is never used after Subprocess closes it.
    func serve(_ execution: Running) async {
        let started = state.withLock { state in
            state.execution = execution
            return state.started.take()
        }
        started?.resume(returning: execution.processIdentifier.value)
        do {
            // Ends at end of file, or when Subprocess sees the child end (it cancels the read).
            for try await buffer in execution.standardOutput {
                buffer.withUnsafeBytes { bytes in state.withLock { $0.stdout.append(contentsOf: bytes) } }
            }
        } catch {
            // A failed read ends the stream; the end of the child is still waited for below.
        }
        // A child that closed its standard output may still run: until it ends (it is not
        // reaped before this returns, so its pid is still its own), signals must reach it.
        // Usually a matter of a millisecond: end of file comes as the child's descriptors close,
        // just before it ends.
        let pid = execution.processIdentifier.value
        var pause = Duration.milliseconds(1)
        while !Self.hasEnded(pid) {
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(20))
        }
        state.withLock { $0.execution = nil }
    }

    /// Whether `pid`, a child not yet reaped, has ended; it stays a zombie for Subprocess to reap.
    private static func hasEnded(_ pid: pid_t) -> Bool {
        var info = siginfo_t()
        guard waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else {
            // ECHILD: reaped already, so ended; EINTR: ask again.
            return errno != EINTR
        }
        // With WNOHANG and nothing to report the kernel leaves the record zeroed.
        return info.si_signo == SIGCHLD
    }

    func send(_ signal: Int32) {
        // Under the lock: `serve` cannot drop the execution (and Subprocess close its pidfd) meanwhile.
        state.withLock { state in
            guard let execution = state.execution else { return }
            try? execution.send(signal: Signal(rawValue: signal))
        }
    }

    func end(_ end: End) {
        let (started, waiters) = state.withLock { state in
            state.end = end
            state.execution = nil
            let waiters = state.waiters.values
            state.waiters = [:]
            return (state.started.take(), Array(waiters))
        }
        if let started {
            if case .failed(let error) = end {
                started.resume(throwing: TestProcess.SpawnError(description: error))
            } else {
                started.resume(throwing: TestProcess.SpawnError(description: "the child ended before it was seen running"))
            }
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Whether the child ended within `timeout` (also false at once if the calling task is cancelled).
    func waitForEnd(within timeout: Duration) async -> Bool {
        if state.withLock({ $0.end != nil }) { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.waitForEnd()
                return self.state.withLock { $0.end != nil }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// Returns when the child has ended, or when the calling task is cancelled.
    private func waitForEnd() async {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state in
                    guard state.end == nil, !Task.isCancelled else { return true }
                    state.waiters[id] = waiter
                    return false
                }
                if now { waiter.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
