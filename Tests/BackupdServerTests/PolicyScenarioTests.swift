import BackupdAPI
import BackupdAuth
import BackupdCatalog
import BackupdSQLite
import BackupdServer
import BackupdTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Policies through the real application over the example seed (`lifecycle.md` §8, §9, §11.2):
/// the §11.2 scenario step by step with the clock frozen at T0 and moved by the control API,
/// paging deep into the merged list of stored records and computed incrementals, catch-up after
/// a stopped server against a server whose clock ran in small steps, policies in seed files
/// taking effect at the load's clock reading, and relative seed times stored absolute.
@Suite struct PolicyScenarioTests {
    typealias Session = RDSManualBackupTests.Session

    /// 2030-01-07T08:00:00.000Z.
    static let t0: Int64 = 1_894_003_200_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    static let a48e = Acme.mysqlInstance
    /// `W` of §11.2.
    static let w = RDSManualBackupTests.window2030

    static func listTarget(_ query: String = "", instance: String = Acme.mysqlInstance) -> String {
        RDSManualBackupTests.listTarget(query, instance: instance)
    }

    static func policyTarget(_ instance: String = Acme.mysqlInstance, project: String = Acme.cnNorth4) -> String {
        "/v3/\(project)/instances/\(instance)/backups/policy"
    }

    static let keepOneDaily = #"{"backup_policy": {"keep_days": 1, "start_time": "08:15-09:15", "period": "1,2,3,4,5,6,7"}}"#

    /// A route A record of `a48e…in01` with route A's key order.
    static func record(
        id: String,
        name: String,
        type: String,
        size: Int64,
        status: String,
        begin: String,
        end: String
    ) -> JSONValue {
        .object([
            ("id", .string(id)),
            ("name", .string(name)),
            ("type", .string(type)),
            ("size", .integer(size)),
            ("status", .string(status)),
            ("begin_time", .string(begin)),
            ("end_time", .string(end)),
            ("datastore", .object([("type", .string("MySQL")), ("version", .string("5.7"))])),
            ("instance_id", .string(Acme.mysqlInstance)),
            ("associated_with_ddm", .bool(false)),
        ])
    }

