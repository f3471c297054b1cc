import BackupdAPI
import BackupdTestSupport
import HummingbirdTesting
import Testing

/// Route B, `GET /v3/{project_id}/offsite-backups` (api.md §3): `{project_id}` is the
/// project holding the copies; the instance may live in any project of the account.
@Suite struct RDSOffsiteBackupsTests {
    static let sqlServer = "instance_id=\(Acme.sqlServerInstance)"
    static let sqlServerAuto = "\(sqlServer)&backup_type=auto"

    /// The three copies of `sqlserver-rds-1784` held in cn-north-4, newest first. The first is
    /// a stored `manual` copy, reported as `auto`, and carries `databases`.
    static let allThreeCopies = """
        {"backups": [
          {"id": "6c8673fad1a1e965943543497e6da9eabr04", "name": "sqlserver-rds-1784-20221203020000000", "type": "auto",
           "size": 6120, "status": "COMPLETED", "databases": [{"name": "db_sales"}],
           "begin_time": "2022-12-03T02:00:00+0000", "end_time": "2022-12-03T02:05:10+0000",
           "datastore": {"type": "sqlserver", "version": "2019_SE"}, "instance_id": "ad4ee2b80adb430082d8336d7da2e14din04"},
          {"id": "d0ea632a5c32451dbdb157ef5c2ad3ecbr04", "name": "sqlserver-rds-1784-20221202062025775", "type": "auto",
           "size": 5956, "status": "COMPLETED", "begin_time": "2022-12-02T06:20:25+0000",
           "end_time": "2022-12-02T06:24:45+0000", "datastore": {"type": "sqlserver", "version": "2019_SE"},
           "instance_id": "ad4ee2b80adb430082d8336d7da2e14din04"},
          {"id": "07d6a8ab12304f9aa3f368a6cff21ac9br04", "name": "backup-81f1", "type": "auto", "size": 773,
           "status": "COMPLETED", "begin_time": "2022-12-02T06:12:22+0000", "end_time": "2022-12-02T06:16:37+0000",
           "datastore": {"type": "sqlserver", "version": "2019_SE"}, "instance_id": "ad4ee2b80adb430082d8336d7da2e14din04"}
        ],
        "total_count": 3}
        """
    static let threeIDs = [
        "6c8673fad1a1e965943543497e6da9eabr04", "d0ea632a5c32451dbdb157ef5c2ad3ecbr04",
        "07d6a8ab12304f9aa3f368a6cff21ac9br04",
    ]
    static let empty = #"{"backups": [], "total_count": 0}"#

    /// The SQL Server instance as the example seed declares it. Extra seeds that add copies
    /// repeat it (loading is idempotent): the loader resolves the home project of a copy's
    /// instance only for instances named in the same file (see the report).
    static let sqlServerInstanceRecord = """
        {"id": "\(Acme.sqlServerInstance)", "project_id": "\(Acme.apSoutheast1)", "service": "rds",
         "name": "sqlserver-rds-1784", "datastore": {"type": "sqlserver", "version": "2019_SE"}}
        """

    // MARK: Selection and shape

    @Test func withoutWindowListsThreeCopiesWithManualReportedAsAuto() async throws {
        try await withExampleServer { client in
            let response = try await client.send(Target.offsite(Self.sqlServerAuto))
            try expectResponse(response, status: 200, json: Self.allThreeCopies)
        }
    }

    @Test func statusIsNotAParameterHere() async throws {
        try await withExampleServer { client in
            for status in ["FAILED", "garbage", "DELETING"] {
                let response = try await client.send(Target.offsite("\(Self.sqlServerAuto)&status=\(status)"))
                try expectResponse(response, status: 200, json: Self.allThreeCopies)
            }
        }
    }

    @Test func incrementalSelectsOnlyIncrementalCopies() async throws {
        try await withExampleServer { client in
            let response = try await client.send(Target.offsite("\(Self.sqlServer)&backup_type=incremental"))
            try expectResponse(response, status: 200, json: Self.empty)
        }
    }

