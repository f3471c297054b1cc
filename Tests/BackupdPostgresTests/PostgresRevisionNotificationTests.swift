import BackupdCatalog
import BackupdPostgres
import BackupdTestSupport
import Testing

/// `RevisionListener`: a node learns other nodes' revisions from `NOTIFY`, without a round trip
/// per request, and falls back to reading the revision the moment its listening connection is gone
/// (docs/architecture.md, "Caches").
@Suite(.enabled(if: TestPostgres.url != nil, "needs scripts/with-postgres"))
struct PostgresRevisionNotificationTests {
    typealias Acme = Fixtures.Acme

    static let query = RDSBackupQuery(instanceID: Acme.mysqlInstance, location: .home, page: PageRequest(offset: 0, limit: 100))

    /// Two stores on one new schema holding the example seed, both hearing revisions. They read
    /// the revision themselves only once a minute, so that within a test's bounded waits only a
    /// notification can bring it.
    static func twoListeningNodes() async throws -> (reader: PostgresCatalogStore, writer: PostgresCatalogStore) {
        let schema = TestPostgres.newSchema()
        let reader = try await TestPostgres.makeStore(schema: schema, listening: true, revisionCheckInterval: .seconds(60))
        let writer = try await TestPostgres.makeStore(schema: schema, listening: true, revisionCheckInterval: .seconds(60))
        try await Fixtures.load(String(decoding: Fixtures.exampleSeed, as: UTF8.self), into: writer)
        try await untilHearing(reader)
        try await untilHearing(writer)
        return (reader, writer)
    }

    /// Waits (bounded) until `store` trusts its notifications.
    static func untilHearing(_ store: PostgresCatalogStore) async throws {
        for _ in 0..<200 where !store.hearsRevisions {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(store.hearsRevisions, "the listener did not start within 10 s")
    }

    /// `store`'s change marker once it reached `revision`, or after 2 s.
    static func marker(of store: PostgresCatalogStore, reaching revision: UInt64) async throws -> UInt64 {
        for _ in 0..<200 {
            let marker = try await store.changeMarker()
            if marker >= revision { return marker }
            try await Task.sleep(for: .milliseconds(10))
        }
        return try await store.changeMarker()
    }

    /// A seed load of one more backup of the MySQL instance, named `id`, begun on `day` of
    /// January 2030: the later the day, the earlier in the list.
    static func oneMoreBackup(_ id: String, day: Int, into store: any CatalogStore) async throws {
        let date = "2030-01-\(day < 10 ? "0" : "")\(day)"
        try await Fixtures.load(
            """
            {"backups": [{"instance_id": "\(Acme.mysqlInstance)", "id": "\(id)",
              "name": "late", "type": "manual", "status": "COMPLETED", "size": 1,
              "begin_time": "\(date)T00:00:00+0000", "end_time": "\(date)T00:01:00+0000"}]}
            """,
            into: store
        )
    }

    @Test func anotherNodesWriteIsKnownWhenItsWriteReturns() async throws {
        let (reader, writer) = try await Self.twoListeningNodes()

        for round in 0..<5 {
            let before = try await reader.changeMarker()
            let id = "feedfacefeedfacefeedfacefeedfacebr0\(round)"
            try await Self.oneMoreBackup(id, day: round + 1, into: writer)
            // No read of the revision (the stores check once a minute): what the notification
            // brought, normally before the write returned; a loaded machine may deliver it a moment later.
            #expect(reader.hearsRevisions)
            let written = try await writer.changeMarker()
            let marker = try await Self.marker(of: reader, reaching: written)
            #expect(marker > before && marker == written, "round \(round): the reader had not heard of the write")
            #expect(try await reader.rdsBackups(Self.query).items.first?.id == id)
        }
    }

    @Test func aLostListenerFallsBackToReadingTheRevision() async throws {
        let (reader, writer) = try await Self.twoListeningNodes()

        // The listeners of this schema lose their connections, as on a database restart.
        let terminated = try await TestPostgres.sql(
            "SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity WHERE application_name = '\(reader.revisionChannel)'"
        )
        #expect(terminated.count == 2, "a listener for each store")
        for _ in 0..<100 where reader.hearsRevisions {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(!reader.hearsRevisions, "the reader still trusted a closed connection")
        // Until it listens again, every request reads the revision; a new listener may already be
        // back (it reconnects within 200 ms), and then the notification brings the write.
        let before = try await reader.changeMarker()
        try await Self.oneMoreBackup("feedfacefeedfacefeedfacefeedfacebr09", day: 9, into: writer)
        #expect(try await Self.marker(of: reader, reaching: try await writer.changeMarker()) > before)
        #expect(try await reader.rdsBackups(Self.query).items.first?.id == "feedfacefeedfacefeedfacefeedfacebr09")
        // And the listener comes back by itself.
        try await Self.untilHearing(reader)
        try await Self.oneMoreBackup("feedfacefeedfacefeedfacefeedfacebr10", day: 10, into: writer)
        let written = try await writer.changeMarker()
        #expect(try await Self.marker(of: reader, reaching: written) == written)
    }
}
