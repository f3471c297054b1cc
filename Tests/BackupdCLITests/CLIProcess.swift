import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the built `backupd` executable as a subprocess. Standard output and error go to
/// files (never pipes), so a chatty child can never block on a full pipe buffer, and a
/// running server's log can be read while it runs. Every wait is bounded.
enum CLI {
    /// The package root, from this file's path: `<root>/Tests/BackupdCLITests/CLIProcess.swift`.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `examples/seed.json` of the repository.
    static let exampleSeed: URL = packageRoot.appendingPathComponent("examples/seed.json")

    /// The `backupd` binary: next to the test runner (`.build/<config>/backupdPackageTests.xctest`
    /// on Linux; inside the `.xctest` bundle on macOS), else `<root>/.build/debug/backupd`.
    static let binary: URL? = {
        let runner = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var candidates: [URL] = []
        var directory = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("backupd"))
            if directory.pathExtension != "xctest" && !directory.path.contains(".xctest/") { break }
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/backupd"))
        return candidates.first { url in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && FileManager.default.isExecutableFile(atPath: url.path)
        }
    }()

    /// The binary, or a test failure that says how to build it.
    static func requireBinary(sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        try #require(
            binary,
            "backupd is not built: run `swift build --product backupd` first (looked next to \(CommandLine.arguments.first ?? "?"))",
            sourceLocation: sourceLocation
        )
    }

    /// Starts `backupd arguments…` in `directory` (so the default store never lands in the repository).
    static func start(_ arguments: [String], in directory: URL, stdin: URL? = nil) throws -> CLIProcess {
        try CLIProcess(executable: try requireBinary(), arguments: arguments, directory: directory, stdin: stdin)
    }

    /// Runs `backupd arguments…` to completion; a run longer than `timeout` is killed and fails the test.
    static func run(
        _ arguments: [String],
        in directory: URL,
        stdin: URL? = nil,
        timeout: Duration = .seconds(120),
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> CLIResult {
        let process = try start(arguments, in: directory, stdin: stdin)
        let result = await process.wait(timeout: timeout)
        if result.timedOut {
            Issue.record("backupd \(arguments.joined(separator: " ")) did not finish within \(timeout)", sourceLocation: sourceLocation)
        }
        return result
    }
}

/// How a finished (or killed) `backupd` ended and what it wrote.
struct CLIResult: Sendable {
    /// The exit status, or the signal number when `signaled`.
    let status: Int32
    /// Ended by a signal rather than by exiting.
    let signaled: Bool
    /// Still running at the deadline (and then killed).
    let timedOut: Bool
    let stdout: Data
    let stderr: Data

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    /// Exited by itself with status 0.
    var succeeded: Bool { !signaled && !timedOut && status == 0 }
    /// The non-empty lines of standard error.
    var stderrLines: [Substring] { stderrText.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) } }
}

/// One running `backupd`. Its output files live in a private temporary directory, removed on `wait`.
final class CLIProcess: @unchecked Sendable {
    private let process = Process()
    private let outputDirectory: URL
    private let stdoutURL: URL
    private let stderrURL: URL
    let arguments: [String]

    fileprivate init(executable: URL, arguments: [String], directory: URL, stdin: URL?) throws {
        self.arguments = arguments
        outputDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("backupd-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        stdoutURL = outputDirectory.appendingPathComponent("stdout")
        stderrURL = outputDirectory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)

        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["LOG_LEVEL"] = nil  // the default level (info) is what the tests read
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        process.standardInput = try stdin.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// Sends `signal` (SIGTERM, SIGKILL, …) to this process only.
    func send(_ signal: Int32) {
        guard process.isRunning else { return }
        _ = kill(process.processIdentifier, signal)
    }

    /// What the process has written to standard output so far.
    func stdoutSoFar() -> String {
        String(decoding: (try? Data(contentsOf: stdoutURL)) ?? Data(), as: UTF8.self)
    }

    /// What the process has written to standard error so far.
    func stderrSoFar() -> String {
        String(decoding: (try? Data(contentsOf: stderrURL)) ?? Data(), as: UTF8.self)
    }

    /// Waits for the process to end, at most `timeout`; past it the process is killed (SIGKILL)
    /// and the result says `timedOut`.
    func wait(timeout: Duration) async -> CLIResult {
        let deadline = ContinuousClock.now + timeout
        var timedOut = false
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                timedOut = true
                send(SIGKILL)
                // After SIGKILL the end is near; still bounded.
                let killDeadline = ContinuousClock.now + .seconds(10)
                while process.isRunning && ContinuousClock.now < killDeadline {
                    try? await Task.sleep(for: .milliseconds(10))
                }
                break
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        let running = process.isRunning
        let result = CLIResult(
            status: running ? -1 : process.terminationStatus,
            signaled: running ? true : process.terminationReason == .uncaughtSignal,
            timedOut: timedOut,
            stdout: (try? Data(contentsOf: stdoutURL)) ?? Data(),
            stderr: (try? Data(contentsOf: stderrURL)) ?? Data()
        )
        try? FileManager.default.removeItem(at: outputDirectory)
        return result
    }

    deinit {
        // Never leave a child behind, whatever the test did.
        if process.isRunning { _ = kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: outputDirectory)
    }
}

/// Small file helpers for the CLI tests.
enum Files {
    /// The size of the file at `url`, 0 when it does not exist.
    static func size(_ url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// A fresh temporary directory, removed by `remove`.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("backupd-cli-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func remove(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Expects two outputs to be equal byte for byte. On a mismatch it reports the sizes and the
/// first difference with some context (a plain `#expect(a == b)` on large `Data` makes the
/// testing library diff the two collections, which can take minutes).
func expectSameBytes(
    _ actual: Data,
    _ expected: Data,
    _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let same = actual == expected
    guard !same else { return }
    let a = [UInt8](actual)
    let b = [UInt8](expected)
    let offset = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
    func excerpt(_ bytes: [UInt8]) -> String {
        let start = max(0, offset - 80)
        let end = min(bytes.count, offset + 80)
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
    let message: String =
        "\(what): \(a.count) bytes, expected \(b.count); first difference at byte \(offset)\n"
        + "got:      …\(excerpt(a))…\nexpected: …\(excerpt(b))…"
    Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
}
