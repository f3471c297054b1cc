public import BackupdCatalog
public import BackupdPostgres
import BackupdSQLite
import BackupdStorage
public import Foundation
import Logging

/// Every store engine the conformance suite runs against. A new engine adds a case here
/// and inherits the whole suite.
public enum StoreEngine: String, Sendable, CaseIterable {
    /// SQLite in memory: the fastest, for most tests.
    case sqliteMemory
    /// SQLite in a temporary file, in WAL mode: what `backupd serve` runs on.
    case sqliteFile
    /// SQLite in a file, paging every list past its first record from its order in memory
    /// (`ListIndexPolicy.always`), so the suite checks that path on small catalogs too.
    case sqliteFileListIndex
    /// PostgreSQL, each store in a schema of its own in the throw-away cluster that
    /// `scripts/with-postgres` starts (`BACKUPD_TEST_POSTGRES_URL`), paging every list past its
    /// first record from its order in memory half of the time (by the store's schema name).
    case postgres

    /// The engines this run can test: PostgreSQL when `scripts/with-postgres` provides a cluster
    /// (the README's test command always does).
    public static let all = allCases.filter { $0 != .postgres || TestPostgres.url != nil }

    /// A new, empty store of this engine.
    public func makeStore() async throws -> any CatalogStore {
        switch self {
        case .sqliteMemory:
            return try SQLiteCatalogStore()
        case .sqliteFile:
            return try SQLiteCatalogStore(path: TemporaryDirectory.make().appendingPathComponent("catalog.sqlite").path)
        case .sqliteFileListIndex:
            return try SQLiteCatalogStore(
                path: TemporaryDirectory.make().appendingPathComponent("catalog.sqlite").path,
                listIndexPolicy: .always
            )
        case .postgres:
            return try await TestPostgres.makeStore(schema: TestPostgres.newSchema())
        }
    }
}

extension StoreEngine {
    /// Two store objects over one new, empty database, as two processes or nodes would open it
    /// (for the in-memory engine, which no one else can open, the same object twice).
    public func makeStorePair() async throws -> (any CatalogStore, any CatalogStore) {
        switch self {
        case .sqliteMemory:
            let store = try SQLiteCatalogStore()
            return (store, store)
        case .sqliteFile, .sqliteFileListIndex:
            let path = try TemporaryDirectory.make().appendingPathComponent("catalog.sqlite").path
            let policy: ListIndexPolicy = self == .sqliteFile ? .standard : .always
            return (
                try SQLiteCatalogStore(path: path, listIndexPolicy: policy),
                try SQLiteCatalogStore(path: path, listIndexPolicy: policy)
            )
        case .postgres:
            let schema = TestPostgres.newSchema()
            return (try await TestPostgres.makeStore(schema: schema), try await TestPostgres.makeStore(schema: schema))
        }
    }
}

/// The throw-away PostgreSQL cluster of this test run, if `scripts/with-postgres` started one.
public enum TestPostgres {
    /// `postgres://backupd:…@127.0.0.1:PORT/backupd`, or `nil` outside `scripts/with-postgres`.
    public static let url = ProcessInfo.processInfo.environment["BACKUPD_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    /// `scripts/pg-cluster`, for tests that need a cluster of their own to stop and start.
    public static let clusterScript = ProcessInfo.processInfo.environment["BACKUPD_PG_CLUSTER"]
    /// Set by the README's test command: a run without PostgreSQL is then a failure, not a skip.
    public static let isRequired = ProcessInfo.processInfo.environment["BACKUPD_REQUIRE_POSTGRES"] == "1"

    /// A schema name no other test uses.
    public static func newSchema() -> String {
        "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    /// The cluster's URL for a store in `schema`.
    public static func location(schema: String) throws -> PostgresLocation {
        guard let url else { throw CatalogError.invalidLocation("BACKUPD_TEST_POSTGRES_URL is not set (run through scripts/with-postgres)") }
        var location = try PostgresLocation(parsing: url)
        location.schema = schema
        return location
    }

    /// A store in `schema` (created on first use), with a small pool: many run at once.
    /// - Parameters:
    ///   - listening: learns revisions from notifications (`RevisionListener`).
    ///   - revisionCheckInterval: how often a listening store reads the revision anyway.
    public static func makeStore(
        schema: String,
        listening: Bool = false,
        revisionCheckInterval: Duration = .milliseconds(500)
    ) async throws -> PostgresCatalogStore {
        // Half the schemas page past the first record from the order in memory, half from SQL.
        let policy: ListIndexPolicy = schema.utf8.last.map { $0 % 2 == 0 } ?? false ? .always : .standard
        // A few schemas are created at a time: hundreds of tests start at once, and each
        // migration's deadline would otherwise run out in the queue of all the others.
        return try await creations.run {
            try await PostgresCatalogStore(
                location: location(schema: schema),
                // The first migrations of a run meet every suite starting at once: their deadline
                // only guards against a hang.
                options: .init(
                    maximumConnections: 4,
                    queryTimeout: .seconds(20),
                    listIndexPolicy: policy,
                    migrationTimeout: .seconds(300),
                    listensForRevisions: listening,
                    revisionCheckInterval: revisionCheckInterval
                ),
                logger: Logger(label: "backupd.test.postgres")
            )
        }
    }

    private static let creations = Gate(width: 3)
}

/// At most `width` bodies at once; the others wait their turn, in order.
actor Gate {
    private let width: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(width: Int) {
        self.width = width
    }

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if running >= width {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            running += 1
        }
        defer {
            if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}

/// Fresh temporary directories for tests.
public enum TemporaryDirectory {
    public static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("backupd-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
