import BackupdAPI
import BackupdCatalog
import BackupdServer
import BackupdTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

/// A write invalidates what it touched and nothing else (issue 13, "reads while writing"): after a
/// create on one instance, through the write API or through another store object on the database
/// (another node, the scheduler of another process), the written instance's page is fresh in the
/// very next read and every other instance's page is still answered from the response cache; a
/// flood of bad signatures leaves the cached answers in place too.
@Suite struct ScopedInvalidationTests {
    static let pageA = Target.rdsList("instance_id=\(Acme.mysqlInstance)&limit=5")
    static let pageB = Target.rdsList("instance_id=\(Acme.postgresInstance)&limit=5")

    /// Two store objects on one database with the example seed (the server's, and another
    /// node's), and a test configuration that counts the response cache's hits.
    static func seededStores(
        _ engine: StoreEngine
    ) async throws -> (served: any CatalogStore, other: any CatalogStore, configuration: ServerConfiguration, counters: CacheCounters) {
        let (served, other) = try await engine.makeStorePair()
        try await Fixtures.load(String(decoding: Fixtures.exampleSeed, as: UTF8.self), into: other)
        var configuration = ServerConfiguration.testing()
        let counters = CacheCounters()
        configuration.responseCacheCounters = counters
        return (served, other, configuration, counters)
    }

