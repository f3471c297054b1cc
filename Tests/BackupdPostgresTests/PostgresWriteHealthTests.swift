import BackupdAPI
import BackupdCatalog
import BackupdPostgres
import BackupdTestSupport
import Logging
import Testing

/// A database that answers reads but refuses writes for a lasting reason (`WriteHealth`): the
/// store says so in `checkHealth` (and `/health`, `docs/api.md` §1.1) until a write commits again.
/// A server turned read-only (`default_transaction_read_only`, as a standby promoted wrong or a
/// disk-full guard would) stands in for the full disk that `scripts/crash-test` makes for SQLite.
@Suite(.enabled(if: TestPostgres.clusterScript != nil, "needs scripts/with-postgres"), .serialized)
struct PostgresWriteHealthTests {
    @Test(.timeLimit(.minutes(2)))
    func aReadOnlyDatabaseIsDegradedUntilAWriteCommits() async throws {
        let cluster = try await PostgresTestCluster()
        defer { cluster.destroy() }
        let store = try await PostgresOutageTests.openStore(cluster)
        defer { store.close() }
        try await SeedLoader(store: store, hasher: Fixtures.fastHasher).load(Fixtures.exampleSeed)
        #expect(try await store.checkHealth() == .ok)

        try await Self.setReadOnly(true, cluster)
        // A reload reaches each session at its next command: write until one is refused.
        var refusal: String?
        for _ in 1...100 where refusal == nil {
            do {
                try await Self.write(store)
                try await Task.sleep(for: .milliseconds(50))
            } catch let CatalogError.unavailable(reason) {
                refusal = reason
            }
        }
        let reason = try #require(refusal, "no write was refused by a read-only server")
        #expect(reason.hasPrefix("PostgreSQL error 25006: "), "\(reason)")
        #expect(try await store.checkHealth() == .writesFailing(reason: "writes fail: \(reason)"))
        // Reads go on; the database is there, it only does not take writes.
        let read = try await store.rdsBackups(PostgresOutageTests.query)
        #expect(read.total == 25)

        try await Self.setReadOnly(false, cluster)
        var committed = false
        for _ in 1...100 where !committed {
            committed = (try? await Self.write(store)) != nil
            if !committed { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(committed, "no write committed after the server took writes again")
        #expect(try await store.checkHealth() == .ok)
    }

    static func write(_ store: PostgresCatalogStore) async throws {
        _ = try await store.changeTimings { timings in
            var timings = timings
            timings.rdsBuilding += 1
            return timings
        }
    }

    static func setReadOnly(_ readOnly: Bool, _ cluster: PostgresTestCluster) async throws {
        let statement =
            readOnly ? "ALTER SYSTEM SET default_transaction_read_only = on" : "ALTER SYSTEM RESET default_transaction_read_only"
        _ = try await TestPostgres.sql(statement, url: cluster.url)
        _ = try await TestPostgres.sql("SELECT pg_reload_conf()::text", url: cluster.url)
    }
}
