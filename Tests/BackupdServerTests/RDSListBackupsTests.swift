import BackupdAPI
import BackupdTestSupport
import HummingbirdTesting
import Testing

/// Route A, `GET /v3/{project_id}/backups` (api.md §2), against the example seed.
@Suite struct RDSListBackupsTests {
    static let instance = "instance_id=\(Acme.mysqlInstance)"

    /// The home backups of `rds-mysql-a48e` (offsite copy excluded) in the documented order:
    /// newest `begin_time` first (as instants), ties by id. `4dcd…` (`2018-09-01T00:00:00+0800`)
    /// and `b4be…` (`2018-08-31T16:00:00+0000`) are the same instant.
    static let a48e: [(id: String, type: String, status: String)] = [
        ("55ebe3ab87bb9aec265ab059e898dadfbr01", "auto", "BUILDING"),
        ("53f9783c8279b731907798a19f352c17br01", "fragment", "COMPLETED"),
        ("075520be519d7aeed2bb48a99bf46ec7br01", "manual", "FAILED"),
        ("a6af17ef80d7a6c24bb442040b2b21c7br01", "auto", "COMPLETED"),
        ("c1c734497e4503ffdc670cf7305c0d06br01", "incremental", "BUILDING"),
        ("157a2cbdce14a3e822c0f626b10ddd7fbr01", "incremental", "COMPLETED"),
        ("f4aba0e66b7811913a42dec1c8f5a701br01", "auto", "COMPLETED"),
        ("4dcd72a036117713002d578d27a5bcf0br01", "manual", "COMPLETED"),
        ("b4be3e793b644e92265213cdccb4ceb4br01", "auto", "COMPLETED"),
        ("fcbd6e98596f1a2730d86ea6e43d2609br01", "auto", "DELETING"),
        ("44e48607a0ad8eb177fa76b8e92c7643br01", "auto", "COMPLETED"),
        ("19e470a6e6d071f9d34858e603cce3ebbr01", "auto", "COMPLETED"),
        ("7d9ad7f9c97ae58cd9d003f200bf3993br01", "incremental", "FAILED"),
        ("c7e8b36e0c715db05c20db90ccfe9dd7br01", "fragment", "COMPLETED"),
        ("205071e29cf4a3cf45b88fadd54f1a4bbr01", "manual", "COMPLETED"),
        ("6510ce2d0c11e6ec2b8fbe7913a7e994br01", "incremental", "COMPLETED"),
        ("43e4feaab48f11e89039fa163ebaa7e4br01", "auto", "COMPLETED"),
        ("eff8f56354b5edfa9cd507308c757c61br01", "incremental", "COMPLETED"),
        ("a3e501c9d1aeac08f3cddaf474b55d23br01", "fragment", "COMPLETED"),
        ("abb1627c0310db2cf3b93b1943a27598br01", "auto", "COMPLETED"),
        ("6f3580cab7192fef0708a0d0e5067adfbr01", "auto", "COMPLETED"),
        ("dbf3f7c6c2083efd3cf148808ea6908fbr01", "manual", "COMPLETED"),
        ("f804d111f58f91e725bcd6f6a41c0642br01", "auto", "FAILED"),
        ("78000e8fae49abb3d0e61740a28e32fabr01", "auto", "COMPLETED"),
        ("6e2abda58284aa202af34be7e082d9e5br01", "auto", "COMPLETED"),
    ]
    static var a48eIDs: [String] { a48e.map(\.id) }

    /// The window of the page's example, `[2018-08-06T10:41:14+0800, 2018-08-16T10:41:14+0800]`.
    static let exampleWindow = "begin_time=2018-08-06T10:41:14+0800&end_time=2018-08-16T10:41:14+0800"
    /// What it selects without `backup_type`: the incremental exactly on the start is in,
    /// the auto backup one second after the end is out.
    static let exampleWindowIDs = [
        "7d9ad7f9c97ae58cd9d003f200bf3993br01",
        "c7e8b36e0c715db05c20db90ccfe9dd7br01",
        "205071e29cf4a3cf45b88fadd54f1a4bbr01",
        "6510ce2d0c11e6ec2b8fbe7913a7e994br01",
        "43e4feaab48f11e89039fa163ebaa7e4br01",
        "eff8f56354b5edfa9cd507308c757c61br01",
    ]

    // MARK: Defaults, order, paging

    @Test func withoutOptionalParametersListsEveryHomeBackupNewestFirst() async throws {
        try await withExampleServer { client in
            let response = try await client.send(Target.rdsList(Self.instance))
            #expect(response.status == 200)
            expectStandardHeaders(response)
            #expect(try response.json.keys == ["backups", "total_count"])
            // The cross-region copy 7418…br01 of this instance is not listed here.
            #expect(try response.page() == ListPage(ids: Self.a48eIDs, total: 25))
        }
    }

