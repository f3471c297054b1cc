import BackupdCatalog
import BackupdTestSupport
import Testing

/// The `CatalogStore` contract (`Sources/BackupdCatalog/Store/CatalogStore.swift`) and the
/// selection, order and paging rules of `docs/api.md` §1.9, checked against every engine in
/// `StoreEngine.all`. Each test starts from a new, empty store.
@Suite struct CatalogStoreConformance {
    // MARK: - Helpers

    static func makeStore(
        _ engine: StoreEngine,
        with content: CatalogContent? = nil
    ) async throws
        -> any CatalogStore
    {
        let store = try await engine.makeStore()
        if let content { try await store.load(content, progress: { _ in }) }
        return store
    }

    /// Everything a store holds, read back through the export API.
    struct Snapshot: Equatable {
        var tenancy: CatalogContent
        var backups: [Backup]
    }

    static func snapshot(_ store: any CatalogStore) async throws -> Snapshot {
        Snapshot(tenancy: try await store.exportTenancy(), backups: try await exportAllBackups(store, batch: 1000))
    }

    /// Pages through `exportBackups` until it returns an empty batch.
    static func exportAllBackups(_ store: any CatalogStore, batch: Int) async throws -> [Backup] {
        var cursor: BackupCursor?
        var result: [Backup] = []
        for _ in 0..<10_000 {
            let page = try await store.exportBackups(after: cursor, limit: batch)
            #expect(page.count <= batch)
            guard let last = page.last else { return result }
            result += page
            cursor = BackupCursor(service: last.service, id: last.id)
        }
        Issue.record("exportBackups never returned an empty batch")
        return result
    }

    static func rdsIDs(
        _ store: any CatalogStore,
        _ instance: Instance = Sample.mysql,
        location: RDSBackupLocation = .home,
        backupID: String? = nil,
        types: Set<RDSBackupType>? = nil,
        status: RDSBackupStatus? = nil,
        window: TimeWindow? = nil,
        offset: Int = 0,
        limit: Int = 100
    ) async throws -> (ids: [String], total: Int) {
        let page = try await store.rdsBackups(
            RDSBackupQuery(
                instanceID: instance.id,
                location: location,
                backupID: backupID,
                types: types,
                status: status,
                window: window,
                page: PageRequest(offset: offset, limit: limit)
            )
        )
        return (page.items.map(\.id), page.total)
    }

    static func taurusIDs(
        _ store: any CatalogStore,
        type: TaurusDBBackupType = .incremental,
        window: TimeWindow? = nil,
        offset: Int = 0,
        limit: Int = 100
    ) async throws -> (ids: [String], total: Int) {
        let page = try await store.taurusDBBackups(
            TaurusDBBackupQuery(
                instanceID: Sample.taurus.id,
                type: type,
                window: window,
                page: PageRequest(offset: offset, limit: limit)
            )
        )
        return (page.items.map(\.id), page.total)
    }

    static func dcsIDs(
        _ store: any CatalogStore,
        _ instance: Instance = Sample.redis,
        window: TimeWindow? = nil,
        offset: Int = 0,
        limit: Int = 100
    ) async throws -> (ids: [String], total: Int) {
        let page = try await store.dcsBackups(
            DCSBackupQuery(instanceID: instance.id, window: window, page: PageRequest(offset: offset, limit: limit))
        )
        return (page.items.map(\.backupID), page.total)
    }

    // MARK: - Empty store and health

