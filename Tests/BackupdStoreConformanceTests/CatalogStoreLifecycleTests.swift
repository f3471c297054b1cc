import BackupdCatalog
import BackupdTestSupport
import Testing

/// The `TransitionStore` and `BackupWriting` parts of the `CatalogStore` contract for RDS
/// (`lifecycle.md` §6.1, §6.3, §7), on every engine: a created backup is `BUILDING` until its
/// building time has passed and `COMPLETED` (or `FAILED` under a fault) from then on, as written
/// down by `settle`; refusals are thrown as `BackupRefusal` with nothing written; deletes give one
/// outcome per id in order and a deleted record is `DELETING` for the deleting time, then gone;
/// totals (kept by triggers) follow every change; two store objects racing give one success.
@Suite struct CatalogStoreLifecycleTests {
    /// 2030-01-07T08:00:00.000Z (T0 of `lifecycle.md` §11).
    static let t0: Int64 = 1_894_003_200_000
    static let building: Int64 = 60_000
    static let deleting: Int64 = 10_000

    // MARK: - The catalog

    /// Seeded records of `Sample.mysql` (project cn-north-4) in every status a delete tells apart.
    static let seededManual = Sample.rds(
        "seeded-manual",
        type: .manual,
        begin: "2018-07-20T15:30:00+0800",
        name: "seeded-name",
        associatedWithDDM: false
    )
    static let seededAuto = Sample.rds("seeded-auto", type: .auto, begin: "2018-08-06T12:41:14+0800")
    static let seededIncremental = Sample.rds("seeded-incremental", type: .incremental, begin: "2018-08-08T09:00:00+0800")
    /// A seeded manual record `BUILDING` for ever: it cannot be deleted and never blocks a create.
    static let seededBuilding = Sample.rds(
        "seeded-building",
        type: .manual,
        status: .building,
        begin: "2018-09-24T02:00:00+0800",
        size: 0
    )
    static let seededAutoBuilding = Sample.rds(
        "seeded-auto-building",
        type: .auto,
        status: .building,
        begin: "2018-09-25T02:00:00+0800",
        size: 0
    )
    static let seededDeleting = Sample.rds("seeded-deleting", type: .manual, status: .deleting, begin: "2018-08-27T02:00:00+0800")
    static let seededFailed = Sample.rds("seeded-failed", type: .manual, status: .failed, begin: "2018-09-14T18:45:00+0800", size: 0)
    /// A cross-region copy of `Sample.mysql`, held in ap-southeast-1: never the target of a write.
    static let offsiteManual = Sample.rds(
        "offsite-manual",
        type: .manual,
        begin: "2018-08-06T12:41:14+0800",
        offsite: Sample.apSoutheast1,
        name: "offsite-name"
    )
    /// A manual backup of another project's instance (`Sample.postgres`, ap-southeast-1).
    static let otherProjectManual = Sample.rds(
        "pg-manual",
        of: Sample.postgres,
        type: .manual,
        begin: "2018-08-06T12:41:14-0530",
        name: "pg-name"
    )
    /// A manual backup of another account's instance.
    static let globexManual = Sample.rds("globex-manual", of: Sample.globexMySQL, type: .manual, begin: "2024-01-01T00:00:00+0000")
    static let sqlServerManual = Sample.rds(
        "sql-manual",
        of: Sample.sqlServer,
        type: .manual,
        begin: "2022-12-01T06:20:00+0000",
        databases: ["db_sales"]
    )
    /// Records of the other services, in cn-north-4 too.
    static let taurusManual = Sample.taurusDB("taurus-manual", type: .manual, begin: "2022-07-12T21:15:00+0800", size: 2048)
    static let dcsBackup = Sample.dcs("dcs-backup", created: "2019-05-10T08:31:16.166Z")
    static let ddmBackup = Sample.ddmBackup("ddm-backup")

    static let seededRDS = [
        seededManual, seededAuto, seededIncremental, seededBuilding, seededAutoBuilding, seededDeleting, seededFailed,
        offsiteManual, otherProjectManual, globexManual, sqlServerManual,
    ]

    static var content: CatalogContent {
        var content = Sample.tenancy
        content.backups = seededRDS.map { .rds($0) } + [.taurusdb(taurusManual), .dcs(dcsBackup), .ddm(ddmBackup)]
        return content
    }

    static func makeStore(_ engine: StoreEngine) async throws -> any CatalogStore {
        let store = try await engine.makeStore()
        try await store.load(content, progress: { _ in })
        return store
    }

    // MARK: - Helpers

    /// A new manual backup of `instance` started at `instant`, as W1 makes it.
    static func manual(_ name: String, of instance: Instance = Sample.mysql, at instant: Int64, databases: [String]? = nil) -> RDSBackup {
        RDSBackup.started(
            id: BackupIdentifiers.random(for: instance),
            instance: instance,
            name: name,
            type: .manual,
            at: instant >= 0 ? instant / 1000 : (instant - 999) / 1000,
            databases: databases
        )
    }

