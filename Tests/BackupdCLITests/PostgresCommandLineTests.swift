import BackupdTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `--store postgres://…` from the command line (README, "Failures"): a bad URL, a refused
/// connection or a wrong password stops a command at once with one line naming the problem and
/// never the password; the password may come from `BACKUPD_PG_PASSWORD` instead of the URL.
@Suite(.enabled(if: TestPostgres.url != nil, "needs scripts/with-postgres"))
struct PostgresCommandLineTests {
    /// How soon a command must give up on a store it cannot use.
    static let promptness: Duration = .seconds(5)
    /// A password that must never be printed.
    static let secret = "Pw-never-printed-7f3a"

    /// The cluster's URL without its password, and the password.
    static func splitPassword(_ url: String) throws -> (url: String, password: String) {
        let scheme = "postgres://"
        try #require(url.hasPrefix(scheme))
        let rest = url.dropFirst(scheme.count)
        let credentials = rest.prefix { $0 != "@" }
        let user = credentials.prefix { $0 != ":" }
        let password = String(credentials.drop { $0 != ":" }.dropFirst())
        try #require(!password.isEmpty, "the cluster's URL has no password")
        return (scheme + user + rest.dropFirst(credentials.count), password)
    }

    /// Runs `backupd export` and `backupd serve` on `store`; each must fail within 5 s with
    /// exactly one line on stderr that contains `problem` and none of `secrets`.
    static func expectPromptFailure(
        store: String,
        problem: String,
        secrets: [String],
        environment: [String: String?] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let binary = try CLI.requireBinary().path
        let commands = [["export", "--store", store], ["serve", "--host", "127.0.0.1", "--port", "0", "--store", store]]
        for arguments in commands {
            let (result, took) = try await Shell.runTimed(binary, arguments, environment: environment, timeout: .seconds(30))
            let what = "backupd \(arguments[0]) --store <\(problem)>"
            #expect(took.map { $0 < promptness } == true, "\(what) took \(took.map { "\($0)" } ?? "an unknown time")", sourceLocation: sourceLocation)
            #expect(!result.timedOut && !result.signaled && result.status != 0, "\(what): status \(result.status)", sourceLocation: sourceLocation)
            #expect(result.stdout.isEmpty, "\(what) wrote to stdout: \(result.stdoutText)", sourceLocation: sourceLocation)
            #expect(result.stderrLines.count == 1, "\(what): not one line:\n\(result.stderrText)", sourceLocation: sourceLocation)
            #expect(result.stderrText.contains(problem), "\(what) does not name the problem: \(result.stderrText)", sourceLocation: sourceLocation)
            for secret in secrets where !secret.isEmpty {
                #expect(!result.stderrText.contains(secret), "\(what) printed a password: \(result.stderrText)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func malformedURLsStopEveryCommandWithOneLine() async throws {
        let cases: [(url: String, problem: String)] = [
            ("postgres://backupd:\(Self.secret)@127.0.0.1:notaport/backupd", "port must be a number"),
            ("postgres://backupd:\(Self.secret)@127.0.0.1:5432", "needs a database"),
            ("postgres://:\(Self.secret)@127.0.0.1:5432/backupd", "needs a user"),
            ("postgres://backupd:\(Self.secret)%zz@127.0.0.1/backupd", "password has a malformed %-escape"),
            ("postgres://backupd:\(Self.secret)@127.0.0.1:5432/backupd?schema=Not-A-Schema", "schema must be"),
            ("postgres://backupd:\(Self.secret)@127.0.0.1:5432/backupd?sslmode=require", "knows one parameter"),
        ]
        for (url, problem) in cases {
            try await Self.expectPromptFailure(store: url, problem: problem, secrets: [Self.secret])
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func aRefusedPortStopsEveryCommandWithOneLine() async throws {
        // A port that nothing listens on: bound a moment ago, then closed.
        let port = try LoopbackPort.free()
        try await Self.expectPromptFailure(
            store: "postgres://backupd:\(Self.secret)@127.0.0.1:\(port)/backupd",
            problem: "connection refused",
            secrets: [Self.secret]
        )
    }

    @Test(.timeLimit(.minutes(2)))
    func aWrongPasswordStopsEveryCommandWithOneLine() async throws {
        let (bare, password) = try Self.splitPassword(try #require(TestPostgres.url))
        let wrong = bare.replacingOccurrences(of: "postgres://backupd@", with: "postgres://backupd:\(Self.secret)@")
        try #require(wrong != bare)
        try await Self.expectPromptFailure(
            store: wrong,
            problem: "password authentication failed",
            secrets: [Self.secret, password]
        )
        // The same wrong password from the environment.
        try await Self.expectPromptFailure(
            store: bare,
            problem: "password authentication failed",
            secrets: [Self.secret, password],
            environment: ["BACKUPD_PG_PASSWORD": Self.secret]
        )
    }

    @Test(.timeLimit(.minutes(3)))
    func thePasswordCanComeFromTheEnvironment() async throws {
        let (bare, password) = try Self.splitPassword(try #require(TestPostgres.url))
        let schema = TestPostgres.newSchema()
        let store = "\(bare)?schema=\(schema)"
        let environment: [String: String?] = ["BACKUPD_PG_PASSWORD": password]
        let binary = try CLI.requireBinary().path

        let seeded = try await TestProcess.run(
            binary,
            ["seed", CLI.exampleSeed.path, "--store", store] + CLI.patientPostgres,
            environment: environment,
            timeout: .seconds(120)
        )
        #expect(seeded.succeeded, "seed with BACKUPD_PG_PASSWORD: \(seeded.stderrText)")
        #expect(seeded.stderrText.contains("67 backups"), "\(seeded.stderrText)")
        let exported = try await TestProcess.run(
            binary,
            ["export", "--store", store] + CLI.patientPostgres,
            environment: environment,
            timeout: .seconds(60)
        )
        #expect(exported.succeeded, "export with BACKUPD_PG_PASSWORD: \(exported.stderrText)")
        #expect(exported.stdoutText.contains(Fixtures.Acme.mysqlInstance), "the export misses the seeded catalog")

        let node = try await ServeNode.start("node", store: store, environment: environment)
        let session = LoopbackHTTP.session()
        defer { session.invalidateAndCancel() }
        let health = try await LoopbackHTTP.send("/health", port: node.port, session: session)
        #expect(health.status == 200, "\(health.text)")
        let listed = try await LoopbackHTTP.send(ExampleCalls.rdsList, port: node.port, session: session, signedWith: .alice)
        #expect(ExampleCalls.totalCount(listed) == ExampleCalls.rdsHomeBackups, "\(listed.text)")
        let ended = await node.stop()
        #expect(ended.status == 0, "\(ended.stderrText)")
        for output in [seeded.stderrText, exported.stderrText, ended.stderrText, ended.stdoutText] {
            #expect(!output.contains(password), "a command printed the password from the environment")
        }
        _ = try? await TestPostgres.sql("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE")
    }
}
