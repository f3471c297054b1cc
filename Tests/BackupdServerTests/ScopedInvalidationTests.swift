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

    @Test(arguments: StoreEngine.all)
    func aWriteToOneInstanceLeavesTheOthersCached(_ engine: StoreEngine) async throws {
        let (served, other) = try await engine.makeStorePair()
        try await Fixtures.load(String(decoding: Fixtures.exampleSeed, as: UTF8.self), into: other)
        var configuration = ServerConfiguration.testing()
        let counters = CacheCounters()
        configuration.responseCacheCounters = counters
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
}
