import BackupdAPI
import BackupdCatalog
import BackupdTestSupport
import Foundation
import Testing

@testable import BackupdCLI

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `backupd generate`: into a store (beside what it holds) or a seed file, reproducible, with a
/// credentials file whose keys and samples work against `backupd serve`.
@Suite struct GenerateCommandTests {
    typealias Workspace = SeedCommandTests.Workspace

    static let counts = ["--instances", "40", "--backups", "5000"]

    /// `backupd generate` with the small plan and `extra` arguments; fails the test unless it succeeds.
    static func generate(
        _ work: Workspace,
        seed: Int = 7,
        _ extra: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ProcessResult {
        let result = try await CLI.run(["generate"] + counts + ["--random-seed", "\(seed)", work.store] + extra, in: work.directory)
        try #require(result.succeeded, "backupd generate failed: \(result.stderrText)", sourceLocation: sourceLocation)
        return result
    }

    /// The records of an export: its lines holding one record each, without the separating comma.
    static func recordLines(_ export: String) -> [Substring] {
        export.split(separator: "\n").filter { $0.hasPrefix("    {") }.map { $0.hasSuffix(",") ? $0.dropLast() : $0 }
    }

    static func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    // MARK: - In process: the generated catalog passes every seed rule

    @Test func aGeneratedSeedDocumentLoadsThroughTheSeedLoader() async throws {
        let generator = try CatalogGenerator(plan: GeneratorPlan(instances: 40, backups: 5000, randomSeed: 7, chunkSize: 999))
        var chunks = generator.chunks()
        var document: [UInt8] = []
        var records = 0
        try GeneratedSeedFile.write(generator, chunks: &chunks) { bytes, count in
            document += bytes
            records += count
        }
        #expect(records == chunks.totalRecords)
        let store = try await StoreEngine.sqliteMemory.makeStore()
        let summary = try await SeedLoader(store: store, hasher: Fixtures.fastHasher).load(document)
        #expect(summary.domains == 2 && summary.users == 4 && summary.accessKeys == 4)
        #expect(summary.instances == 40 && summary.backups == 5000)
        #expect(summary.records == records)

        // On top of the example seed too: nothing clashes, nothing of the example changes.
        let example = try await Fixtures.exampleStore()
        let before = try await Fixtures.export(example)
        try await SeedLoader(store: example, hasher: Fixtures.fastHasher).load(document)
        let after = try await Fixtures.export(example)
        let added = Set(Self.recordLines(after))
        for line in Self.recordLines(before) { #expect(added.contains(line), "the example lost or changed \(line.prefix(120))") }
        let statistics = try await example.statistics()
        #expect(statistics.backups == 67 + 5000)
    }

    // MARK: - Into a store

    @Test(.timeLimit(.minutes(3)))
    func generateIntoAStoreThenExport() async throws {
        let work = try Workspace()
        defer { Files.remove(work.directory) }
        let generated = try await Self.generate(work)
        #expect(generated.stdout.isEmpty)
        #expect(generated.stderrLines.count == 1, "\(generated.stderrText)")
        #expect(generated.stderrText.contains("generated 40 instances and 5000 backups (seed 7)"))
        #expect(generated.stderrText.contains("backups/s"))

        let export = try Self.json(try await work.export().stdout)
        #expect((export["instances"] as? [Any])?.count == 40)
        #expect((export["backups"] as? [Any])?.count == 5000)
        #expect((export["domains"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["gen-7-1", "gen-7-2"])
    }

    @Test(.timeLimit(.minutes(3)))
    func generateOnTopOfTheExampleLeavesItIntact() async throws {
        let work = try Workspace()
        defer { Files.remove(work.directory) }
        let seeded = try await work.seed(CLI.exampleSeed.path)
        try #require(seeded.succeeded, "\(seeded.stderrText)")
        let before = try await work.export().stdoutText
        _ = try await Self.generate(work)
        let after = try await work.export().stdoutText
        let records = Set(Self.recordLines(after))
        for line in Self.recordLines(before) { #expect(records.contains(line), "the example lost or changed \(line.prefix(120))") }
        #expect(records.count == Self.recordLines(before).count + 2 + 40 + 5000)
        // The example's credentials still work: the seed's password digests were left alone.
        let reseeded = try await work.seed(CLI.exampleSeed.path)
        #expect(reseeded.succeeded)
        expectSameBytes(Data(try await work.export().stdoutText.utf8), Data(after.utf8), "the export after re-seeding the example")
    }

    @Test(.timeLimit(.minutes(3)))
    func theSameSeedGivesIdenticalExports() async throws {
        let first = try Workspace()
        let second = try Workspace()
        let other = try Workspace()
        defer {
            Files.remove(first.directory)
            Files.remove(second.directory)
            Files.remove(other.directory)
        }
        _ = try await Self.generate(first)
        _ = try await Self.generate(second, ["--chunk-size", "333"])
        let firstExport = try await first.export()
        expectSameBytes(try await second.export().stdout, firstExport.stdout, "the export of a second store generated with the same seed")
        // Generating again into the same store changes nothing.
        _ = try await Self.generate(first)
        expectSameBytes(try await first.export().stdout, firstExport.stdout, "the export after generating the same catalog twice")
        _ = try await Self.generate(other, seed: 8)
        #expect(try await other.export().stdout != firstExport.stdout)
    }

    // MARK: - As a seed file

    @Test(.timeLimit(.minutes(3)))
    func theSeedFileLoadsWithSeedAndHoldsTheSameCatalog() async throws {
        let direct = try Workspace()
        let viaFile = try Workspace()
        defer {
            Files.remove(direct.directory)
            Files.remove(viaFile.directory)
        }
        let file = viaFile.directory.appendingPathComponent("generated.json")
        let written = try await Self.generate(viaFile, ["--output", file.path])
        #expect(written.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: viaFile.database.path), "--output must not touch the store")
        let permissions = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
        #expect(permissions?.intValue == 0o600, "the seed file holds secrets")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("\"password\"") && text.contains("\"secret\""), "the seed file carries the credentials")

        let seeded = try await viaFile.seed(file.path)
        #expect(seeded.succeeded, "\(seeded.stderrText)")
        #expect(seeded.stderrText.contains("5000 backups"), "\(seeded.stderrText)")
        _ = try await Self.generate(direct)
        expectSameBytes(try await viaFile.export().stdout, try await direct.export().stdout, "the seeded file against the generated store")

        // - writes the same document to standard output.
        let toStdout = try await Self.generate(viaFile, ["--output", "-"])
        expectSameBytes(toStdout.stdout, try Data(contentsOf: file), "generate --output -")
    }

    // MARK: - Credentials

    @Test(.timeLimit(.minutes(3)))
    func theCredentialsFileNamesKeysThatSignAndSamplesThatAnswer() async throws {
        let work = try Workspace()
        defer { Files.remove(work.directory) }
        let credentialsFile = work.directory.appendingPathComponent("credentials.json")
        _ = try await Self.generate(work, ["--credentials-out", credentialsFile.path])
        let permissions = try FileManager.default.attributesOfItem(atPath: credentialsFile.path)[.posixPermissions] as? NSNumber
        #expect(permissions?.intValue == 0o600)
        let credentials = try Self.json(try Data(contentsOf: credentialsFile))

        // Structure: domains with projects and users, users with password, projects and keys.
        let domains = try #require(credentials["domains"] as? [[String: Any]])
        #expect(domains.count == 2)
        for domain in domains {
            #expect((domain["id"] as? String)?.count == 32)
            #expect((domain["name"] as? String)?.hasPrefix("gen-7-") == true)
            let projects = try #require(domain["projects"] as? [[String: String]])
            #expect(projects.count >= 3 && projects.allSatisfy { $0["id"]?.count == 32 && $0["name"] != nil })
            let users = try #require(domain["users"] as? [[String: Any]])
            #expect(users.compactMap { $0["name"] as? String } == ["admin", "reader"])
            #expect(users[0]["projects"] is NSNull)
            #expect((users[1]["projects"] as? [String]) == [projects[0]["id"]!])
            for user in users {
                #expect((user["password"] as? String)?.isEmpty == false)
                let keys = try #require(user["access_keys"] as? [[String: String]])
                #expect(keys.count == 1 && keys[0]["access"]?.count == 20 && keys[0]["secret"]?.count == 40)
            }
        }
        let samples = try #require(credentials["samples"] as? [String: Any])
        #expect(Set(samples.keys) == ["rds", "rds_offsite", "taurusdb", "dcs", "ddm"])
        func sample(_ name: String) throws -> [String: Any] { try #require(samples[name] as? [String: Any], "no \(name) sample") }
        let rds = try sample("rds")
        let offsite = try sample("rds_offsite")
        let taurus = try sample("taurusdb")
        let dcs = try sample("dcs")
        let ddm = try sample("ddm")
        for entry in [rds, offsite, taurus, dcs, ddm] {
            for field in ["instance_id", "project_id", "domain", "user", "password", "access", "secret"] {
                #expect(entry[field] is String, "\(field) missing in \(entry)")
            }
            #expect((entry["backups"] as? Int ?? 0) > 0)
        }

        // The samples answer with the counts they announce, signed with their keys.
        let session = URLSession(configuration: .ephemeral)
        defer { session.invalidateAndCancel() }
        let server = try await CLI.start(["serve", "--port", "0", work.store], in: work.directory)
        let banner = try await FirstStartTests.waitForBanner(of: server)
        let port = try #require(
            banner.split(separator: "\n").first { $0.contains("listening on") }.flatMap { $0.split(separator: ":").last }
                .flatMap { Int($0) }
        )
        func get(_ target: String, _ entry: [String: Any]) async throws -> [String: Any] {
            let key = (access: entry["access"] as? String ?? "", secret: entry["secret"] as? String ?? "")
            let answer = try await FirstStartTests.send(target, port: port, session: session, signedWith: key)
            #expect(answer.status == 200, "\(target): \(String(decoding: answer.body, as: UTF8.self))")
            return try Self.json(answer.body)
        }
        func string(_ entry: [String: Any], _ field: String) -> String { entry[field] as? String ?? "" }

        let rdsList = try await get("/v3/\(string(rds, "project_id"))/backups?instance_id=\(string(rds, "instance_id"))", rds)
        #expect(rdsList["total_count"] as? Int == rds["backups"] as? Int)
        for (type, field) in [("auto", "auto_backups"), ("incremental", "incremental_backups")] {
            let list = try await get(
                "/v3/\(string(offsite, "project_id"))/offsite-backups?instance_id=\(string(offsite, "instance_id"))&backup_type=\(type)",
                offsite
            )
            #expect(list["total_count"] as? Int == offsite[field] as? Int, "offsite \(type)")
        }
        let taurusList = try await get(
            "/v3/\(string(taurus, "project_id"))/instances/\(string(taurus, "instance_id"))/incremental-backups",
            taurus
        )
        #expect(taurusList["total_count"] as? Int == taurus["incremental_backups"] as? Int)
        let dcsList = try await get("/v2/\(string(dcs, "project_id"))/instances/\(string(dcs, "instance_id"))/backups", dcs)
        #expect(dcsList["total_num"] as? Int == dcs["backups"] as? Int)
        let ddmBackup = try await get(
            "/v3/\(string(ddm, "project_id"))/instances/\(string(ddm, "instance_id"))/backups/\(string(ddm, "backup_id"))",
            ddm
        )
        #expect(ddmBackup["id"] as? String == string(ddm, "backup_id"))

        // The limited user's key works in its project only.
        let reader = try #require((domains[0]["users"] as? [[String: Any]])?[1])
        let readerKey = try #require((reader["access_keys"] as? [[String: String]])?.first)
        let projects = try #require(domains[0]["projects"] as? [[String: String]])
        let own = try await FirstStartTests.send(
            "/v3/\(projects[0]["id"]!)/backups?instance_id=none",
            port: port,
            session: session,
            signedWith: (readerKey["access"]!, readerKey["secret"]!)
        )
        #expect(own.status == 404, "in its own project the reader is authenticated: \(String(decoding: own.body, as: UTF8.self))")
        let foreign = try await FirstStartTests.send(
            "/v3/\(projects[1]["id"]!)/backups?instance_id=none",
            port: port,
            session: session,
            signedWith: (readerKey["access"]!, readerKey["secret"]!)
        )
        #expect(foreign.status == 403)

        // The password was stored as a digest that the token flow accepts.
        let tokenBody = """
            {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","password":"\(string(rds, "password"))",\
            "domain":{"name":"\(string(rds, "domain"))"}}}},"scope":{"project":{"id":"\(string(rds, "project_id"))"}}}}
            """
        let issued = try await FirstStartTests.send("/v3/auth/tokens", port: port, session: session, method: "POST", body: tokenBody)
        #expect(issued.status == 201, "\(String(decoding: issued.body, as: UTF8.self))")

        server.send(SIGTERM)
        let ended = await server.wait(timeout: TestBounds.processEnd)
        #expect(ended.status == 0, "\(ended.stderrText)")
        for secret in [string(rds, "secret"), string(rds, "password")] {
            #expect(!ended.stderrText.contains(secret) && !ended.stdoutText.contains(secret), "the server printed a secret")
        }
    }

    // MARK: - Failures

    @Test func plansOutOfRangeFailWithOneLine() async throws {
        let work = try Workspace()
        defer { Files.remove(work.directory) }
        for arguments in [
            ["--instances", "0", "--backups", "10"], ["--instances", "2", "--backups=-1"],
            ["--instances", "2", "--backups", "10", "--chunk-size", "0"],
        ] {
            let result = try await CLI.run(["generate"] + arguments + ["--random-seed", "1", work.store], in: work.directory)
            #expect(result.status != 0 && !result.signaled, "\(arguments)")
            #expect(result.stderrLines.count == 1, "\(result.stderrText)")
        }
        #expect(!FileManager.default.fileExists(atPath: work.database.path), "a failed plan opened the store")
    }
}
