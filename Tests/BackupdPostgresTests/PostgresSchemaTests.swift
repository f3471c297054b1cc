import BackupdCatalog
import BackupdPostgres
import BackupdTestSupport
import Logging
import Testing

/// Migrations: applied once however many nodes start together, refused when newer than known.
@Suite(.enabled(if: TestPostgres.url != nil, "needs scripts/with-postgres"))
struct PostgresSchemaTests {
    @Test func nodesStartingTogetherMigrateOnce() async throws {
        let schema = TestPostgres.newSchema()
        let stores = try await withThrowingTaskGroup(of: PostgresCatalogStore.self) { group in
            for _ in 0..<8 {
                group.addTask { try await TestPostgres.makeStore(schema: schema) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(stores.count == 8)
        let applied = try await TestPostgres.sql("SELECT identifier FROM backupd_migrations ORDER BY identifier", schema: schema)
        #expect(
            applied == [
                ["v1-catalog"], ["v2-credentials"], ["v3-clock"], ["v4-lifecycle"], ["v5-written-fields"], ["v6-policies"],
                ["v7-offsite-policies"], ["v8-change-log"],
            ]
        )
        // Every node works on the one schema.
        try await stores[0].load(CatalogContent(domains: [Domain(id: String(repeating: "d", count: 32), name: "acme")])) { _ in }
        for store in stores { #expect(try await store.isEmpty() == false) }
        for store in stores { store.close() }
    }

    @Test func aSchemaNewerThanKnownIsRefused() async throws {
        let schema = TestPostgres.newSchema()
        try await TestPostgres.makeStore(schema: schema).close()
        _ = try await TestPostgres.sql("INSERT INTO backupd_migrations (identifier) VALUES ('v9-from-the-future')", schema: schema)
        await #expect(throws: CatalogError.schemaTooNew(known: 8, found: 9)) {
            try await TestPostgres.makeStore(schema: schema)
        }
        // Refusing changed nothing.
        let applied = try await TestPostgres.sql("SELECT count(*)::text FROM backupd_migrations", schema: schema)
        #expect(applied == [["9"]])
    }

    @Test func aWrongPasswordFailsAtOnceNamingTheProblem() async throws {
        var location = try TestPostgres.location(schema: TestPostgres.newSchema())
        location.password = "not-the-password"
        // The server's own refusal, not a deadline: nothing waited. (How long it takes end to end
        // is measured on the command line, in a process of its own.)
        do {
            _ = try await PostgresCatalogStore(location: location, logger: Logger(label: "test"))
            Issue.record("a wrong password was accepted")
        } catch let CatalogError.unavailable(reason) {
            #expect(reason.contains("password authentication failed"), "\(reason)")
            #expect(!reason.contains("not-the-password"))
            #expect(!reason.contains("no answer within"), "\(reason)")
        }
        // Nothing was created.
        let schemas = try await TestPostgres.sql("SELECT nspname::text FROM pg_namespace WHERE nspname = '\(location.schema)'")
        #expect(schemas.isEmpty)
    }

    @Test func aRefusedConnectionFailsAtOnce() async throws {
        var location = try TestPostgres.location(schema: "public")
        location.port = try LoopbackPort.free()
        do {
            _ = try await PostgresCatalogStore(location: location, logger: Logger(label: "test"))
            Issue.record("a store opened on a port where nothing listens")
        } catch let CatalogError.unavailable(reason) {
            // Refused by the kernel, not given up on after a deadline.
            #expect(reason.contains("connection refused"), "\(reason)")
        }
    }
}
