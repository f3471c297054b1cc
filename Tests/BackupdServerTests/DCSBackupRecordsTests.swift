import BackupdAPI
import BackupdTestSupport
import HummingbirdTesting
import Testing

/// Routes D (`GET /v1.0/{project_id}/instances/{instance_id}/backups`, api.md §5) and E
/// (`GET /v2/…/backups`, api.md §6): the same records, different parameter names, a
/// 1-based `start` on v1.0 and a 0-based `offset` on v2.
@Suite struct DCSBackupRecordsTests {
    enum Version: String, Sendable, CaseIterable, CustomTestStringConvertible {
        case v1 = "v1.0"
        case v2 = "v2"

        var testDescription: String { rawValue }

        func target(_ query: String, instance: String = Acme.redisInstance, project: String = Acme.cnNorth4) -> String {
            switch self {
            case .v1: Target.dcsV1(query, instance: instance, project: project)
            case .v2: Target.dcsV2(query, instance: instance, project: project)
            }
        }

        /// The paging parameter's name.
        var position: String { self == .v1 ? "start" : "offset" }
        var begin: String { self == .v1 ? "beginTime" : "begin_time" }
        var end: String { self == .v1 ? "endTime" : "end_time" }

        /// The query that skips `skipped` records.
        func skip(_ skipped: Int) -> String {
            self == .v1 ? "start=\(skipped + 1)" : "offset=\(skipped)"
        }

        /// A window in this version's names; either bound may be nil.
        func window(_ begin: String?, _ end: String?) -> String {
            [begin.map { "\(self.begin)=\($0)" }, end.map { "\(self.end)=\($0)" }].compactMap { $0 }
                .joined(separator: "&")
        }

        /// v1.0 puts the list first, v2 the total.
        var topLevelKeys: [String] {
            self == .v1 ? ["backup_record_response", "total_num"] : ["total_num", "backup_record_response"]
        }

        func emptyBody(total: Int) -> String {
            self == .v1
                ? #"{"backup_record_response": [], "total_num": \#(total)}"#
                : #"{"total_num": \#(total), "backup_record_response": []}"#
        }
    }

    /// The fifteen records of `dcs-redis-5560`, newest `created_at` first.
    static let records = [
        "c93ae86f-b936-4819-8b9d-b4b7e501c782",  // 2019-05-20T02:16:05.010Z
        "a1a9f0a5-790e-45f5-8cae-3a8b81cd7b56",  // 2019-05-20T02:15:40.600Z
        "ab6f1e23-3c92-4306-831b-678db16415c8",  // 2019-05-13T18:00:02.230Z
        "9f8f0ba4-a8da-45e0-8a69-8529cfda5043",  // 2019-05-12T18:00:01.020Z
        "79288f8f-5e3f-42d3-86ac-333bc2582bc7",  // 2019-05-11T00:00:00.000Z
        "4631832a-14c6-45b0-a0b3-3abd8f591ad1",  // 2019-05-10T08:31:16.166Z
        "41175b04-83e4-43bc-86ac-2ff874c92a4e",  // 2019-05-09T23:59:59.999Z
        "9a6e2879-ca51-42c4-8173-4413cbbd6657",  // 2019-05-08T18:00:02.444Z
        "81c9f8b7-306b-48f6-8f38-a7c3328ee190",  // 2019-05-06T18:00:03.333Z
        "e73d28e0-8a3f-4fb0-8147-fa1130fff09d",  // 2019-05-06T09:12:45.870Z
        "df72a3df-4bcd-4423-8330-37376d4ffc8b",  // 2019-05-05T18:00:02.001Z
        "ff112ec5-ce0e-4b89-8b67-4c141e9c9ff3",  // 2019-05-04T18:00:01.550Z
        "5cb346b1-e728-41e8-8bd3-20b149be1776",  // 2019-05-03T18:00:04.015Z
        "d1e1ab3e-052f-441e-8725-7f4539484670",  // 2019-05-02T18:00:02.907Z
        "32494d98-5474-4e13-85f5-8f13d8d1a584",  // 2019-05-01T18:00:03.112Z
    ]