    @Test("a new store is empty, healthy, and answers every read", arguments: StoreEngine.all)
    func emptyStore(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        try await store.checkHealth()
        #expect(
            try await store.statistics()
                == CatalogStatistics(domains: 0, projects: 0, users: 0, accessKeys: 0, instances: 0, backups: 0)
        )
        #expect(try await store.exportTenancy() == CatalogContent())
        #expect(try await store.exportBackups(after: nil, limit: 10).isEmpty)
        #expect(try await store.instance(id: "x", service: .rds, inAnyOf: ["p"]) == nil)
        #expect(try await store.instances(ids: ["x", "y"]).isEmpty)
        #expect(try await store.instances(ids: []).isEmpty)
        let rds = try await Self.rdsIDs(store)
        #expect(rds.ids.isEmpty && rds.total == 0)
        let taurus = try await Self.taurusIDs(store)
        #expect(taurus.ids.isEmpty && taurus.total == 0)
        let dcs = try await Self.dcsIDs(store)
        #expect(dcs.ids.isEmpty && dcs.total == 0)
        #expect(try await store.ddmBackup(id: "x", instanceID: "y") == nil)
        #expect(try await store.project(id: Sample.cnNorth4.id) == nil)
        #expect(try await store.projects(domainID: Sample.acme.id).isEmpty)
        #expect(try await store.domain(named: "acme") == nil)
        #expect(try await store.user(domainID: Sample.acme.id, name: "alice") == nil)
        #expect(try await store.accessKey(access: Sample.aliceKey.access) == nil)
        try await store.load(CatalogContent(), progress: { _ in })
        #expect(try await store.statistics().domains == 0)
    }

    @Test("checkHealth succeeds on a store with content", arguments: StoreEngine.all)
    func health(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine, with: Sample.mixed)
        try await store.checkHealth()
    }

    // MARK: - Instance lookups

    @Test("an instance is found only for its own service and one of the given projects", arguments: StoreEngine.all)
    func instanceLookup(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine, with: Sample.tenancy)
        let home = Sample.cnNorth4.id
        #expect(try await store.instance(id: Sample.mysql.id, service: .rds, inAnyOf: [home]) == Sample.mysql)
        #expect(
            try await store.instance(id: Sample.mysql.id, service: .rds, inAnyOf: [Sample.apSoutheast1.id, home])
                == Sample.mysql
        )
        // Another service with the same id: not found (an RDS id given to TaurusDB, DCS or DDM).
        for service in [Service.taurusdb, .dcs, .ddm] {
            #expect(try await store.instance(id: Sample.mysql.id, service: service, inAnyOf: [home]) == nil)
        }
        // Another project of the same account, or of another account: not found.
        #expect(try await store.instance(id: Sample.mysql.id, service: .rds, inAnyOf: [Sample.apSoutheast1.id]) == nil)
        #expect(try await store.instance(id: Sample.mysql.id, service: .rds, inAnyOf: [Sample.globexNorth.id]) == nil)
        #expect(try await store.instance(id: Sample.mysql.id, service: .rds, inAnyOf: []) == nil)
        // Ids are exact: no case folding, no prefixes, no trimming.
        #expect(try await store.instance(id: "RDS-MYSQL-IN01", service: .rds, inAnyOf: [home]) == nil)
        #expect(try await store.instance(id: "rds-mysql-in0", service: .rds, inAnyOf: [home]) == nil)
        #expect(try await store.instance(id: "rds-mysql-in01 ", service: .rds, inAnyOf: [home]) == nil)
        #expect(try await store.instance(id: "", service: .rds, inAnyOf: [home]) == nil)
        // Every service's fields come back as written.
        #expect(try await store.instance(id: Sample.redis.id, service: .dcs, inAnyOf: [home]) == Sample.redis)
        #expect(try await store.instance(id: Sample.ddm.id, service: .ddm, inAnyOf: [home]) == Sample.ddm)
        #expect(try await store.instance(id: Sample.taurus.id, service: .taurusdb, inAnyOf: [home]) == Sample.taurus)
        #expect(
            try await store.instance(id: Sample.postgres.id, service: .rds, inAnyOf: [Sample.apSoutheast1.id])
                == Sample.postgres
        )
        #expect(
            try await store.instance(id: Sample.globexMySQL.id, service: .rds, inAnyOf: [Sample.globexNorth.id])
                == Sample.globexMySQL
        )
    }

    @Test("instances(ids:) returns exactly the known ones", arguments: StoreEngine.all)
    func instancesByID(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine, with: Sample.tenancy)
        let found = try await store.instances(ids: [Sample.mysql.id, Sample.redis.id, "unknown", Sample.globexMySQL.id])
        #expect(Set(found) == [Sample.mysql, Sample.redis, Sample.globexMySQL])
        #expect(found.count == 3)
        let everything = try await store.instances(ids: Sample.tenancy.instances.map(\.id))
        #expect(Set(everything) == Set(Sample.tenancy.instances))
        // Many ids at once (beyond any engine's bound-parameter batch).
        let many = (0..<1200).map { "missing-\($0)" } + [Sample.ddm.id]
        #expect(try await store.instances(ids: many) == [Sample.ddm])
    }

    @Test("a DDM backup is found only under its own instance", arguments: StoreEngine.all)
    func ddmLookup(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine, with: Sample.mixed)
        #expect(try await store.ddmBackup(id: "ddm-1", instanceID: Sample.ddm.id) == Sample.ddmBackup("ddm-1"))
        #expect(
            try await store.ddmBackup(id: "ddm-2", instanceID: Sample.ddm.id) == Sample.ddmBackup("ddm-2", nodes: [])
        )
        #expect(try await store.ddmBackup(id: "ddm-2", instanceID: Sample.ddm.id)?.relatedDataNodes == [])
        #expect(try await store.ddmBackup(id: "ddm-1", instanceID: Sample.ddm.id)?.relatedDataNodes == nil)
        #expect(try await store.ddmBackup(id: "ddm-1", instanceID: Sample.mysql.id) == nil)
        #expect(try await store.ddmBackup(id: "DDM-1", instanceID: Sample.ddm.id) == nil)
        #expect(try await store.ddmBackup(id: "rds-home-1", instanceID: Sample.ddm.id) == nil)
        #expect(try await store.ddmBackup(id: "rds-home-1", instanceID: Sample.mysql.id) == nil)
    }

    @Test("a lookup by a string holding NUL finds nothing and does not fail", arguments: StoreEngine.all)
    func nulLookups(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine, with: Sample.mixed)
        let home = Sample.cnNorth4.id
        for suffix in ["\u{0}", "\u{0}x"] {
            #expect(try await store.instance(id: Sample.mysql.id + suffix, service: .rds, inAnyOf: [home]) == nil)
            #expect(try await store.instance(id: Sample.mysql.id, service: .rds, inAnyOf: [home + suffix]) == nil)
            #expect(try await store.instances(ids: [Sample.mysql.id + suffix]).isEmpty)
            #expect(try await store.instances(ids: [Sample.mysql.id + suffix, Sample.ddm.id]) == [Sample.ddm])
            #expect(try await Self.rdsIDs(store, backupID: "rds-home-1" + suffix) == ([], 0))
            #expect(try await store.ddmBackup(id: "ddm-1" + suffix, instanceID: Sample.ddm.id) == nil)
            #expect(try await store.project(id: home + suffix) == nil)
            #expect(try await store.domain(named: "acme" + suffix) == nil)
            #expect(try await store.user(domainID: Sample.acme.id, name: "alice" + suffix) == nil)
            #expect(try await store.user(domainID: Sample.acme.id + suffix, name: "alice") == nil)
            #expect(try await store.accessKey(access: Sample.aliceKey.access + suffix) == nil)
        }
        #expect(try await store.instance(id: "\u{0}", service: .rds, inAnyOf: [home]) == nil)
        #expect(try await store.domain(named: "\u{0}") == nil)
    }

    // MARK: - Tenancy reads

    @Test("tenancy reads return what was loaded", arguments: StoreEngine.all)
    func tenancyReads(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine, with: Sample.tenancy)
        #expect(try await store.project(id: Sample.billing.id) == Sample.billing)
        #expect(try await store.project(id: Sample.globexNorth.id) == Sample.globexNorth)
        #expect(try await store.project(id: "11111111111111111111111111111112") == nil)
        #expect(Set(try await store.projects(domainID: Sample.acme.id)) == [Sample.cnNorth4, Sample.apSoutheast1, Sample.billing])
        #expect(try await store.projects(domainID: Sample.acme.id).count == 3)
        #expect(try await store.projects(domainID: Sample.globex.id) == [Sample.globexNorth])
        #expect(try await store.projects(domainID: "cccccccccccccccccccccccccccccc03").isEmpty)
        #expect(try await store.domain(named: "acme") == Sample.acme)
        #expect(try await store.domain(named: "globex") == Sample.globex)
        #expect(try await store.domain(named: "Acme") == nil)
        #expect(try await store.domain(named: "acme ") == nil)
        #expect(try await store.domain(named: Sample.acme.id) == nil)
        #expect(try await store.user(domainID: Sample.acme.id, name: "alice") == Sample.alice)
        #expect(try await store.user(domainID: Sample.acme.id, name: "bob") == Sample.bob)
        #expect(try await store.user(domainID: Sample.globex.id, name: "carol") == Sample.carol)
        #expect(try await store.user(domainID: Sample.globex.id, name: "carol")?.projectIDs == [])
        #expect(try await store.user(domainID: Sample.acme.id, name: "alice")?.projectIDs == nil)
        #expect(try await store.user(domainID: Sample.globex.id, name: "alice") == nil)
        #expect(try await store.user(domainID: Sample.acme.id, name: "Alice") == nil)
        #expect(try await store.accessKey(access: Sample.aliceKey.access) == Sample.aliceKey)
        #expect(try await store.accessKey(access: Sample.aliceKeyWithoutSecret.access) == Sample.aliceKeyWithoutSecret)
        #expect(try await store.accessKey(access: Sample.aliceKeyWithoutSecret.access)?.secret == nil)
        #expect(try await store.accessKey(access: Sample.carolKey.access) == Sample.carolKey)
        #expect(try await store.accessKey(access: Sample.aliceKey.access.lowercased()) == nil)
    }

    @Test("statistics count each kind of record", arguments: StoreEngine.all)
    func statistics(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine, with: Sample.mixed)
        #expect(
            try await store.statistics()
                == CatalogStatistics(domains: 2, projects: 4, users: 3, accessKeys: 3, instances: 7, backups: 15)
        )
        try await store.load(CatalogContent(backups: [.dcs(Sample.dcs("one-more", created: "2019-05-10T08:31:16.166Z"))]), progress: { _ in })
        #expect(try await store.statistics().backups == 16)
        // Reloading what is there counts nothing twice.
        try await store.load(Sample.mixed, progress: { _ in })
        #expect(
            try await store.statistics()
                == CatalogStatistics(domains: 2, projects: 4, users: 3, accessKeys: 3, instances: 7, backups: 16)
        )
    }
}
