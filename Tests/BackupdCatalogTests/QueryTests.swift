import BackupdCatalog
import Testing

/// `TimeWindow` and the reference selection semantics (`matches`) of the list queries,
/// `docs/api.md` §1.9 steps 1–2 and §2–§6 "Selection".
@Suite struct QueryTests {
    // MARK: - TimeWindow

    @Test("a window includes both of its ends")
    func windowInclusive() {
        let window = TimeWindow(from: 100, through: 200)
        #expect(!window.contains(99))
        #expect(window.contains(100))
        #expect(window.contains(150))
        #expect(window.contains(200))
        #expect(!window.contains(201))
    }

    @Test("a window of a single second holds exactly that second")
    func windowSingleSecond() {
        let window = TimeWindow(from: -5, through: -5)
        #expect(window.contains(-5))
        #expect(!window.contains(-4))
        #expect(!window.contains(-6))
    }

    @Test("a missing bound is unbounded")
    func windowOpenEnds() {
        let from = TimeWindow(from: 100, through: nil)
        #expect(!from.contains(99))
        #expect(from.contains(100))
        #expect(from.contains(Int64.max))
        let through = TimeWindow(from: nil, through: 100)
        #expect(through.contains(Int64.min))
        #expect(through.contains(100))
        #expect(!through.contains(101))
        let none = TimeWindow(from: nil, through: nil)
        #expect(none.contains(Int64.min))
        #expect(none.contains(0))
        #expect(none.contains(Int64.max))
    }

    @Test("an inverted window holds nothing")
    func windowInverted() {
        let window = TimeWindow(from: 10, through: 9)
        #expect(!window.contains(9))
        #expect(!window.contains(10))
    }

    // MARK: - Records

    static func time(_ text: String) -> RecordedTime {
        guard let time = RecordedTime(offsetTime: text) ?? RecordedTime(utcMillisecondTime: text) else {
            preconditionFailure("bad fixture time \(text)")
        }
        return time
    }

    static func rds(
        _ id: String,
        instance: String = "in01",
        type: RDSBackupType = .auto,
        status: RDSBackupStatus = .completed,
        begin: String = "2018-08-06T10:41:14+0800",
        offsite: String? = nil
    ) -> RDSBackup {
        RDSBackup(
            id: id,
            instanceID: instance,
            name: "n",
            type: type,
            status: status,
            size: 1,
            beginTime: time(begin),
            endTime: time(begin),
            offsiteProjectID: offsite
        )
    }

    static let page = PageRequest(offset: 0, limit: 10)

    // MARK: - RDS

    @Test("the home list takes the instance's own backups, never its offsite copies")
    func rdsHome() {
        let query = RDSBackupQuery(instanceID: "in01", location: .home, page: Self.page)
        #expect(query.matches(Self.rds("b1")))
        #expect(!query.matches(Self.rds("b2", offsite: "p2")))
        #expect(!query.matches(Self.rds("b3", instance: "in02")))
        #expect(!query.matches(Self.rds("b4", instance: "IN01")))
    }

    @Test("the offsite list takes only copies held in its project")
    func rdsOffsite() {
        let query = RDSBackupQuery(instanceID: "in01", location: .offsite(projectID: "p2"), page: Self.page)
        #expect(query.matches(Self.rds("b1", offsite: "p2")))
        #expect(!query.matches(Self.rds("b2")))
        #expect(!query.matches(Self.rds("b3", offsite: "p3")))
        #expect(!query.matches(Self.rds("b4", instance: "in02", offsite: "p2")))
    }

    @Test("backup_id is an exact match")
    func rdsBackupID() {
        let query = RDSBackupQuery(instanceID: "in01", location: .home, backupID: "abc", page: Self.page)
        #expect(query.matches(Self.rds("abc")))
        #expect(!query.matches(Self.rds("ABC")))
        #expect(!query.matches(Self.rds("abc ")))
        #expect(!query.matches(Self.rds("ab")))
    }

    /// `docs/api.md` §2: `backup_id` is an *exact* match on `id`, and ids order by their bytes;
    /// the engines compare bytes. Two different byte strings that Unicode calls canonically
    /// equivalent are different ids.
    @Test("backup_id matching compares bytes, not Unicode canonical equivalence")
    func rdsBackupIDIsByteExact() {
        let precomposed = "caf\u{E9}"  // é as one scalar
        let decomposed = "cafe\u{301}"  // e + combining acute
        #expect(Array(precomposed.utf8) != Array(decomposed.utf8))
        let query = RDSBackupQuery(instanceID: "in01", location: .home, backupID: decomposed, page: Self.page)
        #expect(query.matches(Self.rds(decomposed)))
        #expect(!query.matches(Self.rds(precomposed)))
    }

