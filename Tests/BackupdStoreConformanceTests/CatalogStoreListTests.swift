import BackupdCatalog
import BackupdTestSupport
import Testing

/// Lists: candidates, filters, order, totals and pages (`docs/api.md` §1.9).
extension CatalogStoreConformance {
    static func with(_ backups: [Backup]) -> CatalogContent {
        var content = Sample.tenancy
        content.backups = backups
        return content
    }

    // MARK: - Candidates

    @Test("home lists exclude offsite copies; offsite lists take only copies held in their project", arguments: StoreEngine.all)
    func rdsHomeAndOffsite(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(
            engine,
            with: Self.with([
                .rds(Sample.rds("h1", begin: "2018-08-06T12:41:14+0800")),
                .rds(Sample.rds("h2", begin: "2018-08-07T12:41:14+0800")),
                .rds(Sample.rds("o1", begin: "2018-08-06T12:41:14+0800", offsite: Sample.apSoutheast1)),
                .rds(Sample.rds("o2", begin: "2018-08-08T12:41:14+0800", offsite: Sample.apSoutheast1)),
                .rds(Sample.rds("b1", begin: "2018-08-06T12:41:14+0800", offsite: Sample.billing)),
                .rds(Sample.rds("pg1", of: Sample.postgres, begin: "2018-08-06T12:41:14+0800")),
                .rds(Sample.rds("pg2", of: Sample.postgres, begin: "2018-08-06T12:41:14+0800", offsite: Sample.cnNorth4)),
            ])
        )
        #expect(try await Self.rdsIDs(store) == (["h2", "h1"], 2))
        #expect(try await Self.rdsIDs(store, location: .offsite(projectID: Sample.apSoutheast1.id)) == (["o2", "o1"], 2))
        #expect(try await Self.rdsIDs(store, location: .offsite(projectID: Sample.billing.id)) == (["b1"], 1))
        #expect(try await Self.rdsIDs(store, location: .offsite(projectID: Sample.cnNorth4.id)) == ([], 0))
        #expect(try await Self.rdsIDs(store, location: .offsite(projectID: Sample.globexNorth.id)) == ([], 0))
        #expect(try await Self.rdsIDs(store, Sample.postgres) == (["pg1"], 1))
        #expect(try await Self.rdsIDs(store, Sample.postgres, location: .offsite(projectID: Sample.cnNorth4.id)) == (["pg2"], 1))
        #expect(try await Self.rdsIDs(store, Sample.sqlServer) == ([], 0))
        // A backup id of an offsite copy does not reach it through the home list.
        #expect(try await Self.rdsIDs(store, backupID: "o1") == ([], 0))
        #expect(
            try await Self.rdsIDs(store, location: .offsite(projectID: Sample.apSoutheast1.id), backupID: "o1") == (["o1"], 1)
        )
        // Records come back with every field as loaded.
        let page = try await store.rdsBackups(
            RDSBackupQuery(
                instanceID: Sample.mysql.id,
                location: .offsite(projectID: Sample.apSoutheast1.id),
                page: PageRequest(offset: 0, limit: 10)
            )
        )
        #expect(
            page.items == [
                Sample.rds("o2", begin: "2018-08-08T12:41:14+0800", offsite: Sample.apSoutheast1),
                Sample.rds("o1", begin: "2018-08-06T12:41:14+0800", offsite: Sample.apSoutheast1),
            ]
        )
    }

    static let filterSample: [Backup] = [
        .rds(Sample.rds("a1", type: .auto, status: .completed, begin: "2018-08-01T00:00:00+0800")),
        .rds(Sample.rds("m1", type: .manual, status: .failed, begin: "2018-08-02T00:00:00+0800")),
        .rds(Sample.rds("f1", type: .fragment, status: .completed, begin: "2018-08-03T00:00:00+0800")),
        .rds(Sample.rds("i1", type: .incremental, status: .building, begin: "2018-08-04T00:00:00+0800")),
        .rds(Sample.rds("d1", type: .auto, status: .deleting, begin: "2018-08-05T00:00:00+0800")),
        .rds(Sample.rds("i2", type: .incremental, status: .completed, begin: "2018-08-06T00:00:00+0800")),
        .rds(Sample.rds("x1", type: .auto, status: .completed, begin: "2018-08-07T00:00:00+0800", offsite: Sample.apSoutheast1)),
    ]

    @Test("RDS type, status and backup_id filters, alone and combined", arguments: StoreEngine.all)
    func rdsFilters(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine, with: Self.with(Self.filterSample))
        #expect(try await Self.rdsIDs(store) == (["i2", "d1", "i1", "f1", "m1", "a1"], 6))
        #expect(try await Self.rdsIDs(store, types: [.auto]) == (["d1", "a1"], 2))
        #expect(try await Self.rdsIDs(store, types: [.auto, .manual]) == (["d1", "m1", "a1"], 3))
        #expect(try await Self.rdsIDs(store, types: [.incremental]) == (["i2", "i1"], 2))
        #expect(try await Self.rdsIDs(store, types: [.fragment]) == (["f1"], 1))
        #expect(try await Self.rdsIDs(store, types: Set(RDSBackupType.allCases)).total == 6)
        #expect(try await Self.rdsIDs(store, status: .completed) == (["i2", "f1", "a1"], 3))
        #expect(try await Self.rdsIDs(store, status: .failed) == (["m1"], 1))
        #expect(try await Self.rdsIDs(store, status: .building) == (["i1"], 1))
        #expect(try await Self.rdsIDs(store, status: .deleting) == (["d1"], 1))
        #expect(try await Self.rdsIDs(store, backupID: "f1") == (["f1"], 1))
        #expect(try await Self.rdsIDs(store, backupID: "F1") == ([], 0))
        #expect(try await Self.rdsIDs(store, backupID: "f") == ([], 0))
        #expect(try await Self.rdsIDs(store, backupID: "%") == ([], 0))
        #expect(try await Self.rdsIDs(store, backupID: "f_") == ([], 0))
        #expect(try await Self.rdsIDs(store, backupID: "f1", types: [.auto]) == ([], 0))
        #expect(try await Self.rdsIDs(store, types: [.incremental], status: .completed) == (["i2"], 1))
        #expect(try await Self.rdsIDs(store, types: [.auto, .manual], status: .failed) == (["m1"], 1))
        #expect(try await Self.rdsIDs(store, Sample.sqlServer, types: [.auto]) == ([], 0))
        #expect(
            try await Self.rdsIDs(store, location: .offsite(projectID: Sample.apSoutheast1.id), types: [.auto, .manual])
                == (["x1"], 1)
        )
    }

    @Test("TaurusDB lists one type of one instance", arguments: StoreEngine.all)
    func taurusDBTypes(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(
            engine,
            with: Self.with([
                .taurusdb(Sample.taurusDB("inc-1", begin: "2022-07-07T12:41:14+0800")),
                .taurusdb(Sample.taurusDB("inc-2", begin: "2022-07-08T12:41:14+0800")),
                .taurusdb(Sample.taurusDB("full-1", type: .auto, begin: "2022-07-10T02:00:00+0800")),
                .taurusdb(Sample.taurusDB("man-1", type: .manual, begin: "2022-07-12T21:15:00+0800")),
            ])
        )
        #expect(try await Self.taurusIDs(store) == (["inc-2", "inc-1"], 2))
        #expect(try await Self.taurusIDs(store, type: .auto) == (["full-1"], 1))
        #expect(try await Self.taurusIDs(store, type: .manual) == (["man-1"], 1))
        let page = try await store.taurusDBBackups(
            TaurusDBBackupQuery(instanceID: Sample.taurus.id, window: nil, page: PageRequest(offset: 0, limit: 1))
        )
        #expect(page.items == [Sample.taurusDB("inc-2", begin: "2022-07-08T12:41:14+0800")])
        #expect(page.items.first?.size == 0.109375)
        let other = try await store.taurusDBBackups(
            TaurusDBBackupQuery(instanceID: Sample.mysql.id, window: nil, page: PageRequest(offset: 0, limit: 10))
        )
        #expect(other.items.isEmpty && other.total == 0)
    }

    @Test("DCS lists take only the instance's records", arguments: StoreEngine.all)
    func dcsCandidates(_ engine: StoreEngine) async throws {
        var content = Self.with([
            .dcs(Sample.dcs("r1", created: "2019-05-10T08:31:16.166Z")),
            .dcs(Sample.dcs("r2", created: "2019-05-11T08:31:16.166Z")),
        ])
        let memcached = Instance(
            id: "memcached-1",
            projectID: Sample.cnNorth4.id,
            service: .dcs,
            name: "mc",
            engine: "Memcached",
            engineVersion: "1.5"
        )
        content.instances.append(memcached)
        content.backups.append(.dcs(Sample.dcs("m1", created: "2019-05-12T08:31:16.166Z", of: memcached)))
        let store = try await Self.makeStore(engine, with: content)
        #expect(try await Self.dcsIDs(store) == (["r2", "r1"], 2))
        #expect(try await Self.dcsIDs(store, memcached) == (["m1"], 1))
        let page = try await store.dcsBackups(
            DCSBackupQuery(instanceID: Sample.redis.id, window: nil, page: PageRequest(offset: 1, limit: 1))
        )
        #expect(page.items == [Sample.dcs("r1", created: "2019-05-10T08:31:16.166Z")])
        #expect(page.items.first?.createdAt.instant == 1_557_477_076_166)
        #expect(page.items.first?.period == nil && page.items.first?.errorCode == nil)
    }

    // MARK: - Order

    /// Ids that differ in case, digits against letters and punctuation, written in no particular order.
    static let tiedIDs = ["b", "B", "a", "A", "10", "1a", "9", "_x", "Z9", "z", "-y", "a-", "aB", "ab", "Ab"]
    /// The same ids by ASCII bytes, written out by hand.
    static let tiedIDsInByteOrder = ["-y", "10", "1a", "9", "A", "Ab", "B", "Z9", "_x", "a", "a-", "aB", "ab", "b", "z"]
    /// One instant (2018-08-06T02:41:14Z) written in several offsets.
    static let sameInstant = ["2018-08-06T10:41:14+0800", "2018-08-06T02:41:14Z", "2018-08-05T21:41:14-0500"]

    @Test("RDS: newest begin_time first, ties by id in ASCII byte order, comparing instants", arguments: StoreEngine.all)
    func rdsOrder(_ engine: StoreEngine) async throws {
        var backups: [Backup] = []
        for (index, id) in Self.tiedIDs.enumerated() {
            backups.append(.rds(Sample.rds(id, begin: Self.sameInstant[index % 3])))
        }
        // One second later in UTC, but a smaller wall-clock text; one second earlier in +0800.
        backups.append(.rds(Sample.rds("~newest", begin: "2018-08-06T02:41:15+0000")))
        backups.append(.rds(Sample.rds("!oldest", begin: "2018-08-06T10:41:13+0800")))
        let store = try await Self.makeStore(engine, with: Self.with(backups))
        let expected = ["~newest"] + Self.tiedIDsInByteOrder + ["!oldest"]
        #expect(try await Self.rdsIDs(store) == (expected, 17))
        var paged: [String] = []
        for offset in stride(from: 0, to: 17, by: 4) {
            paged += try await Self.rdsIDs(store, offset: offset, limit: 4).ids
        }
        #expect(paged == expected)
    }

    @Test("TaurusDB: newest begin_time first, ties by id in ASCII byte order", arguments: StoreEngine.all)
    func taurusDBOrder(_ engine: StoreEngine) async throws {
        var backups: [Backup] = []
        for (index, id) in Self.tiedIDs.enumerated() {
            backups.append(.taurusdb(Sample.taurusDB(id, begin: Self.sameInstant[index % 3])))
        }
        backups.append(.taurusdb(Sample.taurusDB("~newest", begin: "2018-08-06T02:41:15+0000")))
        backups.append(.taurusdb(Sample.taurusDB("!oldest", begin: "2018-08-06T10:41:13+0800")))
        let store = try await Self.makeStore(engine, with: Self.with(backups))
        #expect(try await Self.taurusIDs(store) == (["~newest"] + Self.tiedIDsInByteOrder + ["!oldest"], 17))
    }

    @Test("DCS: newest whole second first, ties by backup_id whatever the milliseconds", arguments: StoreEngine.all)
    func dcsOrder(_ engine: StoreEngine) async throws {
        var backups: [Backup] = []
        for (index, id) in Self.tiedIDs.enumerated() {
            // Milliseconds vary within the second and must not influence the order.
            let millis = String(999 - index * 67)
            let text = "2019-05-10T08:31:16." + String(repeating: "0", count: 3 - millis.count) + millis + "Z"
            backups.append(.dcs(Sample.dcs(id, created: text)))
        }
        backups.append(.dcs(Sample.dcs("~newest", created: "2019-05-10T08:31:17.000Z")))
        backups.append(.dcs(Sample.dcs("!oldest", created: "2019-05-10T08:31:15.999Z")))
        let store = try await Self.makeStore(engine, with: Self.with(backups))
        #expect(try await Self.dcsIDs(store) == (["~newest"] + Self.tiedIDsInByteOrder + ["!oldest"], 17))
    }

    @Test("DCS records of one second tie and go by backup_id", arguments: StoreEngine.all)
    func dcsSameSecond(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(
            engine,
            with: Self.with([
                .dcs(Sample.dcs("c", created: "2019-05-10T08:31:16.900Z")),
                .dcs(Sample.dcs("d", created: "2019-05-10T08:31:16.100Z")),
                .dcs(Sample.dcs("a", created: "2019-05-10T08:31:16.500Z")),
                .dcs(Sample.dcs("z", created: "2019-05-10T08:31:17.000Z")),
                .dcs(Sample.dcs("b", created: "2019-05-10T08:31:15.999Z")),
            ])
        )
        #expect(try await Self.dcsIDs(store) == (["z", "a", "c", "d", "b"], 5))
        let second = TimeWindow(from: 1_557_477_076, through: 1_557_477_076)  // 08:31:16
        #expect(try await Self.dcsIDs(store, window: second) == (["a", "c", "d"], 3))
        #expect(try await Self.dcsIDs(store, window: TimeWindow(from: nil, through: 1_557_477_075)) == (["b"], 1))
        #expect(try await Self.dcsIDs(store, window: TimeWindow(from: 1_557_477_077, through: nil)) == (["z"], 1))
        #expect(try await Self.dcsIDs(store, window: second, offset: 1, limit: 1) == (["c"], 3))
    }

    // MARK: - Windows

    /// Around the RDS example window 2018-08-06T10:41:14+0800 … 2018-08-16T10:41:14+0800.
    static let windowStart: Int64 = 1_533_523_274
    static let windowEnd: Int64 = 1_534_387_274
    static let windowSample: [Backup] = [
        .rds(Sample.rds("before", begin: "2018-08-06T10:41:13+0800")),
        .rds(Sample.rds("start", begin: "2018-08-06T02:41:14Z")),
        .rds(Sample.rds("mid", begin: "2018-08-10T03:00:00+0800")),
        .rds(Sample.rds("end", begin: "2018-08-16T10:41:14+0800")),
        .rds(Sample.rds("after", begin: "2018-08-16T02:41:15+0000")),
        .taurusdb(Sample.taurusDB("before", begin: "2018-08-06T10:41:13+0800")),
        .taurusdb(Sample.taurusDB("start", begin: "2018-08-05T21:41:14-0500")),
        .taurusdb(Sample.taurusDB("mid", begin: "2018-08-10T03:00:00+0800")),
        .taurusdb(Sample.taurusDB("end", begin: "2018-08-16T02:41:14+0000")),
        .taurusdb(Sample.taurusDB("after", begin: "2018-08-16T10:41:15+0800")),
        .dcs(Sample.dcs("before", created: "2018-08-06T02:41:13.999Z")),
        .dcs(Sample.dcs("start", created: "2018-08-06T02:41:14.000Z")),
        .dcs(Sample.dcs("mid", created: "2018-08-10T03:00:00.000Z")),
        .dcs(Sample.dcs("end", created: "2018-08-16T02:41:14.999Z")),
        .dcs(Sample.dcs("after", created: "2018-08-16T02:41:15.000Z")),
    ]

    static let windowCases: [(window: TimeWindow, ids: [String])] = [
        (TimeWindow(from: windowStart, through: windowEnd), ["end", "mid", "start"]),
        (TimeWindow(from: windowStart, through: nil), ["after", "end", "mid", "start"]),
        (TimeWindow(from: nil, through: windowEnd), ["end", "mid", "start", "before"]),
        (TimeWindow(from: windowStart, through: windowStart), ["start"]),
        (TimeWindow(from: windowEnd, through: windowEnd), ["end"]),
        (TimeWindow(from: windowEnd + 1, through: nil), ["after"]),
        (TimeWindow(from: nil, through: windowStart - 1), ["before"]),
        (TimeWindow(from: windowStart + 1, through: windowEnd - 1), ["mid"]),
        (TimeWindow(from: windowEnd, through: windowStart), []),
        (TimeWindow(from: nil, through: nil), ["after", "end", "mid", "start", "before"]),
        (TimeWindow(from: 0, through: 1), []),
    ]

    @Test("windows are inclusive at both ends and may have one bound", arguments: StoreEngine.all)
    func windows(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine, with: Self.with(Self.windowSample))
        for (window, ids) in Self.windowCases {
            #expect(try await Self.rdsIDs(store, window: window) == (ids, ids.count), "rds \(window)")
            #expect(try await Self.taurusIDs(store, window: window) == (ids, ids.count), "taurusdb \(window)")
            #expect(try await Self.dcsIDs(store, window: window) == (ids, ids.count), "dcs \(window)")
        }
    }

    @Test("keys before 1970 sort and window as instants", arguments: StoreEngine.all)
    func negativeKeys(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(
            engine,
            with: Self.with([
                .rds(Sample.rds("r-1", begin: "1969-12-31T23:59:59+0000")),
                .rds(Sample.rds("r0", begin: "1970-01-01T08:00:00+0800")),
                .rds(Sample.rds("r-2", begin: "1969-12-31T23:59:58Z")),
                .dcs(Sample.dcs("d-half", created: "1969-12-31T23:59:59.500Z")),
                .dcs(Sample.dcs("d-1", created: "1969-12-31T23:59:59.000Z")),
                .dcs(Sample.dcs("d0", created: "1970-01-01T00:00:00.000Z")),
                .dcs(Sample.dcs("d-2", created: "1969-12-31T23:59:58.999Z")),
            ])
        )
        #expect(try await Self.rdsIDs(store) == (["r0", "r-1", "r-2"], 3))
        #expect(try await Self.rdsIDs(store, window: TimeWindow(from: -1, through: -1)) == (["r-1"], 1))
        #expect(try await Self.dcsIDs(store) == (["d0", "d-1", "d-half", "d-2"], 4))
        #expect(try await Self.dcsIDs(store, window: TimeWindow(from: -1, through: -1)) == (["d-1", "d-half"], 2))
        #expect(try await Self.dcsIDs(store, window: TimeWindow(from: nil, through: -2)) == (["d-2"], 1))
    }

    // MARK: - Totals and pages

    @Test("totals count every match before paging; offsets at or past the end give empty pages", arguments: StoreEngine.all)
    func totalsAndOffsets(_ engine: StoreEngine) async throws {
        let store = try await Self.makeStore(engine, with: Self.with(Self.windowSample))
        #expect(try await Self.rdsIDs(store, offset: 0, limit: 2) == (["after", "end"], 5))
        #expect(try await Self.rdsIDs(store, offset: 2, limit: 2) == (["mid", "start"], 5))
        #expect(try await Self.rdsIDs(store, offset: 4, limit: 2) == (["before"], 5))
        #expect(try await Self.rdsIDs(store, offset: 5, limit: 2) == ([], 5))
        #expect(try await Self.rdsIDs(store, offset: 6, limit: 100) == ([], 5))
        #expect(try await Self.rdsIDs(store, offset: 2_147_483_647, limit: 100) == ([], 5))
        #expect(try await Self.rdsIDs(store, offset: 0, limit: 1000) == (["after", "end", "mid", "start", "before"], 5))
        let window = TimeWindow(from: Self.windowStart, through: Self.windowEnd)
        #expect(try await Self.rdsIDs(store, window: window, offset: 1, limit: 1) == (["mid"], 3))
        #expect(try await Self.rdsIDs(store, window: window, offset: 3, limit: 1) == ([], 3))
        #expect(try await Self.rdsIDs(store, status: .failed, offset: 0, limit: 1) == ([], 0))
        #expect(try await Self.taurusIDs(store, offset: 3, limit: 10) == (["start", "before"], 5))
        #expect(try await Self.taurusIDs(store, offset: 5, limit: 10) == ([], 5))
        #expect(try await Self.taurusIDs(store, offset: 2_147_483_647, limit: 1) == ([], 5))
        #expect(try await Self.dcsIDs(store, offset: 4, limit: 1000) == (["before"], 5))
        #expect(try await Self.dcsIDs(store, offset: 5, limit: 1000) == ([], 5))
        #expect(try await Self.dcsIDs(store, window: window, offset: 2_147_483_647, limit: 1000) == ([], 3))
    }

    @Test("paging through a few hundred records visits each exactly once, in order", arguments: StoreEngine.all)
    func pagingVisitsEachOnce(_ engine: StoreEngine) async throws {
        var random = SeededGenerator(seed: 0x5EED_0001)
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var ids: Set<String> = []
        while ids.count < 300 {
            ids.insert(String((0..<Int.random(in: 1...3, using: &random)).map { _ in alphabet.randomElement(using: &random)! }))
        }
        let base: Int64 = 1_557_446_400
        var rds: [RDSBackup] = []
        var dcs: [DCSBackup] = []
        for id in ids.sorted() {
            // Twelve distinct seconds for 300 records: ties everywhere.
            let second = base + Int64.random(in: 0..<12, using: &random)
            rds.append(Sample.rds(id, begin: TimeGrammar.formatOffsetTime(epochSeconds: second)))
            dcs.append(
                Sample.dcs(
                    id,
                    created: TimeGrammar.formatUTCMilliseconds(second * 1000 + Int64.random(in: 0..<1000, using: &random))
                )
            )
        }
        let store = try await Self.makeStore(engine, with: Self.with(rds.map(Backup.rds) + dcs.map(Backup.dcs)))
        let expectedRDS = Sample.sorted(rds).map(\.id)
        let expectedDCS = Sample.sorted(dcs).map(\.backupID)
        for limit in [1, 7, 50, 100] {
            var seenRDS: [String] = []
            var seenDCS: [String] = []
            var offset = 0
            while true {
                let rdsPage = try await Self.rdsIDs(store, offset: offset, limit: limit)
                let dcsPage = try await Self.dcsIDs(store, offset: offset, limit: limit)
                #expect(rdsPage.total == 300 && dcsPage.total == 300)
                #expect(rdsPage.ids.count <= limit && dcsPage.ids.count <= limit)
                if rdsPage.ids.isEmpty && dcsPage.ids.isEmpty { break }
                seenRDS += rdsPage.ids
                seenDCS += dcsPage.ids
                offset += limit
                if offset > 400 { break }
            }
            #expect(seenRDS == expectedRDS, "limit \(limit)")
            #expect(seenDCS == expectedDCS, "limit \(limit)")
            #expect(Set(seenRDS).count == 300 && Set(seenDCS).count == 300)
        }
    }

    // MARK: - Reference semantics

    @Test("every list agrees with the reference semantics (matches, order, total, page) on a generated catalog", arguments: StoreEngine.all)
    func agreesWithReference(_ engine: StoreEngine) async throws {
        let catalog = GeneratedCatalog(seed: 0xBAC4_0D00_2024)
        let store = try await Self.makeStore(engine, with: catalog.content)
        var random = SeededGenerator(seed: 0x0051_EC7)

        func window(_ keys: [Int64]) -> TimeWindow? {
            func bound() -> Int64 {
                let key = keys.randomElement(using: &random)!
                return key + [-1, 0, 0, 0, 1].randomElement(using: &random)!
            }
            switch Int.random(in: 0..<6, using: &random) {
            case 0, 1: return nil
            case 2: return TimeWindow(from: bound(), through: nil)
            case 3: return TimeWindow(from: nil, through: bound())
            case 4:
                let key = keys.randomElement(using: &random)!
                return TimeWindow(from: key, through: key)
            default:
                let a = bound()
                let b = bound()
                return TimeWindow(from: min(a, b), through: max(a, b))
            }
        }
        func page(total: Int) -> PageRequest {
            PageRequest(
                offset: Int.random(in: 0...(total + 3), using: &random) / [1, 1, 2, 10].randomElement(using: &random)!,
                limit: [1, 2, 5, 10, 37, 100, 1000].randomElement(using: &random)!
            )
        }
        func expectedPage<T>(_ matching: [T], _ page: PageRequest) -> [T] {
            Array(matching.dropFirst(page.offset).prefix(page.limit))
        }

        // RDS
        let locations: [RDSBackupLocation] = [
            .home, .offsite(projectID: Sample.apSoutheast1.id), .offsite(projectID: Sample.billing.id),
            .offsite(projectID: Sample.cnNorth4.id),
        ]
        let typeSets: [Set<RDSBackupType>?] = [nil, nil, [.auto, .manual], [.incremental], [.fragment], [.auto], []]
        for round in 0..<200 {
            let instance = GeneratedCatalog.rdsInstances.randomElement(using: &random)!
            let backupID: String? =
                switch Int.random(in: 0..<8, using: &random) {
                case 0: catalog.rds.randomElement(using: &random)!.id
                case 1: "no-such-id"
                default: nil
                }
            var query = RDSBackupQuery(
                instanceID: instance.id,
                location: locations.randomElement(using: &random)!,
                backupID: backupID,
                types: typeSets.randomElement(using: &random)!,
                status: Bool.random(using: &random) ? nil : RDSBackupStatus.allCases.randomElement(using: &random)!,
                window: window(catalog.rdsKeys),
                page: PageRequest(offset: 0, limit: 1)
            )
            let matching = Sample.sorted(catalog.rds.filter(query.matches))
            query.page = page(total: matching.count)
            let answer = try await store.rdsBackups(query)
            #expect(answer.total == matching.count, "round \(round): \(query)")
            #expect(answer.items == expectedPage(matching, query.page), "round \(round): \(query)")
        }

        // TaurusDB
        for round in 0..<60 {
            var query = TaurusDBBackupQuery(
                instanceID: Sample.taurus.id,
                type: TaurusDBBackupType.allCases.randomElement(using: &random)!,
                window: window(catalog.taurusKeys),
                page: PageRequest(offset: 0, limit: 1)
            )
            let matching = Sample.sorted(catalog.taurusDB.filter(query.matches))
            query.page = page(total: matching.count)
            let answer = try await store.taurusDBBackups(query)
            #expect(answer.total == matching.count, "round \(round): \(query)")
            #expect(answer.items == expectedPage(matching, query.page), "round \(round): \(query)")
        }

        // DCS
        for round in 0..<80 {
            var query = DCSBackupQuery(
                instanceID: Sample.redis.id,
                window: window(catalog.dcsKeys),
                page: PageRequest(offset: 0, limit: 1)
            )
            let matching = Sample.sorted(catalog.dcs.filter(query.matches))
            query.page = page(total: matching.count)
            let answer = try await store.dcsBackups(query)
            #expect(answer.total == matching.count, "round \(round): \(query)")
            #expect(answer.items == expectedPage(matching, query.page), "round \(round): \(query)")
        }
    }
}