    static let recordKeys = [
        "status", "remark", "period", "progress", "size", "instance_id", "backup_id", "created_at", "updated_at",
        "execution_at", "backup_type", "backup_name", "error_code", "is_support_restore",
    ]

    static func page(_ response: BackupdTestSupport.TestResponse) throws -> ListPage {
        try response.page(list: "backup_record_response", id: "backup_id", total: "total_num")
    }

    // MARK: Defaults, shape, paging

    @Test(arguments: Version.allCases)
    func defaultsAreTheFirstTenOfAll(_ version: Version) async throws {
        try await withExampleServer { client in
            let response = try await client.send(version.target(""))
            #expect(response.status == 200)
            expectStandardHeaders(response)
            #expect(try response.json.keys == version.topLevelKeys)
            #expect(try Self.page(response) == ListPage(ids: Array(Self.records.prefix(10)), total: 15))
            for record in try response.items("backup_record_response") {
                #expect(record.keys == Self.recordKeys)
            }
            let empty = try await client.send(version.target("\(version.position)=&limit=&\(version.window("", ""))"))
            #expect(try Self.page(empty) == ListPage(ids: Array(Self.records.prefix(10)), total: 15))
        }
    }

    @Test(arguments: Version.allCases)
    func aFailedRecordCarriesItsErrorCodeAndPeriod(_ version: Version) async throws {
        try await withExampleServer { client in
            let response = try await client.send(version.target("\(version.skip(12))&limit=1"))
            let record = """
                {"status": "failed", "remark": "", "period": "18:00-19:00", "progress": "0.00", "size": 0,
                 "instance_id": "5560df16-cebf-4473-95c4-d1b573c16e79", "backup_id": "5cb346b1-e728-41e8-8bd3-20b149be1776",
                 "created_at": "2019-05-03T18:00:04.015Z", "updated_at": "2019-05-03T18:01:09.015Z",
                 "execution_at": "2019-05-03T18:00:09.015Z", "backup_type": "auto", "backup_name": "backup_20190504020004",
                 "error_code": "dcs.08.0002", "is_support_restore": "FALSE"}
                """
            let body =
                version == .v1
                ? #"{"backup_record_response": [\#(record)], "total_num": 15}"#
                : #"{"total_num": 15, "backup_record_response": [\#(record)]}"#
            try expectResponse(response, status: 200, json: body)
        }
    }

    @Test(arguments: Version.allCases, [1, 2, 3, 4, 7, 10, 14, 15, 1000])
    func pagingVisitsEveryRecordExactlyOnce(_ version: Version, limit: Int) async throws {
        try await withExampleServer { client in
            var seen: [String] = []
            var skipped = 0
            while skipped < 15 {
                let response = try await client.send(version.target("\(version.skip(skipped))&limit=\(limit)"))
                let page = try Self.page(response)
                #expect(page.total == 15)
                #expect(page.ids.count == min(limit, 15 - skipped))
                seen += page.ids
                skipped += limit
            }
            #expect(seen == Self.records)
        }
    }

    @Test func v1StartIsOneBased() async throws {
        try await withExampleServer { client in
            let one = try await client.send(Target.dcsV1("start=1&limit=1"))
            #expect(try Self.page(one) == ListPage(ids: [Self.records[0]], total: 15))
            let two = try await client.send(Target.dcsV1("start=2&limit=1"))
            #expect(try Self.page(two) == ListPage(ids: [Self.records[1]], total: 15))
            let eleven = try await client.send(Target.dcsV1("start=0011"))
            #expect(try Self.page(eleven) == ListPage(ids: Array(Self.records.suffix(5)), total: 15))
            let last = try await client.send(Target.dcsV1("start=15"))
            #expect(try Self.page(last) == ListPage(ids: [Self.records[14]], total: 15))
            for start in ["16", "100", "2147483647"] {
                let past = try await client.send(Target.dcsV1("start=\(start)"))
                try expectResponse(past, status: 200, json: Version.v1.emptyBody(total: 15))
            }
        }
    }

