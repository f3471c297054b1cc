import BackupdCatalog
import Testing

/// The scheduler's pure rules (`lifecycle.md` §8.0–§8.7): `DailySchedule.next(after:)` on ISO
/// weekdays and across day boundaries; `Scheduler.catchUp` for RDS, TaurusDB, DCS and DDM at the
/// millisecond before and at each scheduled instant and each retirement, with faults, and a jump
/// of the clock against the same interval stepped through (`SimulatedStore` applies each result
/// as the engines do); `PolicyEffects.state` and `PolicyEffects.retirements`.
@Suite struct SchedulerTests {
    /// 2030-01-07T08:00:00.000Z (T0 of `lifecycle.md` §11), a Monday.
    static let t0: Int64 = 1_894_003_200_000
    static let day: Int64 = 86_400_000
    static let hour: Int64 = 3_600_000
    static let minute: Int64 = 60_000
    /// §11.2 step 5: the policy is set at 08:01:01.
    static let u = t0 + 61_000

    static func ms(_ text: String) -> Int64 {
        guard let instant = TimeGrammar.parseUTCMilliseconds(text) else { preconditionFailure("bad fixture time \(text)") }
        return instant
    }

    /// The instants of `daily()`: 2030-01-07T08:15:00.000Z plus `k` days.
    static func s(_ k: Int) -> Int64 { ms("2030-01-07T08:15:00.000Z") + Int64(k) * day }

    // MARK: - Instances and policies

    static let mysql = Instance(
        id: "a48e43ff268f4c0e879652d65e63d0fbin01",
        projectID: "0483b6b16e954cb88930a360d2c4e663",
        service: .rds,
        name: "rds-mysql-a48e",
        datastore: Datastore(type: "MySQL", version: "5.7")
    )
    static let mysqlProd = Instance(
        id: "43e4feaab48f11e89039fa163ebaa7e4in01",
        projectID: "0483b6b16e954cb88930a360d2c4e663",
        service: .rds,
        name: "mysql-prod",
        datastore: Datastore(type: "MySQL", version: "5.7")
    )
    /// An id without the `in` + two digits tail: the service's usual suffix (§4.13).
    static let oddlyNamed = Instance(
        id: "rds-without-tail",
        projectID: "0483b6b16e954cb88930a360d2c4e663",
        service: .rds,
        name: "odd",
        datastore: Datastore(type: "PostgreSQL", version: "9.6")
    )
    static let taurus = Instance(
        id: "61a4ea66210545909d74a05c27a7179ein07",
        projectID: "97b026aa9cc4417888c14c84a1ad9860",
        service: .taurusdb,
        name: "gauss-taurus-61a4",
        datastore: Datastore(type: "gaussdb-mysql", version: "8.0")
    )
    static let redis = Instance(
        id: "5560df16-cebf-4473-95c4-d1b573c16e79",
        projectID: "0483b6b16e954cb88930a360d2c4e663",
        service: .dcs,
        name: "dcs-redis-5560",
        engine: "Redis",
        engineVersion: "5.0"
    )
    static let ddm = Instance(
        id: "34970585d4964f2a8d6d9ea8d303398bin09",
        projectID: "619d3e78f61b4be68bc5aa0b59edcf7b",
        service: .ddm,
        name: "ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg"
    )
    static let shortDDM = Instance(id: "ddm-short", projectID: "619d3e78f61b4be68bc5aa0b59edcf7b", service: .ddm, name: "ddm-short")

    static func daily(keep: Int = 1, window: String = "08:15-09:15", period: String = "1,2,3,4,5,6,7") -> BackupPolicy {
        .full(FullBackupPolicy(keepDays: keep, startTime: window, period: period))
    }

    static func plan(save: Int? = 1, at weekdays: [Int]? = [1, 2, 3, 4, 5, 6, 7], begin: String? = "18:00-19:00") -> BackupPolicy {
        .dcs(
            DCSBackupPlan(
                backupType: .auto,
                saveDays: save,
                backupAt: weekdays,
                periodType: weekdays == nil ? nil : "weekly",
                beginAt: weekdays == nil ? nil : begin,
                timezoneOffset: nil
            )
        )
    }

    static func isHex(_ text: some StringProtocol) -> Bool {
        text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// 32 lower-case hex digits and `suffix` (§4.13).
    static func isAutomatedID(_ id: String, suffix: String) -> Bool {
        id.hasSuffix(suffix) && id.utf8.count == 32 + suffix.utf8.count && isHex(id.dropLast(suffix.utf8.count))
    }

    /// A UUID with the version digit 8 and the variant digit 8–b (§8.7).
    static func isVersion8UUID(_ id: String) -> Bool {
        let groups = id.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12], groups.allSatisfy({ isHex($0) }) else { return false }
        return groups[2].first == "8" && "89ab".contains(groups[3].first ?? "x")
    }

    // MARK: - DailySchedule: ISO weekdays

    @Test func isoWeekdaysOfKnownDates() {
        let known: [(String, Int)] = [
            ("1970-01-01", 4),  // the epoch was a Thursday
            ("1969-12-31", 3),
            ("1969-12-28", 7),
            ("2000-01-01", 6),
            ("2024-02-29", 4),
            ("2030-01-07", 1),  // T0
            ("2030-01-13", 7),
            ("2030-11-01", 5),
        ]
        for (date, weekday) in known {
            let midnight = Self.ms(date + "T00:00:00.000Z")
            #expect(midnight % Self.day == 0)
            #expect(DailySchedule.isoWeekday(ofDay: midnight / Self.day) == weekday, "\(date)")
        }
        // Seven days in a row cover every weekday once, before and after the epoch.
        for start: Int64 in [-10_000, -3, 0, 21_921] {
            #expect(Set((start..<start + 7).map(DailySchedule.isoWeekday(ofDay:))) == Set(1...7))
        }
    }

    // MARK: - DailySchedule.next

    @Test func nextIsTheWindowStartStrictlyAfterTheInstant() {
        let schedule = DailySchedule(minuteOfDay: 8 * 60 + 15, weekdays: Set(1...7))
        #expect(schedule.next(after: Self.t0) == Self.s(0))
        #expect(schedule.next(after: Self.s(0) - 1) == Self.s(0))
        // "after" is strict.
        #expect(schedule.next(after: Self.s(0)) == Self.s(1))
        #expect(schedule.next(after: Self.s(0) + 1) == Self.s(1))
        #expect(schedule.next(after: Self.ms("2030-01-07T23:59:59.999Z")) == Self.s(1))
        #expect(schedule.next(after: Self.ms("2030-01-08T00:00:00.000Z")) == Self.s(1))
    }

    @Test func nextCrossesDayBoundariesToTheMillisecond() {
        let midnight = Self.ms("2030-01-08T00:00:00.000Z")
        let atMidnight = DailySchedule(minuteOfDay: 0, weekdays: Set(1...7))
        #expect(atMidnight.next(after: midnight - 1) == midnight)
        #expect(atMidnight.next(after: midnight) == midnight + Self.day)
        let lastMinute = DailySchedule(minuteOfDay: 23 * 60 + 59, weekdays: Set(1...7))
        #expect(lastMinute.next(after: midnight - 1) == midnight + Self.day - Self.minute)
        #expect(lastMinute.next(after: midnight - Self.minute - 1) == midnight - Self.minute)
        #expect(lastMinute.next(after: midnight - Self.minute) == midnight + Self.day - Self.minute)
    }