    @Test(arguments: [1, 2, 3, 4, 7, 10, 24, 25, 100])
    func pagingVisitsEveryRecordExactlyOnceInOrder(limit: Int) async throws {
        try await withExampleServer { client in
            var seen: [String] = []
            var offset = 0
            while offset < 25 {
                let response = try await client.send(Target.rdsList("\(Self.instance)&offset=\(offset)&limit=\(limit)"))
                #expect(response.status == 200)
                let page = try response.page()
                #expect(page.total == 25)
                #expect(page.ids.count == min(limit, 25 - offset))
                seen += page.ids
                offset += limit
            }
            #expect(seen == Self.a48eIDs)
            #expect(Set(seen).count == 25)
        }
    }

    @Test func pagingAFilteredListKeepsTheFilteredTotal() async throws {
        let autos = Self.a48e.filter { $0.type == "auto" }.map(\.id)
        #expect(autos.count == 13)
        try await withExampleServer { client in
            var seen: [String] = []
            for offset in stride(from: 0, to: 16, by: 4) {
                let response = try await client.send(
                    Target.rdsList("\(Self.instance)&backup_type=auto&limit=4&offset=\(offset)")
                )
                let page = try response.page()
                #expect(page.total == 13)
                seen += page.ids
            }
            #expect(seen == autos)
        }
    }

    @Test func offsetAtOrPastTheEndGivesAnEmptyListWithTheFullTotal() async throws {
        try await withExampleServer { client in
            for offset in ["25", "26", "1000", "2147483647"] {
                let response = try await client.send(Target.rdsList("\(Self.instance)&offset=\(offset)"))
                #expect(response.status == 200)
                #expect(try response.page() == ListPage(ids: [], total: 25), "offset=\(offset)")
            }
            let last = try await client.send(Target.rdsList("\(Self.instance)&offset=24"))
            #expect(try last.page() == ListPage(ids: [Self.a48eIDs[24]], total: 25))
        }
    }

    @Test func integersMayHaveLeadingZeros() async throws {
        try await withExampleServer { client in
            let response = try await client.send(Target.rdsList("\(Self.instance)&offset=0010&limit=0003"))
            #expect(response.status == 200)
            #expect(try response.page() == ListPage(ids: Array(Self.a48eIDs[10..<13]), total: 25))
            let hundred = try await client.send(Target.rdsList("\(Self.instance)&limit=000000000100&offset=00"))
            #expect(try hundred.page() == ListPage(ids: Self.a48eIDs, total: 25))
        }
    }

    /// 105 backups of one new MySQL instance: the default `limit` is 100, and each pair of
    /// records shares one instant (written once in `+0000` and once in `+0800`).
    static let bulkInstance = "bulkbulkbulkbulkbulkbulkbulkbulkin01"
    static let bulkSeed: String = {
        var backups: [String] = []
        for index in 0..<105 {
            let minute = index / 2
            let time =
                index % 2 == 0
                ? "2021-01-01T00:\(pad(minute)):00+0000" : "2021-01-01T08:\(pad(minute)):00+0800"
            backups.append(
                """
                {"instance_id": "\(bulkInstance)", "id": "bulk-\(pad(index, 3))", "name": "b\(index)", "type": "auto",
                 "status": "COMPLETED", "size": \(index), "begin_time": "\(time)", "end_time": "\(time)"}
                """
            )
        }
        return """
            {"instances": [{"id": "\(bulkInstance)", "project_id": "\(Acme.cnNorth4)", "service": "rds",
              "name": "bulk", "datastore": {"type": "MySQL", "version": "8.0"}}],
             "backups": [\(backups.joined(separator: ",\n"))]}
            """
    }()
    /// Newest minute first; inside a minute the even (`+0000`) id sorts before the odd one.
    static let bulkOrder: [String] = stride(from: 52, through: 0, by: -1).flatMap { minute in
        [2 * minute, 2 * minute + 1].filter { $0 < 105 }.map { "bulk-\(pad($0, 3))" }
    }

    @Test func defaultLimitIsOneHundred() async throws {
        try await withServer(store: try await exampleStore(adding: Self.bulkSeed)) { client in
            let first = try await client.send(Target.rdsList("instance_id=\(Self.bulkInstance)"))
            #expect(first.status == 200)
            #expect(try first.page() == ListPage(ids: Array(Self.bulkOrder.prefix(100)), total: 105))
            let rest = try await client.send(Target.rdsList("instance_id=\(Self.bulkInstance)&offset=100"))
            #expect(try rest.page() == ListPage(ids: Array(Self.bulkOrder.suffix(5)), total: 105))
            let explicit = try await client.send(Target.rdsList("instance_id=\(Self.bulkInstance)&limit=100"))
            #expect(try explicit.page().ids.count == 100)
            let tooMany = try await client.send(Target.rdsList("instance_id=\(Self.bulkInstance)&limit=101"))
            expectResponse(tooMany, status: 400, body: Expected.rds(RDSMessages.limit))
            // An empty `limit` is absent: the default applies.
            let empty = try await client.send(Target.rdsList("instance_id=\(Self.bulkInstance)&limit="))
            #expect(try empty.page().ids.count == 100)
        }
    }

