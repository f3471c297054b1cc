import BackupdAPI
import BackupdCatalog
import BackupdTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

/// DDM's write side through the real application over the example seed, the catalog clock frozen at
/// T0 (`lifecycle.md` §11): W19 the list (§3.14, §4.12), W20 delete (§4.12, §7), route F after a
/// delete, and the daily metadata backups of an instance seeded with `"auto_backup": true` (§8.5,
/// §8.6, §8.8).
@Suite struct DDMRoutesTests {
    static let project = Acme.apSoutheast3
    static let instance = Acme.ddmInstance
    static let instanceName = "ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg"
    /// A DDM instance the extra seed adds, with a short name.
    static let shortInstance = "5ddd0a1b2c3d4e5f60718293a4b5c6d7in09"

    enum Seeded {
        static let newer = "09902ee7866649b8908ec209bfee2747br09"
        static let older = "cfea30126a884f46887b4e9211460fc1br09"
    }

    /// The example seed's DDM instance again, with daily backups on, and a second one.
    static let autoBackupSeed = """
        {"instances": [
          {"id": "34970585d4964f2a8d6d9ea8d303398bin09", "project_id": "619d3e78f61b4be68bc5aa0b59edcf7b", "service": "ddm",
           "name": "ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg",
           "related_data_nodes": [{"instance_id": "fc33739e5d2741529e21d87a7b5923fain01", "instance_name": "mysql_rds_related_ddm_for_diagnose3_01"}],
           "auto_backup": true},
          {"id": "\(shortInstance)", "project_id": "619d3e78f61b4be68bc5aa0b59edcf7b", "service": "ddm",
           "name": "ddm-auto-01", "related_data_nodes": [], "auto_backup": true}
        ]}
        """

    // MARK: - Targets

    static func listTarget(_ query: String, project: String = project) -> String {
        "/v3/\(project)/backups" + (query.isEmpty ? "" : "?" + query)
    }
    static func instanceList(_ query: String = "", instance: String = instance) -> String {
        listTarget("instance_id=\(instance)" + (query.isEmpty ? "" : "&" + query))
    }
    static func deleteTarget(_ id: String, project: String = project) -> String { "/v3/\(project)/backups/\(id)" }

    /// What a refused DDM write must leave as it was.
    static let watched = [
        instanceList(), instanceList("limit=128"), Target.ddm(backup: Seeded.newer), Target.ddm(backup: Seeded.older),
    ]

    /// The W19 example of §11.1.
    static let exampleRecords = [
        """
        {"id": "09902ee7866649b8908ec209bfee2747br09", "name": "Backup-ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg-2025052005400", "description": "", "status": "normal", "instance_id": "34970585d4964f2a8d6d9ea8d303398bin09", "instance_name": "ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg", "instance_status": "normal", "file_size": 0, "created": "2025-05-20T05:40:00+0800", "updated": "2025-05-20T05:41:30+0800", "backup_type": "auto_metadata"}
        """,
        """
        {"id": "cfea30126a884f46887b4e9211460fc1br09", "name": "Backup-ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg-2025051905400", "description": "", "status": "normal", "instance_id": "34970585d4964f2a8d6d9ea8d303398bin09", "instance_name": "ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg", "instance_status": "normal", "file_size": 0, "created": "2025-05-19T05:40:00+0800", "updated": "2025-05-19T05:41:12+0800", "backup_type": "auto_metadata"}
        """,
    ]

    static func listBody(_ records: [String], total: Int, offset: Int = 0, limit: Int = 10) -> String {
        #"{"backups": [\#(records.joined(separator: ", "))], "total": \#(total), "offset": \#(offset), "limit": \#(limit)}"#
    }

    static let fieldOrder = [
        "id", "name", "description", "status", "instance_id", "instance_name", "instance_status", "file_size", "created", "updated",
        "backup_type",
    ]

    static func onlyOnce(_ name: String) -> JSONValue { Expected.taurus("Parameter error. \(name) must be given only once.") }

    /// A lifecycle record of the daily schedule (§4.12), at `instant` (`+0000`).
    static func daily(
        id: String,
        name: String,
        instant: String,
        instance: String = instance,
        instanceName: String = instanceName,
        failed: Bool = false
    ) -> JSONValue {
        .object([
            ("id", .string(id)), ("name", .string(name)), ("description", .string("auto metadata backup")),
            ("status", .string(failed ? "createfail" : "normal")), ("instance_id", .string(instance)),
            ("instance_name", .string(instanceName)), ("instance_status", .string("normal")), ("file_size", .integer(failed ? 0 : 8)),
            ("created", .string(instant)), ("updated", .string(instant)), ("backup_type", .string("auto_metadata")),
        ])
    }

