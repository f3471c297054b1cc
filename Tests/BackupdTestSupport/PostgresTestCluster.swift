import BackupdPostgres
public import Foundation
public import Logging
public import PostgresNIO
import Synchronization

/// A PostgreSQL cluster of a test's own (`scripts/pg-cluster`), for tests that stop, kill and
/// restart the database: the run's shared cluster must stay up for everyone else.
public final class PostgresTestCluster: Sendable {
    public let directory: URL
    public let port: Int
    private let password: String
    private let script: String
    private let destroyed = Atomic<Bool>(false)

    /// `postgres://backupd:…@127.0.0.1:PORT/backupd`.
    public var url: String { "postgres://backupd:\(password)@127.0.0.1:\(port)/backupd" }

    /// Creates and starts a cluster (initdb takes a second or two).
    /// - Throws: when `scripts/with-postgres` did not name the script (`BACKUPD_PG_CLUSTER`), or it fails.
    public init() async throws {
        guard let script = TestPostgres.clusterScript else {
            throw ClusterError("BACKUPD_PG_CLUSTER is not set (run through scripts/with-postgres)")
        }
        self.script = script
        self.directory = try TemporaryDirectory.make().appendingPathComponent("cluster")
        self.password = UUID().uuidString.replacingOccurrences(of: "-", with: "")
        var lastError: (any Error)?
        for _ in 1...3 {
            let port = try LoopbackPort.free()
            do {
                try await Self.run(script, ["create", directory.path, "\(port)", password])
                self.port = port
                return
            } catch {
                lastError = error
                try? await Self.run(script, ["destroy", directory.path])
            }
        }
        throw lastError ?? ClusterError("cannot create a cluster")
    }

    deinit {
        destroy()
    }

    /// Fast shutdown: sessions are ended, connections refused until `start()`.
    public func stop() async throws { try await Self.run(script, ["stop", directory.path]) }
    /// Starts it again; returns once it accepts connections.
    public func start() async throws { try await Self.run(script, ["start", directory.path]) }
    /// SIGKILL to the postmaster, as a crash would.
    public func kill() async throws { try await Self.run(script, ["kill", directory.path]) }

    public func destroy() {
        guard !destroyed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try? Self.runBlocking(script, ["destroy", directory.path])
        try? FileManager.default.removeItem(at: directory.deletingLastPathComponent())
    }

    public struct ClusterError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs the script to its end (`TestProcess`, which blocks no thread of the cooperative pool).
    private static func run(_ script: String, _ arguments: [String]) async throws {
        try check(await TestProcess.run(script, arguments, timeout: .seconds(300)), arguments)
    }

    /// Runs the script to its end on this thread, for `destroy`, which `deinit` and `defer` call.
    private static func runBlocking(_ script: String, _ arguments: [String]) throws {
        try check(TestProcess.runBlocking(script, arguments), arguments)
    }

    private static func check(_ result: ProcessResult, _ arguments: [String]) throws {
        guard result.succeeded else {
            let status = result.timedOut ? "timed out" : "\(result.signaled ? "signal" : "status") \(result.status)"
            throw ClusterError("pg-cluster \(arguments.first ?? "") failed (\(status)): \(result.stderrText)")
        }
    }
}

extension TestPostgres {
    /// Runs `body` on a connection of its own, closed afterwards; `url` defaults to the run's
    /// cluster, `schema` (the search path) to `public`.
    public static func withConnection<T>(
        url: String? = nil,
        schema: String = "public",
        _ body: (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        guard let url = url ?? self.url else { throw PostgresTestCluster.ClusterError("no PostgreSQL URL") }
        let location = try PostgresLocation(parsing: url)
        var configuration = PostgresConnection.Configuration(
            host: location.host,
            port: location.port,
            username: location.user,
            password: location.password,
            database: location.database,
            tls: .disable
        )
        configuration.options.additionalStartupParameters = [("search_path", "\"\(schema)\"")]
        let logger = Logger(label: "backupd.test.sql")
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            let result = try await body(connection, logger)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Runs `sql` and returns its rows as text (cast non-text columns with `::text`).
    public static func sql(_ sql: String, url: String? = nil, schema: String = "public") async throws -> [[String?]] {
        try await withConnection(url: url, schema: schema) { connection, logger in
            var rows: [[String?]] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {
                rows.append(try row.map { try $0.decode(String?.self) })
            }
            return rows
        }
    }
}
