import BackupdAPI
import BackupdCatalog
import BackupdTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

/// RDS cross-region policies and copies through the real application over the example seed, the
/// catalog clock frozen at T0 (`lifecycle.md` §11): W6 (§3.6, §4.5), W7 (§4.5), the shared path of
/// `…/offsite-policy` (§2), and the copies of full backups in the destination project (§8.3).
/// Copies of incrementals are not served yet (`docs/lifecycle.md`), so they are not tested here.
@Suite struct OffsitePolicyTests {
    static let mysql = Acme.mysqlInstance
    static let sqlServer = Acme.sqlServerInstance
    static let unknownInstance = "ffffffffffffffffffffffffffffffffin01"

    enum Seeded {
        /// `a48e…in01`'s seeded copy held in ap-southeast-1.
        static let mysqlCopy = "741860b060bb140e8089c0e13773e8d7br01"
        /// `ad4e…in04`'s three seeded copies held in cn-north-4.
        static let sqlServerCopies = [
            "6c8673fad1a1e965943543497e6da9eabr04", "d0ea632a5c32451dbdb157ef5c2ad3ecbr04", "07d6a8ab12304f9aa3f368a6cff21ac9br04",
        ]
    }

    enum Errors {
        static let malformed = Expected.rds("Parameter error. The request body must be a JSON object.")
        static let paraMandatory = Expected.rds("Parameter error. policy_para is mandatory.")
        static let paraNotObject = Expected.rds("Parameter error. policy_para must be an object.")
        static let typeMandatory = Expected.rds("Parameter error. policy_para.backup_type is mandatory.")
        static let typeInvalid = Expected.rds("Parameter error. policy_para.backup_type must be one of auto, incremental, all.")
        static let keepDaysMandatory = Expected.rds("Parameter error. policy_para.keep_days is mandatory.")
        static let keepDays = Expected.service("DBS.201106", "Invalid retention days.")
        static let regionMandatory = Expected.rds("Parameter error. policy_para.destination_region is mandatory.")
        static let regionNotString = Expected.rds("Parameter error. policy_para.destination_region must be a string.")
        static let projectMandatory = Expected.rds("Parameter error. policy_para.destination_project_id is mandatory.")
        static let projectNotString = Expected.rds("Parameter error. policy_para.destination_project_id must be a string.")
        static let sqlServerAll = Expected.rds("Parameter error. SQL Server instances support only backup_type all.")
        static let incrementalNeedsFull = Expected.rds("Parameter error. Cross-region incremental backups need cross-region full backups.")
        static let destination = Expected.rds(
            "Parameter error. destination_project_id must be a project of destination_region in another region of the same account."
        )
    }

    // MARK: - Targets and bodies

    static func offsiteTarget(_ instance: String = mysql, project: String = Acme.cnNorth4) -> String {
        "/v3/\(project)/instances/\(instance)/backups/offsite-policy"
    }
    static let sqlServerTarget = offsiteTarget(sqlServer, project: Acme.apSoutheast1)
    static func backupPolicyTarget(_ instance: String = mysql, project: String = Acme.cnNorth4) -> String {
        "/v3/\(project)/instances/\(instance)/backups/policy"
    }
    /// Route B in `project` for `instance`, full copies.
    static func copies(_ instance: String = mysql, in project: String = Acme.apSoutheast1, _ query: String = "") -> String {
        Target.offsite("instance_id=\(instance)&backup_type=auto" + (query.isEmpty ? "" : "&" + query), project: project)
    }
    /// Route A for `a48e…in01`, records of 2030 only.
    static func homeList(_ query: String) -> String {
        Target.rdsList("instance_id=\(mysql)&begin_time=2030-01-01T00:00:00+0000&end_time=2030-12-31T00:00:00+0000&" + query)
    }