    @Test func nextSkipsWeekdaysOutsideThePeriod() {
        // T0 is a Monday.
        let mondays = DailySchedule(minuteOfDay: 8 * 60 + 15, weekdays: [1])
        #expect(mondays.next(after: Self.t0) == Self.s(0))
        #expect(mondays.next(after: Self.s(0)) == Self.s(7))
        let sundays = DailySchedule(minuteOfDay: 8 * 60 + 15, weekdays: [7])
        #expect(sundays.next(after: Self.t0) == Self.ms("2030-01-13T08:15:00.000Z"))
        let weekend = DailySchedule(minuteOfDay: 0, weekdays: [6, 7])
        #expect(weekend.next(after: Self.t0) == Self.ms("2030-01-12T00:00:00.000Z"))
        #expect(weekend.next(after: Self.ms("2030-01-12T00:00:00.000Z")) == Self.ms("2030-01-13T00:00:00.000Z"))
        #expect(weekend.next(after: Self.ms("2030-01-13T00:00:00.000Z")) == Self.ms("2030-01-19T00:00:00.000Z"))
    }

    @Test func nextBeforeTheEpoch() {
        let thursdays = DailySchedule(minuteOfDay: 0, weekdays: [4])
        #expect(thursdays.next(after: -1) == 0)
        #expect(thursdays.next(after: -7 * Self.day - 1) == -7 * Self.day)
        #expect(thursdays.next(after: -7 * Self.day) == 0)
        let daily = DailySchedule(minuteOfDay: 30, weekdays: Set(1...7))
        #expect(daily.next(after: -Self.day - 1) == -Self.day + 30 * Self.minute)
    }

    @Test func noWeekdayMeansNoInstant() {
        for weekdays: Set<Int> in [[], [0], [8], [0, 8, 9]] {
            #expect(DailySchedule(minuteOfDay: 60, weekdays: weekdays).next(after: Self.t0) == nil, "\(weekdays)")
        }
    }

    /// Every instant `next` gives over eight weeks is exactly the brute-force enumeration.
    @Test(arguments: [
        (8 * 60 + 15, [1, 2, 3, 4, 5, 6, 7]),
        (0, [1]),
        (23 * 60 + 59, [2, 5]),
        (18 * 60, [6, 7]),
        (12 * 60 + 30, [1, 3, 5, 7]),
    ])
    func nextAgreesWithTheEnumerationOfDays(_ minuteOfDay: Int, _ weekdays: [Int]) {
        let schedule = DailySchedule(minuteOfDay: minuteOfDay, weekdays: Set(weekdays))
        let start = Self.t0 - 3 * Self.day + 17
        var expected: [Int64] = []
        for day in (start / Self.day)...(start / Self.day + 56) {
            let instant = day * Self.day + Int64(minuteOfDay) * Self.minute
            // 2030-01-07 (day 21921) is a Monday.
            let weekday = Int(((day - 21_921) % 7 + 7) % 7) + 1
            if instant > start, weekdays.contains(weekday) { expected.append(instant) }
        }
        var got: [Int64] = []
        var t = start
        for _ in 0..<expected.count {
            guard let next = schedule.next(after: t) else { break }
            got.append(next)
            t = next
        }
        #expect(got == expected)
    }

