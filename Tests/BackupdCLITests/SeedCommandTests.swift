import BackupdTestSupport
import Foundation
import Testing

/// `backupd seed` and `backupd export` as a user runs them: exit status, messages, and the
/// catalog they leave (compared through `backupd export`).
@Suite struct SeedCommandTests {
    /// A temporary directory with a store in it.
    struct Workspace {
        let directory: URL
        let database: URL
        var store: String { "--store=sqlite:\(database.path)" }

        init() throws {
            directory = try Files.temporaryDirectory()
            database = directory.appendingPathComponent("catalog.sqlite")
        }

        func seed(_ file: String, stdin: URL? = nil) async throws -> ProcessResult {
            try await CLI.run(["seed", file, store], in: directory, stdin: stdin)
        }

        func export(sourceLocation: SourceLocation = #_sourceLocation) async throws -> ProcessResult {
            let result = try await CLI.run(["export", store], in: directory)
            try #require(result.succeeded, "backupd export failed: \(result.stderrText)", sourceLocation: sourceLocation)
            return result
        }

        func write(_ text: String, to name: String) throws -> URL {
            let url = directory.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url
        }
    }

    static var exampleText: String {
        get throws { try String(contentsOf: CLI.exampleSeed, encoding: .utf8) }
    }

    @Test func brokenSeedIsRejectedWithTheRecordPathAndChangesNothing() async throws {
        let work = try Workspace()
        defer { Files.remove(work.directory) }
        let seeded = try await work.seed(CLI.exampleSeed.path)
        try #require(seeded.succeeded, "\(seeded.stderrText)")
        // The load is in the store file itself: its WAL was copied and emptied, so the next process
        // to open the store reads none of it first (a 10M-backup load left 4.3 GB there).
        let wal = try? FileManager.default.attributesOfItem(atPath: work.database.path + "-wal")[.size] as? Int
        #expect((wal ?? 0) == 0, "the WAL holds \(wal ?? 0) bytes after the seed")
        let before = try await work.export()

        // New domain, project, instance and a valid backup, then a backup whose begin_time is not a time:
        // had anything been written before the check, the export would show it.
        let broken = try work.write(
            """
            {"domains":[{"name":"brokenco","id":"cccccccccccccccccccccccccccccccc","users":[{"name":"dave","password":"Passw0rd!dave"}],
              "projects":[{"id":"dddddddddddddddddddddddddddddddd","name":"cn-north-4"}]}],
             "instances":[{"id":"brokeninstancebrokeninstancebrin01","project_id":"dddddddddddddddddddddddddddddddd","service":"rds",
              "name":"broken-mysql","datastore":{"type":"MySQL","version":"8.0"}}],
             "backups":[
              {"instance_id":"brokeninstancebrokeninstancebrin01","id":"brokenbackup0000000000000000000br01","name":"ok","type":"auto",
               "status":"COMPLETED","size":1,"begin_time":"2020-01-01T00:00:00+0800","end_time":"2020-01-01T00:05:00+0800"},
              {"instance_id":"brokeninstancebrokeninstancebrin01","id":"brokenbackup0000000000000000000br02","name":"bad","type":"auto",
               "status":"COMPLETED","size":1,"begin_time":"yesterday","end_time":"2020-01-01T00:05:00+0800"}
             ]}
            """,
            to: "broken.json"
        )
        let rejected = try await work.seed(broken.path)
        #expect(!rejected.succeeded)
        #expect(!rejected.signaled)
        #expect(rejected.status != 0)
        #expect(rejected.stderrText.contains("backups[1].begin_time"), "the error does not name the record: \(rejected.stderrText)")
        #expect(rejected.stderrLines.count == 1, "expected a one-line error, got: \(rejected.stderrText)")
        #expect(!rejected.stderrText.contains("Passw0rd!dave"))
        #expect(rejected.stdout.isEmpty)

        let after = try await work.export()
        expectSameBytes(after.stdout, before.stdout, "the export after a rejected seed")
        #expect(!after.stdoutText.contains("brokenco"))
    }

    @Test func brokenExampleNamesBackupsZeroBeginTime() async throws {
        let work = try Workspace()
        defer { Files.remove(work.directory) }
        let seeded = try await work.seed(CLI.exampleSeed.path)
        try #require(seeded.succeeded, "\(seeded.stderrText)")
        let before = try await work.export()

        // The example itself, with the first backup's begin_time broken.
        let example = try Self.exampleText
        let marker = "\"begin_time\": \"2018-08-06T12:41:14+0800\""
        let range = try #require(example.range(of: marker))
        let backupsStart = try #require(example.range(of: "\"backups\""))
        try #require(range.lowerBound > backupsStart.lowerBound, "the first begin_time is not in backups[0]")
        let broken = try work.write(example.replacingCharacters(in: range, with: "\"begin_time\": \"2018-08-06 12:41\""), to: "broken.json")

        let rejected = try await work.seed(broken.path)
        #expect(rejected.status != 0 && !rejected.signaled)
        #expect(rejected.stderrText.contains("backups[0].begin_time"), "\(rejected.stderrText)")
        expectSameBytes(try await work.export().stdout, before.stdout, "the export after a rejected seed")

        // Into an empty store too: nothing at all is written.
        let empty = try Workspace()
        defer { Files.remove(empty.directory) }
        let rejectedEmpty = try await empty.seed(broken.path)
        #expect(rejectedEmpty.status != 0)
        let emptyExport = try await empty.export()
        #expect(!emptyExport.stdoutText.contains("acme"))
        #expect(!emptyExport.stdoutText.contains("a48e43ff268f4c0e879652d65e63d0fbin01"))
    }