    @discardableResult
    static func create(
        _ store: any CatalogStore,
        _ name: String,
        of instance: Instance = Sample.mysql,
        at instant: Int64,
        databases: [String]? = nil
    ) async throws -> RDSBackup {
        try await store.createRDSBackup(manual(name, of: instance, at: instant, databases: databases), of: instance, at: instant)
    }

    /// The home records of `instance` that the query selects, and the total.
    static func list(
        _ store: any CatalogStore,
        _ instance: Instance = Sample.mysql,
        backupID: String? = nil,
        types: Set<RDSBackupType>? = nil,
        status: RDSBackupStatus? = nil,
        location: RDSBackupLocation = .home,
        limit: Int = 100
    ) async throws -> Page<RDSBackup> {
        try await store.rdsBackups(
            RDSBackupQuery(
                instanceID: instance.id,
                location: location,
                backupID: backupID,
                types: types,
                status: status,
                page: PageRequest(offset: 0, limit: limit)
            )
        )
    }

    /// The record `id` of `instance` as listed; `nil` when it is not.
    static func record(_ store: any CatalogStore, _ id: String, of instance: Instance = Sample.mysql) async throws -> RDSBackup? {
        let page = try await list(store, instance, backupID: id)
        #expect(page.total == page.items.count)
        return page.items.first
    }

    /// Every total of `instance`'s list that the triggers keep: all, per status, per type.
    struct Totals: Equatable, CustomStringConvertible {
        var all: Int
        var byStatus: [RDSBackupStatus: Int]
        var byType: [RDSBackupType: Int]
        var manualCompleted: Int

        var description: String { "all \(all), status \(byStatus), type \(byType), manual COMPLETED \(manualCompleted)" }

        func adding(_ count: Int, status: RDSBackupStatus?, type: RDSBackupType = .manual) -> Totals {
            var next = self
            next.all += count
            if let status {
                next.byStatus[status, default: 0] += count
                if type == .manual, status == .completed { next.manualCompleted += count }
            }
            next.byType[type, default: 0] += count
            return next
        }

        func moving(_ from: RDSBackupStatus, to: RDSBackupStatus, type: RDSBackupType = .manual) -> Totals {
            adding(-1, status: from, type: type).adding(1, status: to, type: type)
        }
    }

    static func totals(_ store: any CatalogStore, _ instance: Instance = Sample.mysql) async throws -> Totals {
        var byStatus: [RDSBackupStatus: Int] = [:]
        for status in RDSBackupStatus.allCases {
            byStatus[status] = try await list(store, instance, status: status, limit: 1).total
        }
        var byType: [RDSBackupType: Int] = [:]
        for type in RDSBackupType.allCases {
            byType[type] = try await list(store, instance, types: [type], limit: 1).total
        }
        let full = try await list(store, instance, limit: 1)
        let manualCompleted = try await list(store, instance, types: [.manual], status: .completed, limit: 1).total
        // The counts agree with the records themselves.
        let every = try await list(store, instance, limit: 100)
        #expect(every.items.count == full.total)
        for status in RDSBackupStatus.allCases {
            #expect(every.items.filter { $0.status == status }.count == byStatus[status], "\(status)")
        }
        return Totals(all: full.total, byStatus: byStatus, byType: byType, manualCompleted: manualCompleted)
    }

    /// Every record the store holds, read back through the export API.
    static func exportAll(_ store: any CatalogStore) async throws -> [Backup] {
        var cursor: BackupCursor?
        var result: [Backup] = []
        for _ in 0..<1000 {
            let page = try await store.exportBackups(after: cursor, limit: 500)
            guard let last = page.last else { return result }
            result += page
            cursor = BackupCursor(service: last.service, id: last.id)
        }
        Issue.record("exportBackups never returned an empty batch")
        return result
    }

    /// Expects `body` to be refused with `refusal`, thrown as a `BackupRefusal` (not wrapped in a
    /// `CatalogError`, which PostgreSQL's transactions could do), and to leave the store as it was.
    static func expectRefusal(
        _ refusal: BackupRefusal,
        _ store: any CatalogStore,
        at instant: Int64,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> RDSBackup
    ) async throws {
        let before = try await exportAll(store)
        let transition = try await store.nextTransition(after: instant)
        do {
            let created = try await body()
            Issue.record("the create was accepted: \(created)", sourceLocation: sourceLocation)
        } catch let error as BackupRefusal {
            #expect(error == refusal, sourceLocation: sourceLocation)
        } catch {
            Issue.record("the refusal arrived as \(String(reflecting: error))", sourceLocation: sourceLocation)
        }
        #expect(try await exportAll(store) == before, "a refused create changed the catalog", sourceLocation: sourceLocation)
        #expect(try await store.nextTransition(after: instant) == transition, sourceLocation: sourceLocation)
    }

