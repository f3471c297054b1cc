import BackupdCatalog
import BackupdTestSupport
import Testing

/// Loads into empty backup tables, which an engine may write in bulk (lists indexed and totals
/// counted once at the end, references checked at once): the same store as loading row by row,
/// with every trigger at work afterwards, and a load of several parts all or nothing.
@Suite struct CatalogStoreBulkLoadTests {
    static let generated = GeneratedCatalog(seed: 7, rdsCount: 300, taurusCount: 120, dcsCount: 150).content

    /// Every list of every instance, whole, with its total.
    static func lists(_ store: any CatalogStore) async throws -> [String] {
        let page = PageRequest(offset: 0, limit: 1000)
        var lists: [String] = []
        for instance in Sample.tenancy.instances {
            for location in [RDSBackupLocation.home, .offsite(projectID: Sample.apSoutheast1.id)] {
                let rds = try await store.rdsBackups(RDSBackupQuery(instanceID: instance.id, location: location, page: page))
                lists.append("rds \(instance.id) \(location) \(rds.total) \(rds.items.map(\.id))")
                let completed = try await store.rdsBackups(
                    RDSBackupQuery(instanceID: instance.id, location: location, types: [.auto], status: .completed, page: page)
                )
                lists.append("rds auto completed \(instance.id) \(location) \(completed.total) \(completed.items.map(\.id))")
            }
            let taurus = try await store.taurusDBBackups(TaurusDBBackupQuery(instanceID: instance.id, window: nil, page: page))
            lists.append("taurus \(instance.id) \(taurus.total) \(taurus.items.map(\.id))")
            let dcs = try await store.dcsBackups(DCSBackupQuery(instanceID: instance.id, window: nil, page: page))
            lists.append("dcs \(instance.id) \(dcs.total) \(dcs.items.map(\.backupID))")
        }
        return lists
    }

    @Test(arguments: StoreEngine.all)
    func aLoadIntoEmptyTablesEqualsTheSameLoadRowByRow(_ engine: StoreEngine) async throws {
        let bulk = try await engine.makeStore()
        try await bulk.load(Self.generated, progress: { _ in })
        // One backup first, so the whole load meets a table that is not empty.
        let rowByRow = try await engine.makeStore()
        var first = Sample.tenancy
        first.backups = Array(Self.generated.backups.prefix(1))
        try await rowByRow.load(first, progress: { _ in })
        try await rowByRow.load(Self.generated, progress: { _ in })

        #expect(try await CatalogStoreConformance.snapshot(bulk) == CatalogStoreConformance.snapshot(rowByRow))
        #expect(try await Self.lists(bulk) == Self.lists(rowByRow))

        // The totals' triggers and the change log's are back: a delete moves both.
        let doomed = try #require(Self.generated.backups.first { $0.service == .rds })
        for store in [bulk, rowByRow] {
            let revision = try await store.changeMarker()
            #expect(try await store.deleteBackups(ids: [doomed.id]) == 1)
            #expect(try await store.changes(after: revision).entries.contains { $0.scope.kind == .instance })
        }
        #expect(try await Self.lists(bulk) == Self.lists(rowByRow))
    }

    @Test(arguments: StoreEngine.all)
    func thePartsOfALoadAreAllOrNothing(_ engine: StoreEngine) async throws {
        let store = try await engine.makeStore()
        let parts = [Sample.tenancy, CatalogContent(backups: Array(Self.generated.backups.prefix(50)))]
        // The last part's record points nowhere: the first two must not stay.
        var orphan = Sample.dcs("orphan", created: "2030-01-01T00:00:00.000Z", of: Sample.redis)
        orphan.instanceID = "no-such-instance"
        let failing = parts + [CatalogContent(backups: [.dcs(orphan)])]
        await #expect(throws: (any Error).self) {
            try await store.load(parts: .sequence(failing.makeIterator()), progress: { _ in })
        }
        #expect(try await store.statistics() == CatalogStatistics(domains: 0, projects: 0, users: 0, accessKeys: 0, instances: 0, backups: 0))

        // The parts without the broken one: all of them, as one load of everything.
        try await store.load(parts: .prefetching(parts.makeIterator()), progress: { _ in })
        let whole = try await engine.makeStore()
        var everything = Sample.tenancy
        everything.backups = Array(Self.generated.backups.prefix(50))
        try await whole.load(everything, progress: { _ in })
        #expect(try await CatalogStoreConformance.snapshot(store) == CatalogStoreConformance.snapshot(whole))
    }
}