    @Test func fragmentCopiesAreNeverListedAndIncrementalCopiesOnlyForIncremental() async throws {
        let extra = """
            {"instances": [\(Self.sqlServerInstanceRecord)],
             "backups": [
              {"instance_id": "\(Acme.sqlServerInstance)", "id": "fragment-copy", "name": "f", "type": "fragment",
               "status": "COMPLETED", "size": 10, "begin_time": "2022-12-05T00:00:00+0000",
               "end_time": "2022-12-05T00:01:00+0000", "offsite_project_id": "\(Acme.cnNorth4)"},
              {"instance_id": "\(Acme.sqlServerInstance)", "id": "incremental-copy", "name": "i", "type": "incremental",
               "status": "BUILDING", "size": 11, "begin_time": "2022-12-04T00:00:00+0000",
               "end_time": "2022-12-04T00:01:00+0000", "offsite_project_id": "\(Acme.cnNorth4)"},
              {"instance_id": "\(Acme.sqlServerInstance)", "id": "home-incremental", "name": "h", "type": "incremental",
               "status": "COMPLETED", "size": 12, "begin_time": "2022-12-06T00:00:00+0000",
               "end_time": "2022-12-06T00:01:00+0000"}
            ]}
            """
        try await withServer(store: try await exampleStore(adding: extra)) { client in
            let auto = try await client.send(Target.offsite(Self.sqlServerAuto))
            #expect(try auto.page() == ListPage(ids: Self.threeIDs, total: 3))
            let incremental = try await client.send(Target.offsite("\(Self.sqlServer)&backup_type=incremental"))
            try expectResponse(
                incremental,
                status: 200,
                json: """
                    {"backups": [{"id": "incremental-copy", "name": "i", "type": "incremental", "size": 11,
                      "status": "BUILDING", "begin_time": "2022-12-04T00:00:00+0000",
                      "end_time": "2022-12-04T00:01:00+0000", "datastore": {"type": "sqlserver", "version": "2019_SE"},
                      "instance_id": "ad4ee2b80adb430082d8336d7da2e14din04"}],
                     "total_count": 1}
                    """
            )
            let fragmentByID = try await client.send(Target.offsite("\(Self.sqlServerAuto)&backup_id=fragment-copy"))
            try expectResponse(fragmentByID, status: 200, json: Self.empty)
        }
    }

    @Test func copiesOfAMySQLInstanceCarryTheRecordDatastoreAndAssociatedWithDDM() async throws {
        try await withExampleServer { client in
            let response = try await client.send(
                Target.offsite("instance_id=\(Acme.mysqlInstance)&backup_type=auto", project: Acme.apSoutheast1)
            )
            try expectResponse(
                response,
                status: 200,
                json: """
                    {"backups": [{"id": "741860b060bb140e8089c0e13773e8d7br01", "name": "xxxx.xxx", "type": "auto",
                      "size": 2803, "status": "COMPLETED", "begin_time": "2018-08-06T12:41:14+0800",
                      "end_time": "2018-08-06T12:43:14+0800", "datastore": {"type": "MySQL", "version": "5.6"},
                      "instance_id": "a48e43ff268f4c0e879652d65e63d0fbin01", "associated_with_ddm": false}],
                     "total_count": 1}
                    """
            )
        }
    }

    @Test func copiesOfAPostgreSQLInstanceHaveNeitherOptionalField() async throws {
        try await withExampleServer { client in
            let response = try await client.send(
                Target.offsite("instance_id=\(Acme.postgresInstance)&backup_type=auto", project: Acme.apSoutheast1)
            )
            try expectResponse(
                response,
                status: 200,
                json: """
                    {"backups": [{"id": "414528db321279ea480e8ff7f275e59dbr03", "name": "xxxx.xxx", "type": "auto",
                      "size": 2803, "status": "COMPLETED", "begin_time": "2018-08-06T12:41:14+0800",
                      "end_time": "2018-08-06T12:43:14+0800", "datastore": {"type": "PostgreSQL", "version": "9.6"},
                      "instance_id": "b7c6d5e4f3a2419087f6e5d4c3b2a190in03"}],
                     "total_count": 1}
                    """
            )
        }
    }

