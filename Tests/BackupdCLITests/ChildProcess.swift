import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `posix_spawn` and reaped with `waitpid(WNOHANG)`, for what
/// `CLIProcess` cannot run: `/bin/sh` pipelines, and `backupd` with an environment of the
/// test's choosing (`BACKUPD_PG_PASSWORD`) that must not leak into concurrent tests through
/// `setenv`. Output goes to files, never pipes, and every wait is bounded.
final class ChildProcess: Sendable {
    let pid: pid_t
    let arguments: [String]
    private let outputDirectory: URL
    private let stdoutPath: String
    private let stderrPath: String
    /// The raw `waitpid` status once the child has been reaped.
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `executable arguments…` with the test process's environment changed by
    /// `environment` (a `nil` value removes a variable); `LOG_LEVEL` is removed as `CLIProcess` does.
    init(
        _ executable: String,
        _ arguments: [String],
        environment overrides: [String: String?] = [:],
        stdinPath: String = "/dev/null"
    ) throws {
        self.arguments = arguments
        outputDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("backupd-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        stdoutPath = outputDirectory.appendingPathComponent("stdout").path
        stderrPath = outputDirectory.appendingPathComponent("stderr").path

        var environment = ProcessInfo.processInfo.environment
        environment["LOG_LEVEL"] = nil
        for (name, value) in overrides { environment[name] = value }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else {
            try? FileManager.default.removeItem(at: outputDirectory)
            throw SpawnError(description: "cannot run \(executable): error \(spawned)")
        }
        self.pid = pid
    }

    struct SpawnError: Error, CustomStringConvertible {
        let description: String
    }

    /// Whether the child still runs; reaps it (once) when it has ended.
    var isRunning: Bool {
        reaped.withLock { status in
            guard status == nil else { return false }
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, WNOHANG)
            if result == pid {
                status = raw
                return false
            }
            // -1 (ECHILD) means someone else reaped it: treat as ended, status unknown.
            if result == -1 && errno != EINTR {
                status = -1
                return false
            }
            return true
        }
    }

    /// Sends `signal` to the child only, while it runs.
    func send(_ signal: Int32) {
        guard isRunning else { return }
        _ = kill(pid, signal)
    }

    func stdoutSoFar() -> String {
        String(decoding: FileManager.default.contents(atPath: stdoutPath) ?? Data(), as: UTF8.self)
    }

    func stderrSoFar() -> String {
        String(decoding: FileManager.default.contents(atPath: stderrPath) ?? Data(), as: UTF8.self)
    }

    /// Waits for the end, at most `timeout`; past it the child is killed (SIGKILL) and the
    /// result says `timedOut`. The output files are removed afterwards.
    func wait(timeout: Duration) async -> CLIResult {
        let deadline = ContinuousClock.now + timeout
        // A poll every 10 ms at most: the count bounds the loop even if sleeps return early.
        let maximumPolls = Int(timeout.components.seconds) * 100 + 100
        var polls = 0
        var timedOut = false
        while isRunning {
            polls += 1
            if ContinuousClock.now >= deadline || polls > maximumPolls {
                timedOut = true
                _ = kill(pid, SIGKILL)
                let killDeadline = ContinuousClock.now + .seconds(10)
                for _ in 0..<1_000 where isRunning && ContinuousClock.now < killDeadline {
                    try? await Task.sleep(for: .milliseconds(10))
                }
                break
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        let raw = reaped.withLock { $0 } ?? -1
        let signal = raw & 0x7f
        let exited = raw >= 0 && signal == 0
        let result = CLIResult(
            status: exited ? (raw >> 8) & 0xff : (raw >= 0 ? signal : -1),
            signaled: !exited,
            timedOut: timedOut,
            stdout: FileManager.default.contents(atPath: stdoutPath) ?? Data(),
            stderr: FileManager.default.contents(atPath: stderrPath) ?? Data()
        )
        try? FileManager.default.removeItem(at: outputDirectory)
        return result
    }

    deinit {
        // Never leave a child behind, nor a zombie.
        if isRunning {
            _ = kill(pid, SIGKILL)
            var raw: Int32 = 0
            _ = waitpid(pid, &raw, 0)
        }
        try? FileManager.default.removeItem(at: outputDirectory)
    }
}

extension ChildProcess {
    /// Runs `executable arguments…` to its end under `/bin/sh`, which also measures its wall time
    /// (`date +%s%N` before and after): a time read by this process would include the turns that
    /// its threads, busy with other suites, did not get. `elapsed` is nil if the shell could not tell.
    static func runTimed(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String?] = [:],
        timeout: Duration
    ) async throws -> (result: CLIResult, elapsed: Duration?) {
        let timing = FileManager.default.temporaryDirectory.appendingPathComponent("backupd-timing-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: timing) }
        let script = #"file=$1; shift; begin=$(date +%s%N); "$@"; status=$?; end=$(date +%s%N); echo $((end - begin)) > "$file"; exit $status"#
        let process = try ChildProcess("/bin/sh", ["-c", script, "sh", timing.path, executable] + arguments, environment: environment)
        let result = await process.wait(timeout: timeout)
        let nanoseconds = (try? String(contentsOf: timing, encoding: .utf8)).flatMap {
            Int64($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return (result, nanoseconds.map { .nanoseconds($0) })
    }
}

/// Shell helpers for the pipelines the README documents.
enum Shell {
    /// `text` as one single-quoted word of `/bin/sh`.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// Runs `script` with `/bin/sh -c`, at most `timeout`; a longer run is killed and fails the test.
    static func run(
        _ script: String,
        timeout: Duration = .seconds(300),
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> CLIResult {
        let result = try await ChildProcess("/bin/sh", ["-c", script]).wait(timeout: timeout)
        if result.timedOut {
            Issue.record("/bin/sh -c \(script) did not finish within \(timeout)", sourceLocation: sourceLocation)
        }
        return result
    }
}