    @Test(arguments: StoreEngine.all)
    func aWriteToOneInstanceLeavesTheOthersCached(_ engine: StoreEngine) async throws {
        let (served, other, configuration, counters) = try await Self.seededStores(engine)
        let app = makeTestApplication(store: served, configuration: configuration)
        try await app.test(.router) { client in
            func page(_ target: String, as credential: TestCredential = .alice) async throws -> (ids: [String], hit: Bool) {
                let hits = counters.hits
                let response = try await client.send(target, as: credential)
                #expect(response.status == 200, "\(target): \(response.body)")
                return (try response.page().ids, counters.hits > hits)
            }
            let a = try await page(Self.pageA)
            let b = try await page(Self.pageB)
            #expect(try await page(Self.pageA) == (a.ids, true))
            #expect(try await page(Self.pageB) == (b.ids, true))

            // Through the write API: B is written, A stays cached.
            let created = try await client.send(
                RDSManualBackupTests.createTarget(),
                method: .post,
                body: Array(#"{"instance_id": "\#(Acme.postgresInstance)", "name": "scoped-b"}"#.utf8),
                as: .alice
            )
            #expect(created.status == 200, "\(created.body)")
            let createdID = try #require(try created.json["backup"]?["id"]?.stringValue)
            #expect(try await page(Self.pageA) == (a.ids, true), "A was not written")
            let afterCreate = try await page(Self.pageB)
            #expect(!afterCreate.hit && afterCreate.ids.first == createdID, "B is fresh at once")
            #expect(try await page(Self.pageB) == (afterCreate.ids, true))

            // Through another store object (another node or process): A is written, B stays cached.
            let instantNow = Int64((try await other.clockSetting()).reading(realMilliseconds: WallClock.system.milliseconds))
            let manual = RDSBackup.started(
                id: BackupIdentifiers.random(for: try #require(try await other.instance(id: Acme.mysqlInstance))),
                instance: try #require(try await other.instance(id: Acme.mysqlInstance)),
                name: "scoped-a",
                type: .manual,
                at: instantNow / 1000
            )
            let stored = try await other.createRDSBackup(
                manual,
                of: try #require(try await other.instance(id: Acme.mysqlInstance)),
                at: instantNow
            )
            let afterOther = try await page(Self.pageA)
            #expect(!afterOther.hit && afterOther.ids.first == stored.id, "A is fresh at once")
            #expect(try await page(Self.pageB) == (afterCreate.ids, true), "B was not written")

            // Bad signatures change the key's failure count, not the backups: still cached.
            for _ in 0..<3 {
                let refused = try await client.send(
                    Self.pageA,
                    as: .accessKey(Fixtures.Alice.access, secret: Fixtures.Alice.secret + "x")
                )
                #expect(refused.status == 401)
            }
            #expect(try await page(Self.pageA) == (afterOther.ids, true))
            #expect(try await page(Self.pageB, as: .bob) == (afterCreate.ids, false), "bob's scope is a key of its own")
        }
    }

    /// A transition due on one instance (the end of a create's building time) is written down by
    /// the first read that needs it, not by a cached answer of another instance: that one stays a
    /// hit that writes nothing. The instance's own cached answer is never served past its transition.
    @Test(arguments: StoreEngine.all)
    func aCachedAnswerLastsUntilItsOwnTransitionWhateverIsDueElsewhere(_ engine: StoreEngine) async throws {
        let (served, other, seeded, counters) = try await Self.seededStores(engine)
        var configuration = seeded
        let clock = TestClock(seconds: WallClock.system.seconds)
        configuration.clock = clock.wallClock
        let app = makeTestApplication(store: served, configuration: configuration)
        // Signed at the server's time, which runs ahead of the test's.
        @Sendable func alice() -> TestCredential {
            .accessKey(Fixtures.Alice.access, secret: Fixtures.Alice.secret, signedAt: clock.seconds)
        }
        try await app.test(.router) { client in
            func page(_ target: String) async throws -> (items: [JSONValue], hit: Bool) {
                let hits = counters.hits
                let response = try await client.send(target, as: alice())
                #expect(response.status == 200, "\(target): \(response.body)")
                return (try response.items(), counters.hits > hits)
            }
            let a = try await page(Self.pageA).items
            #expect(try await page(Self.pageA) == (a, true))

            // B gets a backup that builds for the default 60 s.
            let created = try await client.send(
                RDSManualBackupTests.createTarget(),
                method: .post,
                body: Array(#"{"instance_id": "\#(Acme.postgresInstance)", "name": "expiring-b"}"#.utf8),
                as: alice()
            )
            #expect(created.status == 200, "\(created.body)")
            let createdID = try #require(try created.json["backup"]?["id"]?.stringValue)
            let building = try await page(Self.pageB)
            #expect(building.items.first?["id"]?.stringValue == createdID)
            #expect(building.items.first?["status"]?.stringValue == "BUILDING")
            #expect(try await page(Self.pageB) == (building.items, true))
            #expect(try await page(Self.pageA) == (a, true))

            // The clock passes the end of B's building. A is answered from the cache, and writes nothing.
            clock.advance(seconds: 61)
            let marker = try await other.changeMarker()
            #expect(try await page(Self.pageA) == (a, true), "nothing is due on A")
            #expect(try await other.changeMarker() == marker, "a hit on A settled the store")

            // B's cached answer is past its transition: the read settles, and B is COMPLETED.
            let completed = try await page(Self.pageB)
            #expect(!completed.hit, "B's BUILDING answer was served past its transition")
            #expect(completed.items.first?["id"]?.stringValue == createdID)
            #expect(completed.items.first?["status"]?.stringValue == "COMPLETED")
            #expect(try await other.changeMarker() > marker, "the read of B wrote its transition down")
            #expect(try await page(Self.pageB) == (completed.items, true))
            #expect(try await page(Self.pageA) == (a, true), "B's transition did not touch A")

            // A policy's next backup is A's own transition too: A's cached answer is not served past it.
            let policy = try await client.send(
                "/v3/\(Acme.cnNorth4)/instances/\(Acme.mysqlInstance)/backups/policy",
                method: .put,
                body: Array(#"{"backup_policy": {"keep_days": 1, "start_time": "08:15-09:15", "period": "1,2,3,4,5,6,7"}}"#.utf8),
                as: alice()
            )
            #expect(policy.status == 200, "\(policy.body)")
            let beforeRun = try await page(Self.pageA)
            #expect(try await page(Self.pageA) == (beforeRun.items, true))
            clock.advance(seconds: 25 * 3600)
            let afterRun = try await page(Self.pageA)
            #expect(!afterRun.hit, "A's answer was served past its policy's next backup")
            // The newest records are the policy's (its full backup, or the incrementals after it).
            let newest = try #require(afterRun.items.first)
            #expect(!beforeRun.items.contains(newest), "no automated backup: \(afterRun.items)")
            #expect(["auto", "incremental"].contains(newest["type"]?.stringValue ?? ""), "\(newest)")
        }
    }
}
