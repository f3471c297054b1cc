import BackupdAuth
import BackupdCatalog
import BackupdServer
import BackupdTestSupport
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import BackupdSQLite

/// `GET /health` of a store that answers reads while its writes fail for lack of space
/// (`docs/api.md` §1.1): 200 `degraded` with the reason, until a write commits again.
///
/// SQLite's `max_page_count` on the writer connection stands in for a full disk: a write that
/// needs a new page fails with `SQLITE_FULL`, as on a full file system. `scripts/crash-test
/// --part disk` does the same with `RLIMIT_FSIZE` and a full tmpfs.
@Suite struct StoreWriteHealthTests {
    static let fullReason = "writes fail: 13 (database or disk is full): database or disk is full"

    @Test func aFullStoreIsDegradedUntilAWriteCommits() async throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("catalog.sqlite").path
        let store = try SQLiteCatalogStore(path: path)
        try await Fixtures.load(String(decoding: Fixtures.exampleSeed, as: UTF8.self), into: store)
        #expect(try await store.checkHealth() == .ok)

        var configuration = ServerConfiguration.testing()
        configuration.controlToken = ControlToken(Self.controlToken)
        try await makeTestApplication(store: store, configuration: configuration).test(.router) { client in
            try await Self.fill(store)
            #expect(try await store.checkHealth() == .writesFailing(reason: Self.fullReason))
            // Reads go on, and /health says why writes fail.
            let list = try await client.send(Target.rdsList("instance_id=\(Acme.mysqlInstance)"))
            #expect(list.status == 200)
            let health = try await client.send("/health")
            try expectResponse(health, status: 200, json: #"{"status": "degraded", "reason": "\#(Self.fullReason)"}"#)
            #expect(try await Self.metrics(client).contains("\nbackupd_store_writes_failing 1.0\n"))

            // Space again: the next write that commits ends it.
            _ = try await store.write(transaction: false) { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
            let created = try await client.send(
                "/v3/\(Acme.cnNorth4)/backups",
                method: .post,
                body: Array(#"{"instance_id": "\#(Acme.mysqlInstance)", "name": "after-the-disk-was-full"}"#.utf8)
            )
            #expect(created.status == 200, "\(created.body)")
            try expectResponse(try await client.send("/health"), status: 200, json: #"{"status": "ok"}"#)
            #expect(try await Self.metrics(client).contains("\nbackupd_store_writes_failing 0.0\n"))
        }
    }

    static let controlToken = "write-health-tests-control-token"

    static func metrics(_ client: any TestClientProtocol) async throws -> String {
        let response = try await client.send("/metrics", headers: [.authorization: "Bearer \(controlToken)"], as: .none)
        #expect(response.status == 200)
        return response.body
    }

    @Test func aRefusedOrConstraintFailedWriteLeavesHealthAlone() async throws {
        let store = try SQLiteCatalogStore()
        try await Fixtures.load(String(decoding: Fixtures.exampleSeed, as: UTF8.self), into: store)
        // A constraint failure is the caller's, not the disk's.
        await #expect(throws: CatalogError.self) {
            try await store.write { db in
                try db.execute(sql: "CREATE TABLE IF NOT EXISTS unique_things (id TEXT PRIMARY KEY)")
                try db.execute(sql: "INSERT INTO unique_things VALUES ('a'), ('a')")
            }
        }
        #expect(try await store.checkHealth() == .ok)
    }

    /// Caps the database at its current size, then writes what needs more pages until a write fails.
    static func fill(_ store: SQLiteCatalogStore) async throws {
        _ = try await store.write(transaction: false) { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 1
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        do {
            for _ in 0..<100 {
                try await store.write { db in
                    try db.execute(sql: "CREATE TABLE IF NOT EXISTS filler (bytes BLOB)")
                    try db.execute(sql: "INSERT INTO filler VALUES (randomblob(65536))")
                }
            }
            Issue.record("100 writes of 64 KiB all fitted under max_page_count")
        } catch let CatalogError.unavailable(reason) {
            #expect(reason.contains("full"), "\(reason)")
        }
    }
}