    @Test func anExistingInstanceWithoutCopiesInThisProjectGivesAnEmptyList() async throws {
        try await withExampleServer { client in
            // The instance's own project, a sub-project of the holding region, and the holder
            // of another instance's copies: all of the account, none holding these copies.
            for project in [Acme.apSoutheast1, Acme.billing, Acme.cnEast3, Acme.apSoutheast3] {
                let response = try await client.send(Target.offsite(Self.sqlServerAuto, project: project))
                try expectResponse(response, status: 200, json: Self.empty)
            }
            // a48e's copy is held in ap-southeast-1, not in its home cn-north-4.
            let home = try await client.send(Target.offsite("instance_id=\(Acme.mysqlInstance)&backup_type=auto"))
            try expectResponse(home, status: 200, json: Self.empty)
        }
    }

    @Test func backupIDMatchesExactly() async throws {
        try await withExampleServer { client in
            let one = try await client.send(
                Target.offsite("\(Self.sqlServerAuto)&backup_id=07d6a8ab12304f9aa3f368a6cff21ac9br04")
            )
            #expect(try one.page() == ListPage(ids: ["07d6a8ab12304f9aa3f368a6cff21ac9br04"], total: 1))
            // The home (non-copy) backup of the same instance is not a copy.
            let home = try await client.send(
                Target.offsite("\(Self.sqlServerAuto)&backup_id=145e1b8474ec8568b55e67374a539ea4br04")
            )
            try expectResponse(home, status: 200, json: Self.empty)
        }
    }

    // MARK: Window and paging

    @Test func windowIsInclusiveAtBothEnds() async throws {
        try await withExampleServer { client in
            let both = try await client.send(
                Target.offsite(
                    "\(Self.sqlServerAuto)&begin_time=2022-12-02T06:12:22+0000&end_time=2022-12-02T14:20:25%2B0800"
                )
            )
            #expect(try both.page() == ListPage(ids: Array(Self.threeIDs.dropFirst()), total: 2))
            let later = try await client.send(
                Target.offsite("\(Self.sqlServerAuto)&begin_time=2022-12-02T06:12:23Z&end_time=2022-12-02T06:20:25Z")
            )
            #expect(try later.page() == ListPage(ids: ["d0ea632a5c32451dbdb157ef5c2ad3ecbr04"], total: 1))
            let earlier = try await client.send(
                Target.offsite("\(Self.sqlServerAuto)&begin_time=2022-12-02T06:12:22Z&end_time=2022-12-02T06:20:24Z")
            )
            #expect(try earlier.page() == ListPage(ids: ["07d6a8ab12304f9aa3f368a6cff21ac9br04"], total: 1))
        }
    }

    @Test func pagingVisitsEveryCopyOnceAndCountsAllOfThem() async throws {
        try await withExampleServer { client in
            var seen: [String] = []
            for offset in 0..<3 {
                let response = try await client.send(Target.offsite("\(Self.sqlServerAuto)&limit=1&offset=\(offset)"))
                let page = try response.page()
                #expect(page.total == 3)
                seen += page.ids
            }
            #expect(seen == Self.threeIDs)
            let twoThenOne = try await client.send(Target.offsite("\(Self.sqlServerAuto)&limit=2&offset=0002"))
            #expect(try twoThenOne.page() == ListPage(ids: [Self.threeIDs[2]], total: 3))
            for offset in ["3", "4", "2147483647"] {
                let past = try await client.send(Target.offsite("\(Self.sqlServerAuto)&offset=\(offset)"))
                #expect(try past.page() == ListPage(ids: [], total: 3))
            }
            let maxLimit = try await client.send(Target.offsite("\(Self.sqlServerAuto)&limit=100"))
            #expect(try maxLimit.page() == ListPage(ids: Self.threeIDs, total: 3))
        }
    }