    // MARK: - Nothing due

    @Test(arguments: StoreEngine.all)
    func aStoreOfSeededRecordsOnlyHasNoTransition(_ engine: StoreEngine) async throws {
        #expect(try await engine.makeStore().nextTransition(after: Self.t0) == nil)
        let store = try await Self.makeStore(engine)
        #expect(try await store.nextTransition(after: Self.t0) == nil)
        let before = try await Self.exportAll(store)
        // Seeded records in BUILDING and DELETING stay so at every clock time.
        for instant in [Self.t0, Self.t0 + 36_500 * 86_400_000] {
            try await store.settle(through: instant)
            #expect(try await Self.exportAll(store) == before)
            #expect(try await store.nextTransition(after: instant) == nil)
        }
        #expect(try await Self.record(store, "seeded-building") == Self.seededBuilding)
        #expect(try await Self.record(store, "seeded-deleting") == Self.seededDeleting)
    }

    // MARK: - Creating

    @Test(arguments: StoreEngine.all)
    func aCreatedBackupIsBuildingUntilItsBuildingTimeThenCompleted(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        let before = try await Self.totals(store)
        let backup = Self.manual("manual-001", at: Self.t0)
        let stored = try await store.createRDSBackup(backup, of: Sample.mysql, at: Self.t0)
        #expect(stored == backup)
        #expect(stored.status == .building)
        #expect(stored.size == 0)
        #expect(stored.beginTime == RecordedTime(instant: Self.t0, text: "2030-01-07T08:00:00+0000"))
        #expect(stored.endTime == stored.beginTime)
        #expect(stored.associatedWithDDM == false)
        #expect(stored.databases == nil)
        #expect(stored.offsiteProjectID == nil)
        #expect(try await store.nextTransition(after: Self.t0) == Self.t0 + Self.building)

        // Listed as stored, first (newest), and counted.
        #expect(try await Self.record(store, backup.id) == backup)
        #expect(try await Self.list(store).items.first == backup)
        let building = before.adding(1, status: .building)
        #expect(try await Self.totals(store) == building)

        // One millisecond before the end of building nothing is due.
        try await store.settle(through: Self.t0 + Self.building - 1)
        #expect(try await Self.record(store, backup.id) == backup)
        #expect(try await store.nextTransition(after: Self.t0 + Self.building - 1) == Self.t0 + Self.building)
        #expect(try await Self.totals(store) == building)

        // At it: COMPLETED, 1024 KB, ending at begin + 60 s.
        try await store.settle(through: Self.t0 + Self.building)
        var completed = backup
        completed.status = .completed
        completed.size = 1024
        completed.endTime = RecordedTime(instant: Self.t0 + Self.building, text: "2030-01-07T08:01:00+0000")
        #expect(try await Self.record(store, backup.id) == completed)
        #expect(try await store.nextTransition(after: Self.t0 + Self.building) == nil)
        let done = building.moving(.building, to: .completed)
        #expect(try await Self.totals(store) == done)

        // Settling again, or much later, changes nothing; the seeded records are as loaded.
        try await store.settle(through: Self.t0 + 86_400_000)
        #expect(try await Self.record(store, backup.id) == completed)
        #expect(try await Self.totals(store) == done)
        for seeded in Self.seededRDS where seeded.instanceID == Sample.mysql.id && seeded.offsiteProjectID == nil {
            #expect(try await Self.record(store, seeded.id) == seeded)
        }
        #expect(try await Self.list(store, location: .offsite(projectID: Sample.apSoutheast1.id)).items == [Self.offsiteManual])
    }

    @Test(arguments: StoreEngine.all)
    func aSettleThroughALaterInstantCompletesWhatWasDueOnTheWay(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        // A create 750 ms into a second begins at the whole second and completes 60 s after it.
        let first = try await Self.create(store, "manual-001", at: Self.t0 + 750)
        #expect(first.beginTime.text == "2030-01-07T08:00:00+0000")
        #expect(try await store.nextTransition(after: Self.t0 + 750) == Self.t0 + Self.building)
        let other = try await Self.create(store, "sql-manual-001", of: Sample.sqlServer, at: Self.t0 + 30_000)
        #expect(try await store.nextTransition(after: Self.t0 + 30_000) == Self.t0 + Self.building)
        // Each instance's own: what an answer that read only it waits for.
        #expect(try await store.nextTransition(after: Self.t0 + 30_000, ofInstances: [Sample.mysql.id]) == Self.t0 + Self.building)
        #expect(try await store.nextTransition(after: Self.t0 + 30_000, ofInstances: [Sample.sqlServer.id]) == Self.t0 + 90_000)
        #expect(
            try await store.nextTransition(after: Self.t0 + 30_000, ofInstances: [Sample.sqlServer.id, Sample.mysql.id])
                == Self.t0 + Self.building
        )
        #expect(try await store.nextTransition(after: Self.t0 + 30_000, ofInstances: [Sample.postgres.id, "no-such-instance"]) == nil)
        #expect(try await store.nextTransition(after: Self.t0 + 30_000, ofInstances: []) == nil)

