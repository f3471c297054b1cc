import BackupdAPI
import BackupdTestSupport
import HummingbirdTesting
import Testing

/// Route C, `GET /v3/{project_id}/instances/{instance_id}/incremental-backups` (api.md §4).
@Suite struct TaurusDBIncrementalBackupsTests {
    /// The twelve incrementals of `gauss-taurus-61a4`, newest `begin_time` first. The auto
    /// and manual full backups of the same instance are never listed.
    static let incrementals = [
        "5080e2bd327b3be920e44f701f2dbe18br07",
        "8431ab93803ca025967ba6194d817c8cbr07",
        "3acb32f728c9693f6cf562bd37a1d5ddbr07",
        "0e54aebb0715f49722ebdaf44a9d91c5br07",
        "38f3eed89d27b8a0ef52c5dac4b4008abr07",
        "f0d2aea28d26t4848b8c84ed3fea1822fbr07",
        "a1d4a9280b434e783f1fc16dbb23324ebr07",
        "933515b928d0ba2dd32cf68e5eedb40bbr07",
        "6d6c281cfb9ad9f9abf44a838274ddc0br07",
        "33635c49d52dad9829786c94af5e33f1br07",
        "289d1acd71768bdc0a828735690ff6f2br07",
        "c6c15eed663a7eb0977f54bfeeaef239br07",
    ]

    static let twoOldest = """
        {"backups": [
          {"id": "289d1acd71768bdc0a828735690ff6f2br07", "name": "GaussDBforMySQL--20220702000000002",
           "begin_time": "2022-07-02T00:00:00+0800", "end_time": "2022-07-02T01:00:00+0800", "size": 1.5,
           "instance_id": "61a4ea66210545909d74a05c27a7179ein07"},
          {"id": "c6c15eed663a7eb0977f54bfeeaef239br07", "name": "GaussDBforMySQL--20220701000000001",
           "begin_time": "2022-07-01T00:00:00+0800", "end_time": "2022-07-01T01:00:00+0800", "size": 0.25,
           "instance_id": "61a4ea66210545909d74a05c27a7179ein07"}
        ],
        "total_count": 12}
        """

    // MARK: Defaults, order, paging

    @Test func defaultsAreOffsetZeroAndLimitTen() async throws {
        try await withExampleServer { client in
            let response = try await client.send(Target.taurus(""))
            #expect(response.status == 200)
            expectStandardHeaders(response)
            #expect(try response.json.keys == ["backups", "total_count"])
            #expect(try response.page() == ListPage(ids: Array(Self.incrementals.prefix(10)), total: 12))
            for item in try response.items() {
                #expect(item.keys == ["id", "name", "begin_time", "end_time", "size", "instance_id"])
            }
            // Empty values are absent: the same defaults.
            let empty = try await client.send(Target.taurus("offset=&limit=&begin_time=&end_time=&display_offsite_backup="))
            #expect(try empty.page() == ListPage(ids: Array(Self.incrementals.prefix(10)), total: 12))
        }
    }

    @Test func offsetTenLimitTenReturnsTheTwoOldest() async throws {
        try await withExampleServer { client in
            let response = try await client.send(Target.taurus("offset=10&limit=10"))
            try expectResponse(response, status: 200, json: Self.twoOldest)
            // Without a limit, the default of 10 gives the same page.
            let defaultLimit = try await client.send(Target.taurus("offset=10"))
            try expectResponse(defaultLimit, status: 200, json: Self.twoOldest)
        }
    }

    @Test(arguments: [1, 2, 5, 7, 10, 11, 12, 20, 50, 100])
    func pagingVisitsEveryIncrementalExactlyOnce(limit: Int) async throws {
        try await withExampleServer { client in
            var seen: [String] = []
            var offset = 0
            while offset < 12 {
                let response = try await client.send(Target.taurus("offset=\(offset)&limit=\(limit)"))
                let page = try response.page()
                #expect(page.total == 12)
                #expect(page.ids.count == min(limit, 12 - offset))
                seen += page.ids
                offset += limit
            }
            #expect(seen == Self.incrementals)
        }
    }