    @Test func windowsAndPeriodsMakeSchedules() {
        #expect(DailySchedule.windowStart("08:15-09:15") == 8 * 60 + 15)
        #expect(DailySchedule.windowStart("23:00-00:00") == 23 * 60)
        #expect(DailySchedule.windowStart("00:00-01:00") == 0)
        #expect(DailySchedule.windowStart("8:15-09:15") == nil)
        #expect(DailySchedule.windowStart("08:15") == nil)
        #expect(
            FullBackupPolicy(keepDays: 7, startTime: "08:15-09:15", period: "1,3,5").schedule == DailySchedule(minuteOfDay: 495, weekdays: [1, 3, 5])
        )
        #expect(FullBackupPolicy(keepDays: 0, startTime: "08:15-09:15", period: "1,3,5").schedule == nil)
        #expect(Self.plan(save: 2, at: [3, 1]).schedule == DailySchedule(minuteOfDay: 18 * 60, weekdays: [1, 3]))
        let manual = BackupPolicy.dcs(DCSBackupPlan(backupType: .manual, saveDays: 2, backupAt: [1], periodType: "weekly", beginAt: "18:00-19:00"))
        #expect(manual.schedule == nil)
        #expect(BackupPolicy.ddmDaily.schedule == DailySchedule(minuteOfDay: 18 * 60, weekdays: Set(1...7)))
        // The next run of a policy is the next instant after what it has scheduled.
        let state = PolicyState(instanceID: Self.mysql.id, policy: Self.daily(), since: Self.u, scheduledThrough: Self.u)
        #expect(state.nextRun == Self.s(0))
        #expect(PolicyState(instanceID: Self.mysql.id, policy: Self.daily(keep: 0), since: Self.u, scheduledThrough: Self.u).nextRun == nil)
    }

    // MARK: - RDS: each instant and each retirement

    /// The records of `store` at `t`, oldest first, by scheduled instant.
    static func instants(_ store: SimulatedStore) -> [Int64] {
        store.held.values.compactMap(\.track.startedAt).sorted()
    }

    @Test func dailyKeepOneAtEachInstantAndEachRetirementToTheMillisecond() {
        var store = SimulatedStore(instance: Self.mysql, policy: Self.daily(), since: Self.u)
        store.settle(through: Self.s(0) - 1)
        #expect(store.held.isEmpty, "turning a policy on starts no backup at once")
        #expect(store.state.nextRun == Self.s(0))
        for k in 0...6 {
            // Just before s(k): the backups of k-2 and k-1 (k-2 past retention, kept as the base).
            if k > 0 {
                store.settle(through: Self.s(k) - 1)
                #expect(Self.instants(store) == (max(0, k - 2)...(k - 1)).map(Self.s), "before s(\(k))")
            }
            // At s(k): k-2 goes, k starts BUILDING.
            store.settle(through: Self.s(k))
            #expect(Self.instants(store) == (max(0, k - 1)...k).map(Self.s), "at s(\(k))")
            #expect(store.shown(at: Self.s(k))[Self.s(k)]?.rds?.status == .building)
            #expect(store.state.scheduledThrough == Self.s(k))
            #expect(store.state.nextRun == Self.s(k + 1))
            // A minute later it has completed.
            store.settle(through: Self.s(k) + Self.minute - 1)
            #expect(store.shown(at: Self.s(k) + Self.minute - 1)[Self.s(k)]?.rds?.status == .building)
            store.settle(through: Self.s(k) + Self.minute)
            let completed = store.shown(at: Self.s(k) + Self.minute)[Self.s(k)]?.rds
            #expect(completed?.status == .completed)
            #expect(completed?.size == 1024)
            #expect(completed?.endTime.instant == Self.s(k) + Self.minute)
        }
        // The chain starts at the first automated backup and stays there.
        #expect(store.state.chainStart == Self.s(0))
    }

    @Test func theBackupOfFirstNovemberGoesOnThirdNovember() {
        let since = Self.ms("2030-10-31T12:00:00.000Z")
        let first = Self.ms("2030-11-01T02:00:00.000Z")
        let policy = Self.daily(keep: 1, window: "02:00-03:00")
        var stepped = SimulatedStore(instance: Self.mysql, policy: policy, since: since)
        for t in [first, first + Self.day - 1, first + Self.day, first + 2 * Self.day - 1] {
            stepped.settle(through: t)
            #expect(stepped.held.values.contains { $0.track.startedAt == first }, "\(TimeGrammar.formatUTCMilliseconds(t))")
        }
        stepped.settle(through: first + 2 * Self.day)
        #expect(Self.instants(stepped) == [first + Self.day, first + 2 * Self.day])
        // A jump lands in the same place, to the millisecond.
        for (t, expected) in [
            (first + 2 * Self.day - 1, [first, first + Self.day]), (first + 2 * Self.day, [first + Self.day, first + 2 * Self.day]),
        ] {
            var jumped = SimulatedStore(instance: Self.mysql, policy: policy, since: since)
            jumped.settle(through: t)
            #expect(Self.instants(jumped) == expected)
        }
    }

    @Test func automatedFullBackupsHaveTheirIdsNamesAndTimes() throws {
        var store = SimulatedStore(instance: Self.mysql, policy: Self.daily(), since: Self.u)
        let result = store.settle(through: Self.s(0))
        try #require(result.records.count == 1)
        let (backup, track) = result.records[0]
        guard case .rds(let record) = backup else {
            Issue.record("not an RDS record: \(backup)")
            return
        }
        #expect(Self.isAutomatedID(record.id, suffix: "br01"), "\(record.id)")
        #expect(record.id == track.backupID)
        #expect(record.instanceID == Self.mysql.id)
        #expect(record.name == "rds-mysql-a48e-20300107081500000")
        #expect(record.type == .auto)
        #expect(record.status == .building)
        #expect(record.size == 0)
        #expect(record.beginTime == RecordedTime(instant: Self.s(0), text: "2030-01-07T08:15:00+0000"))
        #expect(record.endTime == record.beginTime)
        #expect(record.associatedWithDDM == false)
        #expect(record.offsiteProjectID == nil)
        #expect(track.service == .rds)
        #expect(track.instanceID == Self.mysql.id)
        #expect(track.startedAt == Self.s(0))
        #expect(track.buildingMilliseconds == 60_000)
        #expect(track.fails == false)
        #expect(track.retiredAt == nil)
        #expect(result.retirements.isEmpty)
        #expect(result.usedFault == false)
        #expect(result.policy.scheduledThrough == Self.s(0))
        #expect(result.policy.chainStart == Self.s(0))

        // Fixed by what it is: another catch-up of the same instant makes the same id; another
        // instant or instance another one.
        let earlier = PolicyState(instanceID: Self.mysql.id, policy: Self.daily(keep: 7), since: Self.t0 - Self.day, scheduledThrough: Self.s(0) - 1)
        let again = Scheduler.catchUp(earlier, of: Self.mysql, predecessor: nil, faultArmedAt: nil, timings: .defaults, through: Self.s(0))
        #expect(again.records.map(\.track.backupID) == [record.id])
        let next = store.settle(through: Self.s(1))
        let nextID = try #require(next.records.first?.track.backupID)
        #expect(nextID != record.id)
        #expect(next.records.first.map { Self.name(of: $0.backup) } == "rds-mysql-a48e-20300108081500000")
        let prod = Scheduler.catchUp(earlier, of: Self.mysqlProd, predecessor: nil, faultArmedAt: nil, timings: .defaults, through: Self.s(0))
        let prodID = try #require(prod.records.first?.track.backupID)
        #expect(prodID != record.id)
        #expect(Self.isAutomatedID(prodID, suffix: "br01"))
        #expect(prod.records.first.map { Self.name(of: $0.backup) } == "mysql-prod-20300107081500000")
        let odd = Scheduler.catchUp(earlier, of: Self.oddlyNamed, predecessor: nil, faultArmedAt: nil, timings: .defaults, through: Self.s(0))
        #expect(odd.records.first.map { Self.isAutomatedID($0.track.backupID, suffix: "br01") } == true)
        // PostgreSQL records carry no associated_with_ddm.
        #expect(odd.records.first?.backup.rds?.associatedWithDDM == nil)
    }

    @Test func buildingTimesAreTheTimingsInForce() throws {
        var timings = LifecycleTimings.defaults
        timings.rdsBuilding = 0
        timings.taurusDBBuilding = 7
        let state = PolicyState(instanceID: Self.mysql.id, policy: Self.daily(), since: Self.u, scheduledThrough: Self.u)
        let rds = Scheduler.catchUp(state, of: Self.mysql, predecessor: nil, faultArmedAt: nil, timings: timings, through: Self.s(0))
        #expect(rds.records.first?.track.buildingMilliseconds == 0)
        #expect(rds.records.first?.track.state(at: Self.s(0)) == .completed)
        let taurusState = PolicyState(instanceID: Self.taurus.id, policy: Self.daily(), since: Self.u, scheduledThrough: Self.u)
        let taurus = Scheduler.catchUp(taurusState, of: Self.taurus, predecessor: nil, faultArmedAt: nil, timings: timings, through: Self.s(0))
        let (backup, track) = try #require(taurus.records.first)
        #expect(track.buildingMilliseconds == 7000)
        #expect(track.service == .taurusdb)
        guard case .taurusdb(let record) = backup else {
            Issue.record("not a TaurusDB record: \(backup)")
            return
        }
        #expect(Self.isAutomatedID(record.id, suffix: "br07"))
        #expect(record.id != rds.records.first?.track.backupID)
        #expect(record.name == "gauss-taurus-61a4-20300107081500000")
        #expect(record.type == .auto)
        #expect(record.status == .building)
        #expect(record.size == 0)
        #expect(record.beginTime == RecordedTime(instant: Self.s(0), text: "2030-01-07T08:15:00+0000"))
        #expect(record.endTime == record.beginTime)
    }

    @Test func aPredecessorIsRetiredByTheNextBackupPastRetention() {
        // The newest backup of an earlier catch-up is retired by the first new one.
        let state = PolicyState(instanceID: Self.mysql.id, policy: Self.daily(keep: 2), since: Self.u, scheduledThrough: Self.s(0))
        let predecessor = Scheduler.Predecessor(backupID: "previous", startedAt: Self.s(0))
        let result = Scheduler.catchUp(state, of: Self.mysql, predecessor: predecessor, faultArmedAt: nil, timings: .defaults, through: Self.s(1))
        #expect(result.retirements.map(\.backupID) == ["previous"])
        #expect(result.retirements.map(\.at) == [Self.s(1) + 2 * Self.day])
        // Within one catch-up, each record is retired by the next one.
        let longer = Scheduler.catchUp(state, of: Self.mysql, predecessor: predecessor, faultArmedAt: nil, timings: .defaults, through: Self.s(3))
        #expect(longer.retirements.map(\.at) == [Self.s(1) + 2 * Self.day])
        #expect(longer.records.map(\.track.startedAt) == [Self.s(1), Self.s(2), Self.s(3)])
        #expect(longer.records.map(\.track.retiredAt) == [Self.s(2) + 2 * Self.day, Self.s(3) + 2 * Self.day, nil])
    }

    // MARK: - RDS: faults

    /// When a fault is armed and which scheduled instant it fails.
    struct FaultCase: Sendable, CustomTestStringConvertible {
        let name: String
        let armedAt: Int64
        let fails: Int
        var testDescription: String { name }
    }

    static let faultCases = [
        FaultCase(name: "between s0 and s1", armedAt: s(1) - 5 * hour, fails: 1),
        FaultCase(name: "exactly at s1", armedAt: s(1), fails: 1),
        FaultCase(name: "a millisecond after s1", armedAt: s(1) + 1, fails: 2),
        FaultCase(name: "a millisecond before s1", armedAt: s(1) - 1, fails: 1),
        FaultCase(name: "before the policy was set", armedAt: u - day, fails: 0),
    ]

    @Test(arguments: faultCases)
    func aFaultFailsTheFirstScheduledBackupAtOrAfterIt(_ example: FaultCase) {
        var store = SimulatedStore(instance: Self.mysql, policy: Self.daily(keep: 3), since: Self.u)
        // The clock reaches the fault's instant, and the fault is armed then.
        if example.armedAt > Self.u { store.settle(through: example.armedAt - 1) }
        #expect(store.log.values.allSatisfy { !$0.fails })
        store.faultArmedAt = example.armedAt
        for k in 0...5 where Self.s(k) >= example.armedAt {
            let result = store.settle(through: Self.s(k))
            #expect(result.usedFault == (k == example.fails), "s(\(k))")
            #expect(result.records.map(\.track.fails) == [k == example.fails], "s(\(k))")
            if k == example.fails {
                // It builds, then ends FAILED with size 0.
                #expect(store.shown(at: Self.s(k) + Self.minute - 1)[Self.s(k)]?.rds?.status == .building)
                store.settle(through: Self.s(k) + Self.minute)
                let shown = store.shown(at: Self.s(k) + Self.minute)[Self.s(k)]?.rds
                #expect(shown?.status == .failed)
                #expect(shown?.size == 0)
                #expect(shown?.endTime.instant == Self.s(k) + Self.minute)
            }
        }
        #expect(store.faultArmedAt == nil)
        let failed = store.log.values.filter(\.fails)
        #expect(failed.map(\.startedAt) == [Self.s(example.fails)])
        // It is no base, and goes when past retention.
        #expect(failed.first?.retiredAt == Self.s(example.fails) + 3 * Self.day)
        // The backup before it is retired by the one after it.
        if example.fails > 0 {
            #expect(store.log.values.first { $0.startedAt == Self.s(example.fails - 1) }?.retiredAt == Self.s(example.fails + 1) + 3 * Self.day)
        }
    }

    @Test func aFaultIsUsedByTheBackupItFailsEvenWhenRetentionRemovesThatBackupFirst() {
        // Without the skip: a jump of three days over a fault armed between s0 and s1.
        var short = SimulatedStore(instance: Self.mysql, policy: Self.daily(), since: Self.u, faultArmedAt: Self.s(1) - 5 * Self.hour)
        let result = short.settle(through: Self.s(3))
        #expect(result.usedFault)
        #expect(result.records.map(\.track.startedAt) == [Self.s(2), Self.s(3)])
        #expect(result.records.allSatisfy { !$0.track.fails })
        #expect(short.faultArmedAt == nil)
        // The next backups do not fail.
        short.settle(through: Self.s(5))
        #expect(short.held.values.allSatisfy { !$0.track.fails })

        // With the skip: thirty days.
        var long = SimulatedStore(instance: Self.mysql, policy: Self.daily(), since: Self.u, faultArmedAt: Self.s(1) - 5 * Self.hour)
        let jump = long.settle(through: Self.s(30))
        #expect(jump.usedFault)
        #expect(jump.records.allSatisfy { !$0.track.fails })
        #expect(Self.instants(long) == [Self.s(29), Self.s(30)])
        var stepped = SimulatedStore(instance: Self.mysql, policy: Self.daily(), since: Self.u, faultArmedAt: Self.s(1) - 5 * Self.hour)
        for k in 0...30 { stepped.settle(through: Self.s(k)) }
        #expect(long.shown(at: Self.s(30)) == stepped.shown(at: Self.s(30)))
        #expect(long.state.schedule == stepped.state.schedule)
        // A fault armed after the skipped part fails its own backup, which is no base.
        var late = SimulatedStore(instance: Self.mysql, policy: Self.daily(), since: Self.u, faultArmedAt: Self.s(30) - Self.hour)
        let lateJump = late.settle(through: Self.s(30))
        #expect(lateJump.usedFault)
        #expect(lateJump.records.map(\.track.startedAt) == [Self.s(29), Self.s(30)])
        #expect(lateJump.records.map(\.track.fails) == [false, true])
        #expect(lateJump.records.map(\.track.retiredAt) == [nil, Self.s(31)])
    }

    // MARK: - A jump against the same interval stepped through

    /// A policy, an interval, how finely to step it, and a fault.
    struct JumpCase: Sendable, CustomTestStringConvertible {
        let name: String
        let instance: Instance
        let policy: BackupPolicy
        /// Days stepped through by both stores before the jump.
        let warmUp: Int
        let days: Int
        let step: Int64
        let faultAfterDays: Int64?
        var testDescription: String { name }
    }

    static let jumpCases = [
        JumpCase(name: "RDS daily, keep 1, 30 days", instance: mysql, policy: daily(), warmUp: 0, days: 30, step: day, faultAfterDays: nil),
        JumpCase(name: "RDS daily, keep 1, 30 days after 3", instance: mysql, policy: daily(), warmUp: 3, days: 30, step: day, faultAfterDays: nil),
        JumpCase(name: "RDS daily, keep 1, 400 days", instance: mysql, policy: daily(), warmUp: 2, days: 400, step: day, faultAfterDays: nil),
        JumpCase(
            name: "RDS Mon/Wed/Fri, keep 3, 60 days by 7 h",
            instance: mysql,
            policy: daily(keep: 3, period: "1,3,5"),
            warmUp: 0,
            days: 60,
            step: 7 * hour,
            faultAfterDays: nil
        ),
        JumpCase(name: "RDS daily, keep 7, fault", instance: mysql, policy: daily(keep: 7), warmUp: 1, days: 45, step: day, faultAfterDays: 10),
        JumpCase(
            name: "RDS Sundays, keep 2, fault",
            instance: mysql,
            policy: daily(keep: 2, period: "7"),
            warmUp: 0,
            days: 100,
            step: day,
            faultAfterDays: 30
        ),
        JumpCase(
            name: "TaurusDB Tue/Thu/Sat, keep 2, fault",
            instance: taurus,
            policy: daily(keep: 2, window: "23:55-00:55", period: "2,4,6"),
            warmUp: 4,
            days: 90,
            step: 5 * hour,
            faultAfterDays: 40
        ),
        JumpCase(name: "DDM daily, 90 days, fault", instance: ddm, policy: .ddmDaily, warmUp: 0, days: 90, step: day, faultAfterDays: 20),
        JumpCase(name: "DDM daily, 29 days", instance: ddm, policy: .ddmDaily, warmUp: 0, days: 29, step: day, faultAfterDays: nil),
    ]

    static func jumpAndStep(_ example: JumpCase) -> (jumped: SimulatedStore, stepped: SimulatedStore, jump: CatchUp, end: Int64) {
        let start = u + Int64(example.warmUp) * day
        let end = start + Int64(example.days) * day
        let fault = example.faultAfterDays.map { start + $0 * day + 123 }
        var jumped = SimulatedStore(instance: example.instance, policy: example.policy, since: u)
        var stepped = jumped
        if example.warmUp > 0 {
            for k in 1...example.warmUp {
                jumped.settle(through: u + Int64(k) * day)
                stepped.settle(through: u + Int64(k) * day)
            }
        }
        jumped.faultArmedAt = fault
        stepped.faultArmedAt = fault
        let jump = jumped.settle(through: end)
        var t = start
        for _ in 0..<(Int((end - start) / example.step) + 2) where t < end {
            t = min(t + example.step, end)
            stepped.settle(through: t)
        }
        #expect(t == end)
        return (jumped, stepped, jump, end)
    }

    @Test(arguments: jumpCases)
    func aJumpMakesWhatSteppingThroughMakes(_ example: JumpCase) {
        let (jumped, stepped, jump, end) = Self.jumpAndStep(example)
        #expect(jumped.shown(at: end) == stepped.shown(at: end))
        #expect(jumped.state.schedule == stepped.state.schedule)
        #expect(jumped.faultArmedAt == stepped.faultArmedAt)
        #expect(!jumped.held.isEmpty)
        // The jump's own records are the survivors it had no predecessor for: exactly those
        // stepping left that began after the warm-up.
        let start = Self.u + Int64(example.warmUp) * Self.day
        let survivors = stepped.held.values.filter { ($0.track.startedAt ?? 0) > start }.map(\.track)
        #expect(Set(jump.records.map(\.track)) == Set(survivors))
    }

    @Test func thirtyDaysInOneCatchUpAreThirtyDaysOfCatchUps() {
        let (jumped, stepped, jump, end) = Self.jumpAndStep(Self.jumpCases[0])
        // One catch-up made the two backups retention keeps, the older retired by the newer.
        #expect(jump.records.map(\.track.startedAt) == [Self.s(28), Self.s(29)])
        #expect(jump.records.map(\.track.retiredAt) == [Self.s(30), nil])
        #expect(jump.retirements.isEmpty)
        #expect(jump.policy.scheduledThrough == end)
        #expect(jump.policy.chainStart == Self.s(0))
        // Thirty catch-ups made thirty backups, and retired all but those two, each when its
        // successor's successor started.
        #expect(stepped.log.count == 30)
        for k in 0..<28 {
            #expect(stepped.log.values.first { $0.startedAt == Self.s(k) }?.retiredAt == Self.s(k + 2), "s(\(k))")
        }
        #expect(Self.instants(jumped) == Self.instants(stepped))
    }

    @Test func aYearInOneCatchUpKeepsWhatRetentionKeeps() {
        var store = SimulatedStore(instance: Self.mysql, policy: Self.daily(), since: Self.u)
        store.settle(through: Self.s(1))
        let end = Self.s(365) + 30 * Self.minute
        let jump = store.settle(through: end)
        #expect(jump.records.map(\.track.startedAt) == [Self.s(364), Self.s(365)])
        // The predecessor (s(1)) is retired, and already gone.
        #expect(jump.retirements.count == 1)
        #expect(jump.retirements.allSatisfy { $0.at <= end })
        #expect(Self.instants(store) == [Self.s(364), Self.s(365)])
        #expect(store.shown(at: end)[Self.s(365)]?.rds?.status == .completed)
    }

    // MARK: - DCS

    @Test func dcsRecordsAreMadeAtTheHourOfTheirWeekdays() throws {
        var store = SimulatedStore(instance: Self.redis, policy: Self.plan(save: 2, at: [3, 1]), since: Self.t0)
        let monday = Self.ms("2030-01-07T18:00:00.000Z")
        #expect(store.state.nextRun == monday)
        store.settle(through: monday - 1)
        #expect(store.held.isEmpty)
        let result = store.settle(through: monday)
        let (backup, track) = try #require(result.records.first)
        guard case .dcs(let record) = backup else {
            Issue.record("not a DCS record: \(backup)")
            return
        }
        #expect(Self.isVersion8UUID(record.backupID), "\(record.backupID)")
        #expect(record.instanceID == Self.redis.id)
        #expect(record.backupName == "backup_20300108020000")
        #expect(record.backupType == .auto)
        #expect(record.status == .waiting)
        #expect(record.progress == "0.00")
        #expect(record.size == 0)
        #expect(record.remark == "")
        #expect(record.period == "18:00-19:00")
        #expect(record.errorCode == nil)
        #expect(record.isSupportRestore == "FALSE")
        #expect(record.createdAt == RecordedTime(instant: monday, text: "2030-01-07T18:00:00.000Z"))
        #expect(record.updatedAt == record.createdAt)
        #expect(record.executionAt == RecordedTime(instant: monday + 5000, text: "2030-01-07T18:00:05.000Z"))
        #expect(track.waitingMilliseconds == 5000)
        #expect(track.buildingMilliseconds == 60_000)
        #expect(store.state.nextRun == Self.ms("2030-01-09T18:00:00.000Z"))
        let succeeded = store.shown(at: monday + 65_000)[monday]?.dcs
        #expect(succeeded?.status == .succeed)
        #expect(succeeded?.updatedAt.text == "2030-01-07T18:01:05.000Z")
        // The same instant makes the same id; the Wednesday one another.
        let again = Scheduler.catchUp(
            PolicyState(instanceID: Self.redis.id, policy: Self.plan(save: 7, at: [1]), since: 0, scheduledThrough: monday - 1),
            of: Self.redis,
            predecessor: nil,
            faultArmedAt: nil,
            timings: .defaults,
            through: monday
        )
        #expect(again.records.map(\.track.backupID) == [record.backupID])
        let wednesday = store.settle(through: Self.ms("2030-01-09T18:00:00.000Z"))
        let wednesdayID = try #require(wednesday.records.first?.track.backupID)
        #expect(Self.isVersion8UUID(wednesdayID))
        #expect(wednesdayID != record.backupID)
    }

    /// A DCS `auto` record expires at max(created + save_days, the success of the next one).
    @Test(arguments: [1, 2, 3])
    func aDCSRecordExpiresAtTheLaterOfItsSaveDaysAndTheSuccessOfTheNext(_ saveDays: Int) {
        let c0 = Self.ms("2030-01-07T18:00:00.000Z")
        let expiry = max(c0 + Int64(saveDays) * Self.day, c0 + Self.day + 65_000)
        var store = SimulatedStore(instance: Self.redis, policy: Self.plan(save: saveDays), since: Self.t0)
        store.settle(through: c0)
        for t in [c0 + Self.day, expiry - 1] {
            store.settle(through: t)
            #expect(store.shown(at: t)[c0]?.dcs?.status == .succeed, "\(TimeGrammar.formatUTCMilliseconds(t))")
        }
        #expect(store.log.values.first { $0.startedAt == c0 }?.retiredAt == expiry)
        store.settle(through: expiry)
        let expired = store.shown(at: expiry)[c0]?.dcs
        #expect(expired?.status == .expired)
        #expect(expired?.updatedAt == RecordedTime(instant: expiry, text: TimeGrammar.formatUTCMilliseconds(expiry)))
        #expect(expired?.isSupportRestore == "FALSE")
        #expect(expired?.size == 1_048_576)
        // Expired records stay; the newest is never retired ("one is always kept").
        store.settle(through: c0 + 4 * Self.day + 70_000)
        #expect(Self.instants(store) == (0...4).map { c0 + Int64($0) * Self.day })
        #expect(store.log.values.first { $0.startedAt == c0 + 4 * Self.day }?.retiredAt == nil)
    }

    @Test func aWeeklyDCSRecordWaitsForTheNextWeeksSuccess() {
        let monday = Self.ms("2030-01-07T18:00:00.000Z")
        var store = SimulatedStore(instance: Self.redis, policy: Self.plan(save: 1, at: [1]), since: Self.t0)
        store.settle(through: monday + 7 * Self.day)
        #expect(store.log.values.first { $0.startedAt == monday }?.retiredAt == monday + 7 * Self.day + 65_000)
        #expect(store.shown(at: monday + 7 * Self.day)[monday]?.dcs?.status == .succeed)
    }

    /// §6.2: an expired record keeps its progress and size; a catch-up that passes its success and
    /// its expiry in one settle must show the same as one that settled in between.
    @Test func anExpiredDCSRecordKeepsTheFieldsOfItsSuccess() throws {
        let c0 = Self.ms("2030-01-07T18:00:00.000Z")
        let expiry = c0 + Self.day + 65_000
        var stepped = SimulatedStore(instance: Self.redis, policy: Self.plan(save: 1), since: Self.t0)
        stepped.settle(through: c0 + 65_000)
        stepped.settle(through: expiry)
        let steppedRecord = try #require(stepped.shown(at: expiry)[c0]?.dcs)
        #expect(steppedRecord.status == .expired)
        #expect(steppedRecord.size == 1_048_576)
        #expect(steppedRecord.progress == "100.00")
        var jumped = SimulatedStore(instance: Self.redis, policy: Self.plan(save: 1), since: Self.t0)
        jumped.settle(through: expiry)
        let jumpedRecord = try #require(jumped.shown(at: expiry)[c0]?.dcs)
        #expect(jumpedRecord.status == .expired)
        #expect(jumpedRecord.updatedAt == steppedRecord.updatedAt)
        // The record as made (waiting), shown at once as expired.
        let made = try #require(jumped.log.values.first { $0.startedAt == c0 })
        let waiting = DCSBackup.started(id: made.backupID, instanceID: Self.redis.id, type: .auto, remark: "", period: "18:00-19:00", at: c0).planned(
            by: made
        )
        #expect(jumpedRecord == steppedRecord)
        #expect(waiting.shown(as: .expired, track: made).size == 1_048_576)
        #expect(waiting.shown(as: .expired, track: made).progress == "100.00")
    }

    @Test func aFailedDCSRecordNeverExpiresAndRetiresNothing() {
        let c0 = Self.ms("2030-01-07T18:00:00.000Z")
        var store = SimulatedStore(instance: Self.redis, policy: Self.plan(save: 1), since: Self.t0, faultArmedAt: c0 + Self.hour)
        store.settle(through: c0 + 3 * Self.day)
        let failed = store.log.values.filter(\.fails)
        #expect(failed.map(\.startedAt) == [c0 + Self.day])
        #expect(failed.first?.retiredAt == nil)
        let shown = store.shown(at: c0 + 3 * Self.day)[c0 + Self.day]?.dcs
        #expect(shown?.status == .failed)
        #expect(shown?.errorCode == "dcs.08.0002")
        // The one before expires at the success of the one after the failure.
        #expect(store.log.values.first { $0.startedAt == c0 }?.retiredAt == c0 + 2 * Self.day + 65_000)
    }

    /// §8.4 rule 1: a record keeps the `save_days` in force when it was made.
    @Test func aDCSRecordKeepsTheSaveDaysInForceWhenItWasMade() {
        let c0 = Self.ms("2030-01-07T18:00:00.000Z")
        var store = SimulatedStore(instance: Self.redis, policy: Self.plan(save: 3), since: Self.t0)
        store.settle(through: c0)
        // save_days shortened to 1 an hour later: the records made from now on keep 1 day.
        store.change(to: Self.plan(save: 1), at: c0 + Self.hour)
        store.settle(through: c0 + 2 * Self.day + 70_000)
        #expect(store.log.values.first { $0.startedAt == c0 }?.retiredAt == c0 + 3 * Self.day)
        #expect(store.shown(at: c0 + 2 * Self.day + 70_000)[c0]?.dcs?.status == .succeed)
        // The record made under save_days 1 expires at the success of the next one.
        #expect(store.log.values.first { $0.startedAt == c0 + Self.day }?.retiredAt == c0 + 2 * Self.day + 65_000)
    }

    static let dcsJumpCases = [
        JumpCase(name: "DCS daily, save 1, 60 days", instance: redis, policy: plan(save: 1), warmUp: 1, days: 60, step: day, faultAfterDays: 3),
        JumpCase(
            name: "DCS Mon/Thu, save 3, 120 days",
            instance: redis,
            policy: plan(save: 3, at: [1, 4]),
            warmUp: 1,
            days: 120,
            step: day,
            faultAfterDays: 3
        ),
    ]

    /// §8.0 catch-up with §8.4 rules 1–2: expired and failed DCS records stay listed until the
    /// 24-record cap removes them, so a jump must leave the records stepping leaves.
    @Test(arguments: dcsJumpCases)
    func aDCSJumpLeavesTheRecordsSteppingLeaves(_ example: JumpCase) {
        let (jumped, stepped, _, end) = Self.jumpAndStep(example)
        #expect(stepped.held.count == min(DCSRetention.recordCap, stepped.log.count))
        #expect(jumped.held.count == stepped.held.count)
        #expect(jumped.shown(at: end) == stepped.shown(at: end))
        #expect(jumped.state.schedule == stepped.state.schedule)
    }

    @Test func dcsJumpsWithinTheSkipHorizonMatchStepping() {
        // Fifteen days, under the skip horizon: nothing is skipped, and the jump is exact.
        let example = JumpCase(
            name: "daily, save 2, 15 days",
            instance: Self.redis,
            policy: Self.plan(save: 2),
            warmUp: 1,
            days: 15,
            step: Self.day,
            faultAfterDays: 5
        )
        let (jumped, stepped, _, end) = Self.jumpAndStep(example)
        // The same records, statuses and times…
        func outline(_ store: SimulatedStore) -> [Int64: [String?]] {
            store.shown(at: end).mapValues { backup in
                backup.dcs.map { [$0.backupID, $0.status.rawValue, $0.createdAt.text, $0.updatedAt.text, $0.errorCode] } ?? []
            }
        }
        #expect(outline(jumped) == outline(stepped))
        #expect(jumped.state.schedule == stepped.state.schedule)
        #expect(stepped.held.count == 16)
        // … and the same fields.
        #expect(jumped.shown(at: end) == stepped.shown(at: end))
    }

    // MARK: - DDM

    @Test func ddmBackupsAreDailyAtTwoInTheMorningUTCPlusEightAndGoAfterThirtyDays() throws {
        let first = Self.ms("2030-01-07T18:00:00.000Z")
        var store = SimulatedStore(instance: Self.ddm, policy: .ddmDaily, since: Self.t0)
        let result = store.settle(through: first)
        let (backup, track) = try #require(result.records.first)
        guard case .ddm(let record) = backup else {
            Issue.record("not a DDM record: \(backup)")
            return
        }
        #expect(Self.isAutomatedID(record.id, suffix: "br09"))
        #expect(record.instanceID == Self.ddm.id)
        // "Backup-" + the name + "-" + 20300108020000, cut to 64 characters.
        #expect(record.name == "Backup-ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg-2030010802000")
        #expect(record.name.count == 64)
        #expect(record.status == .normal)
        #expect(record.backupType == .autoMetadata)
        #expect(record.beginTime == RecordedTime(instant: first, text: "2030-01-07T18:00:00+0000"))
        #expect(track.retiredAt == first + 30 * Self.day)
        #expect(result.retirements.isEmpty)
        let short = Scheduler.catchUp(
            PolicyState(instanceID: Self.shortDDM.id, policy: .ddmDaily, since: Self.t0, scheduledThrough: Self.t0),
            of: Self.shortDDM,
            predecessor: nil,
            faultArmedAt: nil,
            timings: .defaults,
            through: first
        )
        #expect(short.records.first.map { Self.name(of: $0.backup) } == "Backup-ddm-short-20300108020000")
        #expect(short.records.first.map { Self.isAutomatedID($0.track.backupID, suffix: "br09") } == true)
        // Removed 30 days after its instant, to the millisecond.
        store.settle(through: first + 30 * Self.day - 1)
        #expect(store.held.values.contains { $0.track.startedAt == first })
        #expect(store.held.count == 30)
        store.settle(through: first + 30 * Self.day)
        #expect(!store.held.values.contains { $0.track.startedAt == first })
        #expect(store.held.count == 30)
        // After 90 days, the last 30.
        store.settle(through: first + 90 * Self.day + Self.hour)
        #expect(Self.instants(store) == (61...90).map { first + Int64($0) * Self.day })
    }

    @Test func aFaultMakesADDMBackupCreatefail() throws {
        let first = Self.ms("2030-01-07T18:00:00.000Z")
        var store = SimulatedStore(instance: Self.ddm, policy: .ddmDaily, since: Self.t0, faultArmedAt: first + 1)
        store.settle(through: first + Self.day)
        let shown = store.shown(at: first + Self.day)
        #expect(shown[first]?.ddm?.status == .normal)
        #expect(shown[first + Self.day]?.ddm?.status == .createfail)
        #expect(store.faultArmedAt == nil)
        // A failed DDM backup goes after 30 days too.
        #expect(store.log.values.first { $0.startedAt == first + Self.day }?.retiredAt == first + 31 * Self.day)
    }

    // MARK: - PolicyEffects.state

    static let on = PolicyState(
        instanceID: mysql.id,
        policy: daily(keep: 2),
        since: u,
        scheduledThrough: s(3),
        chainStart: s(0),
        incrementalFloor: s(0) + 10 * minute
    )

    @Test func settingThePolicyInForceChangesNothing() {
        let dcs = PolicyEffects.state(after: PolicyChange(policy: Self.plan(save: 2)), replacing: nil, of: Self.redis.id, at: Self.t0)
        let ddm = PolicyState(instanceID: Self.ddm.id, policy: .ddmDaily, since: Self.t0, scheduledThrough: Self.s(2), chainStart: Self.s(0))
        let off = PolicyState(instanceID: Self.mysql.id, policy: Self.daily(keep: 0), since: Self.u, scheduledThrough: Self.u)
        for old in [Self.on, dcs, ddm, off] {
            for reserve in [true, false] {
                let again = PolicyEffects.state(
                    after: PolicyChange(policy: old.policy, reserveBackups: reserve),
                    replacing: old,
                    of: old.instanceID,
                    at: Self.s(5),
                    base: Self.s(2)
                )
                #expect(again == old, "\(old.policy)")
            }
        }
        // A DCS change that merges into what is stored is the same policy too.
        let manualAgain = PolicyEffects.state(
            after: PolicyChange(policy: .dcs(DCSBackupPlan(backupType: .auto))),
            replacing: dcs,
            of: Self.redis.id,
            at: Self.s(5)
        )
        #expect(manualAgain == dcs)
    }

    @Test func aDCSChangeKeepsTheFieldsItDoesNotGive() throws {
        let old = PolicyEffects.state(
            after: PolicyChange(
                policy: .dcs(
                    DCSBackupPlan(
                        backupType: .auto,
                        saveDays: 3,
                        backupAt: [2, 1],
                        periodType: "weekly",
                        beginAt: "18:00-19:00",
                        timezoneOffset: "+0800"
                    )
                )
            ),
            replacing: nil,
            of: Self.redis.id,
            at: Self.t0
        )
        let policyID = try #require(old.policyID)
        #expect(Self.isVersion4UUID(policyID), "\(policyID)")
        #expect(old.createdAt == Self.t0)
        #expect(old.since == Self.t0)
        #expect(old.scheduledThrough == Self.t0)

        // manual alone: the plan and save_days are kept.
        let manual = PolicyEffects.state(
            after: PolicyChange(policy: .dcs(DCSBackupPlan(backupType: .manual))),
            replacing: old,
            of: Self.redis.id,
            at: Self.t0 + Self.hour
        )
        #expect(
            manual.policy
                == .dcs(
                    DCSBackupPlan(
                        backupType: .manual,
                        saveDays: 3,
                        backupAt: [2, 1],
                        periodType: "weekly",
                        beginAt: "18:00-19:00",
                        timezoneOffset: "+0800"
                    )
                )
        )
        #expect(manual.policy.schedule == nil)
        #expect(manual.policyID == policyID)
        #expect(manual.createdAt == Self.t0)
        #expect(manual.since == Self.t0 + Self.hour)

        // save_days alone replaces save_days.
        let saveDays = PolicyEffects.state(
            after: PolicyChange(policy: .dcs(DCSBackupPlan(backupType: .manual, saveDays: 5))),
            replacing: manual,
            of: Self.redis.id,
            at: Self.t0 + 2 * Self.hour
        )
        #expect(
            saveDays.policy
                == .dcs(
                    DCSBackupPlan(
                        backupType: .manual,
                        saveDays: 5,
                        backupAt: [2, 1],
                        periodType: "weekly",
                        beginAt: "18:00-19:00",
                        timezoneOffset: "+0800"
                    )
                )
        )

        // A plan given replaces the whole plan (its absent timezone_offset included).
        let plan = PolicyEffects.state(
            after: PolicyChange(policy: .dcs(DCSBackupPlan(backupType: .auto, backupAt: [7], periodType: "weekly", beginAt: "02:00-03:00"))),
            replacing: saveDays,
            of: Self.redis.id,
            at: Self.t0 + 3 * Self.hour
        )
        #expect(plan.policy == .dcs(DCSBackupPlan(backupType: .auto, saveDays: 5, backupAt: [7], periodType: "weekly", beginAt: "02:00-03:00")))
        #expect(plan.policyID == policyID)
        #expect(plan.createdAt == Self.t0)
        #expect(plan.nextRun == Self.ms("2030-01-13T02:00:00.000Z"))
    }

    @Test func theChainContinuesWhileThePolicyStaysOn() {
        let longer = PolicyEffects.state(after: PolicyChange(policy: Self.daily(keep: 7)), replacing: Self.on, of: Self.mysql.id, at: Self.s(4))
        #expect(longer.chainStart == Self.s(0))
        #expect(longer.since == Self.s(4))
        #expect(longer.scheduledThrough == Self.s(4))
        #expect(longer.policyID == nil)
        #expect(longer.createdAt == nil)
        let window = PolicyEffects.state(
            after: PolicyChange(policy: Self.daily(keep: 2, window: "01:00-02:00", period: "1")),
            replacing: Self.on,
            of: Self.mysql.id,
            at: Self.s(4)
        )
        #expect(window.chainStart == Self.s(0))
        #expect(window.nextRun == Self.ms("2030-01-14T01:00:00.000Z"))
    }

    @Test func theChainRestartsAfterThePolicyWasOff() {
        let off = PolicyEffects.state(
            after: PolicyChange(policy: Self.daily(keep: 0), reserveBackups: true),
            replacing: Self.on,
            of: Self.mysql.id,
            at: Self.s(4)
        )
        #expect(off.chainStart == nil)
        #expect(off.incrementalFloor == nil)
        #expect(off.nextRun == nil)
        let onAgain = PolicyEffects.state(after: PolicyChange(policy: Self.daily(keep: 2)), replacing: off, of: Self.mysql.id, at: Self.s(6))
        #expect(onAgain.chainStart == nil)
        #expect(onAgain.incrementalFloor == nil)
        #expect(onAgain.nextRun == Self.s(7))
        // The first backup after it starts the new chain.
        let first = Scheduler.catchUp(onAgain, of: Self.mysql, predecessor: nil, faultArmedAt: nil, timings: .defaults, through: Self.s(8))
        #expect(first.policy.chainStart == Self.s(7))
        // A policy the instance never had starts none either.
        let new = PolicyEffects.state(after: PolicyChange(policy: Self.daily()), replacing: nil, of: Self.mysql.id, at: Self.u)
        #expect(new == PolicyState(instanceID: Self.mysql.id, policy: Self.daily(), since: Self.u, scheduledThrough: Self.u))
    }

    @Test func theIncrementalFloorIsWhatTheOldRetentionKept() {
        let noFloor = PolicyState(
            instanceID: Self.mysql.id,
            policy: Self.daily(keep: 2),
            since: Self.u,
            scheduledThrough: Self.s(3),
            chainStart: Self.s(0)
        )
        let at = Self.s(5) + 7 * Self.minute
        // Without a base: what began after at − 2 days.
        let young = at - 2 * Self.day + 1
        #expect(
            PolicyEffects.state(after: PolicyChange(policy: Self.daily(keep: 9)), replacing: noFloor, of: Self.mysql.id, at: at).incrementalFloor
                == young
        )
        // With a base: what began at or after it too.
        let withBase = PolicyEffects.state(
            after: PolicyChange(policy: Self.daily(keep: 9)),
            replacing: noFloor,
            of: Self.mysql.id,
            at: at,
            base: Self.s(3)
        )
        #expect(withBase.incrementalFloor == Self.s(3))
        // A base newer than the young ones does not raise it.
        let lateBase = PolicyEffects.state(after: PolicyChange(policy: Self.daily(keep: 9)), replacing: noFloor, of: Self.mysql.id, at: at, base: at)
        #expect(lateBase.incrementalFloor == young)
        // An earlier floor that is higher stays.
        var high = noFloor
        high.incrementalFloor = at
        #expect(
            PolicyEffects.state(after: PolicyChange(policy: Self.daily(keep: 9)), replacing: high, of: Self.mysql.id, at: at, base: Self.s(3))
                .incrementalFloor == at
        )
        // A lower one is raised.
        var low = noFloor
        low.incrementalFloor = Self.s(0)
        #expect(
            PolicyEffects.state(after: PolicyChange(policy: Self.daily(keep: 9)), replacing: low, of: Self.mysql.id, at: at, base: Self.s(3))
                .incrementalFloor == Self.s(3)
        )
    }

    @Test func theBaseIsTheNewestStartPastRetention() {
        let starts = [Self.s(0), Self.s(1), Self.s(2)]
        #expect(PolicyEffects.base(among: starts, keep: Self.day, at: Self.s(1) - 1) == nil)
        #expect(PolicyEffects.base(among: starts, keep: Self.day, at: Self.s(1)) == Self.s(0))
        #expect(PolicyEffects.base(among: starts, keep: Self.day, at: Self.s(3) - 1) == Self.s(1))
        #expect(PolicyEffects.base(among: starts, keep: Self.day, at: Self.s(3)) == Self.s(2))
        #expect(PolicyEffects.base(among: [], keep: Self.day, at: Self.s(3)) == nil)
    }

    // MARK: - PolicyEffects.retirements

    static func track(_ id: String, _ start: Int64?, fails: Bool = false) -> LifecycleTrack {
        LifecycleTrack(backupID: id, service: .rds, instanceID: mysql.id, startedAt: start, buildingMilliseconds: minute, fails: fails)
    }

    @Test func retirementsFollowTheBaseRule() {
        let keep = 2 * Self.day
        let tracks = [
            Self.track("a", Self.s(0)),
            Self.track("b", Self.s(1), fails: true),
            Self.track("c", Self.s(2)),
            Self.track("d", Self.s(3), fails: true),
            Self.track("e", Self.s(4)),
            Self.track("f", Self.s(5), fails: true),
        ]
        let retirements = PolicyEffects.retirements(of: tracks, keep: keep)
        #expect(retirements.map(\.backupID) == ["a", "b", "c", "d", "e", "f"])
        #expect(
            retirements.map(\.at) == [
                Self.s(2) + keep,  // by c, the next that did not fail
                Self.s(1) + keep,  // failed: past its own retention
                Self.s(4) + keep,  // by e
                Self.s(3) + keep,
                nil,  // the newest that did not fail stays
                Self.s(5) + keep,
            ]
        )
        // Reserved: none.
        #expect(PolicyEffects.retirements(of: tracks, keep: nil).map(\.at) == Array(repeating: nil, count: 6))
        #expect(PolicyEffects.retirements(of: [], keep: keep).isEmpty)
        #expect(PolicyEffects.retirements(of: [Self.track("only", Self.s(0))], keep: keep).map(\.at) == [nil])
    }

    /// The retirements a policy change recomputes are those the scheduler decided as it ran.
    @Test func retirementsAgreeWithWhatTheSchedulerDecided() {
        var store = SimulatedStore(instance: Self.mysql, policy: Self.daily(keep: 3, period: "1,2,4,6"), since: Self.u, faultArmedAt: Self.s(5))
        for k in 0...20 { store.settle(through: Self.s(k)) }
        let tracks = store.log.values.sorted { ($0.startedAt ?? 0) < ($1.startedAt ?? 0) }
        #expect(tracks.count(where: \.fails) == 1)
        let recomputed = PolicyEffects.retirements(of: tracks, keep: 3 * Self.day)
        #expect(recomputed.map(\.backupID) == tracks.map(\.backupID))
        #expect(recomputed.map(\.at) == tracks.map(\.retiredAt))
    }

    // MARK: - Helpers

    static func name(of backup: Backup) -> String {
        switch backup {
        case .rds(let record): record.name
        case .taurusdb(let record): record.name
        case .dcs(let record): record.backupName
        case .ddm(let record): record.name
        }
    }

    /// A UUID with the version digit 4 and the variant digit 8–b.
    static func isVersion4UUID(_ id: String) -> Bool {
        let groups = id.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12], groups.allSatisfy({ isHex($0) }) else { return false }
        return groups[2].first == "4" && "89ab".contains(groups[3].first ?? "x")
    }
}