    @Test func defaultLimitIsOneHundred() async throws {
        var backups: [String] = []
        for index in 0..<101 {
            backups.append(
                """
                {"instance_id": "\(Acme.sqlServerInstance)", "id": "copy-\(pad(index, 3))", "name": "c", "type": "auto",
                 "status": "COMPLETED", "size": 1, "begin_time": "2023-01-01T00:00:00+0000",
                 "end_time": "2023-01-01T00:00:00+0000", "offsite_project_id": "\(Acme.cnNorth4)"}
                """
            )
        }
        let store = try await exampleStore(
            adding: #"{"instances": [\#(Self.sqlServerInstanceRecord)], "backups": [\#(backups.joined(separator: ","))]}"#
        )
        try await withServer(store: store) { client in
            let response = try await client.send(Target.offsite(Self.sqlServerAuto))
            // All 101 tie at 2023-01-01 and are newer than the three seed copies.
            #expect(try response.page() == ListPage(ids: (0..<100).map { "copy-\(pad($0, 3))" }, total: 104))
            let tooMany = try await client.send(Target.offsite("\(Self.sqlServerAuto)&limit=101"))
            expectResponse(tooMany, status: 400, body: Expected.rds(RDSMessages.limit))
        }
    }

    // MARK: Errors

    static let typeMandatory = "Parameter error. backup_type is mandatory."
    static let typeChoice = "Parameter error. backup_type must be one of auto, incremental."