    @Test func v2OffsetIsZeroBased() async throws {
        try await withExampleServer { client in
            let zero = try await client.send(Target.dcsV2("offset=0&limit=1"))
            #expect(try Self.page(zero) == ListPage(ids: [Self.records[0]], total: 15))
            let one = try await client.send(Target.dcsV2("offset=1&limit=1"))
            #expect(try Self.page(one) == ListPage(ids: [Self.records[1]], total: 15))
            let ten = try await client.send(Target.dcsV2("offset=010"))
            #expect(try Self.page(ten) == ListPage(ids: Array(Self.records.suffix(5)), total: 15))
            for offset in ["15", "16", "2147483647"] {
                let past = try await client.send(Target.dcsV2("offset=\(offset)"))
                try expectResponse(past, status: 200, json: Version.v2.emptyBody(total: 15))
            }
        }
    }

    @Test(arguments: Version.allCases)
    func limitGoesUpToOneThousand(_ version: Version) async throws {
        try await withExampleServer { client in
            let max = try await client.send(version.target("limit=1000"))
            #expect(try Self.page(max) == ListPage(ids: Self.records, total: 15))
            let over = try await client.send(version.target("limit=1001"))
            expectResponse(over, status: 400, body: Expected.dcsInvalid("limit"))
        }
    }

    @Test(arguments: Version.allCases)
    func anInstanceWithoutRecordsGivesAnEmptyListNot204(_ version: Version) async throws {
        try await withExampleServer { client in
            let response = try await client.send(version.target("", instance: Acme.memcachedInstance))
            try expectResponse(response, status: 200, json: version.emptyBody(total: 0))
        }
    }

    // MARK: Window

    struct WindowCase: Sendable, CustomTestStringConvertible {
        let name: String
        let begin: String?
        let end: String?
        let expected: [String]
        var testDescription: String { name }
    }

    static let windowCases: [WindowCase] = [
        WindowCase(
            name: "the example day excludes neighbours at …59.999 and 00:00:00.000",
            begin: "20190510000000",
            end: "20190510235959",
            expected: [records[5]]
        ),
        WindowCase(
            name: "endTime alone matches nine, the …59.999 record included",
            begin: nil,
            end: "20190509235959",
            expected: Array(records[6...])
        ),
        WindowCase(
            name: "beginTime alone on a record's exact second",
            begin: "20190511000000",
            end: nil,
            expected: Array(records[0...4])
        ),
        WindowCase(
            name: "beginTime alone one second later",
            begin: "20190511000001",
            end: nil,
            expected: Array(records[0...3])
        ),
        WindowCase(
            name: "milliseconds are cut: …59.999 lies in the second …59",
            begin: "20190509235959",
            end: "20190510000000",
            expected: [records[6]]
        ),
        WindowCase(
            name: "08:31:16.166 lies inside …083116",
            begin: "20190510083116",
            end: "20190510083117",
            expected: [records[5]]
        ),
        WindowCase(
            name: "08:31:16.166 is not inside a window starting at …083117",
            begin: "20190510083117",
            end: "20190511000000",
            expected: [records[4]]
        ),
        WindowCase(
            name: "endTime on a record's exact second",
            begin: nil,
            end: "20190511000000",
            expected: Array(records[4...])
        ),
        WindowCase(
            name: "a window with no records",
            begin: "20190101000000",
            end: "20190430235959",
            expected: []
        ),
        WindowCase(
            name: "a leap day is a real date",
            begin: "20200229000000",
            end: "20200301000000",
            expected: []
        ),
    ]

    @Test(arguments: Version.allCases, windowCases)
    func windowsAreInclusiveAndCompareWholeSeconds(_ version: Version, _ window: WindowCase) async throws {
        try await withExampleServer { client in
            let response = try await client.send(version.target(version.window(window.begin, window.end) + "&limit=100"))
            #expect(response.status == 200, "\(response.body)")
            #expect(try Self.page(response) == ListPage(ids: window.expected, total: Int64(window.expected.count)))
        }
    }

    @Test(arguments: Version.allCases)
    func theTotalOfAWindowIgnoresPaging(_ version: Version) async throws {
        try await withExampleServer { client in
            let response = try await client.send(
                version.target("\(version.window(nil, "20190509235959"))&\(version.skip(8))&limit=2")
            )
            #expect(try Self.page(response) == ListPage(ids: [Self.records[14]], total: 9))
            let past = try await client.send(version.target("\(version.window(nil, "20190509235959"))&\(version.skip(9))"))
            try expectResponse(past, status: 200, json: version.emptyBody(total: 9))
        }
    }