/// One instance's automated records as a store keeps them: each `Scheduler.catchUp` result
/// applied as the engines apply it (`runSchedules`, then the transitions): the retirements it
/// decides stored, its records stored, DCS's cap of 24 kept, the fault used up, and every record
/// whose retirement has come removed (RDS, TaurusDB, DDM; DCS ones stay, expired).
struct SimulatedStore {
    struct Held: Hashable {
        var backup: Backup
        var track: LifecycleTrack
    }

    let instance: Instance
    var state: PolicyState
    var faultArmedAt: Int64?
    var timings = LifecycleTimings.defaults
    /// What the store holds, by id.
    var held: [String: Held] = [:]
    /// Every track ever made, with its latest retirement, removed or not.
    var log: [String: LifecycleTrack] = [:]
    /// Whether a fault was used up.
    var usedFault = false

    init(instance: Instance, policy: BackupPolicy, since: Int64, faultArmedAt: Int64? = nil) {
        self.instance = instance
        self.state = PolicyEffects.state(after: PolicyChange(policy: policy), replacing: nil, of: instance.id, at: since)
        self.faultArmedAt = faultArmedAt
    }

    /// The newest automated full backup that did not fail and has no retirement yet.
    var predecessor: Scheduler.Predecessor? {
        guard instance.service != .ddm else { return nil }
        let candidates = held.values.filter {
            $0.track.startedAt != nil && !$0.track.fails && $0.track.retiredAt == nil && $0.track.deletedAt == nil
        }
        guard let newest = candidates.max(by: { ($0.track.startedAt ?? 0) < ($1.track.startedAt ?? 0) }) else { return nil }
        return Scheduler.Predecessor(
            backupID: newest.track.backupID,
            startedAt: newest.track.startedAt ?? 0,
            retention: newest.track.retentionMilliseconds
        )
    }