    static let errorCases: [RequestCase] = {
        let i = sqlServer
        let a = sqlServerAuto
        let m = RDSMessages.self
        let begin = "begin_time=2022-12-02T00:00:00+0000"
        let end = "end_time=2022-12-02T23:59:59+0000"
        return [
            RequestCase("instance_id absent", Target.offsite("backup_type=auto"), 400, Expected.rds(m.instanceMandatory)),
            RequestCase(
                "instance_id empty",
                Target.offsite("instance_id=&backup_type=auto"),
                400,
                Expected.rds(m.instanceMandatory)
            ),
            RequestCase(
                "instance_id twice",
                Target.offsite("\(a)&\(i)"),
                400,
                Expected.rds(m.once("instance_id"))
            ),
            RequestCase("backup_type absent", Target.offsite(i), 400, Expected.rds(typeMandatory)),
            RequestCase("backup_type empty", Target.offsite("\(i)&backup_type="), 400, Expected.rds(typeMandatory)),
            RequestCase(
                "the page's URI example (no backup_type)",
                "/v3/0483b6b16e954cb88930a360d2c4e663/offsite-backups?instance_id=43e4feaab48f11e89039fa163ebaa7e4br01&offset=0&limit=10&begin_time=2018-08-06T10:41:14+0800&end_time=2018-08-16T10:41:14+0800",
                400,
                Expected.rds(typeMandatory)
            ),
            RequestCase("backup_type manual", Target.offsite("\(i)&backup_type=manual"), 400, Expected.rds(typeChoice)),
            RequestCase(
                "backup_type fragment",
                Target.offsite("\(i)&backup_type=fragment"),
                400,
                Expected.rds(typeChoice)
            ),
            RequestCase("backup_type Auto", Target.offsite("\(i)&backup_type=Auto"), 400, Expected.rds(typeChoice)),
            RequestCase(
                "backup_type twice",
                Target.offsite("\(a)&backup_type=incremental"),
                400,
                Expected.rds(m.once("backup_type"))
            ),
            RequestCase(
                "backup_id twice",
                Target.offsite("\(a)&backup_id=x&backup_id=x"),
                400,
                Expected.rds(m.once("backup_id"))
            ),
            RequestCase("offset -1", Target.offsite("\(a)&offset=-1"), 400, Expected.rds(m.offset)),
            RequestCase("offset 2147483648", Target.offsite("\(a)&offset=2147483648"), 400, Expected.rds(m.offset)),
            RequestCase("offset twice", Target.offsite("\(a)&offset=0&offset=1"), 400, Expected.rds(m.once("offset"))),
            RequestCase("limit 0", Target.offsite("\(a)&limit=0"), 400, Expected.rds(m.limit)),
            RequestCase("limit 1.0", Target.offsite("\(a)&limit=1.0"), 400, Expected.rds(m.limit)),
            RequestCase("limit twice", Target.offsite("\(a)&limit=1&limit=2"), 400, Expected.rds(m.once("limit"))),
            RequestCase(
                "begin_time +08:00",
                Target.offsite("\(a)&begin_time=2022-12-02T00:00:00+08:00&\(end)"),
                400,
                Expected.rds(m.beginFormat)
            ),
            RequestCase(
                "end_time lower-case t",
                Target.offsite("\(a)&\(begin)&end_time=2022-12-02t23:59:59+0000"),
                400,
                Expected.rds(m.endFormat)
            ),
            RequestCase("begin_time alone", Target.offsite("\(a)&\(begin)"), 400, Expected.rds(m.endMandatory)),
            RequestCase("end_time alone", Target.offsite("\(a)&\(end)"), 400, Expected.rds(m.beginMandatory)),
            RequestCase(
                "end_time equal to begin_time",
                Target.offsite("\(a)&begin_time=2022-12-02T08:00:00+0800&end_time=2022-12-02T00:00:00Z"),
                400,
                Expected.rds(m.endNotLater)
            ),
            RequestCase(
                "begin_time twice",
                Target.offsite("\(a)&\(begin)&\(begin)&\(end)"),
                400,
                Expected.rds(m.once("begin_time"))
            ),
            RequestCase(
                "end_time twice",
                Target.offsite("\(a)&\(begin)&\(end)&\(end)"),
                400,
                Expected.rds(m.once("end_time"))
            ),
            // lookup
            RequestCase(
                "unknown instance",
                Target.offsite("instance_id=nosuchinstance&backup_type=auto"),
                404,
                Expected.instanceNotFound
            ),
            RequestCase(
                "a DCS instance id",
                Target.offsite("instance_id=\(Acme.redisInstance)&backup_type=auto"),
                404,
                Expected.instanceNotFound
            ),
            RequestCase(
                "a TaurusDB instance id",
                Target.offsite("instance_id=\(Acme.taurusInstance)&backup_type=auto"),
                404,
                Expected.instanceNotFound
            ),
            RequestCase(
                "a DDM instance id",
                Target.offsite("instance_id=\(Acme.ddmInstance)&backup_type=auto"),
                404,
                Expected.instanceNotFound
            ),
            RequestCase(
                "the globex instance from the acme project",
                Target.offsite("instance_id=\(Globex.mysqlInstance)&backup_type=auto"),
                404,
                Expected.instanceNotFound
            ),
            RequestCase(
                "an acme instance from the globex project",
                Target.offsite(a, project: Globex.cnNorth4),
                404,
                Expected.instanceNotFound,
                as: .carol
            ),
            RequestCase(
                "a backup id as instance_id",
                Target.offsite("instance_id=d0ea632a5c32451dbdb157ef5c2ad3ecbr04&backup_type=auto"),
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
            let offset = try await client.send(Target.offsite("\(Self.sqlServerAuto)&offset=\(value.raw)"))
            expectResponse(offset, status: 400, body: Expected.rds(RDSMessages.offset))
            let limit = try await client.send(Target.offsite("\(Self.sqlServerAuto)&limit=\(value.raw)"))
            expectResponse(limit, status: 400, body: Expected.rds(RDSMessages.limit))
        }
    }

    @Test(arguments: Grammar.malformedOffsetTimes)
    func timesFollowTheTimeGrammar(_ value: RawValue) async throws {
        try await withExampleServer { client in
            let begin = try await client.send(
                Target.offsite("\(Self.sqlServerAuto)&begin_time=\(value.raw)&end_time=2022-12-02T23:59:59+0000")
            )
            expectResponse(begin, status: 400, body: Expected.rds(RDSMessages.beginFormat))
            let end = try await client.send(
                Target.offsite("\(Self.sqlServerAuto)&begin_time=2022-12-02T00:00:00+0000&end_time=\(value.raw)")
            )
            expectResponse(end, status: 400, body: Expected.rds(RDSMessages.endFormat))
        }
    }

    /// instance_id, backup_type, backup_id (given twice), offset, limit, begin_time, end_time,
    /// the pairing and order of the times, then the lookup.
    static let orderCases: [RequestCase] = {
        let i = sqlServer
        let m = RDSMessages.self
        let begin = "begin_time=2022-12-02T00:00:00+0000"
        let end = "end_time=2022-12-02T23:59:59+0000"
        return [
            RequestCase("instance_id before backup_type", Target.offsite("offset=-1"), 400, Expected.rds(m.instanceMandatory)),
            RequestCase(
                "instance_id twice before backup_type",
                Target.offsite("backup_type=bad&\(i)&\(i)"),
                400,
                Expected.rds(m.once("instance_id"))
            ),
            RequestCase(
                "backup_type absent before backup_id twice",
                Target.offsite("backup_id=a&backup_id=b&\(i)"),
                400,
                Expected.rds(typeMandatory)
            ),
            RequestCase(
                "backup_type invalid before backup_id twice",
                Target.offsite("backup_id=a&backup_id=b&backup_type=manual&\(i)"),
                400,
                Expected.rds(typeChoice)
            ),
            RequestCase(
                "backup_type absent before offset",
                Target.offsite("offset=-1&limit=0&\(i)"),
                400,
                Expected.rds(typeMandatory)
            ),
            RequestCase(
                "backup_id twice before offset",
                Target.offsite("offset=-1&backup_id=a&backup_id=b&\(i)&backup_type=auto"),
                400,
                Expected.rds(m.once("backup_id"))
            ),
            RequestCase(
                "offset before limit",
                Target.offsite("limit=0&offset=-1&\(i)&backup_type=auto"),
                400,
                Expected.rds(m.offset)
            ),
            RequestCase(
                "limit before begin_time",
                Target.offsite("begin_time=x&limit=0&\(i)&backup_type=auto"),
                400,
                Expected.rds(m.limit)
            ),
            RequestCase(
                "begin_time before end_time",
                Target.offsite("end_time=x&begin_time=y&\(i)&backup_type=auto"),
                400,
                Expected.rds(m.beginFormat)
            ),
            RequestCase(
                "malformed end_time before the pairing",
                Target.offsite("end_time=x&\(i)&backup_type=auto"),
                400,
                Expected.rds(m.endFormat)
            ),
            RequestCase(
                "pairing before the lookup",
                Target.offsite("\(begin)&instance_id=nosuch&backup_type=auto"),
                400,
                Expected.rds(m.endMandatory)
            ),
            RequestCase(
                "order of the times before the lookup",
                Target.offsite("begin_time=2022-12-03T00:00:00Z&\(end)&instance_id=nosuch&backup_type=auto"),
                400,
                Expected.rds(m.endNotLater)
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
            expectNotAuthorized(try await client.send(Target.offsite("", project: unknownProject)))
            expectNotAuthorized(try await client.send(Target.offsite(Self.sqlServerAuto, project: unknownProject)))
        }
    }
}
