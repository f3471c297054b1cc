import BackupdCatalog
import BackupdTestSupport
import Testing

/// `changes(after:)`: every committed write logs what it touched, and nothing else — its instance
/// and that instance's project, the access key or token it wrote, accounts, or everything — so that
/// caches above the store drop only that. Reads and refused writes log nothing; another store
/// object on the same database reads the same log.
@Suite struct CatalogStoreChangeLogTests {
    static let t0 = CatalogStoreLifecycleTests.t0

    /// The scopes logged after `revision`, as their logged texts.
    static func logged(_ store: any CatalogStore, after revision: UInt64) async throws -> Set<String> {
        let log = try await store.changes(after: revision)
        #expect(log.isComplete)
        #expect(log.revision == (try await store.changeMarker()))
        return Set(log.entries.map(\.scope.description))
    }

    @Test(arguments: StoreEngine.all)
    func eachWriteLogsWhatItTouched(_ engine: StoreEngine) async throws {
        let (store, other) = try await engine.makeStorePair()
        try await store.load(CatalogStoreLifecycleTests.content, progress: { _ in })
        let mysql = Sample.mysql
        let digest = String(repeating: "e", count: 64)
        let writes: [(String, Set<String>, @Sendable () async throws -> Void)] = [
            (
                "a create",
                ["i:\(mysql.id)", "p:\(mysql.projectID)", "c"],
                { try await CatalogStoreLifecycleTests.create(store, "new", at: Self.t0) }
            ),
            (
                "a settle that completes it",
                ["i:\(mysql.id)", "p:\(mysql.projectID)", "c"],
                { try await store.settle(through: Self.t0 + CatalogStoreLifecycleTests.building) }
            ),
            (
                "a signature failure",
                ["k:\(Sample.aliceKey.access)", "c"],
                { _ = try await store.recordSignatureFailure(access: Sample.aliceKey.access, at: 1, policy: .gateway) }
            ),
            (
                "a token",
                ["t:\(digest)", "c"],
                {
                    try await store.saveToken(
                        IssuedToken(digest: digest, domainID: Sample.acme.id, userName: "alice", scope: .domain, issuedAt: 1, expiresAt: 2)
                    )
                }
            ),
            ("a revoked key", ["k:\(Sample.carolKey.access)", "c"], { _ = try await store.deleteAccessKey(access: Sample.carolKey.access) }),
            (
                "an armed fault",
                ["i:\(Sample.redis.id)", "p:\(Sample.redis.projectID)", "c"],
                { _ = try await store.armFault(instanceID: Sample.redis.id, at: Self.t0) }
            ),
            ("a clock change", ["*"], { _ = try await store.changeClock { _ in ClockSetting(offsetMilliseconds: 5, frozenAt: nil) } }),
            ("a seed load", ["*"], { try await Fixtures.load(#"{"domains": [{"name": "newco"}]}"#, into: store) }),
        ]
        for (name, expected, write) in writes {
            let before = try await store.changeMarker()
            try await write()
            let revision = try await store.changeMarker()
            #expect(revision == before + 1, "\(name): one revision")
            #expect(try await Self.logged(store, after: before) == expected, "\(name)")
            // Another object on the database reads the same revision and log.
            #expect(try await other.changeMarker() == revision, "\(name): the other object's revision")
            #expect(try await Self.logged(other, after: before) == expected, "\(name): the other object's log")
        }
    }

    @Test(arguments: StoreEngine.all)
    func readsAndRefusedWritesLogNothing(_ engine: StoreEngine) async throws {
        let store = try await CatalogStoreLifecycleTests.makeStore(engine)
        try await CatalogStoreLifecycleTests.create(store, "taken", at: Self.t0)
        try await store.settle(through: Self.t0 + CatalogStoreLifecycleTests.building)
        let before = try await store.changeMarker()
        _ = try await CatalogStoreLifecycleTests.list(store)
        _ = try await store.signingCredential(access: Sample.aliceKey.access)
        _ = try await store.nextTransition(after: Self.t0)
        await #expect(throws: BackupRefusal.nameTaken) {
            try await CatalogStoreLifecycleTests.create(store, "taken", at: Self.t0 + CatalogStoreLifecycleTests.building)
        }
        #expect(try await store.changeMarker() == before)
        #expect(try await store.changes(after: before).entries.isEmpty)
    }

    @Test(arguments: StoreEngine.all)
    func aNodeThatKnowsNothingIsToldToDropEverything(_ engine: StoreEngine) async throws {
        let store = try await CatalogStoreLifecycleTests.makeStore(engine)
        try await CatalogStoreLifecycleTests.create(store, "new", at: Self.t0)
        // Revision 0 is older than any log the store holds: revision 1 was never logged.
        #expect(try await store.changes(after: 0).isComplete == false)
    }
}
