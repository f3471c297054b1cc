import BackupdCatalog
import BackupdTestSupport
import Testing

/// The `PolicyStore` part of the `CatalogStore` contract and the schedules `settle` runs
/// (`lifecycle.md` §8), on every engine: automated full backups at their instants with the ids,
/// names and times the scheduler fixes, removed by the base rule; a policy set again changes
/// nothing; a shorter retention applies at once; turning a policy off with and without its
/// backups; DCS plans, expiry and the 24-record cap; DDM's daily backups; two store objects
/// settling the same instants make each record once; `nextTransition(after:)` while a chain runs,
/// of the store and of one instance.
@Suite struct CatalogStorePolicyTests {
    /// 2030-01-07T08:00:00.000Z (T0 of `lifecycle.md` §11), a Monday.
    static let t0: Int64 = 1_894_003_200_000
    static let day: Int64 = 86_400_000
    static let hour: Int64 = 3_600_000
    static let minute: Int64 = 60_000
    /// §11.2 step 5.
    static let u = t0 + 61_000

    /// The instants of `daily()`: 08:15 on 2030-01-07 plus `k` days.
    static func s(_ k: Int) -> Int64 { t0 + 15 * minute + Int64(k) * day }
    /// The instants of `plan()` and of DDM: 18:00:00.000Z on 2030-01-07 plus `k` days.
    static func c(_ k: Int) -> Int64 { t0 + 10 * hour + Int64(k) * day }

    static func daily(keep: Int = 1, window: String = "08:15-09:15", period: String = "1,2,3,4,5,6,7") -> BackupPolicy {
        .full(FullBackupPolicy(keepDays: keep, startTime: window, period: period))
    }

    static func plan(save: Int = 1) -> BackupPolicy {
        .dcs(DCSBackupPlan(backupType: .auto, saveDays: save, backupAt: [1, 2, 3, 4, 5, 6, 7], periodType: "weekly", beginAt: "18:00-19:00"))
    }

    /// 2030 only: what the scheduler makes, none of the seeded records.
    static let year2030 = TimeWindow(from: 1_893_456_000, through: 1_924_992_000 - 1)

    // MARK: - The catalog

    static let seededAuto = Sample.rds("seeded-auto", type: .auto, begin: "2018-08-06T12:41:14+0800")
    static let seededManual = Sample.rds("seeded-manual", type: .manual, begin: "2018-08-07T12:41:14+0800")
    static let seededIncremental = Sample.rds("seeded-incremental", type: .incremental, begin: "2018-08-08T09:00:00+0800")
    static let seededTaurus = Sample.taurusDB("seeded-taurus-auto", type: .auto, begin: "2022-07-10T02:00:00+0800")
    static let seededDCS = Sample.dcs("seeded-dcs", created: "2019-05-10T08:31:16.166Z")
    static let seededDDM = Sample.ddmBackup("seeded-ddm")

    static var content: CatalogContent {
        var content = Sample.tenancy
        content.backups = [
            .rds(seededAuto), .rds(seededManual), .rds(seededIncremental), .taurusdb(seededTaurus), .dcs(seededDCS), .ddm(seededDDM),
        ]
        return content
    }

    static func makeStore(_ engine: StoreEngine) async throws -> any CatalogStore {
        let store = try await engine.makeStore()
        try await store.load(content, progress: { _ in })
        return store
    }

    // MARK: - Reading

    /// The automated RDS full backups of 2030, newest first.
    static func autos(_ store: any CatalogStore, _ instance: Instance = Sample.mysql) async throws -> [RDSBackup] {
        let page = try await store.rdsBackups(
            RDSBackupQuery(instanceID: instance.id, location: .home, types: [.auto], window: year2030, page: PageRequest(offset: 0, limit: 100))
        )
        #expect(page.total == page.items.count)
        return page.items
    }

    static func taurusAutos(_ store: any CatalogStore) async throws -> [TaurusDBBackup] {
        let page = try await store.taurusDBFullBackups(
            TaurusDBFullBackupQuery(instanceID: Sample.taurus.id, types: [.auto], window: year2030, page: PageRequest(offset: 0, limit: 100))
        )
        #expect(page.total == page.items.count)
        return page.items
    }