    @Test("a set of types selects each of its members and nothing else")
    func rdsTypes() {
        let offsiteAuto = RDSBackupQuery(
            instanceID: "in01",
            location: .home,
            types: [.auto, .manual],
            page: Self.page
        )
        #expect(offsiteAuto.matches(Self.rds("a", type: .auto)))
        #expect(offsiteAuto.matches(Self.rds("m", type: .manual)))
        #expect(!offsiteAuto.matches(Self.rds("f", type: .fragment)))
        #expect(!offsiteAuto.matches(Self.rds("i", type: .incremental)))
        let all = RDSBackupQuery(instanceID: "in01", location: .home, page: Self.page)
        for type in RDSBackupType.allCases {
            #expect(all.matches(Self.rds("x", type: type)))
        }
        let none = RDSBackupQuery(instanceID: "in01", location: .home, types: [], page: Self.page)
        #expect(!none.matches(Self.rds("a", type: .auto)))
    }

    @Test("status filters by equality; DELETING records pass when no status is asked")
    func rdsStatus() {
        let failed = RDSBackupQuery(instanceID: "in01", location: .home, status: .failed, page: Self.page)
        #expect(failed.matches(Self.rds("f", status: .failed)))
        #expect(!failed.matches(Self.rds("c", status: .completed)))
        #expect(!failed.matches(Self.rds("d", status: .deleting)))
        let any = RDSBackupQuery(instanceID: "in01", location: .home, page: Self.page)
        #expect(any.matches(Self.rds("d", status: .deleting)))
    }

    @Test("the window compares begin_time instants, both ends included, whatever the offset")
    func rdsWindow() {
        // 2018-08-06T10:41:14+0800 is 1533523274; 2018-08-16T10:41:14+0800 is 1534387274.
        let query = RDSBackupQuery(
            instanceID: "in01",
            location: .home,
            window: TimeWindow(from: 1_533_523_274, through: 1_534_387_274),
            page: Self.page
        )
        #expect(query.matches(Self.rds("start", begin: "2018-08-06T10:41:14+0800")))
        #expect(query.matches(Self.rds("startUTC", begin: "2018-08-06T02:41:14Z")))
        #expect(!query.matches(Self.rds("before", begin: "2018-08-06T10:41:13+0800")))
        #expect(!query.matches(Self.rds("beforeUTC", begin: "2018-08-06T02:41:13+0000")))
        #expect(query.matches(Self.rds("end", begin: "2018-08-16T02:41:14+0000")))
        #expect(!query.matches(Self.rds("after", begin: "2018-08-16T02:41:15+0000")))
        // Same wall-clock text as the start, but in UTC: eight hours later, still inside.
        #expect(query.matches(Self.rds("wall", begin: "2018-08-06T10:41:14+0000")))
        // Same wall-clock text as the end, but in UTC: eight hours after the end.
        #expect(!query.matches(Self.rds("wallEnd", begin: "2018-08-16T10:41:14+0000")))
    }