    @Test func offsetAtOrPastTheEndGivesAnEmptyListWithTheFullTotal() async throws {
        try await withExampleServer { client in
            for offset in ["12", "13", "0000012", "2147483647"] {
                let response = try await client.send(Target.taurus("offset=\(offset)"))
                try expectResponse(response, status: 200, json: #"{"backups": [], "total_count": 12}"#)
            }
        }
    }

    @Test func integralSizesAreWrittenAsIntegers() async throws {
        try await withExampleServer { client in
            let response = try await client.send(Target.taurus("offset=8&limit=1"))
            try expectResponse(
                response,
                status: 200,
                json: """
                    {"backups": [{"id": "6d6c281cfb9ad9f9abf44a838274ddc0br07", "name": "GaussDBforMySQL--20220704000000004",
                      "begin_time": "2022-07-04T00:00:00+0800", "end_time": "2022-07-04T01:00:00+0800", "size": 2048,
                      "instance_id": "61a4ea66210545909d74a05c27a7179ein07"}],
                     "total_count": 12}
                    """
            )
            #expect(response.body.contains(#""size":2048,"#) || response.body.contains(#""size": 2048,"#))
        }
    }

    @Test func sizesUseTheShortestForm() async throws {
        let extra = """
            {"backups": [
              {"instance_id": "\(Acme.taurusInstance)", "id": "size-zero", "name": "z", "type": "incremental",
               "begin_time": "2023-01-03T00:00:00+0000", "end_time": "2023-01-03T00:00:01+0000", "size": 0},
              {"instance_id": "\(Acme.taurusInstance)", "id": "size-tenth", "name": "t", "type": "incremental",
               "begin_time": "2023-01-02T00:00:00+0000", "end_time": "2023-01-02T00:00:01+0000", "size": 0.1},
              {"instance_id": "\(Acme.taurusInstance)", "id": "size-half", "name": "h", "type": "incremental",
               "begin_time": "2023-01-01T00:00:00+0000", "end_time": "2023-01-01T00:00:01+0000", "size": 1048576.5}
            ]}
            """
        try await withServer(store: try await exampleStore(adding: extra)) { client in
            let response = try await client.send(
                Target.taurus("begin_time=2023-01-01T00:00:00Z&end_time=2023-01-03T00:00:00Z")
            )
            let sizes = try response.items().map { $0["size"] }
            #expect(sizes == [.integer(0), .number(0.1), .number(1048576.5)])
            #expect(response.body.contains(#"0.1,"#) || response.body.contains("0.1 "))
            #expect(!response.body.contains("0.1000"))
        }
    }

    @Test func tiesOnBeginTimeInDifferentOffsetsGoByIDBytes() async throws {
        let extra = """
            {"backups": [
              {"instance_id": "\(Acme.taurusInstance)", "id": "tie-b", "name": "b", "type": "incremental",
               "begin_time": "2023-03-01T00:00:00+0000", "end_time": "2023-03-01T01:00:00+0000", "size": 1},
              {"instance_id": "\(Acme.taurusInstance)", "id": "tie-a", "name": "a", "type": "incremental",
               "begin_time": "2023-03-01T08:00:00+0800", "end_time": "2023-03-01T09:00:00+0800", "size": 1},
              {"instance_id": "\(Acme.taurusInstance)", "id": "tie-C", "name": "C", "type": "incremental",
               "begin_time": "2023-02-28T19:00:00-0500", "end_time": "2023-02-28T20:00:00-0500", "size": 1}
            ]}
            """
        try await withServer(store: try await exampleStore(adding: extra)) { client in
            let all = try await client.send(Target.taurus("limit=4"))
            #expect(try all.page() == ListPage(ids: ["tie-C", "tie-a", "tie-b", Self.incrementals[0]], total: 15))
            let items = try all.items()
            #expect(
                items.prefix(3).map { $0["begin_time"]?.stringValue } == [
                    "2023-02-28T19:00:00-0500", "2023-03-01T08:00:00+0800", "2023-03-01T00:00:00+0000",
                ]
            )
            var seen: [String] = []
            for offset in 0..<3 {
                seen += try await client.send(Target.taurus("limit=1&offset=\(offset)")).page().ids
            }
            #expect(seen == ["tie-C", "tie-a", "tie-b"])
        }
    }