    @Test func tiesOnBeginTimeWrittenInTwoOffsetsGoByIDAndKeepTheirText() async throws {
        try await withExampleServer { client in
            // One second wide, both ends inclusive, written in a third offset.
            let response = try await client.send(
                Target.rdsList("\(Self.instance)&begin_time=2018-08-31T11:00:00-0500&end_time=2018-08-31T16:00:01Z")
            )
            let items = try response.items()
            #expect(
                items.map { $0["id"]?.stringValue } == [
                    "4dcd72a036117713002d578d27a5bcf0br01", "b4be3e793b644e92265213cdccb4ceb4br01",
                ]
            )
            #expect(
                items.map { $0["begin_time"]?.stringValue } == [
                    "2018-09-01T00:00:00+0800", "2018-08-31T16:00:00+0000",
                ]
            )
            // Page by page, the tie neither overlaps nor skips.
            let window = "begin_time=2018-08-31T16:00:00Z&end_time=2018-09-01T00:00:01+0800"
            let first = try await client.send(Target.rdsList("\(Self.instance)&\(window)&limit=1"))
            let second = try await client.send(Target.rdsList("\(Self.instance)&\(window)&limit=1&offset=1"))
            #expect(try first.page() == ListPage(ids: ["4dcd72a036117713002d578d27a5bcf0br01"], total: 2))
            #expect(try second.page() == ListPage(ids: ["b4be3e793b644e92265213cdccb4ceb4br01"], total: 2))
        }
    }

    @Test func tiesGoByIDComparingBytes() async throws {
        // Same begin_time for every record: the order is the ids' ASCII/UTF-8 bytes ascending,
        // so "10" < "9", upper case before "_" before lower case, and "é" last.
        let ids = ["beta", "9", "alpha", "_under", "Zulu", "10", "Alpha", "\u{E9}clair"]
        let backups = ids.map {
            """
            {"instance_id": "\(Acme.mysqlProd)", "id": "\($0)", "name": "tie", "type": "manual", "status": "COMPLETED",
             "size": 1, "begin_time": "2030-01-01T00:00:00+0000", "end_time": "2030-01-01T00:01:00+0000"}
            """
        }
        let store = try await exampleStore(adding: #"{"backups": [\#(backups.joined(separator: ","))]}"#)
        try await withServer(store: store) { client in
            let response = try await client.send(
                Target.rdsList("instance_id=\(Acme.mysqlProd)&begin_time=2030-01-01T00:00:00Z&end_time=2030-01-02T00:00:00Z")
            )
            #expect(
                try response.page()
                    == ListPage(
                        ids: ["10", "9", "Alpha", "Zulu", "_under", "alpha", "beta", "\u{E9}clair"],
                        total: 8
                    )
            )
        }
    }

    // MARK: Time window

    @Test func exampleWindowWithoutTypeSelectsSixIncludingTheStartBoundary() async throws {
        try await withExampleServer { client in
            let response = try await client.send(Target.rdsList("\(Self.instance)&\(Self.exampleWindow)"))
            #expect(response.status == 200)
            #expect(try response.page() == ListPage(ids: Self.exampleWindowIDs, total: 6))
        }
    }

    @Test func windowIsInclusiveAtBothEnds() async throws {
        try await withExampleServer { client in
            // Moving the end one second later takes in 19e4… (2018-08-16T02:41:15+0000).
            let wider = try await client.send(
                Target.rdsList("\(Self.instance)&begin_time=2018-08-06T10:41:14+0800&end_time=2018-08-16T10:41:15+0800")
            )
            #expect(
                try wider.page()
                    == ListPage(
                        ids: ["19e470a6e6d071f9d34858e603cce3ebbr01"] + Self.exampleWindowIDs,
                        total: 7
                    )
            )
            // Moving the start one second later leaves out eff8… (2018-08-06T10:41:14+0800).
            let narrower = try await client.send(
                Target.rdsList("\(Self.instance)&begin_time=2018-08-06T10:41:15+0800&end_time=2018-08-16T10:41:14+0800")
            )
            #expect(try narrower.page() == ListPage(ids: Array(Self.exampleWindowIDs.dropLast()), total: 5))
            // A one-second window whose end is exactly a record's begin_time.
            let onEnd = try await client.send(
                Target.rdsList("\(Self.instance)&begin_time=2018-08-16T02:41:14Z&end_time=2018-08-16T02:41:15Z")
            )
            #expect(try onEnd.page() == ListPage(ids: ["19e470a6e6d071f9d34858e603cce3ebbr01"], total: 1))
        }
    }

    @Test(arguments: [
        "begin_time=2018-08-06T02:41:14Z&end_time=2018-08-16T02:41:14Z",
        "begin_time=2018-08-06T02:41:14+0000&end_time=2018-08-16T02:41:14-0000",
        "begin_time=2018-08-05T18:41:14-0800&end_time=2018-08-16T16:11:14%2B1330",
        "begin_time=2018-08-06T10:41:14%2B0800&end_time=2018-08-16T10:41:14%2b0800",
        "begin_time=2018-08-05T02:42:14-2359&end_time=2018-08-17T02:40:14+2359",
    ])
    func windowCompareInstantsWhateverTheOffset(window: String) async throws {
        try await withExampleServer { client in
            let response = try await client.send(Target.rdsList("\(Self.instance)&\(window)"))
            #expect(response.status == 200, "\(response.body)")
            #expect(try response.page() == ListPage(ids: Self.exampleWindowIDs, total: 6))
        }
    }

    @Test func leapDaysAreRealDates() async throws {
        try await withExampleServer { client in
            for window in [
                "begin_time=2020-02-29T00:00:00Z&end_time=2020-03-01T00:00:00Z",
                "begin_time=2000-02-29T23:59:59+0000&end_time=2000-03-01T00:00:00+0000",
            ] {
                let response = try await client.send(Target.rdsList("\(Self.instance)&\(window)"))
                try expectResponse(response, status: 200, json: #"{"backups": [], "total_count": 0}"#)
            }
        }
    }

    @Test func thePagesLiteralExampleRequestFindsTheMySQLProdBackup() async throws {
        try await withExampleServer { client in
            let response = try await client.send(
                "/v3/0483b6b16e954cb88930a360d2c4e663/backups?instance_id=43e4feaab48f11e89039fa163ebaa7e4in01&backup_id=c0c9f155c7b7423a9d30f0175998b63bbr01&backup_type=auto&offset=0&limit=10&begin_time=2018-08-06T10:41:14+0800&end_time=2018-08-16T10:41:14+0800"
            )
            try expectResponse(
                response,
                status: 200,
                json: """
                    {"backups": [{
                      "id": "c0c9f155c7b7423a9d30f0175998b63bbr01", "name": "mysql-prod-20180810030000", "type": "auto",
                      "size": 51210, "status": "COMPLETED", "begin_time": "2018-08-10T03:00:00+0800",
                      "end_time": "2018-08-10T03:09:41+0800", "datastore": {"type": "MySQL", "version": "5.7"},
                      "instance_id": "43e4feaab48f11e89039fa163ebaa7e4in01", "associated_with_ddm": false}],
                     "total_count": 1}
                    """
            )
        }
    }

    // MARK: Filters

    @Test(arguments: ["auto", "manual", "fragment", "incremental"])
    func backupTypeFiltersOnTheStoredType(type: String) async throws {
        let expected = Self.a48e.filter { $0.type == type }.map(\.id)
        try await withExampleServer { client in
            let response = try await client.send(Target.rdsList("\(Self.instance)&backup_type=\(type)"))
            #expect(try response.page() == ListPage(ids: expected, total: Int64(expected.count)))
            for item in try response.items() {
                #expect(item["type"] == .string(type))
            }
        }
    }

    @Test(arguments: ["BUILDING", "COMPLETED", "FAILED"])
    func statusFiltersEveryRecord(status: String) async throws {
        let expected = Self.a48e.filter { $0.status == status }.map(\.id)
        try await withExampleServer { client in
            let response = try await client.send(Target.rdsList("\(Self.instance)&status=\(status)"))
            #expect(try response.page() == ListPage(ids: expected, total: Int64(expected.count)))
        }
    }

    @Test func filtersCombineWithAnd() async throws {
        try await withExampleServer { client in
            let autoFailed = try await client.send(Target.rdsList("\(Self.instance)&backup_type=auto&status=FAILED"))
            #expect(try autoFailed.page() == ListPage(ids: ["f804d111f58f91e725bcd6f6a41c0642br01"], total: 1))
            let incrementalInWindow = try await client.send(
                Target.rdsList("\(Self.instance)&backup_type=incremental&status=COMPLETED&\(Self.exampleWindow)")
            )
            #expect(
                try incrementalInWindow.page()
                    == ListPage(
                        ids: ["6510ce2d0c11e6ec2b8fbe7913a7e994br01", "eff8f56354b5edfa9cd507308c757c61br01"],
                        total: 2
                    )
            )
            let idAndType = try await client.send(
                Target.rdsList("\(Self.instance)&backup_id=205071e29cf4a3cf45b88fadd54f1a4bbr01&backup_type=auto")
            )
            #expect(try idAndType.page() == ListPage(ids: [], total: 0))
        }
    }

    @Test func backupIDMatchesExactlyAndOnlyThisInstancesHomeBackups() async throws {
        try await withExampleServer { client in
            let found = try await client.send(
                Target.rdsList("\(Self.instance)&backup_id=205071e29cf4a3cf45b88fadd54f1a4bbr01")
            )
            try expectResponse(
                found,
                status: 200,
                json: """
                    {"backups": [{
                      "id": "205071e29cf4a3cf45b88fadd54f1a4bbr01", "name": "rds-mysql-a48e-20180809112000010",
                      "type": "manual", "size": 2820, "status": "COMPLETED", "begin_time": "2018-08-09T11:20:00+0800",
                      "end_time": "2018-08-09T11:22:17+0800", "datastore": {"type": "MySQL", "version": "5.7"},
                      "instance_id": "a48e43ff268f4c0e879652d65e63d0fbin01", "associated_with_ddm": true}],
                     "total_count": 1}
                    """
            )
            for other in [
                "c0c9f155c7b7423a9d30f0175998b63bbr01",  // a backup of mysql-prod
                "741860b060bb140e8089c0e13773e8d7br01",  // this instance's cross-region copy
                "205071E29CF4A3CF45B88FADD54F1A4BBR01",  // case differs
                "205071e29cf4a3cf45b88fadd54f1a4b",  // a prefix
                "no-such-backup",
            ] {
                let response = try await client.send(Target.rdsList("\(Self.instance)&backup_id=\(other)"))
                try expectResponse(response, status: 200, json: #"{"backups": [], "total_count": 0}"#)
            }
        }
    }

    // MARK: Field presence per engine

    @Test func postgreSQLBackupsHaveNeitherDatabasesNorAssociatedWithDDM() async throws {
        try await withExampleServer { client in
            let response = try await client.send(Target.rdsList("instance_id=\(Acme.postgresInstance)"))
            // 414528db…br03 is a cross-region copy of the same instance and is not listed here.
            try expectResponse(
                response,
                status: 200,
                json: """
                    {"backups": [{
                      "id": "4aa0505e58213ad958b6d72e46cc5ee5br03", "name": "rds-pg-b7c6-20180806124114",
                      "type": "auto", "size": 2803, "status": "COMPLETED", "begin_time": "2018-08-06T12:41:14+0800",
                      "end_time": "2018-08-06T12:43:14+0800", "datastore": {"type": "PostgreSQL", "version": "9.6"},
                      "instance_id": "b7c6d5e4f3a2419087f6e5d4c3b2a190in03"}],
                     "total_count": 1}
                    """
            )
        }
    }

    @Test func sqlServerBackupsCarryDatabasesAndKeepTheirManualType() async throws {
        try await withExampleServer { client in
            let response = try await client.send(
                Target.rdsList("instance_id=\(Acme.sqlServerInstance)", project: Acme.apSoutheast1)
            )
            try expectResponse(
                response,
                status: 200,
                json: """
                    {"backups": [{
                      "id": "145e1b8474ec8568b55e67374a539ea4br04", "name": "sqlserver-rds-1784-20221201062000123",
                      "type": "manual", "size": 5890, "status": "COMPLETED",
                      "databases": [{"name": "db_sales"}, {"name": "db_hr"}],
                      "begin_time": "2022-12-01T06:20:00+0000", "end_time": "2022-12-01T06:24:11+0000",
                      "datastore": {"type": "sqlserver", "version": "2019_SE"},
                      "instance_id": "ad4ee2b80adb430082d8336d7da2e14din04"}],
                     "total_count": 1}
                    """
            )
        }
    }

    @Test func mySQLBackupsAlwaysCarryAssociatedWithDDM() async throws {
        try await withExampleServer { client in
            let response = try await client.send(Target.rdsList(Self.instance))
            for item in try response.items() {
                #expect(
                    item.keys == [
                        "id", "name", "type", "size", "status", "begin_time", "end_time", "datastore", "instance_id",
                        "associated_with_ddm",
                    ]
                )
            }
            let ddmNode = try await client.send(
                Target.rdsList("instance_id=\(Acme.ddmDataNode)", project: Acme.apSoutheast3)
            )
            try expectResponse(
                ddmNode,
                status: 200,
                json: """
                    {"backups": [{
                      "id": "468939b72e73b7e0dece329b2ccd0414br01",
                      "name": "mysql_rds_related_ddm_for_diagnose3_01-20250520054000", "type": "auto", "size": 10452,
                      "status": "COMPLETED", "begin_time": "2025-05-20T05:40:00+0800", "end_time": "2025-05-20T05:43:02+0800",
                      "datastore": {"type": "MySQL", "version": "8.0"},
                      "instance_id": "fc33739e5d2741529e21d87a7b5923fain01", "associated_with_ddm": true}],
                     "total_count": 1}
                    """
            )
        }
    }

    @Test func recordDatastoreWinsAndMissingAssociatedWithDDMIsFalse() async throws {
        let extra = """
            {"backups": [
              {"instance_id": "\(Acme.mysqlProd)", "id": "own-datastore", "name": "upgraded", "type": "manual",
               "status": "COMPLETED", "size": 7, "begin_time": "2019-01-01T00:00:00+0000",
               "end_time": "2019-01-01T00:05:00+0000", "datastore": {"type": "MySQL", "version": "8.0"}}
            ]}
            """
        try await withServer(store: try await exampleStore(adding: extra)) { client in
            let response = try await client.send(
                Target.rdsList("instance_id=\(Acme.mysqlProd)&backup_id=own-datastore")
            )
            try expectResponse(
                response,
                status: 200,
                json: """
                    {"backups": [{
                      "id": "own-datastore", "name": "upgraded", "type": "manual", "size": 7, "status": "COMPLETED",
                      "begin_time": "2019-01-01T00:00:00+0000", "end_time": "2019-01-01T00:05:00+0000",
                      "datastore": {"type": "MySQL", "version": "8.0"},
                      "instance_id": "43e4feaab48f11e89039fa163ebaa7e4in01", "associated_with_ddm": false}],
                     "total_count": 1}
                    """
            )
        }
    }

    @Test func anotherAccountsInstanceIsVisibleOnlyFromItsOwnProject() async throws {
        try await withExampleServer { client in
            let own = try await client.send(
                Target.rdsList("instance_id=\(Globex.mysqlInstance)", project: Globex.cnNorth4),
                as: .carol
            )
            #expect(try own.page() == ListPage(ids: ["a4142b3edb605f152a13dbd15179aad8br01"], total: 1))
            let foreign = try await client.send(Target.rdsList("instance_id=\(Globex.mysqlInstance)"))
            expectResponse(foreign, status: 404, body: Expected.instanceNotFound)
        }
    }

    // MARK: Errors

    static let errorCases: [RequestCase] = {
        let i = instance
        let validBegin = "begin_time=2018-08-06T10:41:14+0800"
        let validEnd = "end_time=2018-08-16T10:41:14+0800"
        let m = RDSMessages.self
        return [
            // instance_id
            RequestCase("instance_id absent", Target.rdsList(""), 400, Expected.rds(m.instanceMandatory)),
            RequestCase("instance_id empty", Target.rdsList("instance_id="), 400, Expected.rds(m.instanceMandatory)),
            RequestCase("instance_id without =", Target.rdsList("instance_id"), 400, Expected.rds(m.instanceMandatory)),
            RequestCase(
                "instance_id upper-case name",
                Target.rdsList("INSTANCE_ID=\(Acme.mysqlInstance)"),
                400,
                Expected.rds(m.instanceMandatory)
            ),
            RequestCase(
                "instance_id twice",
                Target.rdsList("\(i)&\(i)"),
                400,
                Expected.rds(m.once("instance_id"))
            ),
            // backup_id
            RequestCase(
                "backup_id twice",
                Target.rdsList("\(i)&backup_id=a&backup_id=b"),
                400,
                Expected.rds(m.once("backup_id"))
            ),
            // backup_type
            RequestCase("backup_type AUTO", Target.rdsList("\(i)&backup_type=AUTO"), 400, Expected.rds(m.backupType)),
            RequestCase("backup_type full", Target.rdsList("\(i)&backup_type=full"), 400, Expected.rds(m.backupType)),
            RequestCase(
                "backup_type with blank",
                Target.rdsList("\(i)&backup_type=auto%20"),
                400,
                Expected.rds(m.backupType)
            ),
            RequestCase(
                "backup_type list",
                Target.rdsList("\(i)&backup_type=auto,manual"),
                400,
                Expected.rds(m.backupType)
            ),
            RequestCase(
                "backup_type twice",
                Target.rdsList("\(i)&backup_type=auto&backup_type=auto"),
                400,
                Expected.rds(m.once("backup_type"))
            ),
            // status
            RequestCase("status DELETING", Target.rdsList("\(i)&status=DELETING"), 400, Expected.rds(m.status)),
            RequestCase("status lower-case", Target.rdsList("\(i)&status=completed"), 400, Expected.rds(m.status)),
            RequestCase(
                "status twice",
                Target.rdsList("\(i)&status=FAILED&status=COMPLETED"),
                400,
                Expected.rds(m.once("status"))
            ),
            // offset
            RequestCase(
                "offset twice",
                Target.rdsList("\(i)&offset=1&offset=1"),
                400,
                Expected.rds(m.once("offset"))
            ),
            // limit
            RequestCase("limit 0", Target.rdsList("\(i)&limit=0"), 400, Expected.rds(m.limit)),
            RequestCase("limit 000", Target.rdsList("\(i)&limit=000"), 400, Expected.rds(m.limit)),
            RequestCase("limit 101", Target.rdsList("\(i)&limit=101"), 400, Expected.rds(m.limit)),
            RequestCase("limit 2147483647", Target.rdsList("\(i)&limit=2147483647"), 400, Expected.rds(m.limit)),
            RequestCase("limit twice", Target.rdsList("\(i)&limit=5&limit=6"), 400, Expected.rds(m.once("limit"))),
            // times
            RequestCase(
                "begin_time without end_time",
                Target.rdsList("\(i)&\(validBegin)"),
                400,
                Expected.rds(m.endMandatory)
            ),
            RequestCase(
                "end_time without begin_time",
                Target.rdsList("\(i)&\(validEnd)"),
                400,
                Expected.rds(m.beginMandatory)
            ),
            RequestCase(
                "begin_time with empty end_time",
                Target.rdsList("\(i)&\(validBegin)&end_time="),
                400,
                Expected.rds(m.endMandatory)
            ),
            RequestCase(
                "end_time equal to begin_time",
                Target.rdsList("\(i)&begin_time=2018-08-06T10:41:14+0800&end_time=2018-08-06T02:41:14Z"),
                400,
                Expected.rds(m.endNotLater)
            ),
            RequestCase(
                "end_time before begin_time",
                Target.rdsList("\(i)&begin_time=2018-08-16T10:41:14+0800&end_time=2018-08-06T10:41:14+0800"),
                400,
                Expected.rds(m.endNotLater)
            ),
            RequestCase(
                "end_time later as text but earlier as instant",
                Target.rdsList("\(i)&begin_time=2018-08-06T10:00:00-0100&end_time=2018-08-06T10:30:00+0000"),
                400,
                Expected.rds(m.endNotLater)
            ),
            RequestCase(
                "begin_time twice",
                Target.rdsList("\(i)&\(validBegin)&\(validBegin)&\(validEnd)"),
                400,
                Expected.rds(m.once("begin_time"))
            ),
            RequestCase(
                "end_time twice",
                Target.rdsList("\(i)&\(validBegin)&\(validEnd)&\(validEnd)"),
                400,
                Expected.rds(m.once("end_time"))
            ),
            // lookup
            RequestCase(
                "unknown instance",
                Target.rdsList("instance_id=00000000000000000000000000000000in01"),
                404,
                Expected.instanceNotFound
            ),
            RequestCase(
                "a DCS instance id",
                Target.rdsList("instance_id=\(Acme.redisInstance)"),
                404,
                Expected.instanceNotFound
            ),
            // A TaurusDB or DDM instance id now goes to that service's list (`docs/lifecycle.md` §2).
            RequestCase(
                "an RDS instance of another project of the account",
                Target.rdsList("instance_id=\(Acme.sqlServerInstance)"),
                404,
                Expected.instanceNotFound
            ),
            RequestCase(
                "an RDS instance from the billing sub-project",
                Target.rdsList(i, project: Acme.billing),
                404,
                Expected.instanceNotFound
            ),
            RequestCase(
                "the globex instance from the acme project",
                Target.rdsList("instance_id=\(Globex.mysqlInstance)"),
                404,
                Expected.instanceNotFound
            ),
            RequestCase(
                "an acme instance from the globex project",
                Target.rdsList(i, project: Globex.cnNorth4),
                404,
                Expected.instanceNotFound,
                as: .carol
            ),
            RequestCase(
                "a backup id as instance_id",
                Target.rdsList("instance_id=43e4feaab48f11e89039fa163ebaa7e4br01"),
                404,
                Expected.instanceNotFound
            ),
            RequestCase(
                "instance id in upper case",
                Target.rdsList("instance_id=\(Acme.mysqlInstance.uppercased())"),
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
            let offset = try await client.send(Target.rdsList("\(Self.instance)&offset=\(value.raw)"))
            expectResponse(offset, status: 400, body: Expected.rds(RDSMessages.offset))
            let limit = try await client.send(Target.rdsList("\(Self.instance)&limit=\(value.raw)"))
            expectResponse(limit, status: 400, body: Expected.rds(RDSMessages.limit))
        }
    }

    @Test(arguments: Grammar.malformedOffsetTimes)
    func timesFollowTheTimeGrammar(_ value: RawValue) async throws {
        try await withExampleServer { client in
            let begin = try await client.send(
                Target.rdsList("\(Self.instance)&begin_time=\(value.raw)&end_time=2018-08-16T10:41:14+0800")
            )
            expectResponse(begin, status: 400, body: Expected.rds(RDSMessages.beginFormat))
            let end = try await client.send(
                Target.rdsList("\(Self.instance)&begin_time=2018-08-06T10:41:14+0800&end_time=\(value.raw)")
            )
            expectResponse(end, status: 400, body: Expected.rds(RDSMessages.endFormat))
        }
    }

    /// Two problems in one request: the one earlier in the table's order is reported,
    /// whatever the order of the parameters in the query string.
    static let orderCases: [RequestCase] = {
        let i = instance
        let m = RDSMessages.self
        let begin = "begin_time=2018-08-06T10:41:14+0800"
        let end = "end_time=2018-08-16T10:41:14+0800"
        return [
            RequestCase(
                "instance_id absent before backup_type",
                Target.rdsList("backup_type=bad&limit=0"),
                400,
                Expected.rds(m.instanceMandatory)
            ),
            RequestCase(
                "instance_id twice before backup_type",
                Target.rdsList("backup_type=bad&\(i)&instance_id=\(Acme.mysqlProd)"),
                400,
                Expected.rds(m.once("instance_id"))
            ),
            RequestCase(
                "backup_id twice right after instance_id, before backup_type",
                Target.rdsList("backup_type=bad&status=bad&backup_id=x&backup_id=y&\(i)"),
                400,
                Expected.rds(m.once("backup_id"))
            ),
            RequestCase(
                "backup_type before status",
                Target.rdsList("status=bad&backup_type=bad&\(i)"),
                400,
                Expected.rds(m.backupType)
            ),
            RequestCase(
                "backup_type twice before status",
                Target.rdsList("status=bad&backup_type=auto&backup_type=manual&\(i)"),
                400,
                Expected.rds(m.once("backup_type"))
            ),
            RequestCase(
                "status before offset",
                Target.rdsList("offset=-1&status=bad&\(i)"),
                400,
                Expected.rds(m.status)
            ),
            RequestCase(
                "status twice before offset",
                Target.rdsList("offset=-1&status=FAILED&status=FAILED&\(i)"),
                400,
                Expected.rds(m.once("status"))
            ),
            RequestCase("offset before limit", Target.rdsList("limit=0&offset=-1&\(i)"), 400, Expected.rds(m.offset)),
            RequestCase(
                "offset twice before limit",
                Target.rdsList("limit=0&offset=1&offset=2&\(i)"),
                400,
                Expected.rds(m.once("offset"))
            ),
            RequestCase(
                "limit before begin_time",
                Target.rdsList("begin_time=bad&limit=0&\(i)"),
                400,
                Expected.rds(m.limit)
            ),
            RequestCase(
                "limit twice before begin_time",
                Target.rdsList("begin_time=bad&limit=1&limit=1&\(i)"),
                400,
                Expected.rds(m.once("limit"))
            ),
            RequestCase(
                "begin_time before end_time",
                Target.rdsList("end_time=bad&begin_time=bad&\(i)"),
                400,
                Expected.rds(m.beginFormat)
            ),
            RequestCase(
                "begin_time twice before end_time",
                Target.rdsList("end_time=bad&\(begin)&\(begin)&\(i)"),
                400,
                Expected.rds(m.once("begin_time"))
            ),
            RequestCase(
                "malformed end_time before the pairing",
                Target.rdsList("end_time=bad&\(i)"),
                400,
                Expected.rds(m.endFormat)
            ),
            RequestCase(
                "end_time twice before the pairing",
                Target.rdsList("\(end)&\(end)&\(i)"),
                400,
                Expected.rds(m.once("end_time"))
            ),
            RequestCase(
                "pairing before the lookup",
                Target.rdsList("\(begin)&instance_id=nosuchinstance"),
                400,
                Expected.rds(m.endMandatory)
            ),
            RequestCase(
                "order of the times before the lookup",
                Target.rdsList("begin_time=2018-08-16T10:41:14+0800&\(end)&instance_id=nosuchinstance"),
                400,
                Expected.rds(m.endNotLater)
            ),
            RequestCase(
                "parameters before the lookup",
                Target.rdsList("instance_id=nosuchinstance&limit=101"),
                400,
                Expected.rds(m.limit)
            ),
            RequestCase(
                "scope before parameters",
                Target.rdsList("limit=0", project: unknownProject),
                403,
                Expected.gateway("APIGW.0302", Expected.notAuthorizedMessage, requestID: "")
            ),
        ]
    }()

    @Test(arguments: orderCases)
    func theEarlierCheckWins(_ example: RequestCase) async throws {
        try await withExampleServer { client in
            let response = try await client.send(example.target, as: example.credential)
            if example.status == 403 {
                expectNotAuthorized(response)
            } else {
                expectResponse(response, status: example.status, body: example.body)
            }
        }
    }
}