    /// Every DCS record of `Sample.redis`, newest first.
    static func dcs(_ store: any CatalogStore) async throws -> [DCSBackup] {
        let page = try await store.dcsBackups(DCSBackupQuery(instanceID: Sample.redis.id, window: nil, page: PageRequest(offset: 0, limit: 100)))
        #expect(page.total == page.items.count)
        return page.items
    }

    static func ddm(_ store: any CatalogStore) async throws -> [DDMBackup] {
        let page = try await store.ddmBackups(DDMBackupQuery(instanceID: Sample.ddm.id, page: PageRequest(offset: 0, limit: 100)))
        #expect(page.total == page.items.count)
        return page.items
    }

    /// The seeded records, which no schedule touches.
    static func expectSeededUnchanged(_ store: any CatalogStore, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let rds = try await store.rdsBackups(RDSBackupQuery(instanceID: Sample.mysql.id, location: .home, page: PageRequest(offset: 0, limit: 100)))
        let seeded = rds.items.filter { $0.beginTime.instant < t0 }
        #expect(seeded == Sample.sorted([seededAuto, seededManual, seededIncremental]), sourceLocation: sourceLocation)
        #expect(try await dcs(store).filter { $0.backupID == seededDCS.backupID } == [seededDCS], sourceLocation: sourceLocation)
        #expect(try await ddm(store).filter { $0.id == seededDDM.id } == [seededDDM], sourceLocation: sourceLocation)
    }

    /// The id the scheduler gives the automated record of `policy` at `instant` (§8.7).
    static func automatedID(_ instance: Instance, _ policy: BackupPolicy, at instant: Int64) -> String? {
        Scheduler.catchUp(
            PolicyState(instanceID: instance.id, policy: policy, since: instant - 1, scheduledThrough: instant - 1),
            of: instance,
            predecessor: nil,
            faultArmedAt: nil,
            timings: .defaults,
            through: instant
        ).records.first?.track.backupID
    }

    static func set(
        _ policy: BackupPolicy,
        of instance: Instance,
        at instant: Int64,
        reserve: Bool = true,
        in store: any CatalogStore
    ) async throws
        -> PolicyState
    {
        try await store.setPolicy(PolicyChange(policy: policy, reserveBackups: reserve), of: instance, at: instant)
    }

    /// A policy state without how far it was scheduled, which depends on when settles ran; with
    /// its next run, which does not.
    static func schedule(_ state: PolicyState) -> PolicyState {
        var state = state
        state.scheduledThrough = state.nextRun ?? -1
        return state
    }

    // MARK: - RDS: instants, ids, retention