    static func isHex(_ text: some StringProtocol) -> Bool {
        text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// 32 lower-case hex digits and `br01` (§4.13).
    static func isAutomatedID(_ id: String?) -> Bool {
        guard let id, id.hasSuffix("br01"), id.utf8.count == 36 else { return false }
        return isHex(id.dropLast(4))
    }

    /// A PUT with a signed JSON body.
    static func put(_ session: Session, _ target: String, _ json: String) async throws -> BackupdTestSupport.TestResponse {
        try await session.client.send(target, method: .put, body: Array(json.utf8))
    }

    /// Every record of a route A list, in pages of `limit` (at most 100 pages), and the totals seen.
    static func listAll(_ session: Session, _ query: String = "", limit: Int = 100) async throws -> (items: [JSONValue], totals: Set<Int64>) {
        var items: [JSONValue] = []
        var totals: Set<Int64> = []
        for page in 0..<100 {
            let separator = query.isEmpty ? "" : "&"
            let response = try await session.list(listTarget(query + separator + "offset=\(page * limit)&limit=\(limit)"))
            let json = try response.json
            totals.insert(json["total_count"]?.integerValue ?? -1)
            let batch = try response.items()
            if batch.isEmpty { break }
            items += batch
        }
        return (items, totals)
    }

    /// The second of a route A `begin_time`.
    static func begin(_ record: JSONValue) -> Int64 {
        record["begin_time"]?.stringValue.flatMap(TimeGrammar.parseOffsetTime) ?? .min
    }

    /// Whether `records` are in route A's order: newest `begin_time` first (whole seconds), ties by id.
    static func isInListOrder(_ records: [JSONValue]) -> Bool {
        zip(records, records.dropFirst()).allSatisfy { first, second in
            let (a, b) = (begin(first), begin(second))
            let (idA, idB) = (first["id"]?.stringValue ?? "", second["id"]?.stringValue ?? "")
            return a > b || (a == b && Array(idA.utf8).lexicographicallyPrecedes(Array(idB.utf8)))
        }
    }

    /// The 25 seeded home records of `a48e…in01`, as listed at T0, are listed unchanged.
    static func expectSeeded(_ seeded: [JSONValue], in session: Session, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let (all, _) = try await listAll(session)
        let ids = Set(RDSListBackupsTests.a48eIDs)
        #expect(all.filter { ids.contains($0["id"]?.stringValue ?? "") } == seeded, sourceLocation: sourceLocation)
    }

    // MARK: - §11.2, step by step

    @Test func theScenarioOf11Point2StepByStep() async throws {
        try await RDSManualBackupTests.withSession { session in
            // Before: the seeded records, and no policy.
            let seeded = try await session.list(Self.listTarget()).items()
            #expect(seeded.count == 25)
            #expect(try await session.list(Self.listTarget()).json["total_count"] == .integer(25))
            try expectResponse(try await session.client.send(Self.policyTarget()), status: 200, json: #"{"backup_policy": {"keep_days": 0}}"#)

            // 1, 2: W1 at 08:00:00, BUILDING.
            let manual = try await session.createdID(#"{"instance_id": "\#(Self.a48e)", "name": "manual-001"}"#)
            let building = RDSManualBackupTests.mysqlRecord(id: manual, name: "manual-001", status: "BUILDING", size: 0)
            expectResponse(
                try await session.list(Self.listTarget("backup_id=\(manual)")),
                status: 200,
                body: RDSManualBackupTests.listBody([building])
            )
            // 3, 4: a minute later it is COMPLETED.
            #expect(try await session.advance("PT61S") == "2030-01-07T08:01:01.000Z")
            let completed = RDSManualBackupTests.mysqlRecord(
                id: manual,
                name: "manual-001",
                status: "COMPLETED",
                size: 1024,
                end: "2030-01-07T08:01:00+0000"
            )
            expectResponse(
                try await session.list(Self.listTarget("backup_id=\(manual)")),
                status: 200,
                body: RDSManualBackupTests.listBody([completed])
            )

            // 5: W4, keep 1 day, 08:15 every day; W5 echoes it. Nothing is made at once.
            expectResponse(try await Self.put(session, Self.policyTarget(), Self.keepOneDaily), status: 200, body: .object([]))
            try expectResponse(
                try await session.client.send(Self.policyTarget()),
                status: 200,
                json: #"{"backup_policy": {"keep_days": 1, "start_time": "08:15-09:15", "period": "1,2,3,4,5,6,7"}}"#
            )
            try expectResponse(
                try await session.list(Self.listTarget("backup_type=auto&" + Self.w)),
                status: 200,
                json: #"{"backups": [], "total_count": 0}"#
            )

            // 6, 7: two days later, the backups of 01-08 and 01-07 (the older past retention, the base).
            #expect(try await session.advance("P2D") == "2030-01-09T08:01:01.000Z")
            let autos = try await session.list(Self.listTarget("backup_type=auto&" + Self.w))
            let autoIDs = try autos.items().map { $0["id"]?.stringValue }
            #expect(autoIDs.count == 2)
            #expect(autoIDs.allSatisfy(Self.isAutomatedID), "\(autoIDs)")
            expectResponse(
                autos,
                status: 200,
                body: RDSManualBackupTests.listBody([
                    Self.record(
                        id: autoIDs[0] ?? "?",
                        name: "rds-mysql-a48e-20300108081500000",
                        type: "auto",
                        size: 1024,
                        status: "COMPLETED",
                        begin: "2030-01-08T08:15:00+0000",
                        end: "2030-01-08T08:16:00+0000"
                    ),
                    Self.record(
                        id: autoIDs[1] ?? "?",
                        name: "rds-mysql-a48e-20300107081500000",
                        type: "auto",
                        size: 1024,
                        status: "COMPLETED",
                        begin: "2030-01-07T08:15:00+0000",
                        end: "2030-01-07T08:16:00+0000"
                    ),
                ])
            )

            // 8: 573 incrementals, every 5 minutes from 01-07 08:20 to 01-09 08:00.
            let first = try await session.list(Self.listTarget("backup_type=incremental&" + Self.w + "&limit=1"))
            let firstID = try first.items().first?["id"]?.stringValue
            #expect(Self.isAutomatedID(firstID), "\(String(describing: firstID))")
            let newest = Self.record(
                id: firstID ?? "?",
                name: "rds-mysql-a48e-20300109080000000",
                type: "incremental",
                size: 16,
                status: "COMPLETED",
                begin: "2030-01-09T07:55:00+0000",
                end: "2030-01-09T08:00:00+0000"
            )
            expectResponse(first, status: 200, body: RDSManualBackupTests.listBody([newest], total: 573))
            // The oldest, and the incremental found by its id, alone.
            let oldest = try await session.list(Self.listTarget("backup_type=incremental&" + Self.w + "&offset=572&limit=5")).items()
            #expect(oldest.map { $0["name"]?.stringValue } == ["rds-mysql-a48e-20300107082000000"])
            #expect(oldest.map { $0["begin_time"]?.stringValue } == ["2030-01-07T08:15:00+0000"])
            expectResponse(
                try await session.list(Self.listTarget("backup_id=\(firstID ?? "?")")),
                status: 200,
                body: RDSManualBackupTests.listBody([newest])
            )
            // An incremental's name is taken, and it is not manual.
            expectResponse(
                try await session.create(#"{"instance_id": "\#(Self.a48e)", "name": "rds-mysql-a48e-20300109080000000"}"#),
                status: 409,
                body: RDSManualBackupTests.Errors.nameTaken
            )
            expectResponse(try await session.delete(firstID ?? "?"), status: 400, body: RDSManualBackupTests.Errors.notManual)
            try await Self.expectSeeded(seeded, in: session)

            // 9, 10: at 08:15:01 the 01-09 backup builds, the 01-08 one is the base, the 01-07 one is gone.
            #expect(try await session.advance("PT14M") == "2030-01-09T08:15:01.000Z")
            let later = try await session.list(Self.listTarget("backup_type=auto&" + Self.w))
            let laterIDs = try later.items().map { $0["id"]?.stringValue }
            #expect(laterIDs.count == 2)
            #expect(laterIDs.last == autoIDs.first)
            #expect(!laterIDs.contains(autoIDs.last ?? "?"))
            expectResponse(
                later,
                status: 200,
                body: RDSManualBackupTests.listBody([
                    Self.record(
                        id: laterIDs[0] ?? "?",
                        name: "rds-mysql-a48e-20300109081500000",
                        type: "auto",
                        size: 0,
                        status: "BUILDING",
                        begin: "2030-01-09T08:15:00+0000",
                        end: "2030-01-09T08:15:00+0000"
                    ),
                    Self.record(
                        id: autoIDs[0] ?? "?",
                        name: "rds-mysql-a48e-20300108081500000",
                        type: "auto",
                        size: 1024,
                        status: "COMPLETED",
                        begin: "2030-01-08T08:15:00+0000",
                        end: "2030-01-08T08:16:00+0000"
                    ),
                ])
            )
            // 11: 288 incrementals: those that begin at or after the base of 01-08 08:15.
            let incrementals = try await session.list(Self.listTarget("backup_type=incremental&" + Self.w))
            #expect(try incrementals.json["total_count"] == .integer(288))
            #expect(try incrementals.items().first?["begin_time"] == .string("2030-01-09T08:10:00+0000"))
            let lowest = try await session.list(Self.listTarget("backup_type=incremental&" + Self.w + "&offset=287")).items()
            #expect(lowest.map { $0["begin_time"]?.stringValue } == ["2030-01-08T08:15:00+0000"])
            // The incremental of step 8 is still there; the first of 01-07 is not.
            #expect(try await session.listed(firstID ?? "?").count == 1)
            let goneID = oldest.first?["id"]?.stringValue ?? "?"
            #expect(try await session.listed(goneID).isEmpty)
            expectResponse(try await session.delete(goneID), status: 404, body: Expected.backupNotFound)

            // 12: the automated backup builds until 08:16:00.
            expectResponse(
                try await session.create(#"{"instance_id": "\#(Self.a48e)", "name": "manual-002"}"#),
                status: 409,
                body: RDSManualBackupTests.Errors.inProgress
            )
            // 13, 14: W2 of manual-001; DELETING, and not COMPLETED.
            expectResponse(try await session.delete(manual), status: 200, body: .object([]))
            var deleting = completed
            if case .object(var members) = deleting {
                members[4] = (key: "status", value: .string("DELETING"))
                deleting = .object(members)
            }
            expectResponse(
                try await session.list(Self.listTarget("backup_id=\(manual)")),
                status: 200,
                body: RDSManualBackupTests.listBody([deleting])
            )
            try expectResponse(
                try await session.list(Self.listTarget("backup_id=\(manual)&status=COMPLETED")),
                status: 200,
                json: #"{"backups": [], "total_count": 0}"#
            )
            // 15, 16: gone ten seconds later; W2 again is 404.
            #expect(try await session.advance("PT10S") == "2030-01-09T08:15:11.000Z")
            try expectResponse(
                try await session.list(Self.listTarget("backup_id=\(manual)")),
                status: 200,
                json: #"{"backups": [], "total_count": 0}"#
            )
            expectResponse(try await session.delete(manual), status: 404, body: Expected.backupNotFound)

            // Throughout, L() without W lists the 25 seeded records, unchanged, among the new ones.
            let (all, totals) = try await Self.listAll(session)
            // 25 seeded, two automated backups, 288 incrementals.
            #expect(totals == [315])
            #expect(all.count == 315)
            try await Self.expectSeeded(seeded, in: session)
        }
    }

    // MARK: - Paging the merged list

    @Test func pagesOfSevenDeepIntoTheMergedListAreTheFullListing() async throws {
        try await RDSManualBackupTests.withSession { session in
            let seeded = try await session.list(Self.listTarget()).items()
            let manual = try await session.createdID(#"{"instance_id": "\#(Self.a48e)", "name": "manual-001"}"#)
            try await session.advance("PT61S")
            expectResponse(try await Self.put(session, Self.policyTarget(), Self.keepOneDaily), status: 200, body: .object([]))
            try await session.advance("P2D")

            // 25 seeded, manual-001, two automated backups and 573 incrementals.
            let (byHundred, hundredTotals) = try await Self.listAll(session)
            #expect(hundredTotals == [601])
            #expect(byHundred.count == 601)
            let (bySeven, sevenTotals) = try await Self.listAll(session, limit: 7)
            #expect(sevenTotals == [601])
            #expect(bySeven == byHundred)
            #expect(Set(byHundred.compactMap { $0["id"]?.stringValue }).count == 601)
            #expect(Self.isInListOrder(byHundred))
            // Each part is what its own filter lists.
            let incrementals = try await Self.listAll(session, "backup_type=incremental&" + Self.w, limit: 100).items
            #expect(incrementals.count == 573)
            #expect(byHundred.filter { $0["type"] == .string("incremental") && Self.begin($0) >= Self.t0 / 1000 } == incrementals)
            let windowed = try await Self.listAll(session, Self.w, limit: 7).items
            #expect(windowed == byHundred.filter { Self.begin($0) >= Self.t0 / 1000 })
            #expect(windowed.count == 576)
            #expect(byHundred.filter { $0["id"]?.stringValue == manual }.count == 1)
            // A deep page by itself, and pages at and past the end.
            for offset in [0, 6, 7, 300, 594, 595, 600] {
                let page = try await session.list(Self.listTarget("offset=\(offset)&limit=7")).items()
                #expect(page == Array(byHundred[offset..<min(601, offset + 7)]), "offset \(offset)")
            }
            try expectResponse(
                try await session.list(Self.listTarget("offset=601&limit=7")),
                status: 200,
                json: #"{"backups": [], "total_count": 601}"#
            )
            // Incrementals are contiguous, five minutes apart.
            let begins = incrementals.map(Self.begin)
            #expect(zip(begins, begins.dropFirst()).allSatisfy { $0 - $1 == 300 })
            try await Self.expectSeeded(seeded, in: session)
        }
    }

    // MARK: - Catch-up after a stopped server

    /// A server over `store` with the control API on, and the clock left as the store has it.
    static func serve<T: Sendable>(_ store: any CatalogStore, _ body: @Sendable (Session) async throws -> T) async throws -> T {
        var configuration = ServerConfiguration.testing()
        configuration.controlToken = ControlToken(RDSManualBackupTests.controlToken)
        let app = makeTestApplication(store: store, configuration: configuration)
        return try await app.test(.router) { client in try await body(Session(client: client)) }
    }

    static let taurusPolicy = #"{"backup_policy": {"start_time": "23:00-00:00", "keep_days": 2, "period": "1,3,5,7"}}"#

    @Test func catchUpAfterAStoppedServerIsWhatTheRunningClockMakes() async throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("catalog.sqlite").path
        let stopped = try SQLiteCatalogStore(path: path)
        try await SeedLoader(store: stopped, hasher: Fixtures.fastHasher).load(Fixtures.exampleSeed)
        let running = try await Fixtures.exampleStore(.sqliteFile)
        for store in [stopped, running] as [any CatalogStore] {
            try await RDSManualBackupTests.withSession(store: store) { session in
                expectResponse(try await Self.put(session, Self.policyTarget(), Self.keepOneDaily), status: 200, body: .object([]))
                let prod = #"{"backup_policy": {"keep_days": 3, "start_time": "22:45-23:45", "period": "2,4,6"}, "reserve_backups": true}"#
                expectResponse(try await Self.put(session, Self.policyTarget(Acme.mysqlProd), prod), status: 200, body: .object([]))
                let taurus = try await Self.put(session, Self.policyTarget(Acme.taurusInstance, project: Acme.cnEast3) + "/update", Self.taurusPolicy)
                #expect(taurus.status == 200, "\(taurus.body)")
            }
        }
        // The first server is stopped; its clock is moved on the store, as `backupd clock` does.
        let steps = 77
        _ = try await ClockControl(store: stopped).changeClock(ClockChange(move: .by(Int64(steps) * Self.hour)))
        // The second one runs through the same hours, read after each.
        let expected = try await Self.serve(running) { session in
            for _ in 0..<steps {
                try await session.advance("PT1H")
                _ = try await session.list(Self.listTarget("limit=1"))
                _ = try await session.list(Self.listTarget("limit=1", instance: Acme.mysqlProd))
                _ = try await session.client.send(Target.taurus("limit=1"))
            }
            #expect(try await session.advance("PT0S") == "2030-01-10T13:00:00.000Z")
            return try await Self.pages(session)
        }
        // Started again, on a new store object over the same file (a new process).
        let reopened = try SQLiteCatalogStore(path: path)
        let caughtUp = try await Self.serve(reopened) { session in
            #expect(try await session.advance("PT0S") == "2030-01-10T13:00:00.000Z")
            return try await Self.pages(session)
        }
        #expect(caughtUp == expected)
        #expect(caughtUp.count > 5)
        #expect(try await Fixtures.export(reopened) == Fixtures.export(running))
        for instance in [Acme.mysqlInstance, Acme.mysqlProd, Acme.taurusInstance] {
            #expect(try await reopened.policy(instanceID: instance)?.nextRun == running.policy(instanceID: instance)?.nextRun)
            #expect(try await reopened.policy(instanceID: instance)?.chainStart == running.policy(instanceID: instance)?.chainStart)
        }
        // What the clock made: 3 days of 08:15 backups kept 1 day, 5-minute incrementals since 01-07 08:15.
        let autos = try #require(caughtUp.first { $0.target.contains("backup_type=auto") })
        #expect(try JSONValue(parsing: autos.body)["total_count"] == .integer(2))
    }

    struct Answer: Sendable, Equatable {
        var target: String
        var body: String
    }

    /// Every record the schedules touched, as listed: the lists by type and window, and every
    /// page of the merged list of `a48e…in01`.
    static func pages(_ session: Session) async throws -> [Answer] {
        var answers: [Answer] = []
        for target in [
            listTarget("backup_type=auto&" + w),
            listTarget("backup_type=incremental&" + w + "&limit=100"),
            listTarget("limit=100", instance: Acme.mysqlProd),
            Target.taurus("limit=100"),
        ] {
            answers.append(Answer(target: target, body: try await session.list(target).body))
        }
        for page in 0..<20 {
            let target = listTarget("offset=\(page * 100)&limit=100")
            let response = try await session.list(target)
            answers.append(Answer(target: target, body: response.body))
            if try response.items().isEmpty { break }
        }
        return answers
    }

    // MARK: - Policies in seed files (§8.8)

    static let policySeed = """
        {"instances": [
          {"id": "a48e43ff268f4c0e879652d65e63d0fbin01", "project_id": "0483b6b16e954cb88930a360d2c4e663", "service": "rds",
           "name": "rds-mysql-a48e", "datastore": {"type": "MySQL", "version": "5.7"},
           "backup_policy": {"keep_days": 1, "start_time": "08:15-09:15", "period": "1,2,3,4,5,6,7"}},
          {"id": "5560df16-cebf-4473-95c4-d1b573c16e79", "project_id": "0483b6b16e954cb88930a360d2c4e663", "service": "dcs",
           "name": "dcs-redis-5560", "engine": "Redis", "engine_version": "5.0",
           "backup_policy": {"backup_type": "auto", "save_days": 2,
             "periodical_backup_plan": {"backup_at": [1, 2, 3, 4, 5, 6, 7], "period_type": "weekly", "begin_at": "18:00-19:00", "timezone_offset": "+0800"}}},
          {"id": "34970585d4964f2a8d6d9ea8d303398bin09", "project_id": "619d3e78f61b4be68bc5aa0b59edcf7b", "service": "ddm",
           "name": "ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg",
           "related_data_nodes": [{"instance_id": "fc33739e5d2741529e21d87a7b5923fain01", "instance_name": "mysql_rds_related_ddm_for_diagnose3_01"}],
           "auto_backup": true}
        ]}
        """

    /// The store's clock set and frozen at `instant`.
    static func freeze(_ store: any CatalogStore, at instant: Int64) async throws {
        _ = try await ClockControl(store: store).changeClock(ClockChange(move: .to(instant), frozen: true))
    }

    @Test func aSeedPolicyTakesEffectAtTheLoadsClockReadingAndAReloadChangesNothing() async throws {
        let store = try await Fixtures.exampleStore()
        let load = Self.t0 + 61_000
        try await Self.freeze(store, at: load)
        try await Fixtures.load(Self.policySeed, into: store)
        let rds = try #require(try await store.policy(instanceID: Acme.mysqlInstance))
        #expect(rds.policy == .full(FullBackupPolicy(keepDays: 1, startTime: "08:15-09:15", period: "1,2,3,4,5,6,7")))
        #expect(rds.since == load)
        let dcs = try #require(try await store.policy(instanceID: Acme.redisInstance))
        #expect(dcs.since == load)
        #expect(dcs.createdAt == load)
        #expect(dcs.policyID != nil)
        #expect(
            dcs.policy
                == .dcs(
                    DCSBackupPlan(
                        backupType: .auto,
                        saveDays: 2,
                        backupAt: [1, 2, 3, 4, 5, 6, 7],
                        periodType: "weekly",
                        beginAt: "18:00-19:00",
                        timezoneOffset: "+0800"
                    )
                )
        )
        #expect(try await store.policy(instanceID: Acme.ddmInstance)?.policy == .ddmDaily)
        #expect(try await store.policy(instanceID: Acme.ddmInstance)?.since == load)
        #expect(try await store.policy(instanceID: Acme.mysqlProd) == nil)

        // As if W4 had been called then: §11.2's figures two days later.
        let before = try await Self.serve(store) { session in
            try expectResponse(
                try await session.client.send(Self.policyTarget()),
                status: 200,
                json: #"{"backup_policy": {"keep_days": 1, "start_time": "08:15-09:15", "period": "1,2,3,4,5,6,7"}}"#
            )
            try expectResponse(
                try await session.client.send(Self.policyTarget(Acme.mysqlProd)),
                status: 200,
                json: #"{"backup_policy": {"keep_days": 0}}"#
            )
            #expect(try await session.advance("P2D") == "2030-01-09T08:01:01.000Z")
            let autos = try await session.list(Self.listTarget("backup_type=auto&" + Self.w)).items()
            #expect(autos.map { $0["name"]?.stringValue } == ["rds-mysql-a48e-20300108081500000", "rds-mysql-a48e-20300107081500000"])
            #expect(try await session.list(Self.listTarget("backup_type=incremental&" + Self.w + "&limit=1")).json["total_count"] == .integer(573))
            return try await Self.pages(session)
        }
        let export = try await Fixtures.export(store)
        let states = try await [Acme.mysqlInstance, Acme.redisInstance, Acme.ddmInstance].asyncMap { try await store.policy(instanceID: $0) }

        // The same file again, two days later: nothing changes.
        try await Fixtures.load(Self.policySeed, into: store)
        #expect(try await [Acme.mysqlInstance, Acme.redisInstance, Acme.ddmInstance].asyncMap { try await store.policy(instanceID: $0) } == states)
        #expect(try await Fixtures.export(store) == export)
        let after = try await Self.serve(store) { session in try await Self.pages(session) }
        #expect(after == before)

        // An entry without a policy field keeps the stored one; a different policy is a change then.
        let reload = Self.t0 + 2 * Self.day + 61_000
        try await Fixtures.load(
            """
            {"instances": [{"id": "a48e43ff268f4c0e879652d65e63d0fbin01", "project_id": "0483b6b16e954cb88930a360d2c4e663",
              "service": "rds", "name": "rds-mysql-a48e", "datastore": {"type": "MySQL", "version": "5.7"}}]}
            """,
            into: store
        )
        #expect(try await store.policy(instanceID: Acme.mysqlInstance) == states[0])
        try await Fixtures.load(Self.policySeed.replacingOccurrences(of: #""keep_days": 1"#, with: #""keep_days": 3"#), into: store)
        let changed = try #require(try await store.policy(instanceID: Acme.mysqlInstance))
        #expect(changed.since == reload)
        #expect(changed.policy == .full(FullBackupPolicy(keepDays: 3, startTime: "08:15-09:15", period: "1,2,3,4,5,6,7")))
        #expect(changed.chainStart == states[0]?.chainStart)
        #expect(try await store.policy(instanceID: Acme.redisInstance) == states[1])
    }

    @Test func aBadSeedPolicyRejectsTheFileNamingTheField() async throws {
        let store = try await Fixtures.exampleStore()
        let export = try await Fixtures.export(store)
        let bad = Self.policySeed.replacingOccurrences(of: #""start_time": "08:15-09:15""#, with: #""start_time": "08:15-09:30""#)
        do {
            try await Fixtures.load(bad, into: store)
            Issue.record("the file was accepted")
        } catch let error as SeedError {
            #expect(error.path == "instances[0].backup_policy.start_time")
        }
        #expect(try await store.policy(instanceID: Acme.mysqlInstance) == nil)
        #expect(try await store.policy(instanceID: Acme.redisInstance) == nil)
        #expect(try await Fixtures.export(store) == export)
    }

    // MARK: - Relative times (§9)

    static let relativeSeed = """
        {"backups": [
          {"instance_id": "a48e43ff268f4c0e879652d65e63d0fbin01", "id": "5e1a7e0000000000000000000000000abr01", "name": "relative-1",
           "type": "manual", "status": "COMPLETED", "size": 1, "begin_time": "now-26h@+0800", "end_time": "now-25h@+0800",
           "associated_with_ddm": false},
          {"instance_id": "a48e43ff268f4c0e879652d65e63d0fbin01", "id": "5e1a7e0000000000000000000000000bbr01", "name": "relative-2",
           "type": "manual", "status": "COMPLETED", "size": 1, "begin_time": "now-90s", "end_time": "now", "associated_with_ddm": false},
          {"instance_id": "a48e43ff268f4c0e879652d65e63d0fbin01", "id": "5e1a7e0000000000000000000000000cbr01", "name": "relative-3",
           "type": "manual", "status": "COMPLETED", "size": 1, "begin_time": "now-7d@+0545", "end_time": "now@-0530", "associated_with_ddm": false},
          {"instance_id": "5560df16-cebf-4473-95c4-d1b573c16e79", "backup_id": "5e1a7e00-0000-4000-8000-00000000000d",
           "backup_name": "backup_relative", "backup_type": "manual", "status": "succeed", "size": 1, "progress": "100.00",
           "remark": "", "period": null, "error_code": null, "is_support_restore": "TRUE",
           "created_at": "now-26h", "updated_at": "now-25h", "execution_at": "now-1560m"},
          {"instance_id": "61a4ea66210545909d74a05c27a7179ein07", "id": "5e1a7e0000000000000000000000000ebr07", "name": "relative-taurus",
           "type": "incremental", "begin_time": "now-2d", "end_time": "now-1d@+0800", "size": 0.5}
        ]}
        """

    @Test func relativeSeedTimesAreStoredAbsoluteInTheirOffset() async throws {
        let store = try await Fixtures.exampleStore()
        try await Self.freeze(store, at: Self.t0 + 750)
        try await Fixtures.load(Self.relativeSeed, into: store)
        let rds = try await store.rdsBackups(
            RDSBackupQuery(instanceID: Acme.mysqlInstance, location: .home, page: PageRequest(offset: 0, limit: 100))
        ).items
        let times = Dictionary(uniqueKeysWithValues: rds.map { ($0.name, [$0.beginTime.text, $0.endTime.text]) })
        #expect(times["relative-1"] == ["2030-01-06T14:00:00+0800", "2030-01-06T15:00:00+0800"])
        #expect(times["relative-2"] == ["2030-01-07T07:58:30+0000", "2030-01-07T08:00:00+0000"])
        #expect(times["relative-3"] == ["2029-12-31T13:45:00+0545", "2030-01-07T02:30:00-0530"])
        #expect(rds.first { $0.name == "relative-1" }?.beginTime.instant == Self.t0 - 26 * Self.hour)

        try await Self.serve(store) { session in
            let listed = try await session.listed("5e1a7e0000000000000000000000000abr01")
            #expect(listed.first?["begin_time"] == .string("2030-01-06T14:00:00+0800"))
            #expect(listed.first?["end_time"] == .string("2030-01-06T15:00:00+0800"))
            let dcs = try await session.client.send(Target.dcsV2("limit=50")).items("backup_record_response")
            let record = try #require(dcs.first { $0["backup_id"] == .string("5e1a7e00-0000-4000-8000-00000000000d") })
            #expect(record["created_at"] == .string("2030-01-06T06:00:00.750Z"))
            #expect(record["updated_at"] == .string("2030-01-06T07:00:00.750Z"))
            #expect(record["execution_at"] == .string("2030-01-06T06:00:00.750Z"))
            let taurus = try await session.client.send(Target.taurus("limit=100")).items()
            let incremental = try #require(taurus.first { $0["id"] == .string("5e1a7e0000000000000000000000000ebr07") })
            #expect(incremental["begin_time"] == .string("2030-01-05T08:00:00+0000"))
            #expect(incremental["end_time"] == .string("2030-01-06T16:00:00+0800"))
        }

        // An export writes them absolute.
        let export = try await Fixtures.export(store)
        for text in ["2030-01-06T14:00:00+0800", "2030-01-06T06:00:00.750Z", "2029-12-31T13:45:00+0545", "2030-01-07T02:30:00-0530"] {
            #expect(export.contains(text), "\(text)")
        }
        #expect(!export.contains("\"now"))
        // Loading it again at the same clock reading changes nothing; at a later one, they move.
        try await Fixtures.load(Self.relativeSeed, into: store)
        #expect(try await Fixtures.export(store) == export)
        try await Self.freeze(store, at: Self.t0 + Self.hour + 750)
        try await Fixtures.load(Self.relativeSeed, into: store)
        let moved = try await store.rdsBackups(
            RDSBackupQuery(
                instanceID: Acme.mysqlInstance,
                location: .home,
                backupID: "5e1a7e0000000000000000000000000abr01",
                page: PageRequest(offset: 0, limit: 1)
            )
        ).items
        #expect(moved.first?.beginTime.text == "2030-01-06T15:00:00+0800")
    }

    /// §9 stores a relative time as an absolute one, which an export writes and a load reads
    /// back; the grammar's `\d{1,9}` days reach years before 0001, which no record time can hold.
    @Test func aRelativeTimeBeforeTheFirstYearIsRejectedOrRoundTrips() async throws {
        let store = try await Fixtures.exampleStore()
        try await Self.freeze(store, at: Self.t0 + 750)
        let document = """
            {"backups": [{"instance_id": "a48e43ff268f4c0e879652d65e63d0fbin01", "id": "5e1a7e0000000000000000000000000abr01",
              "name": "ancient", "type": "manual", "status": "COMPLETED", "size": 1, "begin_time": "now-999999999d", "end_time": "now",
              "associated_with_ddm": false}]}
            """
        var accepted = false
        do {
            try await Fixtures.load(document, into: store)
            accepted = true
        } catch let error as SeedError {
            #expect(error.path == "backups[0].begin_time")
        }
        guard accepted else { return }
        let export = try await Fixtures.export(store)
        let again = try await Fixtures.exampleStore()
        var reloaded = true
        do {
            try await Fixtures.load(export, into: again)
        } catch {
            reloaded = false
        }
        let listed = try await store.rdsBackups(
            RDSBackupQuery(
                instanceID: Acme.mysqlInstance,
                location: .home,
                backupID: "5e1a7e0000000000000000000000000abr01",
                page: PageRequest(offset: 0, limit: 1)
            )
        ).items.first?.beginTime.text
        #expect(reloaded, "the export does not load back")
        #expect(listed.map { RecordedTime(offsetTime: $0) != nil } == true, "\(listed ?? "nil") is not a record time")
    }

    /// An incremental's id is found as the chain writes it, like every stored id (`api.md` §1.9:
    /// ids compare by bytes), not in another spelling of its digits.
    @Test func anIncrementalIsFoundOnlyByItsOwnId() async throws {
        try await RDSManualBackupTests.withSession { session in
            expectResponse(try await Self.put(session, Self.policyTarget(), Self.keepOneDaily), status: 200, body: .object([]))
            try await session.advance("P1D")
            let incrementals = try await session.list(Self.listTarget("backup_type=incremental&" + Self.w + "&limit=100")).items()
            let ids = incrementals.compactMap { $0["id"]?.stringValue }
            let id = try #require(ids.first { $0.dropFirst(20).prefix(12).contains(where: \.isLetter) })
            let variant = String(id.prefix(20)) + id.dropFirst(20).prefix(12).uppercased() + "br01"
            #expect(try await session.listed(id).count == 1)
            let listed = try await session.listed(variant)
            let deleted = try await session.delete(variant)
            #expect(listed.isEmpty, "\(variant) lists \(listed.first?["id"]?.stringValue ?? "?")")
            #expect(deleted.status == 404, "\(deleted.body)")
        }
    }

    /// A relative time that breaks the grammar, and the field the rejection names.
    struct BadTime: Sendable, CustomTestStringConvertible {
        let value: String
        let dcs: Bool
        let field: String
        var testDescription: String { "\(field) = \(value)" }
    }

    static let badTimes = [
        BadTime(value: "now-1w", dcs: false, field: "begin_time"),
        BadTime(value: "now+1h", dcs: false, field: "begin_time"),
        BadTime(value: "now-26h@+2400", dcs: false, field: "end_time"),
        BadTime(value: "now-26h@+0860", dcs: false, field: "end_time"),
        BadTime(value: "now-26h@0800", dcs: false, field: "begin_time"),
        BadTime(value: "now-26h@+08", dcs: false, field: "begin_time"),
        BadTime(value: "now-26h@+08000", dcs: false, field: "begin_time"),
        BadTime(value: "now-1234567890s", dcs: false, field: "begin_time"),
        BadTime(value: "now-", dcs: false, field: "begin_time"),
        BadTime(value: "now-h", dcs: false, field: "begin_time"),
        BadTime(value: "now-26", dcs: false, field: "begin_time"),
        BadTime(value: "now-26H", dcs: false, field: "begin_time"),
        BadTime(value: "now-26h ", dcs: false, field: "begin_time"),
        BadTime(value: "now-26h@+0800Z", dcs: false, field: "end_time"),
        BadTime(value: "nowish", dcs: false, field: "begin_time"),
        BadTime(value: "now@+0800", dcs: true, field: "created_at"),
        BadTime(value: "now-26h@+0000", dcs: true, field: "updated_at"),
        BadTime(value: "now-1w", dcs: true, field: "execution_at"),
        BadTime(value: "now+5s", dcs: true, field: "created_at"),
    ]

    @Test(arguments: badTimes)
    func aBadRelativeTimeRejectsTheFileNamingTheField(_ example: BadTime) async throws {
        let store = try await Fixtures.exampleStore()
        try await Self.freeze(store, at: Self.t0 + 750)
        let export = try await Fixtures.export(store)
        var rds = ["begin_time": "now-26h@+0800", "end_time": "now-25h@+0800"]
        var dcs = ["created_at": "now-26h", "updated_at": "now-25h", "execution_at": "now-26h"]
        if example.dcs { dcs[example.field] = example.value } else { rds[example.field] = example.value }
        let document = """
            {"backups": [
              {"instance_id": "a48e43ff268f4c0e879652d65e63d0fbin01", "id": "5e1a7e0000000000000000000000000abr01", "name": "good",
               "type": "manual", "status": "COMPLETED", "size": 1, "begin_time": "now", "end_time": "now", "associated_with_ddm": false},
              {"instance_id": "a48e43ff268f4c0e879652d65e63d0fbin01", "id": "5e1a7e0000000000000000000000000bbr01", "name": "maybe",
               "type": "manual", "status": "COMPLETED", "size": 1, "begin_time": "\(rds["begin_time"]!)", "end_time": "\(rds["end_time"]!)",
               "associated_with_ddm": false},
              {"instance_id": "5560df16-cebf-4473-95c4-d1b573c16e79", "backup_id": "5e1a7e00-0000-4000-8000-00000000000d",
               "backup_name": "backup_relative", "backup_type": "manual", "status": "succeed", "size": 1, "progress": "100.00",
               "remark": "", "period": null, "error_code": null, "is_support_restore": "TRUE",
               "created_at": "\(dcs["created_at"]!)", "updated_at": "\(dcs["updated_at"]!)", "execution_at": "\(dcs["execution_at"]!)"}
            ]}
            """
        do {
            try await Fixtures.load(document, into: store)
            Issue.record("the file was accepted")
        } catch let error as SeedError {
            #expect(error.path == "backups[\(example.dcs ? 2 : 1)].\(example.field)", "\(error)")
        }
        #expect(try await Fixtures.export(store) == export, "a rejected file wrote something")
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