    @Test func invalidJSONAndMissingFileFailCleanly() async throws {
        let work = try Workspace()
        defer { Files.remove(work.directory) }
        let truncated = try work.write(String(try Self.exampleText.prefix(2000)), to: "truncated.json")
        let rejected = try await work.seed(truncated.path)
        #expect(rejected.status != 0 && !rejected.signaled)
        #expect(rejected.stderrLines.count == 1, "\(rejected.stderrText)")
        #expect(rejected.stderrText.contains("truncated.json"))

        let missing = try await work.seed(work.directory.appendingPathComponent("nope.json").path)
        #expect(missing.status != 0 && !missing.signaled)
        #expect(missing.stderrLines.count == 1, "\(missing.stderrText)")
        #expect(missing.stderrText.contains("nope.json"))
    }

    @Test func loadingTwiceEqualsLoadingOnce() async throws {
        let once = try Workspace()
        let twice = try Workspace()
        defer {
            Files.remove(once.directory)
            Files.remove(twice.directory)
        }
        #expect(try await once.seed(CLI.exampleSeed.path).succeeded)
        let first = try await twice.seed(CLI.exampleSeed.path)
        #expect(first.succeeded)
        let afterFirst = try await twice.export()
        let second = try await twice.seed(CLI.exampleSeed.path)
        #expect(second.succeeded, "\(second.stderrText)")
        #expect(second.stderrText == first.stderrText, "the second load reported something else")

        let onceExport = try await once.export()
        let twiceExport = try await twice.export()
        expectSameBytes(twiceExport.stdout, afterFirst.stdout, "the export after a second load")
        expectSameBytes(twiceExport.stdout, onceExport.stdout, "the export of a store loaded twice")
    }

    @Test func exportThenSeedFromStandardInputRoundTrips() async throws {
        let source = try Workspace()
        let target = try Workspace()
        defer {
            Files.remove(source.directory)
            Files.remove(target.directory)
        }
        #expect(try await source.seed(CLI.exampleSeed.path).succeeded)
        let exported = try await source.export()
        let file = source.directory.appendingPathComponent("export.json")
        try exported.stdout.write(to: file)

        let loaded = try await target.seed("-", stdin: file)
        #expect(loaded.succeeded, "seed - failed: \(loaded.stderrText)")
        #expect(loaded.stderrText.contains("67 backups"), "\(loaded.stderrText)")
        let reexported = try await target.export()
        expectSameBytes(reexported.stdout, exported.stdout, "the export of the store seeded from an export")

        // `-o FILE` writes the same document as standard output.
        let output = target.directory.appendingPathComponent("out.json")
        let toFile = try await CLI.run(["export", target.store, "-o", output.path], in: target.directory)
        #expect(toFile.succeeded, "\(toFile.stderrText)")
        #expect(toFile.stdout.isEmpty)
        expectSameBytes(try Data(contentsOf: output), exported.stdout, "export -o")
    }

    @Test func exportsAndMessagesHoldNoPasswordOrSecret() async throws {
        let work = try Workspace()
        defer { Files.remove(work.directory) }
        let secrets = try Self.secretsOfExample()
        try #require(secrets.count >= 6, "the example seed should have passwords and secret keys: \(secrets)")

        let seeded = try await work.seed(CLI.exampleSeed.path)
        #expect(seeded.succeeded)
        let exported = try await work.export()
        #expect(exported.stdoutText.contains("HPUAEXAMPLEAK0000001"), "the access keys themselves belong in the export")
        for secret in secrets {
            #expect(!exported.stdoutText.contains(secret), "the export holds \(secret)")
            #expect(!seeded.stderrText.contains(secret), "backupd seed printed \(secret)")
        }
        #expect(!exported.stdoutText.contains("\"password\""))
        #expect(!exported.stdoutText.contains("\"secret\""))
        #expect(!exported.stdoutText.contains("pbkdf2"), "the export holds a password digest")

        // Reloading the export keeps the stored secrets out of a second export.
        let reloaded = try await work.seed("-", stdin: try work.write(exported.stdoutText, to: "export.json"))
        #expect(reloaded.succeeded)
        let again = try await work.export()
        expectSameBytes(again.stdout, exported.stdout, "the export after reloading an export")
    }

    @Test func bogusStoreFailsWithOneLine() async throws {
        let work = try Workspace()
        defer { Files.remove(work.directory) }
        let commands = [
            ["seed", CLI.exampleSeed.path, "--store", "bogus:x"], ["export", "--store", "bogus:x"],
            ["serve", "--host", "127.0.0.1", "--port", "0", "--store", "bogus:x"],
        ]
        for arguments in commands {
            let result = try await CLI.run(arguments, in: work.directory, timeout: .seconds(30))
            #expect(result.status != 0 && !result.signaled, "\(arguments)")
            #expect(result.stdout.isEmpty)
            // The scheme only: what follows it may hold a password.
            #expect(result.stderrText.contains("unknown store 'bogus'"), "\(result.stderrText)")
            #expect(result.stderrLines.count == 1, "backupd \(arguments.joined(separator: " ")) printed more than one line:\n\(result.stderrText)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.directory.path).isEmpty, "a store file was created")
    }

    /// Every password and secret key of the example seed.
    static func secretsOfExample() throws -> [String] {
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: CLI.exampleSeed)) as? [String: Any]
        var secrets: [String] = []
        for domain in root?["domains"] as? [[String: Any]] ?? [] {
            for user in domain["users"] as? [[String: Any]] ?? [] {
                if let password = user["password"] as? String { secrets.append(password) }
                for key in user["access_keys"] as? [[String: Any]] ?? [] {
                    if let secret = key["secret"] as? String { secrets.append(secret) }
                }
            }
        }
        return secrets
    }
}