        // One settle far past both writes both down.
        try await store.settle(through: Self.t0 + 10 * Self.building)
        #expect(try await Self.record(store, first.id)?.status == .completed)
        #expect(try await Self.record(store, first.id)?.endTime.text == "2030-01-07T08:01:00+0000")
        let sql = try #require(try await Self.record(store, other.id, of: Sample.sqlServer))
        #expect(sql.status == .completed)
        #expect(sql.endTime.text == "2030-01-07T08:01:30+0000")
        #expect(sql.associatedWithDDM == nil)
        #expect(try await store.nextTransition(after: Self.t0 + 10 * Self.building) == nil)
        #expect(try await store.nextTransition(after: Self.t0 + 10 * Self.building, ofInstances: [Sample.sqlServer.id, Sample.mysql.id]) == nil)
    }

    @Test(arguments: StoreEngine.all)
    func aBackupKeepsTheTimingsInForceWhenItStarted(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        _ = try await store.changeTimings { current in
            var next = current
            next.rdsBuilding = 5
            return next
        }
        let short = try await Self.create(store, "manual-001", at: Self.t0)
        #expect(try await store.nextTransition(after: Self.t0) == Self.t0 + 5000)
        _ = try await store.changeTimings { current in
            var next = current
            next.rdsBuilding = 600
            return next
        }
        try await store.settle(through: Self.t0 + 4999)
        #expect(try await Self.record(store, short.id)?.status == .building)
        try await store.settle(through: Self.t0 + 5000)
        let completed = try #require(try await Self.record(store, short.id))
        #expect(completed.status == .completed)
        #expect(completed.endTime.text == "2030-01-07T08:00:05+0000")

        // The next one builds for the new 600 s.
        let long = try await Self.create(store, "manual-002", at: Self.t0 + 5000)
        #expect(try await store.nextTransition(after: Self.t0 + 5000) == Self.t0 + 605_000)
        try await store.settle(through: Self.t0 + 604_999)
        #expect(try await Self.record(store, long.id)?.status == .building)
    }

    @Test(arguments: StoreEngine.all)
    func aBuildingTimeOfZeroCompletesAtOnce(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        _ = try await store.changeTimings { current in
            var next = current
            next.rdsBuilding = 0
            return next
        }
        let before = try await Self.totals(store)
        let backup = Self.manual("manual-001", at: Self.t0)
        let stored = try await store.createRDSBackup(backup, of: Sample.mysql, at: Self.t0)
        var completed = backup
        completed.status = .completed
        completed.size = 1024
        #expect(stored == completed)
        #expect(try await Self.record(store, backup.id) == completed)
        #expect(try await store.nextTransition(after: Self.t0) == nil)
        #expect(try await Self.totals(store) == before.adding(1, status: .completed))
        // Nothing is in progress: another create at the same instant is accepted.
        try await Self.create(store, "manual-002", at: Self.t0)
    }

    @Test(arguments: StoreEngine.all)
    func databasesAreKeptExactly(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        let names = ["db_sales", "数据库", "cafe\u{301}", "café", "a b", "\"quoted\"\\", "x"]
        let stored = try await Self.create(store, "sql-manual-002", of: Sample.sqlServer, at: Self.t0, databases: names)
        let listed = try #require(try await Self.record(store, stored.id, of: Sample.sqlServer))
        #expect(listed.databases?.map { Array($0.utf8) } == names.map { Array($0.utf8) })
        try await store.settle(through: Self.t0 + Self.building)
        let completed = try #require(try await Self.record(store, stored.id, of: Sample.sqlServer))
        #expect(completed.databases?.map { Array($0.utf8) } == names.map { Array($0.utf8) })
        #expect(completed.status == .completed)
    }

    // MARK: - Refusals

    @Test(arguments: StoreEngine.all)
    func aCreateWhileAFullBackupIsBuildingIsRefusedWithNothingWritten(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        // Seeded BUILDING records (manual and auto) never count.
        let first = try await Self.create(store, "manual-001", at: Self.t0)

        for (name, instant) in [
            ("manual-002", Self.t0), ("manual-002", Self.t0 + 1), ("manual-002", Self.t0 + Self.building - 1),
            // The same name is refused as in progress: that check comes first.
            ("manual-001", Self.t0 + 1000), ("seeded-name", Self.t0 + 1000),
        ] {
            try await Self.expectRefusal(.inProgress, store, at: instant) {
                try await Self.create(store, name, at: instant)
            }
        }
        // Another instance is not blocked.
        try await Self.create(store, "sql-manual-001", of: Sample.sqlServer, at: Self.t0 + 1000)
        // Once it completes, the instance takes a new one.
        try await Self.create(store, "manual-002", at: Self.t0 + Self.building)
        #expect(try await Self.record(store, first.id)?.status == .completed)
    }

    @Test(arguments: StoreEngine.all)
    func aCreateWithANameTheInstanceHasIsRefusedWithNothingWritten(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        try await Self.create(store, "manual-001", at: Self.t0)
        let later = Self.t0 + Self.building
        // (Settled first, so that each refused create finds nothing due.)
        try await store.settle(through: later)
        // Lifecycle and seeded names alike, whatever the record's type or status.
        for name in ["manual-001", "seeded-name", "name-seeded-auto", "name-seeded-incremental", "name-seeded-deleting", "name-seeded-failed"] {
            try await Self.expectRefusal(.nameTaken, store, at: later) {
                try await Self.create(store, name, at: later)
            }
        }
        // A name is compared exactly; names of other instances and of cross-region copies are free.
        try await Self.create(store, "MANUAL-001", at: later)
        try await Self.create(store, "offsite-name", at: later + Self.building)
        try await Self.create(store, "pg-name", at: later + 2 * Self.building)
        try await Self.create(store, "manual-001", of: Sample.postgres, at: later)
        // A DELETING record keeps its name until it is gone.
        _ = try await store.deleteRDSBackups(ids: ["seeded-manual"], inProject: Sample.cnNorth4.id, at: later + 3 * Self.building)
        try await store.settle(through: later + 3 * Self.building + Self.deleting - 1)
        try await Self.expectRefusal(.nameTaken, store, at: later + 3 * Self.building + Self.deleting - 1) {
            try await Self.create(store, "seeded-name", at: later + 3 * Self.building + Self.deleting - 1)
        }
        try await Self.create(store, "seeded-name", at: later + 3 * Self.building + Self.deleting)
    }

    // MARK: - Faults

    @Test(arguments: StoreEngine.all)
    func anArmedFaultFailsTheNextCreateAndIsUsedUp(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        #expect(try await store.armFault(instanceID: Sample.mysql.id, at: Self.t0))
        #expect(try await store.armFault(instanceID: Sample.sqlServer.id, at: Self.t0))
        let before = try await Self.totals(store)

        let failing = try await Self.create(store, "manual-001", at: Self.t0)
        // It is BUILDING as any other, and the fault is used up.
        #expect(failing.status == .building)
        #expect(try await store.armedFault(instanceID: Sample.mysql.id) == nil)
        #expect(try await store.armedFault(instanceID: Sample.sqlServer.id) == Self.t0)
        try await store.settle(through: Self.t0 + Self.building - 1)
        #expect(try await Self.record(store, failing.id)?.status == .building)
        try await store.settle(through: Self.t0 + Self.building)
        var failed = failing
        failed.status = .failed
        failed.size = 0
        failed.endTime = RecordedTime(instant: Self.t0 + Self.building, text: "2030-01-07T08:01:00+0000")
        #expect(try await Self.record(store, failing.id) == failed)
        #expect(try await Self.totals(store) == before.adding(1, status: .failed))

        // The next one completes.
        let next = try await Self.create(store, "manual-002", at: Self.t0 + Self.building)
        try await store.settle(through: Self.t0 + 2 * Self.building)
        #expect(try await Self.record(store, next.id)?.status == .completed)
        #expect(try await Self.record(store, next.id)?.size == 1024)
    }

    @Test(arguments: StoreEngine.all)
    func aFaultIsNotUsedByARefusedCreateNorByABackupStartedBeforeIt(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        let first = try await Self.create(store, "manual-001", at: Self.t0)
        // Armed after the first started: it is for the next one.
        let armed = Self.t0 + 1000
        #expect(try await store.armFault(instanceID: Sample.mysql.id, at: armed))
        try await Self.expectRefusal(.inProgress, store, at: Self.t0 + 2000) {
            try await Self.create(store, "manual-002", at: Self.t0 + 2000)
        }
        #expect(try await store.armedFault(instanceID: Sample.mysql.id) == armed)
        try await store.settle(through: Self.t0 + Self.building)
        try await Self.expectRefusal(.nameTaken, store, at: Self.t0 + Self.building) {
            try await Self.create(store, "seeded-name", at: Self.t0 + Self.building)
        }
        #expect(try await store.armedFault(instanceID: Sample.mysql.id) == armed)
        #expect(try await Self.record(store, first.id)?.status == .completed)
        let second = try await Self.create(store, "manual-002", at: Self.t0 + Self.building)
        #expect(try await store.armedFault(instanceID: Sample.mysql.id) == nil)
        try await store.settle(through: Self.t0 + 2 * Self.building)
        #expect(try await Self.record(store, second.id)?.status == .failed)
    }

    @Test(arguments: StoreEngine.all)
    func aFailingBackupWithABuildingTimeOfZeroFailsAtOnce(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        _ = try await store.changeTimings { current in
            var next = current
            next.rdsBuilding = 0
            return next
        }
        #expect(try await store.armFault(instanceID: Sample.mysql.id, at: Self.t0))
        let backup = Self.manual("manual-001", at: Self.t0)
        let stored = try await store.createRDSBackup(backup, of: Sample.mysql, at: Self.t0)
        #expect(stored.status == .failed)
        #expect(stored.size == 0)
        #expect(stored.endTime == backup.beginTime)
        #expect(try await Self.record(store, backup.id) == stored)
        #expect(try await store.armedFault(instanceID: Sample.mysql.id) == nil)
    }

    // MARK: - Deleting

    @Test(arguments: StoreEngine.all)
    func deleteOutcomesComeOnePerIdInOrder(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        let building = try await Self.create(store, "manual-001", at: Self.t0)
        let before = try await Self.totals(store)
        let at = Self.t0 + 1000
        let cases: [(id: String, outcome: RDSDeletion)] = [
            ("pg-manual", .notFound),  // another project's instance
            ("globex-manual", .notFound),  // another account's
            ("offsite-manual", .notFound),  // a cross-region copy of this project's instance
            ("taurus-manual", .notFound),  // not an RDS backup
            ("dcs-backup", .notFound),
            ("ddm-backup", .notFound),
            ("no-such-backup", .notFound),
            ("", .notFound),
            ("seeded-manual\u{0}", .notFound),
            ("SEEDED-MANUAL", .notFound),
            ("seeded-auto", .notManual),
            ("seeded-incremental", .notManual),
            ("seeded-auto-building", .notManual),  // the type is checked before the status
            ("seeded-building", .building),
            (building.id, .building),
            ("seeded-deleting", .alreadyDeleting),
            ("seeded-manual", .deleted),
            ("seeded-manual", .alreadyDeleting),  // the second time it is DELETING
            ("seeded-failed", .deleted),
        ]
        let outcomes = try await store.deleteRDSBackups(ids: cases.map(\.id), inProject: Sample.cnNorth4.id, at: at)
        #expect(outcomes.count == cases.count)
        for (index, (expected, actual)) in zip(cases, outcomes).enumerated() {
            #expect(actual == expected.outcome, "\(index): \(expected.id)")
        }

        // The deleted ones are DELETING, every other field as it was.
        var manual = Self.seededManual
        manual.status = .deleting
        #expect(try await Self.record(store, "seeded-manual") == manual)
        var failed = Self.seededFailed
        failed.status = .deleting
        #expect(try await Self.record(store, "seeded-failed") == failed)
        let deleting = before.moving(.completed, to: .deleting).moving(.failed, to: .deleting)
        #expect(try await Self.totals(store) == deleting)
        #expect(try await store.nextTransition(after: at) == at + Self.deleting)
        // Nothing else changed: the other project's, the copy, the other services.
        #expect(try await Self.record(store, "pg-manual", of: Sample.postgres) == Self.otherProjectManual)
        #expect(try await Self.list(store, location: .offsite(projectID: Sample.apSoutheast1.id)).items == [Self.offsiteManual])
        #expect(try await Self.record(store, "seeded-building") == Self.seededBuilding)

        // DELETING until the deleting time has passed, then gone from lists and totals.
        try await store.settle(through: at + Self.deleting - 1)
        #expect(try await Self.record(store, "seeded-manual") == manual)
        try await store.settle(through: at + Self.deleting)
        #expect(try await Self.record(store, "seeded-manual") == nil)
        #expect(try await Self.record(store, "seeded-failed") == nil)
        #expect(try await Self.totals(store) == deleting.adding(-2, status: .deleting))
        // What is still due is the end of the created backup's building.
        #expect(try await store.nextTransition(after: at + Self.deleting) == Self.t0 + Self.building)

        // Gone: a delete does not find it any more.
        #expect(
            try await store.deleteRDSBackups(ids: ["seeded-manual", "seeded-failed"], inProject: Sample.cnNorth4.id, at: at + Self.deleting)
                == [.notFound, .notFound]
        )
    }

    @Test(arguments: StoreEngine.all)
    func homeRecordsAreFoundOnlyInTheirOwnProject(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        // In ap-southeast-1, where the copy is held and the PostgreSQL instance lives.
        #expect(
            try await store.deleteRDSBackups(
                ids: ["offsite-manual", "seeded-manual", "pg-manual"],
                inProject: Sample.apSoutheast1.id,
                at: Self.t0
            ) == [.notFound, .notFound, .deleted]
        )
        #expect(try await Self.record(store, "pg-manual", of: Sample.postgres)?.status == .deleting)
        #expect(try await Self.record(store, "seeded-manual") == Self.seededManual)
        #expect(try await Self.list(store, location: .offsite(projectID: Sample.apSoutheast1.id)).items == [Self.offsiteManual])
        // An unknown project finds nothing.
        #expect(try await store.deleteRDSBackups(ids: ["seeded-manual"], inProject: "no-such-project", at: Self.t0) == [.notFound])
        #expect(try await store.deleteRDSBackups(ids: [], inProject: Sample.cnNorth4.id, at: Self.t0) == [])
    }

    @Test(arguments: StoreEngine.all)
    func aCompletedLifecycleBackupIsDeletingWithItsCompletedFieldsThenGone(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        let backup = try await Self.create(store, "manual-001", at: Self.t0)
        let completedAt = Self.t0 + Self.building
        // Deleted at the instant it completes: the delete settles first, so it is deletable.
        #expect(try await store.deleteRDSBackups(ids: [backup.id], inProject: Sample.cnNorth4.id, at: completedAt) == [.deleted])
        var deleting = backup
        deleting.status = .deleting
        deleting.size = 1024
        deleting.endTime = RecordedTime(instant: completedAt, text: "2030-01-07T08:01:00+0000")
        #expect(try await Self.record(store, backup.id) == deleting)
        #expect(try await store.nextTransition(after: completedAt) == completedAt + Self.deleting)
        // Its name is still taken, and it is not in progress.
        try await Self.expectRefusal(.nameTaken, store, at: completedAt + 1) {
            try await Self.create(store, "manual-001", at: completedAt + 1)
        }
        try await store.settle(through: completedAt + Self.deleting)
        #expect(try await Self.record(store, backup.id) == nil)
        #expect(try await store.nextTransition(after: completedAt + Self.deleting) == nil)
        #expect(try await store.deleteRDSBackups(ids: [backup.id], inProject: Sample.cnNorth4.id, at: completedAt + Self.deleting) == [.notFound])
        try await Self.create(store, "manual-001", at: completedAt + Self.deleting)
    }

    @Test(arguments: StoreEngine.all)
    func aFailedLifecycleBackupCanBeDeleted(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        #expect(try await store.armFault(instanceID: Sample.mysql.id, at: Self.t0))
        let backup = try await Self.create(store, "manual-001", at: Self.t0)
        #expect(try await store.deleteRDSBackups(ids: [backup.id], inProject: Sample.cnNorth4.id, at: Self.t0 + Self.building - 1) == [.building])
        #expect(try await store.deleteRDSBackups(ids: [backup.id], inProject: Sample.cnNorth4.id, at: Self.t0 + Self.building) == [.deleted])
        let shown = try #require(try await Self.record(store, backup.id))
        #expect(shown.status == .deleting)
        #expect(shown.size == 0)
        try await store.settle(through: Self.t0 + Self.building + Self.deleting)
        #expect(try await Self.record(store, backup.id) == nil)
    }

    @Test(arguments: StoreEngine.all)
    func aDeletingTimeOfZeroRemovesAtOnceAndADuplicateIsThenNotFound(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        _ = try await store.changeTimings { current in
            var next = current
            next.rdsDeleting = 0
            return next
        }
        let before = try await Self.totals(store)
        #expect(
            try await store.deleteRDSBackups(ids: ["seeded-manual", "seeded-manual"], inProject: Sample.cnNorth4.id, at: Self.t0)
                == [.deleted, .notFound]
        )
        #expect(try await Self.record(store, "seeded-manual") == nil)
        #expect(try await store.nextTransition(after: Self.t0) == nil)
        #expect(try await Self.totals(store) == before.adding(-1, status: .completed))
    }

    @Test(arguments: StoreEngine.all)
    func aDeleteKeepsTheDeletingTimeInForceWhenItWasApplied(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        #expect(try await store.deleteRDSBackups(ids: ["seeded-manual"], inProject: Sample.cnNorth4.id, at: Self.t0) == [.deleted])
        _ = try await store.changeTimings { current in
            var next = current
            next.rdsDeleting = 3600
            return next
        }
        #expect(try await store.deleteRDSBackups(ids: ["seeded-failed"], inProject: Sample.cnNorth4.id, at: Self.t0) == [.deleted])
        #expect(try await store.nextTransition(after: Self.t0) == Self.t0 + Self.deleting)
        try await store.settle(through: Self.t0 + Self.deleting)
        #expect(try await Self.record(store, "seeded-manual") == nil)
        #expect(try await Self.record(store, "seeded-failed")?.status == .deleting)
        #expect(try await store.nextTransition(after: Self.t0 + Self.deleting) == Self.t0 + 3_600_000)
    }

    // MARK: - Seed loads

    @Test(arguments: StoreEngine.all)
    func aSeedLoadMakesADeletedSeededRecordSeededAgain(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        let lifecycle = try await Self.create(store, "sql-manual-001", of: Sample.sqlServer, at: Self.t0)

        // While DELETING.
        #expect(try await store.deleteRDSBackups(ids: ["seeded-manual"], inProject: Sample.cnNorth4.id, at: Self.t0) == [.deleted])
        #expect(try await Self.record(store, "seeded-manual")?.status == .deleting)
        try await store.load(Self.content, progress: { _ in })
        #expect(try await Self.record(store, "seeded-manual") == Self.seededManual)
        // Only the lifecycle record's change is due; the reloaded record never goes.
        #expect(try await store.nextTransition(after: Self.t0) == Self.t0 + Self.building)
        try await store.settle(through: Self.t0 + Self.building + Self.deleting)
        #expect(try await Self.record(store, "seeded-manual") == Self.seededManual)
        #expect(try await Self.record(store, lifecycle.id, of: Sample.sqlServer)?.status == .completed)

        // Once gone.
        let later = Self.t0 + 2 * Self.building
        #expect(try await store.deleteRDSBackups(ids: ["seeded-manual"], inProject: Sample.cnNorth4.id, at: later) == [.deleted])
        try await store.settle(through: later + Self.deleting)
        #expect(try await Self.record(store, "seeded-manual") == nil)
        try await store.load(Self.content, progress: { _ in })
        #expect(try await Self.record(store, "seeded-manual") == Self.seededManual)
        #expect(try await store.nextTransition(after: later + Self.deleting) == nil)
        // It is an ordinary seeded record again: deletable, DELETING for the deleting time.
        #expect(try await store.deleteRDSBackups(ids: ["seeded-manual"], inProject: Sample.cnNorth4.id, at: later + Self.deleting) == [.deleted])
        #expect(try await store.nextTransition(after: later + Self.deleting) == later + 2 * Self.deleting)
        // A load leaves lifecycle records as they are.
        #expect(try await Self.record(store, lifecycle.id, of: Sample.sqlServer)?.status == .completed)
    }

    // MARK: - Several store objects

    @Test(arguments: StoreEngine.all)
    func writesAreSeenThroughAnotherStoreObjectAndMoveTheChangeMarker(_ engine: StoreEngine) async throws {
        let (first, second) = try await engine.makeStorePair()
        try await first.load(Self.content, progress: { _ in })
        var marker = try await second.changeMarker()
        let backup = try await Self.create(first, "manual-001", at: Self.t0)
        #expect(try await second.nextTransition(after: Self.t0) == Self.t0 + Self.building)
        #expect(try await Self.record(second, backup.id) == backup)
        if engine != .sqliteMemory {
            #expect(try await second.changeMarker() != marker, "a create left the other object's marker")
        }
        marker = try await second.changeMarker()
        try await second.settle(through: Self.t0 + Self.building)
        #expect(try await Self.record(first, backup.id)?.status == .completed)
        #expect(try await first.nextTransition(after: Self.t0 + Self.building) == nil)
        #expect(try await second.changeMarker() != marker, "a settle that wrote changes left the marker")
        marker = try await second.changeMarker()
        #expect(try await second.deleteRDSBackups(ids: [backup.id], inProject: Sample.cnNorth4.id, at: Self.t0 + Self.building) == [.deleted])
        #expect(try await Self.record(first, backup.id)?.status == .deleting)
        #expect(try await second.changeMarker() != marker, "a delete left the marker")
    }

    @Test(arguments: StoreEngine.all)
    func twoStoreObjectsRacingToCreateGiveOneSuccessAndOneRefusal(_ engine: StoreEngine) async throws {
        let (first, second) = try await engine.makeStorePair()
        try await first.load(Self.content, progress: { _ in })
        let rounds = 8
        var winners: [RDSBackup] = []
        for round in 0..<rounds {
            // Each round starts when the previous winner has completed.
            let instant = Self.t0 + Int64(round) * Self.building
            // Even rounds race with two names, odd rounds with the same name.
            let names = round.isMultiple(of: 2) ? ["race-\(round)-a", "race-\(round)-b"] : ["race-\(round)", "race-\(round)"]
            let results = await withTaskGroup(of: Result<RDSBackup, any Error>.self) { group in
                for (store, name) in zip([first, second], names) {
                    group.addTask {
                        do {
                            return .success(try await Self.create(store, name, at: instant))
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                var results: [Result<RDSBackup, any Error>] = []
                for await result in group { results.append(result) }
                return results
            }
            var successes: [RDSBackup] = []
            for result in results {
                switch result {
                case .success(let backup): successes.append(backup)
                case .failure(let error as BackupRefusal): #expect(error == .inProgress, "round \(round)")
                case .failure(let error): Issue.record("round \(round): \(String(reflecting: error))")
                }
            }
            #expect(successes.count == 1, "round \(round): \(successes.count) successes")
            winners += successes
        }
        // Exactly the winners were written, one per round, all but the last completed.
        let created = try await Self.list(first, status: nil).items.filter { $0.name.hasPrefix("race-") }
        #expect(Set(created.map(\.id)) == Set(winners.map(\.id)))
        #expect(created.count == rounds)
        #expect(created.filter { $0.status == .building }.count == 1)
        #expect(created.filter { $0.status == .completed }.count == rounds - 1)
        #expect(try await Self.totals(second).byStatus[.completed] == (try await Self.totals(first).byStatus[.completed]))
    }
}