    @Test func eachVersionIgnoresTheOthersParameterNames() async throws {
        try await withExampleServer { client in
            // On v1.0, begin_time/end_time/offset are unknown names (even when malformed).
            let v1 = try await client.send(
                Target.dcsV1("begin_time=20190511000000&end_time=garbage&offset=-1&Limit=0")
            )
            #expect(try Self.page(v1) == ListPage(ids: Array(Self.records.prefix(10)), total: 15))
            // On v2, beginTime/endTime/start are unknown names.
            let v2 = try await client.send(Target.dcsV2("beginTime=20190511000000&endTime=garbage&start=0&LIMIT=0"))
            #expect(try Self.page(v2) == ListPage(ids: Array(Self.records.prefix(10)), total: 15))
        }
    }

    /// Records created in the same second tie, whatever their milliseconds, and go by
    /// `backup_id` bytes ascending (upper case before lower case).
    static let tieSeed: String = {
        func record(_ id: String, _ created: String) -> String {
            """
            {"instance_id": "\(Acme.memcachedInstance)", "backup_id": "\(id)", "backup_name": "n", "backup_type": "manual",
             "status": "succeed", "size": 1, "progress": "100.00", "remark": "", "period": null, "error_code": null,
             "is_support_restore": "TRUE", "created_at": "\(created)", "updated_at": "\(created)", "execution_at": "\(created)"}
            """
        }
        let records = [
            record("earlier", "2030-01-01T00:00:59.999Z"),
            record("tie-b", "2030-01-01T00:01:00.100Z"),
            record("tie-a", "2030-01-01T00:01:00.900Z"),
            record("tie-B", "2030-01-01T00:01:00.500Z"),
            record("later", "2030-01-01T00:01:01.000Z"),
        ]
        return #"{"backups": [\#(records.joined(separator: ","))]}"#
    }()

    @Test(arguments: Version.allCases)
    func recordsOfTheSameSecondGoByBackupID(_ version: Version) async throws {
        try await withServer(store: try await exampleStore(adding: Self.tieSeed)) { client in
            let all = try await client.send(version.target("", instance: Acme.memcachedInstance))
            #expect(try Self.page(all) == ListPage(ids: ["later", "tie-B", "tie-a", "tie-b", "earlier"], total: 5))
            var seen: [String] = []
            for skipped in 0..<5 {
                let response = try await client.send(
                    version.target("\(version.skip(skipped))&limit=1", instance: Acme.memcachedInstance)
                )
                seen += try Self.page(response).ids
            }
            #expect(seen == ["later", "tie-B", "tie-a", "tie-b", "earlier"])
            let second = try await client.send(
                version.target(version.window("20300101000100", "20300101000101"), instance: Acme.memcachedInstance)
            )
            #expect(try Self.page(second) == ListPage(ids: ["later", "tie-B", "tie-a", "tie-b"], total: 4))
        }
    }

    // MARK: Errors

    /// Values that break the `yyyyMMddHHmmss` grammar.
    static let malformedCompactTimes: [RawValue] = [
        RawValue("13 digits", "2019051000000"),
        RawValue("15 digits", "201905100000000"),
        RawValue("February 30", "20190230000000"),
        RawValue("February 29 of a common year", "20190229000000"),
        RawValue("month 13", "20191310000000"),
        RawValue("month 00", "20190010000000"),
        RawValue("day 00", "20190500000000"),
        RawValue("June 31", "20190631000000"),
        RawValue("hour 24", "20190510240000"),
        RawValue("minute 60", "20190510006000"),
        RawValue("second 60", "20190510000060"),
        RawValue("RDS format", "2019-05-10T00:00:00Z"),
        RawValue("date with dashes", "2019-05-10"),
        RawValue("literal plus sign", "+0190510000000"),
        RawValue("encoded plus sign", "%2B0190510000000"),
        RawValue("minus sign", "-0190510000000"),
        RawValue("leading blank", "%2020190510000000"),
        RawValue("trailing newline", "20190510000000%0A"),
        RawValue("trailing Z", "20190510000000Z"),
        RawValue("milliseconds", "20190510000000.000"),
        RawValue("epoch seconds", "1557446400"),
        RawValue("Arabic-Indic digits", String(repeating: "%D9%A1", count: 14)),
        RawValue("NUL inside", "2019051000%000000"),
    ]