    static func para(_ members: String) -> String { #"{"policy_para": {\#(members)}}"# }
    static func para(_ type: String, keep: Int, region: String? = nil, project: String? = nil) -> String {
        var members = [#""backup_type": "\#(type)""#, #""keep_days": \#(keep)"#]
        if let region { members.append(#""destination_region": "\#(region)""#) }
        if let project { members.append(#""destination_project_id": "\#(project)""#) }
        return para(members.joined(separator: ", "))
    }
    /// The example of §11.1: a48e's backups to ap-southeast-1.
    static let example = para("all", keep: 7, region: "ap-southeast-1", project: Acme.apSoutheast1)
    static let off = #"{"policy_para": [{"keep_days": 0}]}"#
    static let success = #"{"resp": "success"}"#

    static func element(_ type: String, keep: Int, region: String, project: String) -> String {
        #"{"keep_days": \#(keep), "backup_type": "\#(type)", "destination_region": "\#(region)", "destination_project_id": "\#(project)"}"#
    }
    static func shown(_ types: [String], keep: Int, region: String = "ap-southeast-1", project: String = Acme.apSoutheast1) -> String {
        #"{"policy_para": [\#(types.map { element($0, keep: keep, region: region, project: project) }.joined(separator: ", "))]}"#
    }

    /// What a refused W6 must leave as it was.
    static let watched = [
        offsiteTarget(), sqlServerTarget, copies(), copies(sqlServer, in: Acme.cnNorth4), copies(in: Acme.apSoutheast3),
        backupPolicyTarget(),
    ]

    static let dailyAt0815 = #"{"backup_policy": {"keep_days": 7, "start_time": "08:15-09:15", "period": "1,2,3,4,5,6,7"}}"#

    // MARK: - W6 and W7: the example (§4.5, §11.1)

    @Test func theExampleOfW6AndW7() async throws {
        try await withWriteRouteSession { session in
            try expectResponse(try await session.get(Self.offsiteTarget()), status: 200, json: Self.off)
            try expectResponse(try await session.get(Self.sqlServerTarget), status: 200, json: Self.off)
            let response = try await session.send(.put, Self.offsiteTarget(), Self.example)
            try expectResponse(response, status: 200, json: Self.success)
            let shown = try await session.get(Self.offsiteTarget())
            try expectResponse(
                shown,
                status: 200,
                json: """
                    {"policy_para": [
                      {"keep_days": 7, "backup_type": "auto", "destination_region": "ap-southeast-1", "destination_project_id": "5f1e2d3c4b5a69788796a5b4c3d2e1f0"},
                      {"keep_days": 7, "backup_type": "incremental", "destination_region": "ap-southeast-1", "destination_project_id": "5f1e2d3c4b5a69788796a5b4c3d2e1f0"}]}
                    """
            )
            for item in try shown.items("policy_para") {
                #expect(item.keys == ["keep_days", "backup_type", "destination_region", "destination_project_id"])
            }
            // Another instance is untouched.
            try expectResponse(try await session.get(Self.offsiteTarget(Acme.mysqlProd)), status: 200, json: Self.off)
        }
    }

    @Test func sqlServersAllListsManualToo() async throws {
        try await withWriteRouteSession { session in
            try expectResponse(
                try await session.send(.put, Self.sqlServerTarget, Self.para("all", keep: 30, region: "cn-north-4", project: Acme.cnNorth4)),
                status: 200,
                json: Self.success
            )
            try expectResponse(
                try await session.get(Self.sqlServerTarget),
                status: 200,
                json: Self.shown(["auto", "incremental", "manual"], keep: 30, region: "cn-north-4", project: Acme.cnNorth4)
            )
            // PostgreSQL: all turns on auto and incremental.
            try expectResponse(
                try await session.send(
                    .put,
                    Self.offsiteTarget(Acme.postgresInstance),
                    Self.para("all", keep: 1825, region: "ap-southeast-3", project: Acme.apSoutheast3)
                ),
                status: 200,
                json: Self.success
            )
            try expectResponse(
                try await session.get(Self.offsiteTarget(Acme.postgresInstance)),
                status: 200,
                json: Self.shown(["auto", "incremental"], keep: 1825, region: "ap-southeast-3", project: Acme.apSoutheast3)
            )
        }
    }

    @Test func whileAnythingIsOnOnlyTheRetentionChanges() async throws {
        try await withWriteRouteSession { session in
            try expectResponse(
                try await session.send(.put, Self.offsiteTarget(), Self.para("auto", keep: 7, region: "ap-southeast-1", project: Acme.apSoutheast1)),
                status: 200,
                json: Self.success
            )
            try expectResponse(try await session.get(Self.offsiteTarget()), status: 200, json: Self.shown(["auto"], keep: 7))

            // The destination fields are ignored while anything is on, whatever they say.
            let steps: [(String, String)] = [
                (Self.para("incremental", keep: 3, region: "cn-north-4", project: Acme.cnNorth4), Self.shown(["auto", "incremental"], keep: 3)),
                (Self.para("auto", keep: 5, region: "nowhere", project: unknownProject), Self.shown(["auto", "incremental"], keep: 5)),
                (Self.para("incremental", keep: 0), Self.shown(["auto"], keep: 5)),
                (Self.para("all", keep: 2, region: "ap-southeast-3", project: Acme.apSoutheast3), Self.shown(["auto", "incremental"], keep: 2)),
                (Self.para("all", keep: 0, region: "x", project: "y"), Self.off),
            ]
            for (body, expected) in steps {
                try expectResponse(try await session.send(.put, Self.offsiteTarget(), body), status: 200, json: Self.success)
                try expectResponse(try await session.get(Self.offsiteTarget()), status: 200, json: expected)
            }

            // Off again: the destination is checked again, and a new one can be chosen.
            expectResponse(
                try await session.send(.put, Self.offsiteTarget(), Self.para("auto", keep: 7, region: "cn-north-4", project: Acme.cnNorth4)),
                status: 400,
                body: Errors.destination
            )
            try expectResponse(
                try await session.send(.put, Self.offsiteTarget(), Self.para("auto", keep: 4, region: "ap-southeast-3", project: Acme.apSoutheast3)),
                status: 200,
                json: Self.success
            )
            try expectResponse(
                try await session.get(Self.offsiteTarget()),
                status: 200,
                json: Self.shown(["auto"], keep: 4, region: "ap-southeast-3", project: Acme.apSoutheast3)
            )
            // auto with keep_days 0 turns everything off too.
            try expectResponse(
                try await session.send(.put, Self.offsiteTarget(), Self.para("incremental", keep: 4, region: "x", project: "y")),
                status: 200,
                json: Self.success
            )
            try expectResponse(try await session.send(.put, Self.offsiteTarget(), Self.para("auto", keep: 0)), status: 200, json: Self.success)
            try expectResponse(try await session.get(Self.offsiteTarget()), status: 200, json: Self.off)
        }
    }

    @Test func incrementalNeedsFullCopiesOnAndTurningItOffWhileOffChangesNothing() async throws {
        try await withWriteRouteSession { session in
            let before = try await session.snapshot(Self.watched)
            expectResponse(
                try await session.send(
                    .put,
                    Self.offsiteTarget(),
                    Self.para("incremental", keep: 7, region: "ap-southeast-1", project: Acme.apSoutheast1)
                ),
                status: 400,
                body: Errors.incrementalNeedsFull
            )
            #expect(try await session.snapshot(Self.watched) == before)
            // keep_days 0 with incremental is not refused: it turns off what is already off.
            try expectResponse(try await session.send(.put, Self.offsiteTarget(), Self.para("incremental", keep: 0)), status: 200, json: Self.success)
            try expectResponse(try await session.get(Self.offsiteTarget()), status: 200, json: Self.off)
            // With full copies on, incremental is accepted.
            try expectResponse(
                try await session.send(.put, Self.offsiteTarget(), Self.para("auto", keep: 7, region: "ap-southeast-1", project: Acme.apSoutheast1)),
                status: 200,
                json: Self.success
            )
            try expectResponse(
                try await session.send(
                    .put,
                    Self.offsiteTarget(),
                    Self.para("incremental", keep: 7, region: "ap-southeast-1", project: Acme.apSoutheast1)
                ),
                status: 200,
                json: Self.success
            )
            try expectResponse(try await session.get(Self.offsiteTarget()), status: 200, json: Self.shown(["auto", "incremental"], keep: 7))
        }
    }

    @Test func theCallerNeedNotBeAllowedInTheDestination() async throws {
        try await withWriteRouteSession { session in
            // bob may use cn-north-4 only, and sends a48e's copies to ap-southeast-1.
            try expectResponse(try await session.send(.put, Self.offsiteTarget(), Self.example, as: .bob), status: 200, json: Self.success)
            try expectResponse(
                try await session.client.send(Self.offsiteTarget(), as: .bob),
                status: 200,
                json: Self.shown(["auto", "incremental"], keep: 7)
            )
            // …but cannot read the copies there.
            expectNotAuthorized(try await session.client.send(Self.copies(), as: .bob))
        }
    }

    // MARK: - W6 checks in the order of §3.6

    static func row(_ name: String, _ json: String, _ status: Int = 400, _ expected: JSONValue, target: String = offsiteTarget()) -> WriteCase {
        WriteCase(name, target, json, status, expected)
    }
    static let unknownTarget = offsiteTarget(unknownInstance)

    static let bodyRows: [WriteCase] =
        [
            row("not JSON", "{", 400, Errors.malformed),
            row("a top-level array", #"[{"policy_para": {}}]"#, 400, Errors.malformed),
            row("a top-level null", "null", 400, Errors.malformed),
            row("a repeated member", #"{"policy_para": {}, "policy_para": {}}"#, 400, Errors.malformed),
            row("a repeated member inside policy_para", para(#""keep_days": 7, "keep_days": 7"#), 400, Errors.malformed),
            WriteCase("a byte-order mark", offsiteTarget(), bytes: [0xEF, 0xBB, 0xBF] + Array(example.utf8), 400, Errors.malformed),
            row("a malformed body for an unknown instance", "{", 400, Errors.malformed, target: unknownTarget),
            WriteCase("an empty body", offsiteTarget(), bytes: [], 400, Errors.paraMandatory),
            row("an empty object", "{}", 400, Errors.paraMandatory),
            row("policy_para null", #"{"policy_para": null}"#, 400, Errors.paraMandatory),
            row("policy_para an array", #"{"policy_para": [{"backup_type": "all", "keep_days": 7}]}"#, 400, Errors.paraNotObject),
            row("policy_para a string", #"{"policy_para": "all"}"#, 400, Errors.paraNotObject),
            row("policy_para an integer", #"{"policy_para": 7}"#, 400, Errors.paraNotObject),
            row("backup_type absent", para(#""keep_days": -1"#), 400, Errors.typeMandatory),
            row("backup_type null", para(#""backup_type": null, "keep_days": -1"#), 400, Errors.typeMandatory),
        ]
        + [#""full""#, #""AUTO""#, #""manual""#, #""""#, "1", #"["all"]"#].map { value in
            row("backup_type \(value)", para(#""backup_type": \#(value), "keep_days": -1"#), 400, Errors.typeInvalid)
        }
        + [
            row("keep_days absent", para(#""backup_type": "all", "destination_region": 7"#), 400, Errors.keepDaysMandatory),
            row("keep_days null", para(#""backup_type": "all", "keep_days": null, "destination_region": 7"#), 400, Errors.keepDaysMandatory),
        ]
        + ["-1", "1826", #""7""#, "7.0", "7e0", "true", "[7]"].map { value in
            row("keep_days \(value)", para(#""backup_type": "all", "keep_days": \#(value), "destination_region": 7"#), 400, Errors.keepDays)
        }
        + [
            row(
                "destination_region absent",
                para(#""backup_type": "all", "keep_days": 1, "destination_project_id": 7"#),
                400,
                Errors.regionMandatory
            ),
            row(
                "destination_region null",
                para(#""backup_type": "all", "keep_days": 1825, "destination_region": null, "destination_project_id": 7"#),
                400,
                Errors.regionMandatory
            ),
        ]
        + ["7", "[]", "{}", "true"].map { value in
            row(
                "destination_region \(value)",
                para(#""backup_type": "all", "keep_days": 7, "destination_region": \#(value), "destination_project_id": 7"#),
                400,
                Errors.regionNotString
            )
        }
        + [
            row(
                "destination_project_id absent",
                para(#""backup_type": "all", "keep_days": 7, "destination_region": "ap-southeast-1""#),
                400,
                Errors.projectMandatory
            ),
            row(
                "destination_project_id null",
                para(#""backup_type": "all", "keep_days": 7, "destination_region": "ap-southeast-1", "destination_project_id": null"#),
                400,
                Errors.projectMandatory
            ),
            row(
                "destination_project_id an integer",
                para(#""backup_type": "all", "keep_days": 7, "destination_region": "ap-southeast-1", "destination_project_id": 7"#),
                400,
                Errors.projectNotString
            ),
            // keep_days 0: the destination is neither required nor checked; the lookup answers.
            row(
                "keep_days 0 with wrong destination fields",
                para(#""backup_type": "all", "keep_days": 0, "destination_region": 7, "destination_project_id": []"#),
                404,
                Expected.instanceNotFound,
                target: unknownTarget
            ),
            row(
                "keep_days 1825 is accepted",
                para("auto", keep: 1825, region: "ap-southeast-1", project: Acme.apSoutheast1),
                404,
                Expected.instanceNotFound,
                target: unknownTarget
            ),
            row(
                "unknown members are ignored",
                para(#""backup_type": "auto", "keep_days": 1, "destination_region": "r", "destination_project_id": "p", "x": {"y": 1}"#),
                404,
                Expected.instanceNotFound,
                target: unknownTarget
            ),
        ]

    static let lookupRows: [WriteCase] = [
        row("a TaurusDB instance", example, 404, Expected.instanceNotFound, target: offsiteTarget(Acme.taurusInstance, project: Acme.cnEast3)),
        row("an RDS instance of another project", example, 404, Expected.instanceNotFound, target: offsiteTarget(sqlServer)),
        row("a DCS instance", example, 404, Expected.instanceNotFound, target: offsiteTarget(Acme.redisInstance)),
        row("a DDM instance", example, 404, Expected.instanceNotFound, target: offsiteTarget(Acme.ddmInstance, project: Acme.apSoutheast3)),
        row("another account's instance", example, 404, Expected.instanceNotFound, target: offsiteTarget(Globex.mysqlInstance)),
        row("the id in upper case", example, 404, Expected.instanceNotFound, target: offsiteTarget(mysql.uppercased())),
        // Body checks come before the lookup, and the state checks after it.
        row("keep_days 1826 for a SQL Server instance", para("auto", keep: 1826), 400, Errors.keepDays, target: sqlServerTarget),
        row(
            "an unknown instance with an SQL-Server-only refusal's body",
            para("auto", keep: 7, region: "cn-north-4", project: Acme.cnNorth4),
            404,
            Expected.instanceNotFound,
            target: offsiteTarget(unknownInstance, project: Acme.apSoutheast1)
        ),
    ]

    static let stateRows: [WriteCase] = [
        row(
            "SQL Server, auto",
            para("auto", keep: 7, region: "cn-north-4", project: Acme.cnNorth4),
            400,
            Errors.sqlServerAll,
            target: sqlServerTarget
        ),
        row(
            "SQL Server, incremental",
            para("incremental", keep: 7, region: "cn-north-4", project: Acme.cnNorth4),
            400,
            Errors.sqlServerAll,
            target: sqlServerTarget
        ),
        row(
            "SQL Server, auto to its own region",
            para("auto", keep: 7, region: "ap-southeast-1", project: Acme.apSoutheast1),
            400,
            Errors.sqlServerAll,
            target: sqlServerTarget
        ),
        row("SQL Server, auto with keep_days 0", para("auto", keep: 0), 400, Errors.sqlServerAll, target: sqlServerTarget),
        row(
            "incremental while full copies are off",
            para("incremental", keep: 7, region: "ap-southeast-1", project: Acme.apSoutheast1),
            400,
            Errors.incrementalNeedsFull
        ),
        row(
            "incremental to its own region",
            para("incremental", keep: 1, region: "cn-north-4", project: Acme.cnNorth4),
            400,
            Errors.incrementalNeedsFull
        ),
        row("its own project", para("auto", keep: 7, region: "cn-north-4", project: Acme.cnNorth4), 400, Errors.destination),
        row("a sub-project of its own region", para("all", keep: 7, region: "cn-north-4", project: Acme.billing), 400, Errors.destination),
        row(
            "a sub-project of its own region, named for another region",
            para("all", keep: 7, region: "ap-southeast-1", project: Acme.billing),
            400,
            Errors.destination
        ),
        row("another account's project", para("auto", keep: 7, region: "cn-north-4", project: Globex.cnNorth4), 400, Errors.destination),
        row("an unknown project", para("auto", keep: 7, region: "ap-southeast-1", project: unknownProject), 400, Errors.destination),
        row(
            "a project of another region than named",
            para("auto", keep: 7, region: "ap-southeast-3", project: Acme.apSoutheast1),
            400,
            Errors.destination
        ),
        row("the region in upper case", para("auto", keep: 7, region: "AP-SOUTHEAST-1", project: Acme.apSoutheast1), 400, Errors.destination),
        row("an empty region", para("auto", keep: 7, region: "", project: Acme.apSoutheast1), 400, Errors.destination),
        row(
            "a project id given as the region's name",
            para("auto", keep: 7, region: "ap-southeast-1", project: "ap-southeast-1"),
            400,
            Errors.destination
        ),
        row(
            "SQL Server to another account in another region",
            para("all", keep: 7, region: "cn-north-4", project: Globex.cnNorth4),
            400,
            Errors.destination,
            target: sqlServerTarget
        ),
        row(
            "SQL Server to its own project",
            para("all", keep: 7, region: "ap-southeast-1", project: Acme.apSoutheast1),
            400,
            Errors.destination,
            target: sqlServerTarget
        ),
    ]

    @Test(arguments: bodyRows + lookupRows + stateRows)
    func setChecksInTheOrderOfTheTable(_ example: WriteCase) async throws {
        try await withWriteRouteSession { session in
            let before = try await session.snapshot(Self.watched)
            expectResponse(try await session.send(.put, example.target, bytes: example.body), status: example.status, body: example.expected)
            #expect(try await session.snapshot(Self.watched) == before, "a refused W6 changed something")
        }
    }

    static let acceptedDestinations: [WriteCase] = [
        row("ap-southeast-1", example, 200, .object([("resp", .string("success"))])),
        row(
            "ap-southeast-3",
            para("auto", keep: 1, region: "ap-southeast-3", project: Acme.apSoutheast3),
            200,
            .object([("resp", .string("success"))])
        ),
        row(
            "SQL Server to cn-north-4",
            para("all", keep: 7, region: "cn-north-4", project: Acme.cnNorth4),
            200,
            .object([("resp", .string("success"))]),
            target: sqlServerTarget
        ),
        row(
            "SQL Server to a sub-project of cn-north-4",
            para("all", keep: 7, region: "cn-north-4", project: Acme.billing),
            200,
            .object([("resp", .string("success"))]),
            target: sqlServerTarget
        ),
    ]

    @Test(arguments: acceptedDestinations)
    func aDestinationOfTheAccountInAnotherRegionIsAccepted(_ example: WriteCase) async throws {
        try await withWriteRouteSession { session in
            expectResponse(try await session.send(.put, example.target, bytes: example.body), status: example.status, body: example.expected)
            let shown = try await session.get(example.target)
            #expect(try shown.json["policy_para"]?.arrayValue?.first?["keep_days"] != .integer(0), "body: \(shown.body)")
        }
    }

    // MARK: - The shared path (§2)

    @Test func offsitePolicyOfAnotherServiceOrProjectIsRouteF() async throws {
        try await withWriteRouteSession { session in
            let cases: [(String, JSONValue)] = [
                (Self.offsiteTarget(Acme.taurusInstance, project: Acme.cnEast3), Expected.instanceNotFound),
                (Self.offsiteTarget(Acme.ddmInstance, project: Acme.apSoutheast3), Expected.backupNotFound),
                (Self.offsiteTarget(Self.sqlServer), Expected.instanceNotFound),
                (Self.offsiteTarget(Self.unknownInstance), Expected.instanceNotFound),
                (Self.offsiteTarget(Acme.redisInstance), Expected.instanceNotFound),
            ]
            for (target, body) in cases {
                expectResponse(try await session.client.send(target), status: 404, body: body)
            }
        }
    }

    // MARK: - Copies (§8.3, §11.1)

    @Test func theFirstAutomatedFullBackupsCopyIsListedInTheDestination() async throws {
        try await withWriteRouteSession { session in
            try expectResponse(try await session.send(.put, Self.backupPolicyTarget(), Self.dailyAt0815), status: 200, json: "{}")
            try expectResponse(try await session.send(.put, Self.offsiteTarget(), Self.example), status: 200, json: Self.success)
            let seeded = try await session.get(Self.copies())
            let seededCopy = try #require(try seeded.items().first)
            #expect(try seeded.page() == ListPage(ids: [Seeded.mysqlCopy], total: 1))

            // A manual backup of a MySQL instance gets no copy, even with all on.
            let manual = try await session.send(.post, Target.rdsList(""), #"{"instance_id": "\#(Self.mysql)", "name": "manual-001"}"#)
            #expect(manual.status == 200, "body: \(manual.body)")
            try await session.setClock("2030-01-07T08:15:59.999Z")
            #expect(try await session.get(Self.homeList("backup_type=manual")).json["backups"]?.arrayValue?.first?["status"] == .string("COMPLETED"))
            #expect(try await session.get(Self.copies()).page() == ListPage(ids: [Seeded.mysqlCopy], total: 1))

            // From 08:16:00, when the automated backup of 08:15 completes, its copy is there.
            try await session.setClock("2030-01-07T08:16:00.000Z")
            let source = try #require(try await session.get(Self.homeList("backup_type=auto")).items().first)
            let sourceID = try #require(source["id"]?.stringValue)
            let listed = try await session.get(Self.copies())
            let items = try listed.items()
            try #require(items.count == 2, "body: \(listed.body)")
            let copyID = try #require(items[0]["id"]?.stringValue)
            #expect(copyID != sourceID)
            #expect(WriteRouteFormats.isBackupID(copyID, suffix: "br01"), "\(copyID)")
            expectResponse(
                listed,
                status: 200,
                body: .object([
                    (
                        "backups",
                        .array([
                            try JSONValue(
                                parsing: """
                                    {"id": "\(copyID)", "name": "rds-mysql-a48e-20300107081500000", "type": "auto", "size": 1024, \
                                    "status": "COMPLETED", "begin_time": "2030-01-07T08:15:00+0000", "end_time": "2030-01-07T08:16:00+0000", \
                                    "datastore": {"type": "MySQL", "version": "5.7"}, "instance_id": "\(Self.mysql)", "associated_with_ddm": false}
                                    """
                            ),
                            seededCopy,
                        ])
                    ),
                    ("total_count", .integer(2)),
                ])
            )
            // The copy is the source's fields under a new id.
            var renamed = source
            if case .object(var members) = renamed {
                members[0].value = .string(copyID)
                renamed = .object(members)
            }
            #expect(items[0] == renamed)

            // Listed by route B in the destination only, never by route A.
            #expect(try await session.get(Target.rdsList("instance_id=\(Self.mysql)&backup_id=\(copyID)")).page() == ListPage(ids: [], total: 0))
            #expect(try await session.get(Self.copies(in: Acme.cnNorth4)).page() == ListPage(ids: [], total: 0))
            #expect(try await session.get(Self.copies(in: Acme.apSoutheast3)).page() == ListPage(ids: [], total: 0))
            #expect(
                try await session.get(Self.copies(Self.mysql, in: Acme.apSoutheast1, "backup_id=\(copyID)")).page()
                    == ListPage(ids: [copyID], total: 1)
            )
            // Writes never reach a copy.
            expectResponse(try await session.send(.delete, "/v3/\(Acme.cnNorth4)/backups/\(copyID)"), status: 404, body: Expected.backupNotFound)
        }
    }

    @Test func aSQLServerManualBackupIsCopiedUnderAll() async throws {
        try await withWriteRouteSession { session in
            try expectResponse(
                try await session.send(.put, Self.sqlServerTarget, Self.para("all", keep: 7, region: "cn-north-4", project: Acme.cnNorth4)),
                status: 200,
                json: Self.success
            )
            let created = try await session.send(
                .post,
                Target.rdsList("", project: Acme.apSoutheast1),
                #"{"instance_id": "\#(Self.sqlServer)", "name": "sql-manual-001", "databases": [{"name": "db_sales"}]}"#
            )
            let sourceID = try #require(try created.json["backup"]?["id"]?.stringValue, "body: \(created.body)")
            try await session.setClock("2030-01-07T08:00:59.999Z")
            #expect(try await session.get(Self.copies(Self.sqlServer, in: Acme.cnNorth4)).page() == ListPage(ids: Seeded.sqlServerCopies, total: 3))

            try await session.setClock("2030-01-07T08:01:00.000Z")
            let listed = try await session.get(Self.copies(Self.sqlServer, in: Acme.cnNorth4))
            let items = try listed.items()
            try #require(items.count == 4, "body: \(listed.body)")
            let copyID = try #require(items[0]["id"]?.stringValue)
            #expect(copyID != sourceID)
            #expect(WriteRouteFormats.isBackupID(copyID, suffix: "br04"), "\(copyID)")
            #expect(
                items[0]
                    == (try JSONValue(
                        parsing: """
                            {"id": "\(copyID)", "name": "sql-manual-001", "type": "auto", "size": 1024, "status": "COMPLETED", \
                            "databases": [{"name": "db_sales"}], "begin_time": "2030-01-07T08:00:00+0000", "end_time": "2030-01-07T08:01:00+0000", \
                            "datastore": {"type": "sqlserver", "version": "2019_SE"}, "instance_id": "\(Self.sqlServer)"}
                            """
                    ))
            )
            #expect(Array(items.dropFirst().compactMap { $0["id"]?.stringValue }) == Seeded.sqlServerCopies)

            // Deleting the source does not touch its copy.
            let deleted = try await session.send(.delete, "/v3/\(Acme.apSoutheast1)/backups/\(sourceID)")
            #expect(deleted.status == 200, "body: \(deleted.body)")
            try await session.advance("PT1M")
            #expect(
                try await session.get(Target.rdsList("instance_id=\(Self.sqlServer)&backup_id=\(sourceID)", project: Acme.apSoutheast1)).page().total
                    == 0
            )
            #expect(try await session.get(Self.copies(Self.sqlServer, in: Acme.cnNorth4)).page().ids.first == copyID)
        }
    }

    @Test func aMySQLManualBackupGetsNoCopy() async throws {
        try await withWriteRouteSession { session in
            try expectResponse(try await session.send(.put, Self.offsiteTarget(), Self.example), status: 200, json: Self.success)
            let before = try await session.snapshot([Self.copies(), Self.copies(in: Acme.cnNorth4)])
            let manual = try await session.send(.post, Target.rdsList(""), #"{"instance_id": "\#(Self.mysql)", "name": "manual-001"}"#)
            #expect(manual.status == 200, "body: \(manual.body)")
            try await session.advance("PT2M")
            #expect(try await session.get(Self.homeList("backup_type=manual")).items().first?["status"] == .string("COMPLETED"))
            #expect(try await session.snapshot([Self.copies(), Self.copies(in: Acme.cnNorth4)]) == before)
        }
    }

    @Test func aKeepDaysChangeAppliesAtOnceToExistingCopies() async throws {
        try await withWriteRouteSession { session in
            try expectResponse(try await session.send(.put, Self.backupPolicyTarget(), Self.dailyAt0815), status: 200, json: "{}")
            try expectResponse(
                try await session.send(.put, Self.offsiteTarget(), Self.para("auto", keep: 7, region: "ap-southeast-1", project: Acme.apSoutheast1)),
                status: 200,
                json: Self.success
            )
            try await session.setClock("2030-01-08T08:16:00.000Z")
            var listed = try await session.get(Self.copies()).items()
            #expect(
                listed.map { $0["begin_time"]?.stringValue } == ["2030-01-08T08:15:00+0000", "2030-01-07T08:15:00+0000", "2018-08-06T12:41:14+0800"]
            )

            // keep_days 1: the copy of 01-07 08:15 is past it now, and goes at once.
            try expectResponse(
                try await session.send(.put, Self.offsiteTarget(), Self.para("auto", keep: 1, region: "x", project: "y")),
                status: 200,
                json: Self.success
            )
            try expectResponse(try await session.get(Self.offsiteTarget()), status: 200, json: Self.shown(["auto"], keep: 1))
            listed = try await session.get(Self.copies()).items()
            #expect(listed.map { $0["begin_time"]?.stringValue } == ["2030-01-08T08:15:00+0000", "2018-08-06T12:41:14+0800"])
            #expect(listed.last?["id"] == .string(Seeded.mysqlCopy), "seeded copies are never removed")

            // A longer retention applies at once too, and a removed copy never comes back.
            try expectResponse(
                try await session.send(.put, Self.offsiteTarget(), Self.para("auto", keep: 3, region: "x", project: "y")),
                status: 200,
                json: Self.success
            )
            try await session.setClock("2030-01-09T08:15:59.999Z")
            listed = try await session.get(Self.copies()).items()
            #expect(listed.map { $0["begin_time"]?.stringValue } == ["2030-01-08T08:15:00+0000", "2018-08-06T12:41:14+0800"])
            try await session.setClock("2030-01-09T08:16:00.000Z")
            listed = try await session.get(Self.copies()).items()
            #expect(
                listed.map { $0["begin_time"]?.stringValue } == ["2030-01-09T08:15:00+0000", "2030-01-08T08:15:00+0000", "2018-08-06T12:41:14+0800"]
            )
            // With keep_days 3 the copy of 01-08 goes at 01-11 08:15.
            try await session.setClock("2030-01-11T08:14:59.999Z")
            #expect(try await session.get(Self.copies()).items().contains { $0["begin_time"] == .string("2030-01-08T08:15:00+0000") })
            try await session.setClock("2030-01-11T08:15:00.000Z")
            #expect(!(try await session.get(Self.copies()).items().contains { $0["begin_time"] == .string("2030-01-08T08:15:00+0000") }))
        }
    }

    @Test func keepDaysZeroTurnsCopiesOffAndFullCopiesStayUntilTheirRetention() async throws {
        try await withWriteRouteSession { session in
            try expectResponse(try await session.send(.put, Self.backupPolicyTarget(), Self.dailyAt0815), status: 200, json: "{}")
            try expectResponse(
                try await session.send(.put, Self.offsiteTarget(), Self.para("auto", keep: 3, region: "ap-southeast-1", project: Acme.apSoutheast1)),
                status: 200,
                json: Self.success
            )
            try await session.setClock("2030-01-07T08:17:00.000Z")
            let copy = try #require(try await session.get(Self.copies()).items().first)
            #expect(copy["begin_time"] == .string("2030-01-07T08:15:00+0000"))

            try expectResponse(try await session.send(.put, Self.offsiteTarget(), Self.para("auto", keep: 0)), status: 200, json: Self.success)
            try expectResponse(try await session.get(Self.offsiteTarget()), status: 200, json: Self.off)
            #expect(try await session.get(Self.copies()).items().first == copy)

            // No copies of what completes now; the old copy keeps its 3 days.
            try await session.setClock("2030-01-10T08:14:59.999Z")
            #expect(try await session.get(Self.homeList("backup_type=auto")).page().total == 3)
            let copyID = try #require(copy["id"]?.stringValue)
            #expect(try await session.get(Self.copies()).page() == ListPage(ids: [copyID, Seeded.mysqlCopy], total: 2))
            try await session.setClock("2030-01-10T08:15:00.000Z")
            #expect(try await session.get(Self.copies()).page() == ListPage(ids: [Seeded.mysqlCopy], total: 1))
        }
    }

    @Test func backupsThatCompletedWhileOffOrFailedGetNoCopy() async throws {
        try await withWriteRouteSession { session in
            try expectResponse(try await session.send(.put, Self.backupPolicyTarget(), Self.dailyAt0815), status: 200, json: "{}")
            // The first automated backup completes at 08:16:00, before copies are on.
            try await session.setClock("2030-01-07T08:16:30.000Z")
            try expectResponse(
                try await session.send(.put, Self.offsiteTarget(), Self.para("auto", keep: 7, region: "ap-southeast-1", project: Acme.apSoutheast1)),
                status: 200,
                json: Self.success
            )
            #expect(try await session.get(Self.copies()).page() == ListPage(ids: [Seeded.mysqlCopy], total: 1))
            // The next one fails.
            try await session.armFault(Self.mysql)
            try await session.setClock("2030-01-08T08:16:00.000Z")
            #expect(try await session.get(Self.homeList("backup_type=auto")).items().first?["status"] == .string("FAILED"))
            #expect(try await session.get(Self.copies()).page() == ListPage(ids: [Seeded.mysqlCopy], total: 1))
            // The one after that is copied.
            try await session.setClock("2030-01-09T08:16:00.000Z")
            let listed = try await session.get(Self.copies()).items()
            #expect(listed.map { $0["name"]?.stringValue } == ["rds-mysql-a48e-20300109081500000", "xxxx.xxx"])
        }
    }

    // MARK: - A refused write changes nothing; scope before the body (§1.1, §10)

    @Test func refusedWritesChangeNothing() async throws {
        try await withWriteRouteSession { session in
            try expectResponse(try await session.send(.put, Self.offsiteTarget(), Self.example), status: 200, json: Self.success)
            let before = try await session.snapshot(Self.watched)
            let refusals: [(String, String)] = [
                (Self.offsiteTarget(), Self.para("auto", keep: 1826, region: "ap-southeast-1", project: Acme.apSoutheast1)),
                (Self.offsiteTarget(), Self.para("auto", keep: 3)),
                (Self.offsiteTarget(), "{"),
                (Self.sqlServerTarget, Self.para("auto", keep: 7, region: "cn-north-4", project: Acme.cnNorth4)),
                (Self.sqlServerTarget, Self.para("all", keep: 7, region: "ap-southeast-1", project: Acme.apSoutheast1)),
                (Self.offsiteTarget(Self.sqlServer), Self.example),
            ]
            for (target, body) in refusals {
                let response = try await session.send(.put, target, body)
                #expect((400..<500).contains(response.status), "\(target): \(response.status) \(response.body)")
            }
            #expect(try await session.snapshot(Self.watched) == before)
        }
    }

    @Test func bobGets403BeforeAnyBodyCheck() async throws {
        try await withWriteRouteSession { session in
            let before = try await session.snapshot(Self.watched)
            let requests: [(String, HTTPRequest.Method, String, String)] = [
                ("W6 malformed", .put, Self.sqlServerTarget, "{"),
                ("W6 empty", .put, Self.sqlServerTarget, ""),
                ("W6 valid", .put, Self.sqlServerTarget, Self.para("all", keep: 7, region: "cn-north-4", project: Acme.cnNorth4)),
                ("W6 unknown instance", .put, Self.offsiteTarget(Self.unknownInstance, project: Acme.apSoutheast1), "{"),
                ("W7", .get, Self.sqlServerTarget, ""),
                ("W6 in cn-east-3", .put, Self.offsiteTarget(Acme.taurusInstance, project: Acme.cnEast3), "{"),
            ]
            for (name, method, target, body) in requests {
                let response = try await session.send(method, target, body, as: .bob)
                #expect(response.status == 403, "\(name): \(response.body)")
                expectNotAuthorized(response)
            }
            #expect(try await session.snapshot(Self.watched) == before)
        }
    }
}