    @Test("all RDS filters combine with AND")
    func rdsConjunction() {
        let query = RDSBackupQuery(
            instanceID: "in01",
            location: .offsite(projectID: "p2"),
            backupID: "b",
            types: [.incremental],
            status: .building,
            window: TimeWindow(from: 1_533_523_274, through: nil),
            page: Self.page
        )
        #expect(query.matches(Self.rds("b", type: .incremental, status: .building, offsite: "p2")))
        #expect(!query.matches(Self.rds("c", type: .incremental, status: .building, offsite: "p2")))
        #expect(!query.matches(Self.rds("b", type: .auto, status: .building, offsite: "p2")))
        #expect(!query.matches(Self.rds("b", type: .incremental, status: .completed, offsite: "p2")))
        #expect(!query.matches(Self.rds("b", type: .incremental, status: .building)))
        #expect(
            !query.matches(
                Self.rds("b", type: .incremental, status: .building, begin: "2018-08-06T10:41:13+0800", offsite: "p2")
            )
        )
    }

    // MARK: - TaurusDB

    static func taurus(
        _ id: String,
        type: TaurusDBBackupType,
        begin: String,
        instance: String = "in07"
    )
        -> TaurusDBBackup
    {
        TaurusDBBackup(
            id: id,
            instanceID: instance,
            name: "n",
            type: type,
            beginTime: time(begin),
            endTime: time(begin),
            size: 0.5
        )
    }

    @Test("the TaurusDB query selects one type of one instance inside the window")
    func taurusDB() {
        let query = TaurusDBBackupQuery(
            instanceID: "in07",
            window: TimeWindow(from: 1_657_075_274, through: 1_657_939_274),
            page: Self.page
        )
        #expect(query.type == .incremental)
        #expect(query.matches(Self.taurus("a", type: .incremental, begin: "2022-07-06T10:41:14+0800")))
        #expect(query.matches(Self.taurus("b", type: .incremental, begin: "2022-07-16T10:41:14+0800")))
        #expect(!query.matches(Self.taurus("c", type: .incremental, begin: "2022-07-06T10:41:13+0800")))
        #expect(!query.matches(Self.taurus("d", type: .incremental, begin: "2022-07-16T10:41:15+0800")))
        #expect(!query.matches(Self.taurus("e", type: .auto, begin: "2022-07-10T02:00:00+0800")))
        #expect(!query.matches(Self.taurus("f", type: .manual, begin: "2022-07-10T02:00:00+0800")))
        #expect(
            !query.matches(Self.taurus("g", type: .incremental, begin: "2022-07-10T02:00:00+0800", instance: "in08"))
        )
        let autos = TaurusDBBackupQuery(instanceID: "in07", type: .auto, window: nil, page: Self.page)
        #expect(autos.matches(Self.taurus("e", type: .auto, begin: "2022-07-10T02:00:00+0800")))
        #expect(!autos.matches(Self.taurus("a", type: .incremental, begin: "2022-07-06T10:41:14+0800")))
    }

    // MARK: - DCS

    static func dcs(_ id: String, created: String, instance: String = "dcs1") -> DCSBackup {
        DCSBackup(
            backupID: id,
            instanceID: instance,
            backupName: "b",
            backupType: .manual,
            status: .succeed,
            size: 1,
            progress: "100.00",
            remark: "",
            period: nil,
            errorCode: nil,
            isSupportRestore: "TRUE",
            createdAt: time(created),
            updatedAt: time(created),
            executionAt: time(created)
        )
    }

    @Test("the DCS window applies to created_at cut down to whole seconds")
    func dcsWindow() {
        // 20190510000000 … 20190510235959 (UTC).
        let query = DCSBackupQuery(
            instanceID: "dcs1",
            window: TimeWindow(from: 1_557_446_400, through: 1_557_532_799),
            page: Self.page
        )
        #expect(query.matches(Self.dcs("a", created: "2019-05-10T08:31:16.166Z")))
        #expect(query.matches(Self.dcs("b", created: "2019-05-10T00:00:00.000Z")))
        #expect(query.matches(Self.dcs("c", created: "2019-05-10T23:59:59.999Z")))
        #expect(!query.matches(Self.dcs("d", created: "2019-05-09T23:59:59.999Z")))
        #expect(!query.matches(Self.dcs("e", created: "2019-05-11T00:00:00.000Z")))
        #expect(!query.matches(Self.dcs("f", created: "2019-05-10T08:31:16.166Z", instance: "dcs2")))
        // A window of one second holds every millisecond of it.
        let second = DCSBackupQuery(
            instanceID: "dcs1",
            window: TimeWindow(from: 1_557_477_076, through: 1_557_477_076),
            page: Self.page
        )
        #expect(second.matches(Self.dcs("g", created: "2019-05-10T08:31:16.000Z")))
        #expect(second.matches(Self.dcs("h", created: "2019-05-10T08:31:16.999Z")))
        #expect(!second.matches(Self.dcs("i", created: "2019-05-10T08:31:15.999Z")))
        #expect(!second.matches(Self.dcs("j", created: "2019-05-10T08:31:17.000Z")))
    }

    @Test("DCS windows with one bound")
    func dcsOneBound() {
        let untilEndOfNinth = DCSBackupQuery(
            instanceID: "dcs1",
            window: TimeWindow(from: nil, through: 1_557_446_399),
            page: Self.page
        )
        #expect(untilEndOfNinth.matches(Self.dcs("a", created: "2019-05-09T23:59:59.999Z")))
        #expect(untilEndOfNinth.matches(Self.dcs("b", created: "1969-12-31T23:59:59.999Z")))
        #expect(!untilEndOfNinth.matches(Self.dcs("c", created: "2019-05-10T00:00:00.000Z")))
        let fromEleventh = DCSBackupQuery(
            instanceID: "dcs1",
            window: TimeWindow(from: 1_557_532_800, through: nil),
            page: Self.page
        )
        #expect(fromEleventh.matches(Self.dcs("d", created: "2019-05-11T00:00:00.000Z")))
        #expect(!fromEleventh.matches(Self.dcs("e", created: "2019-05-10T23:59:59.999Z")))
    }

    @Test("before 1970 the DCS key is still the earlier whole second")
    func dcsNegativeKeys() {
        // 1969-12-31T23:59:59.500Z lies in second -1, not second 0.
        let zero = DCSBackupQuery(instanceID: "dcs1", window: TimeWindow(from: 0, through: 0), page: Self.page)
        #expect(!zero.matches(Self.dcs("a", created: "1969-12-31T23:59:59.500Z")))
        let minusOne = DCSBackupQuery(instanceID: "dcs1", window: TimeWindow(from: -1, through: -1), page: Self.page)
        #expect(minusOne.matches(Self.dcs("a", created: "1969-12-31T23:59:59.500Z")))
        #expect(minusOne.matches(Self.dcs("b", created: "1969-12-31T23:59:59.000Z")))
        #expect(!minusOne.matches(Self.dcs("c", created: "1969-12-31T23:59:58.999Z")))
    }
}