    @Test(arguments: StoreEngine.all)
    func aPolicyMakesAutomatedFullBackupsThatRetentionRemovesByTheBaseRule(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        let state = try await Self.set(Self.daily(), of: Sample.mysql, at: Self.u, in: store)
        #expect(state == PolicyState(instanceID: Sample.mysql.id, policy: Self.daily(), since: Self.u, scheduledThrough: Self.u))
        #expect(try await store.policy(instanceID: Sample.mysql.id) == state)
        #expect(try await store.policy(instanceID: Sample.sqlServer.id) == nil)
        #expect(try await store.nextTransition(after: Self.u) == Self.s(0))
        #expect(try await store.nextTransition(after: Self.u, ofInstances: [Sample.mysql.id]) == Self.s(0))
        #expect(try await store.nextTransition(after: Self.u, ofInstances: [Sample.sqlServer.id]) == nil)
        try await store.settle(through: Self.s(0) - 1)
        #expect(try await Self.autos(store).isEmpty, "turning a policy on starts no backup at once")
        for k in 0...4 {
            if k > 0 {
                try await store.settle(through: Self.s(k) - 1)
                let before = try await Self.autos(store)
                #expect(before.map(\.beginTime.instant) == (max(0, k - 2)...(k - 1)).reversed().map(Self.s), "before s(\(k))")
                #expect(before.allSatisfy { $0.status == .completed })
            }
            try await store.settle(through: Self.s(k))
            let at = try await Self.autos(store)
            #expect(at.map(\.beginTime.instant) == (max(0, k - 1)...k).reversed().map(Self.s), "at s(\(k))")
            let newest = try #require(at.first)
            let id = try #require(Self.automatedID(Sample.mysql, Self.daily(), at: Self.s(k)))
            #expect(
                newest
                    == RDSBackup.started(
                        id: id,
                        instance: Sample.mysql,
                        name: "mysql-" + TimeGrammar.formatCompactUTC(epochSeconds: Self.s(k) / 1000) + "000",
                        type: .auto,
                        at: Self.s(k) / 1000
                    )
            )
            #expect(newest.status == .building)
            #expect(newest.beginTime.text == TimeGrammar.formatOffsetTime(epochSeconds: Self.s(k) / 1000))
            if k > 0 {
                let older = at[1]
                #expect(older.id == Self.automatedID(Sample.mysql, Self.daily(), at: Self.s(k - 1)))
                #expect(older.status == .completed)
                #expect(older.size == 1024)
                #expect(older.endTime.instant == Self.s(k - 1) + Self.minute)
            }
            #expect(try await store.automatedFullBackupStarts(instanceID: Sample.mysql.id) == (max(0, k - 1)...k).map(Self.s))
        }
        #expect(try await Self.autos(store).first?.name == "mysql-20300111081500000")
        #expect(try await store.policy(instanceID: Sample.mysql.id)?.chainStart == Self.s(0))
        #expect(try await store.policy(instanceID: Sample.mysql.id)?.scheduledThrough == Self.s(4))
        try await Self.expectSeededUnchanged(store)
    }

    @Test(arguments: StoreEngine.all)
    func theBackupOfOneDayGoesTwoDaysLater(_ engine: StoreEngine) async throws {
        // With daily backups kept 1 day, the backup of 1 November goes on 3 November.
        let store = try await Self.makeStore(engine)
        let first = try #require(TimeGrammar.parseUTCMilliseconds("2030-11-01T02:00:00.000Z"))
        _ = try await Self.set(Self.daily(window: "02:00-03:00"), of: Sample.mysql, at: first - 14 * Self.hour, in: store)
        try await store.settle(through: first + 2 * Self.day - 1)
        #expect(try await Self.autos(store).map(\.beginTime.text) == ["2030-11-02T02:00:00+0000", "2030-11-01T02:00:00+0000"])
        try await store.settle(through: first + 2 * Self.day)
        #expect(try await Self.autos(store).map(\.beginTime.text) == ["2030-11-03T02:00:00+0000", "2030-11-02T02:00:00+0000"])
    }

    @Test(arguments: StoreEngine.all)
    func taurusDBPoliciesMakeAutomatedFullBackups(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        _ = try await Self.set(Self.daily(keep: 2), of: Sample.taurus, at: Self.u, in: store)
        try await store.settle(through: Self.s(3) + Self.minute)
        let autos = try await Self.taurusAutos(store)
        #expect(autos.map(\.beginTime.instant) == [Self.s(3), Self.s(2), Self.s(1)])
        #expect(autos.map(\.name) == ["taurus-20300110081500000", "taurus-20300109081500000", "taurus-20300108081500000"])
        #expect(autos.map(\.id) == [3, 2, 1].map { Self.automatedID(Sample.taurus, Self.daily(keep: 2), at: Self.s($0)) })
        #expect(autos.allSatisfy { $0.status == .completed && $0.size == 1024 && $0.type == .auto })
        let seeded = try await store.taurusDBFullBackups(
            TaurusDBFullBackupQuery(
                instanceID: Sample.taurus.id,
                types: [.auto],
                window: TimeWindow(from: nil, through: Self.t0 / 1000),
                page: PageRequest(offset: 0, limit: 10)
            )
        )
        #expect(seeded.items == [Self.seededTaurus])
    }

    @Test(arguments: StoreEngine.all)
    func anArmedFaultFailsTheNextAutomatedBackupEvenOneRetentionRemoves(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        _ = try await Self.set(Self.daily(), of: Sample.mysql, at: Self.u, in: store)
        try await store.settle(through: Self.s(0) + Self.hour)
        #expect(try await store.armFault(instanceID: Sample.mysql.id, at: Self.s(0) + Self.hour))
        try await store.settle(through: Self.s(1) + Self.minute)
        let autos = try await Self.autos(store)
        #expect(autos.map(\.status) == [.failed, .completed])
        #expect(autos.first?.size == 0)
        #expect(try await store.armedFault(instanceID: Sample.mysql.id) == nil)
        // A failed backup is no base: the one before stays until the next one is past retention.
        #expect(try await store.automatedFullBackupStarts(instanceID: Sample.mysql.id) == [Self.s(0)])
        try await store.settle(through: Self.s(2))
        #expect(try await Self.autos(store).map(\.beginTime.instant) == [Self.s(2), Self.s(0)])

        // A fault whose backup retention removes before anyone sees it is used all the same.
        let other = try await Self.makeStore(engine)
        _ = try await Self.set(Self.daily(), of: Sample.mysql, at: Self.u, in: other)
        #expect(try await other.armFault(instanceID: Sample.mysql.id, at: Self.u))
        try await other.settle(through: Self.s(5) + Self.minute)
        #expect(try await other.armedFault(instanceID: Sample.mysql.id) == nil)
        #expect(try await Self.autos(other).map(\.status) == [.completed, .completed])
    }

    // MARK: - Changes

    @Test(arguments: StoreEngine.all)
    func settingThePolicyInForceAgainChangesNothing(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        _ = try await Self.set(Self.daily(keep: 2), of: Sample.mysql, at: Self.u, in: store)
        _ = try await Self.set(Self.plan(save: 2), of: Sample.redis, at: Self.u, in: store)
        _ = try await Self.set(.ddmDaily, of: Sample.ddm, at: Self.u, in: store)
        let later = Self.s(2) + 2 * Self.hour
        try await store.settle(through: later)
        let records = try await CatalogStoreLifecycleTests.exportAll(store)
        let states = try await [Sample.mysql, Sample.redis, Sample.ddm].asyncMap { try await store.policy(instanceID: $0.id) }
        let transition = try await store.nextTransition(after: later)
        for (instance, policy) in [(Sample.mysql, Self.daily(keep: 2)), (Sample.redis, Self.plan(save: 2)), (Sample.ddm, BackupPolicy.ddmDaily)] {
            for reserve in [true, false] {
                let again = try await Self.set(policy, of: instance, at: later + Self.minute, reserve: reserve, in: store)
                #expect(again.since == Self.u)
                #expect(again.policy == policy)
            }
        }
        // DCS fields not given are the stored ones: the same policy again.
        let merged = try await Self.set(.dcs(DCSBackupPlan(backupType: .auto)), of: Sample.redis, at: later + Self.minute, in: store)
        #expect(merged == states[1])
        #expect(try await [Sample.mysql, Sample.redis, Sample.ddm].asyncMap { try await store.policy(instanceID: $0.id) } == states)
        #expect(states[1]?.policyID != nil)
        #expect(states[1]?.createdAt == Self.u)
        #expect(try await CatalogStoreLifecycleTests.exportAll(store) == records)
        #expect(try await store.nextTransition(after: later) == transition)
    }

    @Test(arguments: StoreEngine.all)
    func aShorterRetentionAppliesAtOnce(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        _ = try await Self.set(Self.daily(keep: 3), of: Sample.mysql, at: Self.u, in: store)
        let now = Self.s(4) + Self.hour
        try await store.settle(through: now)
        // Kept 3 days: s(0) went at s(4), when s(1) was past retention.
        #expect(try await Self.autos(store).map(\.beginTime.instant) == [4, 3, 2, 1].map(Self.s))
        _ = try await Self.set(Self.daily(keep: 1), of: Sample.mysql, at: now, in: store)
        // Kept 1 day from now on: s(3) is the base, s(1) and s(2) go at once.
        #expect(try await Self.autos(store).map(\.beginTime.instant) == [Self.s(4), Self.s(3)])
        try await store.settle(through: Self.s(5))
        #expect(try await Self.autos(store).map(\.beginTime.instant) == [Self.s(5), Self.s(4)])
        // A longer one never brings back what went.
        _ = try await Self.set(Self.daily(keep: 30), of: Sample.mysql, at: Self.s(5) + Self.hour, in: store)
        try await store.settle(through: Self.s(7))
        #expect(try await Self.autos(store).map(\.beginTime.instant) == [7, 6, 5, 4].map(Self.s))
    }

    @Test(arguments: StoreEngine.all)
    func turningOffWithoutReservingRemovesTheAutomatedBackups(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        _ = try await Self.set(Self.daily(keep: 2), of: Sample.mysql, at: Self.u, in: store)
        let manual = try await CatalogStoreLifecycleTests.create(store, "manual-during-policy", at: Self.s(1) + Self.hour)
        let off = Self.s(3) + Self.hour
        try await store.settle(through: off)
        #expect(try await Self.autos(store).count == 3)
        let state = try await Self.set(Self.daily(keep: 0), of: Sample.mysql, at: off, reserve: false, in: store)
        #expect(state.nextRun == nil)
        #expect(state.chainStart == nil)
        #expect(try await Self.autos(store).isEmpty)
        #expect(try await store.automatedFullBackupStarts(instanceID: Sample.mysql.id).isEmpty)
        try await store.settle(through: Self.s(10))
        #expect(try await Self.autos(store).isEmpty)
        // Manual and seeded records stay.
        #expect(try await CatalogStoreLifecycleTests.record(store, manual.id)?.status == .completed)
        try await Self.expectSeededUnchanged(store)
        #expect(try await store.nextTransition(after: Self.s(10)) == nil)
    }

    @Test(arguments: StoreEngine.all)
    func turningOffReservingKeepsTheAutomatedBackupsWithoutRetention(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        _ = try await Self.set(Self.daily(keep: 2), of: Sample.mysql, at: Self.u, in: store)
        let off = Self.s(3) + Self.hour
        try await store.settle(through: off)
        let kept = try await Self.autos(store)
        #expect(kept.map(\.beginTime.instant) == [3, 2, 1].map(Self.s))
        _ = try await Self.set(Self.daily(keep: 0), of: Sample.mysql, at: off, reserve: true, in: store)
        #expect(try await Self.autos(store) == kept)
        try await store.settle(through: Self.s(30))
        #expect(try await Self.autos(store) == kept, "no more backups, and no retention")
        #expect(try await store.nextTransition(after: Self.s(30)) == nil)
        // On again: the retention applies to them at once, and the newest is the next one's base.
        let on = Self.s(30) + Self.hour
        _ = try await Self.set(Self.daily(keep: 1), of: Sample.mysql, at: on, in: store)
        #expect(try await Self.autos(store).map(\.beginTime.instant) == [Self.s(3)])
        try await store.settle(through: Self.s(31))
        #expect(try await Self.autos(store).map(\.beginTime.instant) == [Self.s(31), Self.s(3)])
        try await store.settle(through: Self.s(32))
        #expect(try await Self.autos(store).map(\.beginTime.instant) == [Self.s(32), Self.s(31)])
        // The chain restarts with the first backup since it was turned on.
        #expect(try await store.policy(instanceID: Sample.mysql.id)?.chainStart == Self.s(31))
    }

    // MARK: - A jump against small steps

    @Test(arguments: StoreEngine.all)
    func aJumpOfTheClockMakesWhatSmallStepsMake(_ engine: StoreEngine) async throws {
        let jumped = try await Self.makeStore(engine)
        let stepped = try await Self.makeStore(engine)
        for store in [jumped, stepped] {
            _ = try await Self.set(Self.daily(keep: 2, period: "1,3,5,7"), of: Sample.mysql, at: Self.u, in: store)
            _ = try await Self.set(Self.daily(keep: 1, window: "23:55-00:55"), of: Sample.taurus, at: Self.u, in: store)
            _ = try await Self.set(.ddmDaily, of: Sample.ddm, at: Self.u, in: store)
            #expect(try await store.armFault(instanceID: Sample.taurus.id, at: Self.u + 3 * Self.day))
        }
        let end = Self.u + 40 * Self.day + 17
        try await jumped.settle(through: end)
        var t = Self.u
        for _ in 0..<200 where t < end {
            t = min(t + 5 * Self.hour, end)
            try await stepped.settle(through: t)
        }
        #expect(t == end)
        #expect(try await CatalogStoreLifecycleTests.exportAll(jumped) == CatalogStoreLifecycleTests.exportAll(stepped))
        for instance in [Sample.mysql, Sample.taurus, Sample.ddm] {
            let (a, b) = (try await jumped.policy(instanceID: instance.id), try await stepped.policy(instanceID: instance.id))
            #expect(a.map(Self.schedule) == b.map(Self.schedule), "\(instance.id)")
        }
        #expect(try await jumped.armedFault(instanceID: Sample.taurus.id) == nil)
        #expect(try await stepped.armedFault(instanceID: Sample.taurus.id) == nil)
        #expect(try await jumped.nextTransition(after: end) == stepped.nextTransition(after: end))
        #expect(try await Self.ddm(jumped).count == 31)
    }

    // MARK: - DCS

    @Test(arguments: StoreEngine.all)
    func aDCSPlanMakesRecordsThatExpireAndAtMost24Stay(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        let state = try await Self.set(Self.plan(save: 1), of: Sample.redis, at: Self.t0, in: store)
        #expect(state.policyID != nil)
        #expect(state.createdAt == Self.t0)
        #expect(try await store.nextTransition(after: Self.t0) == Self.c(0))
        try await store.settle(through: Self.c(0))
        let waiting = try #require(try await Self.dcs(store).first)
        let id = try #require(Self.automatedID(Sample.redis, Self.plan(save: 1), at: Self.c(0)))
        #expect(waiting.backupID == id)
        #expect(waiting.backupName == "backup_20300108020000")
        #expect(waiting.backupType == .auto)
        #expect(waiting.status == .waiting)
        #expect(waiting.period == "18:00-19:00")
        #expect(waiting.remark == "")
        #expect(waiting.createdAt.text == "2030-01-07T18:00:00.000Z")
        #expect(waiting.executionAt.text == "2030-01-07T18:00:05.000Z")
        try await store.settle(through: Self.c(0) + 5000)
        #expect(try await Self.dcs(store).first?.status == .backuping)
        try await store.settle(through: Self.c(0) + 65_000)
        let succeeded = try #require(try await Self.dcs(store).first)
        #expect(succeeded.status == .succeed)
        #expect(succeeded.updatedAt.text == "2030-01-07T18:01:05.000Z")
        #expect(succeeded.size == 1_048_576)
        // Expired at the success of the next one (later than created + 1 day).
        try await store.settle(through: Self.c(1) + 65_000 - 1)
        #expect(try await Self.dcs(store).first { $0.backupID == id }?.status == .succeed)
        try await store.settle(through: Self.c(1) + 65_000)
        let expired = try #require(try await Self.dcs(store).first { $0.backupID == id })
        #expect(expired.status == .expired)
        #expect(expired.updatedAt.text == "2030-01-08T18:01:05.000Z")
        #expect(expired.isSupportRestore == "FALSE")
        // Day by day to 30 days: the newest 24 lifecycle records, all but the newest expired,
        // and the seeded one.
        for k in 2...30 { try await store.settle(through: Self.c(k) + 2 * Self.minute) }
        let records = try await Self.dcs(store)
        let lifecycle = records.filter { $0.backupID != Self.seededDCS.backupID }
        #expect(lifecycle.count == 24)
        #expect(lifecycle.map(\.createdAt.instant) == (7...30).reversed().map(Self.c))
        #expect(lifecycle.map(\.status) == [.succeed] + Array(repeating: .expired, count: 23))
        #expect(lifecycle.map(\.backupID) == (7...30).reversed().map { Self.automatedID(Sample.redis, Self.plan(save: 1), at: Self.c($0)) })
        try await Self.expectSeededUnchanged(store)
    }

    @Test(arguments: StoreEngine.all)
    func aDCSJumpLeavesTheRecordsSmallStepsLeave(_ engine: StoreEngine) async throws {
        let jumped = try await Self.makeStore(engine)
        let stepped = try await Self.makeStore(engine)
        for store in [jumped, stepped] { _ = try await Self.set(Self.plan(save: 1), of: Sample.redis, at: Self.t0, in: store) }
        let end = Self.c(40) + Self.hour
        try await jumped.settle(through: end)
        for k in 0...40 { try await stepped.settle(through: Self.c(k) + Self.hour) }
        #expect(try await Self.dcs(stepped).count == 25)
        let (afterJump, afterSteps) = (try await Self.dcs(jumped), try await Self.dcs(stepped))
        #expect(afterJump.count == afterSteps.count)
        #expect(afterJump == afterSteps)
    }

    @Test(arguments: StoreEngine.all)
    func manualDCSBackupsCountTowardTheCap(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        _ = try await Self.set(Self.plan(save: 7), of: Sample.redis, at: Self.t0, in: store)
        // 20 automated records, then manual ones at noon until the cap bites.
        try await store.settle(through: Self.c(19) + Self.hour)
        var manual: [String] = []
        for k in 0..<6 {
            let instant = Self.c(19) + Self.hour + Int64(k) * 2 * Self.minute
            let backup = DCSBackup.started(
                id: BackupIdentifiers.randomUUID(),
                instanceID: Sample.redis.id,
                type: .manual,
                remark: "m\(k)",
                at: instant
            )
            manual.append(try await store.createDCSBackup(backup, of: Sample.redis, at: instant).backupID)
        }
        let lifecycle = try await Self.dcs(store).filter { $0.backupID != Self.seededDCS.backupID }
        #expect(lifecycle.count == 24)
        // The two oldest automated records went.
        #expect(lifecycle.filter { $0.backupType == .auto }.map(\.createdAt.instant) == (2...19).reversed().map(Self.c))
        #expect(Set(lifecycle.filter { $0.backupType == .manual }.map(\.backupID)) == Set(manual))
        try await Self.expectSeededUnchanged(store)
    }

    // MARK: - DDM

    @Test(arguments: StoreEngine.all)
    func ddmBackupsAreDailyAndGoAfterThirtyDays(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        _ = try await Self.set(.ddmDaily, of: Sample.ddm, at: Self.t0, in: store)
        #expect(try await store.nextTransition(after: Self.t0) == Self.c(0))
        try await store.settle(through: Self.c(0))
        let first = try #require(try await Self.ddm(store).first { $0.id != Self.seededDDM.id })
        #expect(first.id == Self.automatedID(Sample.ddm, .ddmDaily, at: Self.c(0)))
        #expect(first.id.hasSuffix("br09"))
        #expect(first.name == "Backup-ddm-20300108020000")
        #expect(first.status == .normal)
        #expect(first.backupType == .autoMetadata)
        #expect(first.beginTime.text == "2030-01-07T18:00:00+0000")
        for k in 1...29 { try await store.settle(through: Self.c(k)) }
        try await store.settle(through: Self.c(30) - 1)
        #expect(try await Self.ddm(store).count == 31)
        #expect(try await store.ddmBackup(id: first.id, instanceID: Sample.ddm.id) == first)
        try await store.settle(through: Self.c(30))
        let records = try await Self.ddm(store)
        #expect(records.count == 31)
        #expect(!records.contains { $0.id == first.id })
        #expect(try await store.ddmBackup(id: first.id, instanceID: Sample.ddm.id) == nil)
        try await Self.expectSeededUnchanged(store)
    }

    // MARK: - Two store objects

    @Test(arguments: StoreEngine.all)
    func twoStoreObjectsSettlingTheSameInstantsMakeEachRecordOnce(_ engine: StoreEngine) async throws {
        let (first, second) = try await engine.makeStorePair()
        try await first.load(Self.content, progress: { _ in })
        let policies: [(Instance, BackupPolicy)] = [
            (Sample.mysql, Self.daily(keep: 2)), (Sample.taurus, Self.daily(keep: 2)), (Sample.redis, Self.plan(save: 2)), (Sample.ddm, .ddmDaily),
        ]
        for (instance, policy) in policies { _ = try await Self.set(policy, of: instance, at: Self.u, in: first) }
        #expect(try await second.policy(instanceID: Sample.mysql.id)?.policy == Self.daily(keep: 2))
        let rounds = 5
        for round in 0..<rounds {
            for instant in [Self.s(round), Self.c(round), Self.c(round) + 65_000] {
                await withTaskGroup(of: Void.self) { group in
                    for store in [first, second, first, second] {
                        group.addTask {
                            do {
                                try await store.settle(through: instant)
                            } catch {
                                Issue.record("round \(round): \(String(reflecting: error))")
                            }
                        }
                    }
                }
            }
        }
        for store in [first, second] {
            #expect(
                try await Self.autos(store).map(\.id)
                    == (2...4).reversed().map { Self.automatedID(Sample.mysql, Self.daily(keep: 2), at: Self.s($0)) }
            )
            #expect(
                try await Self.taurusAutos(store).map(\.id)
                    == (2...4).reversed().map { Self.automatedID(Sample.taurus, Self.daily(keep: 2), at: Self.s($0)) }
            )
            let dcs = try await Self.dcs(store).filter { $0.backupType == .auto }
            #expect(dcs.map(\.backupID) == (0...4).reversed().map { Self.automatedID(Sample.redis, Self.plan(save: 2), at: Self.c($0)) })
            #expect(dcs.map(\.status) == [.succeed, .succeed, .expired, .expired, .expired])
            let ddm = try await Self.ddm(store).filter { $0.id != Self.seededDDM.id }
            #expect(ddm.map(\.id).sorted() == (0...4).compactMap { Self.automatedID(Sample.ddm, .ddmDaily, at: Self.c($0)) }.sorted())
        }
        #expect(try await CatalogStoreLifecycleTests.exportAll(first) == CatalogStoreLifecycleTests.exportAll(second))
        #expect(try await first.policy(instanceID: Sample.redis.id) == second.policy(instanceID: Sample.redis.id))
    }

    // MARK: - nextTransition

    @Test(arguments: StoreEngine.all)
    func theNextTransitionIsTheNextRunThenEveryFiveMinutesWhileAChainRuns(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        #expect(try await store.nextTransition(after: Self.t0) == nil)
        _ = try await Self.set(Self.daily(), of: Sample.mysql, at: Self.u, in: store)
        #expect(try await store.nextTransition(after: Self.u) == Self.s(0))
        #expect(try await store.nextTransition(after: Self.s(0) - 1) == Self.s(0))
        try await store.settle(through: Self.s(0))
        // The backup builds for a minute; the chain's first incremental ends at 08:20.
        #expect(try await store.nextTransition(after: Self.s(0)) == Self.s(0) + Self.minute)
        try await store.settle(through: Self.s(0) + Self.minute)
        let five = 5 * Self.minute
        #expect(try await store.nextTransition(after: Self.s(0) + Self.minute) == Self.s(0) + five)
        #expect(try await store.nextTransition(after: Self.s(0) + five - 1) == Self.s(0) + five)
        #expect(try await store.nextTransition(after: Self.s(0) + five) == Self.s(0) + 2 * five)
        // The chain is the instance's own: another instance's answers do not move with it.
        #expect(try await store.nextTransition(after: Self.s(0) + five, ofInstances: [Sample.mysql.id]) == Self.s(0) + 2 * five)
        #expect(try await store.nextTransition(after: Self.s(0) + five, ofInstances: [Sample.sqlServer.id]) == nil)
        #expect(try await store.nextTransition(after: Self.s(1) - 1) == Self.s(1))
        try await store.settle(through: Self.s(1) + Self.minute)
        #expect(try await store.nextTransition(after: Self.s(1) + Self.minute + 1) == Self.s(1) + five)
        // Off, with the backups reserved: nothing changes any more.
        _ = try await Self.set(Self.daily(keep: 0), of: Sample.mysql, at: Self.s(1) + Self.hour, in: store)
        #expect(try await store.nextTransition(after: Self.s(1) + Self.hour) == nil)
    }

    @Test(arguments: StoreEngine.all)
    func withoutAChainTheNextTransitionIsTheNextRun(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine)
        _ = try await Self.set(Self.plan(save: 1), of: Sample.redis, at: Self.t0, in: store)
        try await store.settle(through: Self.c(0) + 65_000)
        let dcsNext = try await store.nextTransition(after: Self.c(0) + 65_000)
        #expect(dcsNext == Self.c(1))
        // A SQL Server instance has no incrementals either.
        let sqlServer = try await Self.makeStore(engine)
        _ = try await Self.set(Self.daily(), of: Sample.sqlServer, at: Self.u, in: sqlServer)
        try await sqlServer.settle(through: Self.s(0) + Self.minute)
        let sqlServerNext = try await sqlServer.nextTransition(after: Self.s(0) + Self.minute)
        #expect(sqlServerNext == Self.s(1))
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
