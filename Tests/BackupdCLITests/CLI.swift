import BackupdTestSupport
import Foundation
import Testing

/// The built `backupd` executable, run as a child process through `TestProcess`.
enum CLI {
    /// The package root, from this file's path: `<root>/Tests/BackupdCLITests/CLI.swift`.
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
    static func start(_ arguments: [String], in directory: URL, stdin: URL? = nil) async throws -> TestProcess {
        try await TestProcess.start(try requireBinary().path, arguments, in: directory, stdin: stdin)
    }

    /// Runs `backupd arguments…` to completion; a run longer than `timeout` is killed and fails the test.
    static func run(
        _ arguments: [String],
        in directory: URL,
        stdin: URL? = nil,
        timeout: Duration = .seconds(120),
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ProcessResult {
        let result = try await start(arguments, in: directory, stdin: stdin).wait(timeout: timeout)
        if result.timedOut {
            Issue.record("backupd \(arguments.joined(separator: " ")) did not finish within \(timeout)", sourceLocation: sourceLocation)
        }
        return result
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
    ) async throws -> ProcessResult {
        let result = try await TestProcess.run("/bin/sh", ["-c", script], timeout: timeout)
        if result.timedOut {
            Issue.record("/bin/sh -c \(script) did not finish within \(timeout)", sourceLocation: sourceLocation)
        }
        return result
    }

    /// Runs `executable arguments…` to its end under `/bin/sh`, which also measures its wall time
    /// (`date +%s%N` before and after): a time read by this process would include the turns that
    /// its threads, busy with other suites, did not get. `elapsed` is nil if the shell could not tell.
    static func runTimed(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String?] = [:],
        timeout: Duration
    ) async throws -> (result: ProcessResult, elapsed: Duration?) {
        let timing = FileManager.default.temporaryDirectory.appendingPathComponent("backupd-timing-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: timing) }
        let script = #"file=$1; shift; begin=$(date +%s%N); "$@"; status=$?; end=$(date +%s%N); echo $((end - begin)) > "$file"; exit $status"#
        let result = try await TestProcess.run(
            "/bin/sh",
            ["-c", script, "sh", timing.path, executable] + arguments,
            environment: environment,
            timeout: timeout
        )
        let nanoseconds = (try? String(contentsOf: timing, encoding: .utf8)).flatMap {
            Int64($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return (result, nanoseconds.map { .nanoseconds($0) })
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