    // MARK: Window

    @Test func theExampleWindowExcludesNeighboursOneSecondOutsideAndFullBackupsInside() async throws {
        try await withExampleServer { client in
            let response = try await client.send(
                Target.taurus("begin_time=2022-07-06T10:41:14+0800&end_time=2022-07-16T10:41:14+0800")
            )
            #expect(try response.page() == ListPage(ids: ["f0d2aea28d26t4848b8c84ed3fea1822fbr07"], total: 1))
        }
    }

    @Test func windowIsInclusiveAtBothEnds() async throws {
        try await withExampleServer { client in
            let response = try await client.send(
                Target.taurus("begin_time=2022-07-06T10:41:13+0800&end_time=2022-07-16T10:41:15+0800")
            )
            #expect(
                try response.page()
                    == ListPage(
                        ids: [
                            "38f3eed89d27b8a0ef52c5dac4b4008abr07", "f0d2aea28d26t4848b8c84ed3fea1822fbr07",
                            "a1d4a9280b434e783f1fc16dbb23324ebr07",
                        ],
                        total: 3
                    )
            )
            // The same instants written in UTC, with Z and with the encoded plus.
            let utc = try await client.send(
                Target.taurus("begin_time=2022-07-06T02:41:13Z&end_time=2022-07-16T02:41:15%2B0000")
            )
            #expect(try utc.page().total == 3)
            // A one-second window on each boundary record.
            let onStart = try await client.send(
                Target.taurus("begin_time=2022-07-06T10:41:12+0800&end_time=2022-07-06T10:41:13+0800")
            )
            #expect(try onStart.page() == ListPage(ids: ["a1d4a9280b434e783f1fc16dbb23324ebr07"], total: 1))
        }
    }

    @Test func windowAndPagingCombine() async throws {
        try await withExampleServer { client in
            let window = "begin_time=2022-07-01T00:00:00+0800&end_time=2022-07-05T00:00:00+0800"
            let response = try await client.send(Target.taurus("\(window)&offset=1&limit=2"))
            #expect(
                try response.page()
                    == ListPage(
                        ids: ["6d6c281cfb9ad9f9abf44a838274ddc0br07", "33635c49d52dad9829786c94af5e33f1br07"],
                        total: 5
                    )
            )
        }
    }

    @Test(arguments: ["true", "false"])
    func displayOffsiteBackupIsAcceptedWithoutEffect(value: String) async throws {
        try await withExampleServer { client in
            let response = try await client.send(Target.taurus("display_offsite_backup=\(value)"))
            #expect(try response.page() == ListPage(ids: Array(Self.incrementals.prefix(10)), total: 12))
        }
    }

    @Test func parametersOfOtherAPIsAreIgnored() async throws {
        try await withExampleServer { client in
            let response = try await client.send(
                Target.taurus("instance_id=x&backup_type=bad&status=bad&start=0&beginTime=bad&Limit=bad&OFFSET=-1")
            )
            #expect(try response.page() == ListPage(ids: Array(Self.incrementals.prefix(10)), total: 12))
        }
    }

    // MARK: Errors

    enum Message {
        static let offset = "Parameter error. offset must be an integer from 0 to 2147483647."
        static let limit = "Parameter error. limit must be an integer from 1 to 100."
        static let beginFormat =
            "Parameter error. begin_time must be in the yyyy-mm-ddThh:mm:ssZ format, for example 2022-07-06T10:41:14+0800."
        static let endFormat =
            "Parameter error. end_time must be in the yyyy-mm-ddThh:mm:ssZ format, for example 2022-07-16T10:41:14+0800."
        static let endMandatory = "Parameter error. end_time is mandatory when begin_time is given."
        static let beginMandatory = "Parameter error. begin_time is mandatory when end_time is given."
        static let endNotLater = "Parameter error. end_time must be later than begin_time."
        static let display = "Parameter error. display_offsite_backup must be true or false."
        static func once(_ name: String) -> String { "Parameter error. \(name) must be given only once." }
    }

    static let errorCases: [RequestCase] = {
        let m = Message.self
        let begin = "begin_time=2022-07-06T10:41:14+0800"
        let end = "end_time=2022-07-16T10:41:14+0800"
        return [
            RequestCase("offset twice", Target.taurus("offset=0&offset=0"), 400, Expected.taurus(m.once("offset"))),
            RequestCase("limit 0", Target.taurus("limit=0"), 400, Expected.taurus(m.limit)),
            RequestCase("limit 101", Target.taurus("limit=101"), 400, Expected.taurus(m.limit)),
            RequestCase("limit twice", Target.taurus("limit=10&limit=20"), 400, Expected.taurus(m.once("limit"))),
            RequestCase("begin_time alone", Target.taurus(begin), 400, Expected.taurus(m.endMandatory)),
            RequestCase("end_time alone", Target.taurus(end), 400, Expected.taurus(m.beginMandatory)),
            RequestCase(
                "end_time equal to begin_time",
                Target.taurus("begin_time=2022-07-06T10:41:14+0800&end_time=2022-07-06T02:41:14Z"),
                400,
                Expected.taurus(m.endNotLater)
            ),
            RequestCase(
                "end_time before begin_time",
                Target.taurus("begin_time=2022-07-16T10:41:14+0800&end_time=2022-07-06T10:41:14+0800"),
                400,
                Expected.taurus(m.endNotLater)
            ),
            RequestCase(
                "begin_time twice",
                Target.taurus("\(begin)&\(begin)&\(end)"),
                400,
                Expected.taurus(m.once("begin_time"))
            ),
            RequestCase(
                "end_time twice",
                Target.taurus("\(begin)&\(end)&\(end)"),
                400,
                Expected.taurus(m.once("end_time"))
            ),
            RequestCase(
                "display_offsite_backup TRUE",
                Target.taurus("display_offsite_backup=TRUE"),
                400,
                Expected.taurus(m.display)
            ),
            RequestCase(
                "display_offsite_backup 1",
                Target.taurus("display_offsite_backup=1"),
                400,
                Expected.taurus(m.display)
            ),
            RequestCase(
                "display_offsite_backup yes",
                Target.taurus("display_offsite_backup=yes"),
                400,
                Expected.taurus(m.display)
            ),
            RequestCase(
                "display_offsite_backup twice",
                Target.taurus("display_offsite_backup=true&display_offsite_backup=true"),
                400,
                Expected.taurus(m.once("display_offsite_backup"))
            ),
            // lookup
            RequestCase(
                "unknown instance",
                Target.taurus("", instance: "00000000000000000000000000000000in07"),
                404,
                Expected.instanceNotFound
            ),
            RequestCase(
                "an RDS instance id",
                Target.taurus("", instance: Acme.mysqlInstance, project: Acme.cnNorth4),
                404,
                Expected.instanceNotFound
            ),
            RequestCase(
                "a DCS instance id",
                Target.taurus("", instance: Acme.redisInstance, project: Acme.cnNorth4),
                404,
                Expected.instanceNotFound
            ),
            RequestCase(
                "a DDM instance id",
                Target.taurus("", instance: Acme.ddmInstance, project: Acme.apSoutheast3),
                404,
                Expected.instanceNotFound
            ),
            RequestCase(
                "the TaurusDB instance from another project of the account",
                Target.taurus("", project: Acme.cnNorth4),
                404,
                Expected.instanceNotFound
            ),
            RequestCase(
                "the TaurusDB instance from the globex project",
                Target.taurus("", project: Globex.cnNorth4),
                404,
                Expected.instanceNotFound,
                as: .carol
            ),
            RequestCase(
                "a TaurusDB backup id as instance",
                Target.taurus("", instance: "f0d2aea28d26t4848b8c84ed3fea1822fbr07"),
                404,
                Expected.instanceNotFound
            ),
        ]
    }()

    @Test(arguments: errorCases)
    func errorAnswers(_ example: RequestCase) async throws {
        try await withExampleServer { client in
            let response = try await client.send(example.target, as: example.credential)
            expectResponse(response, status: example.status, body: example.body)
        }
    }

    @Test(arguments: Grammar.nonIntegers)
    func offsetAndLimitFollowTheIntegerGrammar(_ value: RawValue) async throws {
        try await withExampleServer { client in
            let offset = try await client.send(Target.taurus("offset=\(value.raw)"))
            expectResponse(offset, status: 400, body: Expected.taurus(Message.offset))
            let limit = try await client.send(Target.taurus("limit=\(value.raw)"))
            expectResponse(limit, status: 400, body: Expected.taurus(Message.limit))
        }
    }

    @Test(arguments: Grammar.malformedOffsetTimes)
    func timesFollowTheTimeGrammar(_ value: RawValue) async throws {
        try await withExampleServer { client in
            let begin = try await client.send(
                Target.taurus("begin_time=\(value.raw)&end_time=2022-07-16T10:41:14+0800")
            )
            expectResponse(begin, status: 400, body: Expected.taurus(Message.beginFormat))
            let end = try await client.send(
                Target.taurus("begin_time=2022-07-06T10:41:14+0800&end_time=\(value.raw)")
            )
            expectResponse(end, status: 400, body: Expected.taurus(Message.endFormat))
        }
    }

    static let orderCases: [RequestCase] = {
        let m = Message.self
        let begin = "begin_time=2022-07-06T10:41:14+0800"
        let end = "end_time=2022-07-16T10:41:14+0800"
        let unknown = "00000000000000000000000000000000in07"
        return [
            RequestCase("offset before limit", Target.taurus("limit=0&offset=-1"), 400, Expected.taurus(m.offset)),
            RequestCase(
                "offset twice before limit",
                Target.taurus("limit=0&offset=1&offset=1"),
                400,
                Expected.taurus(m.once("offset"))
            ),
            RequestCase("limit before begin_time", Target.taurus("begin_time=x&limit=101"), 400, Expected.taurus(m.limit)),
            RequestCase(
                "limit twice before begin_time",
                Target.taurus("begin_time=x&limit=1&limit=2"),
                400,
                Expected.taurus(m.once("limit"))
            ),
            RequestCase(
                "begin_time before end_time",
                Target.taurus("end_time=x&begin_time=y"),
                400,
                Expected.taurus(m.beginFormat)
            ),
            RequestCase(
                "malformed end_time before the pairing",
                Target.taurus("end_time=x"),
                400,
                Expected.taurus(m.endFormat)
            ),
            RequestCase(
                "end_time twice before the pairing",
                Target.taurus("\(end)&\(end)"),
                400,
                Expected.taurus(m.once("end_time"))
            ),
            RequestCase(
                "pairing before display_offsite_backup",
                Target.taurus("display_offsite_backup=x&\(begin)"),
                400,
                Expected.taurus(m.endMandatory)
            ),
            RequestCase(
                "order of the times before display_offsite_backup",
                Target.taurus("display_offsite_backup=x&begin_time=2022-07-16T10:41:14+0800&\(end)"),
                400,
                Expected.taurus(m.endNotLater)
            ),
            RequestCase(
                "display_offsite_backup before the lookup",
                Target.taurus("display_offsite_backup=x&\(begin)&\(end)", instance: unknown),
                400,
                Expected.taurus(m.display)
            ),
            RequestCase(
                "parameters before the lookup",
                Target.taurus("limit=0", instance: unknown),
                400,
                Expected.taurus(m.limit)
            ),
        ]
    }()

    @Test(arguments: orderCases)
    func theEarlierCheckWins(_ example: RequestCase) async throws {
        try await withExampleServer { client in
            let response = try await client.send(example.target, as: example.credential)
            expectResponse(response, status: example.status, body: example.body)
        }
    }

    @Test func unknownProjectIsRefusedBeforeParameters() async throws {
        try await withExampleServer { client in
            expectNotAuthorized(try await client.send(Target.taurus("limit=0", project: unknownProject)))
        }
    }
}