    // MARK: - W19 (§3.14, §4.12, §11.1)

    @Test func theExampleOfW19WithItsDefaultsEchoed() async throws {
        try await withWriteRouteSession { session in
            let response = try await session.get(Self.instanceList())
            try expectResponse(response, status: 200, json: Self.listBody(Self.exampleRecords, total: 2))
            #expect(try response.json.keys == ["backups", "total", "offset", "limit"])
            for item in try response.items() {
                #expect(item.keys == Self.fieldOrder)
            }
            // Empty values are absent: the defaults are used and echoed.
            try expectResponse(
                try await session.get(Self.instanceList("offset=&limit=&instance_name=&backup_name=&backup_id=")),
                status: 200,
                json: Self.listBody(Self.exampleRecords, total: 2)
            )
            // Unknown parameters are ignored (W19 has no backup_type or status).
            try expectResponse(
                try await session.get(Self.instanceList("backup_type=full&status=x&begin_time=x")),
                status: 200,
                json: Self.listBody(Self.exampleRecords, total: 2)
            )
        }
    }

    @Test func pagingEchoesTheValuesUsed() async throws {
        try await withWriteRouteSession { session in
            let cases: [(String, [String], Int, Int)] = [
                ("limit=128", Self.exampleRecords, 0, 128),
                ("limit=1", [Self.exampleRecords[0]], 0, 1),
                ("offset=1&limit=1", [Self.exampleRecords[1]], 1, 1),
                ("offset=1", [Self.exampleRecords[1]], 1, 10),
                ("offset=2", [], 2, 10),
                ("offset=2147483647&limit=128", [], 2_147_483_647, 128),
                ("offset=0001&limit=0010", [Self.exampleRecords[1]], 1, 10),
            ]
            for (query, records, offset, limit) in cases {
                let response = try await session.get(Self.instanceList(query))
                try expectResponse(response, status: 200, json: Self.listBody(Array(records), total: 2, offset: offset, limit: limit))
            }
        }
    }

    @Test func filtersByBackupIDInstanceNameAndBackupName() async throws {
        try await withWriteRouteSession { session in
            let cases: [(String, [String], Int)] = [
                ("backup_id=\(Seeded.older)", [Self.exampleRecords[1]], 1),
                ("backup_id=nothing", [], 0),
                ("instance_name=\(Self.instanceName)", Self.exampleRecords, 2),
                ("instance_name=ddm-diagnose3", [], 0),
                ("instance_name=\(Self.instanceName.uppercased())", [], 0),
                ("backup_name=Backup-ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg-2025052005400", [Self.exampleRecords[0]], 1),
                ("backup_name=Backup-ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg", [], 0),
                ("backup_name=backup-ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg-2025052005400", [], 0),
                ("instance_name=other&backup_id=\(Seeded.older)", [], 0),
            ]
            for (query, records, total) in cases {
                try expectResponse(
                    try await session.get(Self.instanceList(query)),
                    status: 200,
                    json: Self.listBody(records, total: total)
                )
            }
            // The backup id alone routes to DDM (§2), with the same filters.
            try expectResponse(
                try await session.get(Self.listTarget("backup_id=\(Seeded.older)")),
                status: 200,
                json: Self.listBody([Self.exampleRecords[1]], total: 1)
            )
            try expectResponse(
                try await session.get(Self.listTarget("backup_id=\(Seeded.newer)&limit=128&backup_name=x")),
                status: 200,
                json: Self.listBody([], total: 0, limit: 128)
            )
        }
    }

