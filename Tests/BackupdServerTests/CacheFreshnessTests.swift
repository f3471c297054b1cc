import BackupdAPI
import BackupdCatalog
import BackupdTestSupport
import Testing

/// Nothing cached serves a stale answer (issue 5, "correct under change"): the server answers
/// from caches while the store is unchanged, and every write — here made through a second store
/// object on the same database, as another node or a `backupd seed` process would — shows in the
/// very next answer: pages, totals, filters, credentials and scopes.
@Suite struct CacheFreshnessTests {
    static let page = Target.rdsList("instance_id=\(Acme.mysqlInstance)&limit=5")

    /// A backup of the acme MySQL instance that sorts first (its begin_time is the newest).
    static func newBackup(_ id: String, status: String = "COMPLETED") -> String {
        """
        {"backups": [{"instance_id": "\(Acme.mysqlInstance)", "id": "\(id)", "name": "late-\(id.prefix(4))",
          "type": "manual", "status": "\(status)", "size": 7,
          "begin_time": "2031-01-01T00:00:00+0000", "end_time": "2031-01-01T00:05:00+0000"}]}
        """
    }

    @Test(arguments: StoreEngine.all)
    func pagesAndTotalsFollowEveryWrite(_ engine: StoreEngine) async throws {
        let (served, other) = try await engine.makeStorePair()
        try await Fixtures.load(String(decoding: Fixtures.exampleSeed, as: UTF8.self), into: other)
        try await withServer(store: served) { client in
            let first = try await client.send(Self.page).page()
            // Served twice with nothing written: the same answer (the second from the cache).
            #expect(try await client.send(Self.page).page() == first)
            let total = try #require(first.total)

            // Added: first in the list, counted in the total.
            let added = "0000000000000000000000000000000abr01"
            try await Fixtures.load(Self.newBackup(added, status: "BUILDING"), into: other)
            let afterAdd = try await client.send(Self.page).page()
            #expect(afterAdd.ids.first == added)
            #expect(afterAdd.total == total + 1)
            let building = try await client.send(
                Target.rdsList("instance_id=\(Acme.mysqlInstance)&status=BUILDING&limit=100")
            ).page()
            #expect(building.ids.contains(added))

            // Changed status: it leaves the BUILDING filter and joins COMPLETED.
            try await Fixtures.load(Self.newBackup(added, status: "COMPLETED"), into: other)
            let stillBuilding = try await client.send(
                Target.rdsList("instance_id=\(Acme.mysqlInstance)&status=BUILDING&limit=100")
            ).page()
            #expect(!stillBuilding.ids.contains(added))
            #expect(stillBuilding.total == (building.total ?? 0) - 1)

            // Deleted: gone from the page and the total.
            #expect(try await other.deleteBackups(ids: [added]) == 1)
            #expect(try await client.send(Self.page).page() == first)
        }
    }

    @Test(arguments: StoreEngine.all)
    func credentialsAndScopesFollowEveryWrite(_ engine: StoreEngine) async throws {
        let (served, other) = try await engine.makeStorePair()
        try await Fixtures.load(String(decoding: Fixtures.exampleSeed, as: UTF8.self), into: other)
        try await withServer(store: served) { client in
            #expect(try await client.send(Self.page).status == 200)
            #expect(try await client.send(Self.page, as: .bob).status == 200)

            // Bob loses his only project: refused at once.
            try await Fixtures.load(
                #"{"domains": [{"name": "acme", "users": [{"name": "bob", "password": "Passw0rd!bob", "projects": []}]}]}"#,
                into: other
            )
            #expect(try await client.send(Self.page, as: .bob).status == 403)

            // Alice's key revoked: unknown at once; given back: accepted again.
            #expect(try await other.deleteAccessKey(access: Fixtures.Alice.access))
            let revoked = try await client.send(Self.page)
            #expect(revoked.status == 401)
            try await other.load(
                CatalogContent(
                    accessKeys: [
                        AccessKey(
                            access: Fixtures.Alice.access,
                            domainID: Acme.domainID,
                            userName: "alice",
                            secret: Fixtures.Alice.secret
                        )
                    ]
                ),
                progress: { _ in }
            )
            #expect(try await client.send(Self.page).status == 200)
        }
    }
}