    @discardableResult
    mutating func settle(through t: Int64) -> CatchUp {
        let result = Scheduler.catchUp(state, of: instance, predecessor: predecessor, faultArmedAt: faultArmedAt, timings: timings, through: t)
        if result.usedFault {
            faultArmedAt = nil
            usedFault = true
        }
        for (id, at) in result.retirements {
            held[id]?.track.retiredAt = at
            log[id]?.retiredAt = at
        }
        for (backup, track) in result.records {
            held[track.backupID] = Held(backup: backup, track: track)
            log[track.backupID] = track
            if instance.service == .dcs { capDCSRecords() }
        }
        state = result.policy
        // Each record is written down as it is at `t`, as the engines write it.
        var settled: [String: Held] = [:]
        for (id, record) in held {
            if let shown = Self.shown(record.backup, record.track, at: t) { settled[id] = Held(backup: shown, track: record.track) }
        }
        held = settled
        return result
    }

    /// A policy change at `instant`, settled through it first.
    mutating func change(to policy: BackupPolicy, at instant: Int64) {
        settle(through: instant)
        state = PolicyEffects.state(after: PolicyChange(policy: policy), replacing: state, of: instance.id, at: instant)
    }

    /// §8.4 rule 2: the oldest by `created_at` (ties by id) beyond 24 go.
    private mutating func capDCSRecords() {
        let newestFirst = held.values.sorted {
            ($0.track.startedAt ?? 0, $0.track.backupID) > ($1.track.startedAt ?? 0, $1.track.backupID)
        }
        for extra in newestFirst.dropFirst(DCSRetention.recordCap) { held[extra.track.backupID] = nil }
    }