    static let queryOrder: [QueryCase] = [
        QueryCase("backup_id twice", "backup_id=a&backup_id=b&offset=-1", 400, onlyOnce("backup_id")),
        QueryCase("backup_id twice, the same value", "backup_id=\(Seeded.newer)&backup_id=\(Seeded.newer)", 400, onlyOnce("backup_id")),
        QueryCase("offset -1", "offset=-1&limit=0", 400, Expected.taurus("Parameter error. offset must be an integer from 0 to 2147483647.")),
        QueryCase(
            "offset 2^31",
            "offset=2147483648&limit=0",
            400,
            Expected.taurus("Parameter error. offset must be an integer from 0 to 2147483647.")
        ),
        QueryCase("offset 1.0", "offset=1.0", 400, Expected.taurus("Parameter error. offset must be an integer from 0 to 2147483647.")),
        QueryCase("offset ten", "offset=ten", 400, Expected.taurus("Parameter error. offset must be an integer from 0 to 2147483647.")),
        QueryCase("offset twice", "offset=0&offset=0&limit=0", 400, onlyOnce("offset")),
        QueryCase(
            "limit 0",
            "limit=0&instance_name=a&instance_name=b",
            400,
            Expected.taurus("Parameter error. limit must be an integer from 1 to 128.")
        ),
        QueryCase(
            "limit 129",
            "limit=129&instance_name=a&instance_name=b",
            400,
            Expected.taurus("Parameter error. limit must be an integer from 1 to 128.")
        ),
        QueryCase("limit -1", "limit=-1", 400, Expected.taurus("Parameter error. limit must be an integer from 1 to 128.")),
        QueryCase("limit twice", "limit=10&limit=10&instance_name=a&instance_name=b", 400, onlyOnce("limit")),
        QueryCase("instance_name twice", "instance_name=a&instance_name=b&backup_name=a&backup_name=b", 400, onlyOnce("instance_name")),
        QueryCase("backup_name twice", "backup_name=a&backup_name=b", 400, onlyOnce("backup_name")),
    ]

    @Test(arguments: queryOrder)
    func listChecksTheQueryInTheOrderOfTheTable(_ example: QueryCase) async throws {
        try await withWriteRouteSession { session in
            expectResponse(try await session.client.send(Self.instanceList(example.query)), status: example.status, body: example.expected)
            // Routed by the backup id alone: the same checks, unless backup_id itself is repeated
            // (then route A, whose first check is instance_id).
            let byBackup = try await session.client.send(Self.listTarget("backup_id=\(Seeded.newer)&" + example.query))
            if example.query.hasPrefix("backup_id=") {
                expectResponse(byBackup, status: 400, body: Expected.rds("Parameter error. instance_id is mandatory."))
            } else {
                expectResponse(byBackup, status: example.status, body: example.expected)
            }
        }
    }

    @Test func foreignDDMIdsGoToRouteA() async throws {
        try await withWriteRouteSession { session in
            let cases: [(String, Int, JSONValue)] = [
                // An unknown instance: route A's checks, not W19's (its limit goes to 100).
                (
                    Self.listTarget("instance_id=ffffffffffffffffffffffffffffffffin09&limit=128"), 400,
                    Expected.rds("Parameter error. limit must be an integer from 1 to 100.")
                ),
                (Self.listTarget("instance_id=ffffffffffffffffffffffffffffffffin09"), 404, Expected.instanceNotFound),
                // The DDM instance or backup from another project's path.
                (Self.listTarget("instance_id=\(Self.instance)", project: Acme.cnNorth4), 404, Expected.instanceNotFound),
                (
                    Self.listTarget("backup_id=\(Seeded.newer)", project: Acme.cnNorth4), 400,
                    Expected.rds("Parameter error. instance_id is mandatory.")
                ),
                // The related RDS instance of the same project is RDS: route A.
                (
                    Self.listTarget("instance_id=\(Acme.ddmDataNode)&limit=101"), 400,
                    Expected.rds("Parameter error. limit must be an integer from 1 to 100.")
                ),
                // A repeated instance_id: route A reports it.
                (
                    Self.listTarget("instance_id=\(Self.instance)&instance_id=\(Self.instance)"), 400,
                    Expected.rds("Parameter error. instance_id must be given only once.")
                ),
            ]
            for (target, status, body) in cases {
                expectResponse(try await session.client.send(target), status: status, body: body)
            }
            let related = try await session.get(Self.listTarget("instance_id=\(Acme.ddmDataNode)"))
            #expect(try related.json.keys == ["backups", "total_count"])
        }
    }

    // MARK: - W20 (§4.12, §7, §11.1)