    @Test(arguments: Version.allCases, malformedCompactTimes)
    func timesFollowTheCompactGrammar(_ version: Version, _ value: RawValue) async throws {
        try await withExampleServer { client in
            let begin = try await client.send(version.target("\(version.begin)=\(value.raw)"))
            expectResponse(begin, status: 400, body: Expected.dcsInvalid(version.begin))
            let end = try await client.send(version.target("\(version.end)=\(value.raw)"))
            expectResponse(end, status: 400, body: Expected.dcsInvalid(version.end))
        }
    }

    @Test(arguments: Version.allCases, Grammar.nonIntegers)
    func positionAndLimitFollowTheIntegerGrammar(_ version: Version, _ value: RawValue) async throws {
        try await withExampleServer { client in
            let position = try await client.send(version.target("\(version.position)=\(value.raw)"))
            expectResponse(position, status: 400, body: Expected.dcsInvalid(version.position))
            let limit = try await client.send(version.target("limit=\(value.raw)"))
            expectResponse(limit, status: 400, body: Expected.dcsInvalid("limit"))
        }
    }

    static func errorCases(_ version: Version) -> [RequestCase] {
        let v = version
        let b = "\(v.begin)=20190510000000"
        let e = "\(v.end)=20190510235959"
        var cases: [RequestCase] = [
            RequestCase("\(v) limit 0", v.target("limit=0"), 400, Expected.dcsInvalid("limit")),
            RequestCase("\(v) limit 00", v.target("limit=00"), 400, Expected.dcsInvalid("limit")),
            RequestCase("\(v) limit 1001", v.target("limit=1001"), 400, Expected.dcsInvalid("limit")),
            RequestCase(
                "\(v) \(v.position) twice",
                v.target("\(v.skip(0))&\(v.skip(0))"),
                400,
                Expected.dcsInvalid(v.position)
            ),
            RequestCase("\(v) limit twice", v.target("limit=1&limit=2"), 400, Expected.dcsInvalid("limit")),
            RequestCase("\(v) \(v.begin) twice", v.target("\(b)&\(b)"), 400, Expected.dcsInvalid(v.begin)),
            RequestCase("\(v) \(v.end) twice", v.target("\(e)&\(e)"), 400, Expected.dcsInvalid(v.end)),
            RequestCase(
                "\(v) end equal to begin",
                v.target(v.window("20190510000000", "20190510000000")),
                400,
                Expected.dcsEndNotAfterBegin
            ),
            RequestCase(
                "\(v) end before begin",
                v.target(v.window("20190510000001", "20190510000000")),
                400,
                Expected.dcsEndNotAfterBegin
            ),
            // lookup
            RequestCase(
                "\(v) unknown instance",
                v.target("", instance: "00000000-0000-4000-8000-000000000000"),
                404,
                Expected.dcsInstanceNotFound
            ),
            RequestCase(
                "\(v) an RDS instance id",
                v.target("", instance: Acme.mysqlInstance),
                404,
                Expected.dcsInstanceNotFound
            ),
            RequestCase(
                "\(v) a TaurusDB instance id",
                v.target("", instance: Acme.taurusInstance, project: Acme.cnEast3),
                404,
                Expected.dcsInstanceNotFound
            ),
            RequestCase(
                "\(v) a DDM instance id",
                v.target("", instance: Acme.ddmInstance, project: Acme.apSoutheast3),
                404,
                Expected.dcsInstanceNotFound
            ),
            RequestCase(
                "\(v) the DCS instance from another project of the account",
                v.target("", project: Acme.apSoutheast1),
                404,
                Expected.dcsInstanceNotFound
            ),
            RequestCase(
                "\(v) the DCS instance from the billing sub-project",
                v.target("", project: Acme.billing),
                404,
                Expected.dcsInstanceNotFound
            ),
            RequestCase(
                "\(v) the DCS instance from the globex project",
                v.target("", project: Globex.cnNorth4),
                404,
                Expected.dcsInstanceNotFound,
                as: .carol
            ),
            RequestCase(
                "\(v) a DCS backup id as instance",
                v.target("", instance: "4631832a-14c6-45b0-a0b3-3abd8f591ad1"),
                404,
                Expected.dcsInstanceNotFound
            ),
            RequestCase(
                "\(v) instance id in upper case",
                v.target("", instance: Acme.redisInstance.uppercased()),
                404,
                Expected.dcsInstanceNotFound
            ),
        ]
        switch v {
        case .v1:
            cases += [
                RequestCase("v1.0 start 0", v.target("start=0"), 400, Expected.dcsInvalid("start")),
                RequestCase("v1.0 start 0000", v.target("start=0000"), 400, Expected.dcsInvalid("start")),
            ]
        case .v2:
            cases += [
                RequestCase("v2 offset -1 (the doc's example)", v.target("offset=-1"), 400, Expected.dcsInvalid("offset"))
            ]
        }
        return cases
    }