/// The `error_msg` texts of api.md §2 (and §3, which shares them).
enum RDSMessages {
    static let instanceMandatory = "Parameter error. instance_id is mandatory."
    static let backupType = "Parameter error. backup_type must be one of auto, manual, fragment, incremental."
    static let status = "Parameter error. status must be one of BUILDING, COMPLETED, FAILED."
    static let offset = "Parameter error. offset must be an integer from 0 to 2147483647."
    static let limit = "Parameter error. limit must be an integer from 1 to 100."
    static let beginFormat =
        "Parameter error. begin_time must be in the yyyy-mm-ddThh:mm:ssZ format, for example 2018-08-06T10:41:14+0800."
    static let endFormat =
        "Parameter error. end_time must be in the yyyy-mm-ddThh:mm:ssZ format, for example 2018-08-16T10:41:14+0800."
    static let endMandatory = "Parameter error. end_time is mandatory when begin_time is given."
    static let beginMandatory = "Parameter error. begin_time is mandatory when end_time is given."
    static let endNotLater = "Parameter error. end_time must be later than begin_time."
    static func once(_ name: String) -> String { "Parameter error. \(name) must be given only once." }
}

/// Zero-pads `value` to `width` digits.
func pad(_ value: Int, _ width: Int = 2) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
}