    @Test func theExampleOfW20HidesTheBackupEverywhere() async throws {
        try await withWriteRouteSession { session in
            let exportBefore = try await Fixtures.export(session.store)
            #expect(exportBefore.contains(Seeded.older))
            let response = try await session.send(.delete, Self.deleteTarget(Seeded.older))
            #expect(response.status == 202, "body: \(response.body)")
            expectStandardHeaders(response)
            #expect(try response.json.keys == ["job_id"])
            let jobID = try response.json["job_id"]?.stringValue
            #expect(WriteRouteFormats.isUUID(jobID), "\(jobID ?? "nil")")
            try expectResponse(response, status: 202, json: #"{"job_id": "\#(jobID ?? "")"}"#)

            // W19: total 1; route F: 404.
            try expectResponse(try await session.get(Self.instanceList()), status: 200, json: Self.listBody([Self.exampleRecords[0]], total: 1))
            try expectResponse(
                try await session.get(Self.instanceList("backup_id=\(Seeded.older)")),
                status: 200,
                json: Self.listBody([], total: 0)
            )
            expectResponse(try await session.client.send(Target.ddm(backup: Seeded.older)), status: 404, body: Expected.backupNotFound)
            // The backup id alone finds nothing DDM any more: route A.
            expectResponse(
                try await session.client.send(Self.listTarget("backup_id=\(Seeded.older)")),
                status: 400,
                body: Expected.rds("Parameter error. instance_id is mandatory.")
            )
            // Deleting twice: not found.
            expectResponse(try await session.send(.delete, Self.deleteTarget(Seeded.older)), status: 404, body: Expected.backupNotFound)
            // Not exported either; the other one is.
            let exportAfter = try await Fixtures.export(session.store)
            #expect(!exportAfter.contains(Seeded.older))
            #expect(exportAfter.contains(Seeded.newer))
            // The other backup still reads as before.
            let shown = try await session.get(Target.ddm(backup: Seeded.newer))
            #expect(try shown.json["id"] == .string(Seeded.newer))
        }
    }

    @Test func deletingAForeignOrUnknownBackupIsNotFoundAndChangesNothing() async throws {
        try await withWriteRouteSession { session in
            let before = try await session.snapshot(Self.watched)
            for (id, project) in [
                (Seeded.older, Acme.cnNorth4), (Seeded.older, Acme.cnEast3), ("ffffffffffffffffffffffffffffffffbr09", Self.project),
                (Seeded.older.uppercased(), Self.project), ("4631832a-14c6-45b0-a0b3-3abd8f591ad1", Self.project),
                ("468939b72e73b7e0dece329b2ccd0414br01", Acme.cnNorth4),
            ] {
                expectResponse(try await session.send(.delete, Self.deleteTarget(id, project: project)), status: 404, body: Expected.backupNotFound)
            }
            #expect(try await session.snapshot(Self.watched) == before)
        }
    }

    @Test func theRelatedRDSBackupOfTheSameProjectIsAnRDSDelete() async throws {
        try await withWriteRouteSession { session in
            // 468939b7…br01 is an automated RDS backup of the DDM's data node: W2 refuses it.
            expectResponse(
                try await session.send(.delete, Self.deleteTarget("468939b72e73b7e0dece329b2ccd0414br01")),
                status: 400,
                body: Expected.rds("Parameter error. Only manual backups can be deleted.")
            )
        }
    }

    // MARK: - Daily backups (§8.5, §8.6, §8.8)

    @Test func withoutAutoBackupNothingIsEverMade() async throws {
        try await withWriteRouteSession { session in
            let before = try await session.snapshot(Self.watched)
            try await session.setClock("2030-01-10T18:00:00.000Z")
            #expect(try await session.snapshot(Self.watched) == before)
        }
    }

    @Test func oneBackupADayAt1800ZNamedInUTCPlus8() async throws {
        try await withWriteRouteSession(loadingAtT0: Self.autoBackupSeed) { session in
            // Turning it on starts nothing at once.
            try expectResponse(try await session.get(Self.instanceList()), status: 200, json: Self.listBody(Self.exampleRecords, total: 2))
            try expectResponse(
                try await session.get(Self.instanceList(instance: Self.shortInstance)),
                status: 200,
                json: Self.listBody([], total: 0)
            )
            try await session.setClock("2030-01-07T17:59:59.999Z")
            #expect(try await session.get(Self.instanceList()).page(total: "total").total == 2)

            try await session.setClock("2030-01-07T18:00:00.000Z")
            let response = try await session.get(Self.instanceList())
            let items = try response.items()
            try #require(items.count == 3, "body: \(response.body)")
            let id = try #require(items[0]["id"]?.stringValue)
            #expect(WriteRouteFormats.isBackupID(id, suffix: "br09"), "\(id)")
            // The name is cut to 64 characters (here the last digit of the time goes).
            #expect(
                items[0]
                    == Self.daily(
                        id: id,
                        name: "Backup-ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg-2030010802000",
                        instant: "2030-01-07T18:00:00+0000"
                    )
            )
            #expect(items[0].keys == Self.fieldOrder)
            let seeded = try Self.exampleRecords.map { try JSONValue(parsing: $0) }
            #expect(Array(items[1...]) == seeded)

            let short = try await session.get(Self.instanceList(instance: Self.shortInstance)).items()
            try #require(short.count == 1)
            let shortID = try #require(short[0]["id"]?.stringValue)
            #expect(WriteRouteFormats.isBackupID(shortID, suffix: "br09"), "\(shortID)")
            #expect(
                short[0]
                    == Self.daily(
                        id: shortID,
                        name: "Backup-ddm-auto-01-20300108020000",
                        instant: "2030-01-07T18:00:00+0000",
                        instance: Self.shortInstance,
                        instanceName: "ddm-auto-01"
                    )
            )
            // Route F reads it.
            try expectResponse(
                try await session.get(Target.ddm(backup: id)),
                status: 200,
                json: """
                    {"id": "\(id)", "name": "Backup-ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg-2030010802000", \
                    "instance_id": "34970585d4964f2a8d6d9ea8d303398bin09", "instance_name": "ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg", \
                    "related_data_nodes": [{"instance_id": "fc33739e5d2741529e21d87a7b5923fain01", \
                    "instance_name": "mysql_rds_related_ddm_for_diagnose3_01"}]}
                    """
            )

            // One a day, newest first.
            try await session.setClock("2030-01-10T18:00:00.000Z")
            let days = try await session.get(Self.instanceList(instance: Self.shortInstance)).items()
            #expect(
                days.map { $0["name"]?.stringValue } == [
                    "Backup-ddm-auto-01-20300111020000", "Backup-ddm-auto-01-20300110020000", "Backup-ddm-auto-01-20300109020000",
                    "Backup-ddm-auto-01-20300108020000",
                ]
            )
            #expect(
                days.map { $0["created"]?.stringValue } == [
                    "2030-01-10T18:00:00+0000", "2030-01-09T18:00:00+0000", "2030-01-08T18:00:00+0000", "2030-01-07T18:00:00+0000",
                ]
            )
            #expect(days.allSatisfy { $0["updated"] == $0["created"] && $0["file_size"] == .integer(8) })
        }
    }

    @Test func eachDailyBackupIsRemoved30DaysAfterItsInstant() async throws {
        try await withWriteRouteSession(loadingAtT0: Self.autoBackupSeed) { session in
            try await session.setClock("2030-01-07T18:00:00.000Z")
            let first = try #require(try await session.get(Self.instanceList()).items().first?["id"]?.stringValue)

            // 01-07 … 02-05: thirty of them, the first one still there.
            try await session.setClock("2030-02-06T17:59:59.999Z")
            var items = try await session.get(Self.instanceList("limit=128")).items()
            #expect(items.count == 32)
            #expect(items.dropLast(2).last?["id"] == .string(first))
            #expect(items.dropLast(2).last?["created"] == .string("2030-01-07T18:00:00+0000"))
            #expect(try await session.get(Target.ddm(backup: first)).status == 200)

            // At 02-06 18:00 the first goes as the new one comes.
            try await session.setClock("2030-02-06T18:00:00.000Z")
            items = try await session.get(Self.instanceList("limit=128")).items()
            #expect(items.count == 32)
            #expect(items.first?["created"] == .string("2030-02-06T18:00:00+0000"))
            #expect(items.dropLast(2).last?["created"] == .string("2030-01-08T18:00:00+0000"))
            #expect(!items.contains { $0["id"] == .string(first) })
            expectResponse(try await session.client.send(Target.ddm(backup: first)), status: 404, body: Expected.backupNotFound)
            // The seeded ones are never removed.
            let seeded = try Self.exampleRecords.map { try JSONValue(parsing: $0) }
            #expect(Array(items.suffix(2)) == seeded)
            #expect(try await session.get(Self.instanceList("limit=128")).json["total"] == .integer(32))

            // A year on: still thirty, plus the seeded two.
            try await session.advance("P365D")
            let later = try await session.get(Self.instanceList("limit=128"))
            #expect(try later.json["total"] == .integer(32))
            #expect(Array(try later.items().suffix(2)) == seeded)
        }
    }

    @Test func aFaultMakesTheNextDailyBackupCreatefail() async throws {
        try await withWriteRouteSession(loadingAtT0: Self.autoBackupSeed) { session in
            try await session.armFault(Self.shortInstance)
            try await session.setClock("2030-01-08T18:00:00.000Z")
            let items = try await session.get(Self.instanceList(instance: Self.shortInstance)).items()
            try #require(items.count == 2)
            let failedID = try #require(items[1]["id"]?.stringValue)
            #expect(
                items[1]
                    == Self.daily(
                        id: failedID,
                        name: "Backup-ddm-auto-01-20300108020000",
                        instant: "2030-01-07T18:00:00+0000",
                        instance: Self.shortInstance,
                        instanceName: "ddm-auto-01",
                        failed: true
                    )
            )
            #expect(items[0]["status"] == .string("normal"))
            #expect(items[0]["file_size"] == .integer(8))
            // The other instance took no fault.
            let other = try await session.get(Self.instanceList()).items()
            #expect(other.prefix(2).allSatisfy { $0["status"] == .string("normal") })
        }
    }

    @Test func aDeletedDailyBackupIsHiddenAtOnce() async throws {
        try await withWriteRouteSession(loadingAtT0: Self.autoBackupSeed) { session in
            try await session.setClock("2030-01-08T18:00:00.000Z")
            let items = try await session.get(Self.instanceList(instance: Self.shortInstance)).items()
            let id = try #require(items.last?["id"]?.stringValue)
            let response = try await session.send(.delete, Self.deleteTarget(id))
            #expect(response.status == 202, "body: \(response.body)")
            #expect(try WriteRouteFormats.isUUID(response.json["job_id"]?.stringValue))
            let kept = try #require(items.first?["id"]?.stringValue)
            let after = try await session.get(Self.instanceList(instance: Self.shortInstance))
            #expect(try after.page(total: "total") == ListPage(ids: [kept], total: 1))
            expectResponse(
                try await session.client.send(Target.ddm(backup: id, instance: Self.shortInstance)),
                status: 404,
                body: Expected.backupNotFound
            )
            expectResponse(try await session.send(.delete, Self.deleteTarget(id)), status: 404, body: Expected.backupNotFound)
            // The schedule goes on.
            try await session.setClock("2030-01-09T18:00:00.000Z")
            #expect(try await session.get(Self.instanceList(instance: Self.shortInstance)).page(total: "total").total == 2)
        }
    }

    // MARK: - A refused write changes nothing; scope before the body (§1.1, §10)

    @Test func refusedWritesChangeNothing() async throws {
        try await withWriteRouteSession { session in
            let before = try await session.snapshot(Self.watched)
            for target in [
                Self.deleteTarget("nothing"), Self.deleteTarget(Seeded.older, project: Acme.cnNorth4),
                Self.deleteTarget(Seeded.older, project: Acme.apSoutheast1),
            ] {
                expectResponse(try await session.send(.delete, target, bytes: Array("{".utf8)), status: 404, body: Expected.backupNotFound)
            }
            #expect(try await session.snapshot(Self.watched) == before)
        }
    }

    @Test func bobGets403BeforeAnyQueryOrLookup() async throws {
        try await withWriteRouteSession { session in
            let before = try await session.snapshot(Self.watched)
            let requests: [(String, HTTPRequest.Method, String)] = [
                ("W19", .get, Self.instanceList()),
                ("W19 bad query", .get, Self.instanceList("limit=0")),
                ("W19 by backup", .get, Self.listTarget("backup_id=\(Seeded.newer)")),
                ("W20", .delete, Self.deleteTarget(Seeded.older)),
                ("W20 unknown", .delete, Self.deleteTarget("nothing")),
                ("route F", .get, Target.ddm(backup: Seeded.older)),
            ]
            for (name, method, target) in requests {
                let response = try await session.send(method, target, bytes: Array("{".utf8), as: .bob)
                #expect(response.status == 403, "\(name): \(response.body)")
                expectNotAuthorized(response)
            }
            #expect(try await session.snapshot(Self.watched) == before)
        }
    }
}
