import BackupdCatalog
import BackupdTestSupport
import Testing

/// `changeMarker()`: what lets caches stay fresh. Every committed write changes it, through
/// the same store object or another one on the same database (another process or node);
/// reads never do.
@Suite struct CatalogStoreChangeMarkerTests {
    typealias Acme = Fixtures.Acme

    @Test(arguments: StoreEngine.all)
    func readsLeaveTheMarkerAndEveryWriteChangesIt(_ engine: StoreEngine) async throws {
        let store = try await Fixtures.exampleStore(engine)
        var marker = try await store.changeMarker()

        _ = try await store.principal(domainID: Acme.domainID, userName: "alice")
        _ = try await store.signingCredential(access: Fixtures.Alice.access)
        _ = try await store.rdsBackups(RDSBackupQuery(instanceID: Acme.mysqlInstance, location: .home, page: PageRequest(offset: 0, limit: 100)))
        _ = try await store.statistics()
        #expect(try await store.changeMarker() == marker, "a read changed the marker")

        let writes: [(String, @Sendable () async throws -> Void)] = [
            ("a seed load", { try await Fixtures.load(#"{"domains": [{"name": "newco"}]}"#, into: store) }),
            (
                "a signature failure",
                { _ = try await store.recordSignatureFailure(access: Fixtures.Bob.access, at: 1, policy: .gateway) }
            ),
            ("clearing failures", { try await store.clearSignatureFailures(access: Fixtures.Bob.access) }),
            (
                "a token",
                {
                    try await store.saveToken(
                        IssuedToken(
                            digest: String(repeating: "f", count: 64),
                            domainID: Acme.domainID,
                            userName: "alice",
                            scope: .domain,
                            issuedAt: 1,
                            expiresAt: 2
                        )
                    )
                }
            ),
            ("a revoked key", { _ = try await store.deleteAccessKey(access: Fixtures.Carol.access) }),
        ]
        for (name, write) in writes {
            try await write()
            let next = try await store.changeMarker()
            #expect(next != marker, "\(name) left the marker as it was")
            marker = next
        }
    }

    @Test(arguments: StoreEngine.all)
    func aWriteThroughAnotherStoreObjectIsSeen(_ engine: StoreEngine) async throws {
        let (reader, writer) = try await engine.makeStorePair()
        try await Fixtures.load(String(decoding: Fixtures.exampleSeed, as: UTF8.self), into: writer)
        let before = try await reader.changeMarker()
        let total = try await reader.rdsBackups(
            RDSBackupQuery(instanceID: Acme.mysqlInstance, location: .home, page: PageRequest(offset: 0, limit: 100))
        ).total

        try await Fixtures.load(
            """
            {"backups": [{"instance_id": "\(Acme.mysqlInstance)", "id": "feedfacefeedfacefeedfacefeedfacebr01",
              "name": "late", "type": "manual", "status": "COMPLETED", "size": 1,
              "begin_time": "2030-01-01T00:00:00+0000", "end_time": "2030-01-01T00:01:00+0000"}]}
            """,
            into: writer
        )
        #expect(try await reader.changeMarker() != before)
        let after = try await reader.rdsBackups(
            RDSBackupQuery(instanceID: Acme.mysqlInstance, location: .home, page: PageRequest(offset: 0, limit: 100))
        )
        #expect(after.total == total + 1)
        #expect(after.items.first?.id == "feedfacefeedfacefeedfacefeedfacebr01")
    }
}

/// Retention: deleted backups leave every list and total at once.
@Suite struct CatalogStoreDeletionTests {
    typealias Acme = Fixtures.Acme

    @Test(arguments: StoreEngine.all)
    func deletedBackupsLeaveListsAndTotals(_ engine: StoreEngine) async throws {
        let store = try await Fixtures.exampleStore(engine)
        let query = RDSBackupQuery(instanceID: Acme.mysqlInstance, location: .home, page: PageRequest(offset: 0, limit: 100))
        let before = try await store.rdsBackups(query)
        let doomed = Array(before.items.prefix(3).map(\.id))
        let marker = try await store.changeMarker()

        #expect(try await store.deleteBackups(ids: doomed + ["no-such-backup", "nul\u{0}"]) == 3)
        #expect(try await store.changeMarker() != marker)
        let after = try await store.rdsBackups(query)
        #expect(after.total == before.total - 3)
        #expect(after.items.map(\.id) == Array(before.items.dropFirst(3).map(\.id)))
        let filtered = try await store.rdsBackups(
            RDSBackupQuery(instanceID: Acme.mysqlInstance, location: .home, backupID: doomed[0], page: PageRequest(offset: 0, limit: 10))
        )
        #expect(filtered.total == 0 && filtered.items.isEmpty)
        #expect(try await store.deleteBackups(ids: doomed) == 0)
        #expect(try await store.deleteBackups(ids: []) == 0)
    }
}
