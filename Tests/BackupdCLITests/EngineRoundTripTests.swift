import BackupdTestSupport
import Foundation
import Testing

/// Moving a catalog between engines the way the README shows it, through a real pipe:
/// `backupd export --store A | backupd seed - --store B` reproduces it exactly, both ways.
@Suite(.enabled(if: TestPostgres.url != nil, "needs scripts/with-postgres"))
struct EngineRoundTripTests {
    /// A catalog that covers every service: the example seed plus a generated one of a few
    /// thousand backups (mixed RDS engines, cross-region copies, TaurusDB, DCS, DDM).
    static func seedCatalog(into store: String, in directory: URL) async throws {
        let generated = directory.appendingPathComponent("generated.json")
        let made = try await CLI.run(
            ["generate", "--instances", "12", "--backups", "4000", "--random-seed", "11", "--output", generated.path],
            in: directory
        )
        try #require(made.succeeded, "\(made.stderrText)")
        for file in [CLI.exampleSeed.path, generated.path] {
            let seeded = try await CLI.run(["seed", file, "--store", store] + CLI.patientPostgres, in: directory)
            try #require(seeded.succeeded, "seeding \(file) into \(store) failed: \(seeded.stderrText)")
        }
    }

    /// `export --store from | seed - --store to` in `/bin/sh`, then both exports, which must match.
    static func expectPipeReproduces(from source: String, to target: String, in directory: URL) async throws {
        let binary = Shell.quoted(try CLI.requireBinary().path)
        let patience = CLI.patientPostgres.joined(separator: " ")
        let exportStatus = directory.appendingPathComponent("export.status")
        // /bin/sh has no pipefail: the export's own status goes to a file.
        let script =
            "{ \(binary) export --store \(Shell.quoted(source)) \(patience); echo $? > \(Shell.quoted(exportStatus.path)); } "
            + "| \(binary) seed - --store \(Shell.quoted(target)) \(patience)"
        let piped = try await Shell.run(script)
        #expect(piped.succeeded, "the pipeline failed with \(piped.status): \(piped.stderrText)")
        let status = try String(contentsOf: exportStatus, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(status == "0", "backupd export in the pipe exited with \(status)")
        #expect(piped.stderrText.contains("backups"), "seed - reported nothing: \(piped.stderrText)")

        let original = try await CLI.run(["export", "--store", source] + CLI.patientPostgres, in: directory)
        let copy = try await CLI.run(["export", "--store", target] + CLI.patientPostgres, in: directory)
        try #require(original.succeeded && copy.succeeded, "\(original.stderrText)\(copy.stderrText)")
        for service in ["rds", "taurusdb", "dcs", "ddm"] {
            #expect(original.stdoutText.contains("\"service\":\"\(service)\""), "the catalog has no \(service) instance")
        }
        #expect(original.stdoutText.contains("offsite_project_id"), "the catalog has no cross-region backup")
        #expect(original.stdout.count > 1_000_000, "a catalog of \(original.stdout.count) bytes is too small to prove much")
        expectSameBytes(copy.stdout, original.stdout, "the export of the copy")
    }

    @Test(.timeLimit(.minutes(4)))
    func sqliteToPostgresThroughAPipeReproducesTheCatalog() async throws {
        let url = try #require(TestPostgres.url)
        let directory = try Files.temporaryDirectory()
        defer { Files.remove(directory) }
        let sqlite = "sqlite:\(directory.appendingPathComponent("source catalog.sqlite").path)"
        let schema = TestPostgres.newSchema()
        try await Self.seedCatalog(into: sqlite, in: directory)
        try await Self.expectPipeReproduces(from: sqlite, to: "\(url)?schema=\(schema)", in: directory)
        _ = try? await TestPostgres.sql("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE")
    }

    @Test(.timeLimit(.minutes(4)))
    func postgresToSQLiteThroughAPipeReproducesTheCatalog() async throws {
        let url = try #require(TestPostgres.url)
        let directory = try Files.temporaryDirectory()
        defer { Files.remove(directory) }
        let schema = TestPostgres.newSchema()
        let postgres = "\(url)?schema=\(schema)"
        try await Self.seedCatalog(into: postgres, in: directory)
        let sqlite = "sqlite:\(directory.appendingPathComponent("copy's catalog.sqlite").path)"
        try await Self.expectPipeReproduces(from: postgres, to: sqlite, in: directory)
        _ = try? await TestPostgres.sql("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE")
    }
}