    @Test(arguments: errorCases(.v1) + errorCases(.v2))
    func errorAnswers(_ example: RequestCase) async throws {
        try await withExampleServer { client in
            let response = try await client.send(example.target, as: example.credential)
            expectResponse(response, status: example.status, body: example.body)
        }
    }

    /// start/offset, limit, begin, end, the order of the times, then the lookup.
    static func orderCases(_ version: Version) -> [RequestCase] {
        let v = version
        let badPosition = v == .v1 ? "start=0" : "offset=-1"
        let unknown = "00000000-0000-4000-8000-000000000000"
        return [
            RequestCase(
                "\(v) \(v.position) before limit",
                v.target("limit=0&\(badPosition)"),
                400,
                Expected.dcsInvalid(v.position)
            ),
            RequestCase(
                "\(v) \(v.position) twice before limit",
                v.target("limit=0&\(v.skip(1))&\(v.skip(2))"),
                400,
                Expected.dcsInvalid(v.position)
            ),
            RequestCase(
                "\(v) limit before \(v.begin)",
                v.target("\(v.begin)=bad&limit=0"),
                400,
                Expected.dcsInvalid("limit")
            ),
            RequestCase(
                "\(v) limit twice before \(v.begin)",
                v.target("\(v.begin)=bad&limit=1&limit=1"),
                400,
                Expected.dcsInvalid("limit")
            ),
            RequestCase(
                "\(v) \(v.begin) before \(v.end)",
                v.target("\(v.end)=bad&\(v.begin)=bad"),
                400,
                Expected.dcsInvalid(v.begin)
            ),
            RequestCase(
                "\(v) \(v.begin) twice before \(v.end)",
                v.target("\(v.end)=bad&\(v.begin)=20190510000000&\(v.begin)=20190510000000"),
                400,
                Expected.dcsInvalid(v.begin)
            ),
            RequestCase(
                "\(v) \(v.end) before the order of the times",
                v.target("\(v.end)=20190510000000&\(v.end)=20190510000000&\(v.begin)=20190511000000"),
                400,
                Expected.dcsInvalid(v.end)
            ),
            RequestCase(
                "\(v) order of the times before the lookup",
                v.target(v.window("20190511000000", "20190510000000"), instance: unknown),
                400,
                Expected.dcsEndNotAfterBegin
            ),
            RequestCase(
                "\(v) parameters before the lookup",
                v.target("limit=1001", instance: unknown),
                400,
                Expected.dcsInvalid("limit")
            ),
        ]
    }

    @Test(arguments: orderCases(.v1) + orderCases(.v2))
    func theEarlierCheckWins(_ example: RequestCase) async throws {
        try await withExampleServer { client in
            let response = try await client.send(example.target, as: example.credential)
            expectResponse(response, status: example.status, body: example.body)
        }
    }

    @Test(arguments: Version.allCases)
    func unknownProjectIsRefusedBeforeParameters(_ version: Version) async throws {
        try await withExampleServer { client in
            expectNotAuthorized(try await client.send(version.target("limit=0", project: unknownProject)))
        }
    }
}