    /// `backup` as `track` shows it at `t`; `nil` when it is gone.
    static func shown(_ backup: Backup, _ track: LifecycleTrack, at t: Int64) -> Backup? {
        let state = track.state(at: t)
        return switch backup {
        case .rds(let backup): backup.shown(as: state, track: track).map(Backup.rds)
        case .taurusdb(let backup): backup.shown(as: state, track: track).map(Backup.taurusdb)
        case .dcs(let backup): .dcs(backup.shown(as: state, track: track))
        case .ddm: state == .gone ? nil : backup
        }
    }

    /// What the store shows at `t` (a later read than the last settle), by scheduled instant.
    func shown(at t: Int64) -> [Int64: Backup] {
        var result: [Int64: Backup] = [:]
        for held in held.values {
            if let shown = Self.shown(held.backup, held.track, at: t), let start = held.track.startedAt { result[start] = shown }
        }
        return result
    }
}

extension PolicyState {
    /// The state without how far it was scheduled, which depends on when catch-ups ran; with
    /// its next run instead, which does not.
    var schedule: PolicyState {
        var state = self
        state.scheduledThrough = nextRun ?? -1
        return state
    }
}

extension Backup {
    var rds: RDSBackup? {
        if case .rds(let backup) = self { backup } else { nil }
    }

    var dcs: DCSBackup? {
        if case .dcs(let backup) = self { backup } else { nil }
    }

    var ddm: DDMBackup? {
        if case .ddm(let backup) = self { backup } else { nil }
    }
}
