import BackupdAPI
import BackupdCatalog
import BackupdTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

/// The DCS write side through the real application over the example seed, the catalog clock frozen
/// at T0 (`lifecycle.md` §11): W13/W17 create (§3.11, §4.10), W14/W18 delete (§3.12), W15/W16 the
/// plan (§3.13, §4.11), the transitions of §6.2 and faults (§6.3), the conflicts of §7, and the plan's
/// records with their expiry and the 24-record cap (§8.4).
@Suite struct DCSWriteRoutesTests {
    static let project = Acme.cnNorth4
    static let redis = Acme.redisInstance
    static let memcached = Acme.memcachedInstance
    static let unknownInstance = "ffffffff-ffff-4fff-bfff-ffffffffffff"

    /// Records of `dcs-redis-5560` in the example seed.
    enum Seeded {
        static let succeed = "4631832a-14c6-45b0-a0b3-3abd8f591ad1"
        static let waiting = "c93ae86f-b936-4819-8b9d-b4b7e501c782"
        static let backuping = "a1a9f0a5-790e-45f5-8cae-3a8b81cd7b56"
        static let failed = "5cb346b1-e728-41e8-8bd3-20b149be1776"
        static let expired = "df72a3df-4bcd-4423-8330-37376d4ffc8b"
        static let deleted = "e73d28e0-8a3f-4fb0-8147-fa1130fff09d"
        static let count = 15
    }

    enum Errors {
        static let malformed = Expected.dcsInvalid("body")
        static let remark = Expected.dcsInvalid("remark")
        static let backupFormat = Expected.dcsInvalid("backup_format")
        static let backupID = Expected.dcsInvalid("backup_id")
        static let inProgress = Expected.dcs("DCS.4096", "the instance is backuping.")
        static let policyObject = Expected.dcsInvalid("instance_backup_policy")
        static let plan = Expected.dcsInvalid("periodical_backup_plan")
        static let timezone = Expected.dcsInvalid("timezone_offset")
        static func policy(_ code: String, _ name: String) -> JSONValue {
            Expected.dcs(code, "Invalid \(name) instance backup policy parameter in the request.")
        }
        static let saveDays = policy("DCS.4072", "saveDays")
        static let backupType = policy("DCS.4073", "backupType")
        static let periodType = policy("DCS.4074", "periodType")
        static let backupAt = policy("DCS.4075", "backupAt")
        static let beginAt = policy("DCS.4076", "beginAt")
    }

    // MARK: - Targets

    enum Version: String, Sendable, CaseIterable, CustomTestStringConvertible {
        case v1 = "v1.0"
        case v2 = "v2"
        var testDescription: String { rawValue }
    }

    static func backupsTarget(_ version: Version = .v2, instance: String = redis, project: String = project) -> String {
        "/\(version.rawValue)/\(project)/instances/\(instance)/backups"
    }
    static func deleteTarget(_ id: String, _ version: Version = .v2, instance: String = redis, project: String = project) -> String {
        backupsTarget(version, instance: instance, project: project) + "/" + id
    }
    static func instanceTarget(_ instance: String = redis, project: String = project) -> String {
        "/v2/\(project)/instances/\(instance)"
    }
    static let allV2 = Target.dcsV2("limit=1000")
    static let allV1 = Target.dcsV1("limit=1000")

    /// What a refused DCS write must leave as it was.
    static let watched = [
        allV2, allV1, Target.dcsV2("limit=1000", instance: memcached), instanceTarget(), instanceTarget(memcached),
    ]

    // MARK: - Records

    /// A record in the lists' key order (`api.md` §6).
    static func record(
        _ id: String,
        status: String,
        remark: String = "",
        period: String? = nil,
        progress: String,
        size: Int64,
        created: String,
        updated: String,
        execution: String,
        type: String = "manual",
        name: String,
        errorCode: String? = nil,
        restore: String = "FALSE",
        instance: String = redis
    ) -> JSONValue {
        .object([
            ("status", .string(status)), ("remark", .string(remark)), ("period", period.map { .string($0) } ?? .null),
            ("progress", .string(progress)), ("size", .integer(size)), ("instance_id", .string(instance)), ("backup_id", .string(id)),
            ("created_at", .string(created)), ("updated_at", .string(updated)), ("execution_at", .string(execution)),
            ("backup_type", .string(type)), ("backup_name", .string(name)), ("error_code", errorCode.map { .string($0) } ?? .null),
            ("is_support_restore", .string(restore)),
        ])
    }

    /// The record `id` in the v2 list of `instance` (nil when not listed).
    static func listed(_ id: String, in session: WriteRouteSession, instance: String = redis) async throws -> JSONValue? {
        let items = try await session.get(Target.dcsV2("limit=1000", instance: instance)).items("backup_record_response")
        return items.first { $0["backup_id"]?.stringValue == id }
    }

    /// Every record of the v2 list of `instance`, newest first.
    static func all(in session: WriteRouteSession, instance: String = redis) async throws -> [JSONValue] {
        try await session.get(Target.dcsV2("limit=1000", instance: instance)).items("backup_record_response")
    }

    /// A create that must succeed. - Returns: the new id.
    static func created(
        _ session: WriteRouteSession,
        _ json: String = "{}",
        version: Version = .v2,
        instance: String = redis,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let response = try await session.send(.post, backupsTarget(version, instance: instance), json)
        #expect(response.status == 200, "body: \(response.body)", sourceLocation: sourceLocation)
        return try #require(try response.json["backup_id"]?.stringValue, "body: \(response.body)", sourceLocation: sourceLocation)
    }

    // MARK: - W13 and W17 (§3.11, §4.10, §6.2, §11.1)

    @Test func theExampleOfW13AndItsRecordAtT0T0Plus35AndT0Plus65() async throws {
        try await withWriteRouteSession { session in
            let response = try await session.send(.post, Self.backupsTarget(), #"{"remark": "before resize", "backup_format": "rdb"}"#)
            #expect(response.status == 200, "body: \(response.body)")
            expectStandardHeaders(response)
            #expect(try response.json.keys == ["backup_id"])
            let id = try #require(try response.json["backup_id"]?.stringValue)
            #expect(WriteRouteFormats.isUUID(id), "\(id)")

            func expected(_ status: String, _ progress: String, _ size: Int64, updated: String, restore: String) -> JSONValue {
                Self.record(
                    id,
                    status: status,
                    remark: "before resize",
                    progress: progress,
                    size: size,
                    created: "2030-01-07T08:00:00.000Z",
                    updated: updated,
                    execution: "2030-01-07T08:00:05.000Z",
                    name: "backup_20300107160000",
                    restore: restore
                )
            }
            let cases: [(String, JSONValue)] = [
                ("2030-01-07T08:00:00.000Z", expected("waiting", "0.00", 0, updated: "2030-01-07T08:00:00.000Z", restore: "FALSE")),
                ("2030-01-07T08:00:04.999Z", expected("waiting", "0.00", 0, updated: "2030-01-07T08:00:00.000Z", restore: "FALSE")),
                ("2030-01-07T08:00:05.000Z", expected("backuping", "0.00", 0, updated: "2030-01-07T08:00:05.000Z", restore: "FALSE")),
                ("2030-01-07T08:00:05.006Z", expected("backuping", "0.01", 0, updated: "2030-01-07T08:00:05.000Z", restore: "FALSE")),
                ("2030-01-07T08:00:35.000Z", expected("backuping", "50.00", 0, updated: "2030-01-07T08:00:05.000Z", restore: "FALSE")),
                ("2030-01-07T08:00:45.000Z", expected("backuping", "66.66", 0, updated: "2030-01-07T08:00:05.000Z", restore: "FALSE")),
                ("2030-01-07T08:01:04.999Z", expected("backuping", "99.99", 0, updated: "2030-01-07T08:00:05.000Z", restore: "FALSE")),
                ("2030-01-07T08:01:05.000Z", expected("succeed", "100.00", 1_048_576, updated: "2030-01-07T08:01:05.000Z", restore: "TRUE")),
            ]
            for (clock, record) in cases {
                if clock != WriteRouteSession.t0 { try await session.setClock(clock) }
                let v2 = try await session.get(Self.allV2).items("backup_record_response")
                #expect(v2.first == record, "at \(clock)")
                // The newest of the instance, first in both lists.
                let v1 = try await session.get(Self.allV1).items("backup_record_response")
                #expect(v1.first == record, "v1.0 at \(clock)")
                #expect(v2.count == Seeded.count + 1)
            }
        }
    }

    @Test(arguments: Version.allCases)
    func aBackupInProgressRefusesTheNextUntilItSucceeds(_ version: Version) async throws {
        try await withWriteRouteSession { session in
            // The seed's waiting and backuping records are seeded: they block nothing.
            _ = try await Self.created(session, #"{"remark": "first"}"#, version: version)
            for clock in ["2030-01-07T08:00:00.000Z", "2030-01-07T08:00:05.000Z", "2030-01-07T08:00:35.000Z", "2030-01-07T08:01:04.999Z"] {
                if clock != WriteRouteSession.t0 { try await session.setClock(clock) }
                for other in Version.allCases {
                    let response = try await session.send(.post, Self.backupsTarget(other), #"{"remark": "second"}"#)
                    expectResponse(response, status: 400, body: Errors.inProgress)
                }
            }
            // Another instance is not blocked.
            _ = try await Self.created(session, version: version, instance: Self.memcached)
            try await session.setClock("2030-01-07T08:01:05.000Z")
            let second = try await Self.created(session, #"{"remark": "second"}"#, version: version)
            #expect(try await Self.listed(second, in: session)?["status"] == .string("waiting"))
        }
    }

    @Test func theExampleOfW17AndItsUnknownBackupFormat() async throws {
        try await withWriteRouteSession { session in
            let response = try await session.send(.post, Self.backupsTarget(.v1), #"{"remark": "v1"}"#)
            #expect(response.status == 200, "body: \(response.body)")
            expectStandardHeaders(response)
            #expect(try response.json.keys == ["backup_id"])
            let id = try #require(try response.json["backup_id"]?.stringValue)
            #expect(WriteRouteFormats.isUUID(id))
            let expected = Self.record(
                id,
                status: "waiting",
                remark: "v1",
                progress: "0.00",
                size: 0,
                created: "2030-01-07T08:00:00.000Z",
                updated: "2030-01-07T08:00:00.000Z",
                execution: "2030-01-07T08:00:05.000Z",
                name: "backup_20300107160000"
            )
            #expect(try await session.get(Self.allV1).items("backup_record_response").first == expected)
            #expect(try await Self.listed(id, in: session) == expected)
            // On v1.0 backup_format is an unknown member: ignored.
            try await session.setClock("2030-01-07T08:01:05.000Z")
            let other = try await session.send(.post, Self.backupsTarget(.v1), #"{"remark": "v1", "backup_format": "zip"}"#)
            #expect(other.status == 200, "body: \(other.body)")
        }
    }

    @Test(arguments: Version.allCases)
    func anEmptyBodyIsAValidCreate(_ version: Version) async throws {
        try await withWriteRouteSession { session in
            for body in ["", "{}", #"{"remark": null, "backup_format": null}"#] {
                let id = try await Self.created(session, body, version: version)
                #expect(try await Self.listed(id, in: session)?["remark"] == .string(""))
                try await session.advance("PT65S")
            }
        }
    }

    static func createCases(_ version: Version) -> [WriteCase] {
        let target = backupsTarget(version)
        let unknown = backupsTarget(version, instance: unknownInstance)
        func row(_ name: String, _ json: String, _ status: Int = 400, _ expected: JSONValue, target: String = target) -> WriteCase {
            WriteCase("\(version.rawValue) \(name)", target, json, status, expected)
        }
        var cases: [WriteCase] = [
            row("not JSON", #"{"remark": "x""#, 400, Errors.malformed),
            row("a top-level array", #"[{"remark": "x"}]"#, 400, Errors.malformed),
            row("a top-level null", "null", 400, Errors.malformed),
            row("a number", "7", 400, Errors.malformed),
            row("a repeated member", #"{"remark": "a", "remark": "b"}"#, 400, Errors.malformed),
            WriteCase(
                "\(version.rawValue) a byte-order mark",
                target,
                bytes: [0xEF, 0xBB, 0xBF] + Array("{}".utf8),
                400,
                Errors.malformed
            ),
            row("malformed for an unknown instance", "{", 400, Errors.malformed, target: unknown),
        ]
        cases += [
            ("an integer", "7"), ("true", "true"), ("an array", #"["x"]"#), ("an object", "{}"),
            ("129 code points", "\"" + String(repeating: "数", count: 129) + "\""),
        ].map { label, value in
            row("remark \(label)", #"{"remark": \#(value), "backup_format": "zip"}"#, 400, Errors.remark, target: unknown)
        }
        if version == .v2 {
            cases += [("zip", #""zip""#), ("upper case", #""RDB""#), ("empty", #""""#), ("an integer", "7"), ("an array", #"["rdb"]"#)].map {
                label,
                value in
                row("backup_format \(label)", #"{"remark": "x", "backup_format": \#(value)}"#, 400, Errors.backupFormat, target: unknown)
            }
        }
        cases += [
            ("128 code points", #"{"remark": "\#(String(repeating: "数", count: 128))"}"#),
            ("an empty remark", #"{"remark": ""}"#),
            ("aof", #"{"backup_format": "aof"}"#),
            ("rdb", #"{"backup_format": "rdb"}"#),
            ("unknown members", #"{"name": 7, "extra": {"a": [1]}}"#),
        ].map { label, json in
            // Every field valid: the instance lookup answers.
            row("\(label) is accepted", json, 404, Expected.dcsInstanceNotFound, target: unknown)
        }
        cases += [
            row("an RDS instance", "{}", 404, Expected.dcsInstanceNotFound, target: backupsTarget(version, instance: Acme.mysqlInstance)),
            row(
                "the instance from another project's path",
                "{}",
                404,
                Expected.dcsInstanceNotFound,
                target: backupsTarget(version, project: Acme.apSoutheast1)
            ),
            row(
                "the id in upper case",
                "{}",
                404,
                Expected.dcsInstanceNotFound,
                target: backupsTarget(version, instance: redis.uppercased())
            ),
        ]
        return cases
    }

    @Test(arguments: createCases(.v2) + createCases(.v1))
    func createChecksInTheOrderOfTheTable(_ example: WriteCase) async throws {
        try await withWriteRouteSession { session in
            let before = try await session.snapshot(Self.watched)
            expectResponse(try await session.send(.post, example.target, bytes: example.body), status: example.status, body: example.expected)
            #expect(try await session.snapshot(Self.watched) == before, "a refused create changed something")
        }
    }

    @Test(arguments: Version.allCases)
    func aFaultMakesTheNextBackupFailWithDcs080002(_ version: Version) async throws {
        try await withWriteRouteSession { session in
            try await session.armFault(Self.redis)
            let id = try await Self.created(session, #"{"remark": "doomed"}"#, version: version)
            func expected(_ status: String, _ progress: String, updated: String, errorCode: String?) -> JSONValue {
                Self.record(
                    id,
                    status: status,
                    remark: "doomed",
                    progress: progress,
                    size: 0,
                    created: "2030-01-07T08:00:00.000Z",
                    updated: updated,
                    execution: "2030-01-07T08:00:05.000Z",
                    name: "backup_20300107160000",
                    errorCode: errorCode
                )
            }
            // Its normal phases first.
            #expect(try await Self.listed(id, in: session) == expected("waiting", "0.00", updated: "2030-01-07T08:00:00.000Z", errorCode: nil))
            try await session.setClock("2030-01-07T08:00:35.000Z")
            #expect(try await Self.listed(id, in: session) == expected("backuping", "50.00", updated: "2030-01-07T08:00:05.000Z", errorCode: nil))
            try await session.setClock("2030-01-07T08:01:05.000Z")
            #expect(
                try await Self.listed(id, in: session) == expected("failed", "0.00", updated: "2030-01-07T08:01:05.000Z", errorCode: "dcs.08.0002")
            )
            // The fault is gone: the next one succeeds.
            let next = try await Self.created(session, version: version)
            try await session.advance("PT65S")
            #expect(try await Self.listed(next, in: session)?["status"] == .string("succeed"))
            // A failed record can be deleted.
            let deleted = try await session.send(.delete, Self.deleteTarget(id, version))
            #expect(deleted.status == (version == .v2 ? 204 : 200), "body: \(deleted.body)")
            #expect(try await Self.listed(id, in: session)?["status"] == .string("deleted"))
        }
    }

    // MARK: - W14 and W18 (§3.12, §4.10, §7, §11.1)

    @Test func theExampleOfW14IsA204AndTheRecordStaysDeleted() async throws {
        try await withWriteRouteSession { session in
            let seeded = try #require(try await Self.listed(Seeded.succeed, in: session))
            let response = try await session.send(.delete, Self.deleteTarget(Seeded.succeed))
            expectNoContent(response)
            let expected = Self.record(
                Seeded.succeed,
                status: "deleted",
                remark: "001",
                progress: "100.00",
                size: 880_232,
                created: "2019-05-10T08:31:16.166Z",
                updated: "2030-01-07T08:00:00.000Z",
                execution: "2019-05-10T08:31:21.461Z",
                name: "backup_20190510163116",
                restore: "FALSE"
            )
            #expect(seeded["status"] == .string("succeed"))
            #expect(try await Self.listed(Seeded.succeed, in: session) == expected)
            let v1 = try await session.get(Self.allV1).items("backup_record_response")
            #expect(v1.first { $0["backup_id"]?.stringValue == Seeded.succeed } == expected)

            // Deleting twice: the same 204 (v1.0: 200), and nothing changes, later too.
            try await session.advance("PT10M")
            expectNoContent(try await session.send(.delete, Self.deleteTarget(Seeded.succeed)))
            try expectResponse(try await session.send(.delete, Self.deleteTarget(Seeded.succeed, .v1)), status: 200, json: #"{"message": ""}"#)
            #expect(try await Self.listed(Seeded.succeed, in: session) == expected)
        }
    }

    @Test func theExampleOfW18Answers200WithAnEmptyMessage() async throws {
        try await withWriteRouteSession { session in
            let response = try await session.send(.delete, Self.deleteTarget(Seeded.succeed, .v1))
            try expectResponse(response, status: 200, json: #"{"message": ""}"#)
            #expect(try response.json.keys == ["message"])
            #expect(try await Self.listed(Seeded.succeed, in: session)?["status"] == .string("deleted"))
            #expect(try await Self.listed(Seeded.succeed, in: session)?["updated_at"] == .string("2030-01-07T08:00:00.000Z"))
            expectNoContent(try await session.send(.delete, Self.deleteTarget(Seeded.succeed)))
        }
    }

    @Test(arguments: Version.allCases)
    func failedAndExpiredRecordsBecomeDeleted(_ version: Version) async throws {
        try await withWriteRouteSession { session in
            for id in [Seeded.failed, Seeded.expired, Seeded.deleted] {
                let before = try #require(try await Self.listed(id, in: session))
                let response = try await session.send(.delete, Self.deleteTarget(id, version))
                #expect(response.status == (version == .v2 ? 204 : 200), "body: \(response.body)")
                let after = try #require(try await Self.listed(id, in: session))
                #expect(after["status"] == .string("deleted"))
                #expect(after["is_support_restore"] == .string("FALSE"))
                #expect(after["progress"] == before["progress"])
                #expect(after["size"] == before["size"])
                #expect(after["error_code"] == before["error_code"])
                // A record already deleted is left unchanged.
                #expect(after["updated_at"] == (id == Seeded.deleted ? before["updated_at"] : .string("2030-01-07T08:00:00.000Z")))
            }
        }
    }

    @Test(arguments: Version.allCases)
    func deletingAWaitingOrRunningRecordIsRefused(_ version: Version) async throws {
        try await withWriteRouteSession { session in
            let before = try await session.snapshot(Self.watched)
            // The seed's waiting and backuping records stay so for ever: they cannot be deleted.
            for id in [Seeded.waiting, Seeded.backuping] {
                expectResponse(try await session.send(.delete, Self.deleteTarget(id, version)), status: 400, body: Errors.inProgress)
            }
            #expect(try await session.snapshot(Self.watched) == before)

            let id = try await Self.created(session, version: version)
            for clock in ["2030-01-07T08:00:00.000Z", "2030-01-07T08:00:05.000Z", "2030-01-07T08:01:04.999Z"] {
                if clock != WriteRouteSession.t0 { try await session.setClock(clock) }
                expectResponse(try await session.send(.delete, Self.deleteTarget(id, version)), status: 400, body: Errors.inProgress)
            }
            try await session.setClock("2030-01-07T08:01:05.000Z")
            #expect(try await session.send(.delete, Self.deleteTarget(id, version)).status == (version == .v2 ? 204 : 200))
            #expect(try await Self.listed(id, in: session)?["status"] == .string("deleted"))
            #expect(try await Self.listed(id, in: session)?["updated_at"] == .string("2030-01-07T08:01:05.000Z"))
            #expect(try await Self.listed(id, in: session)?["size"] == .integer(1_048_576))
            // Two years on, the seed's transient records are unchanged.
            try await session.advance("P730D")
            #expect(try await Self.listed(Seeded.waiting, in: session)?["status"] == .string("waiting"))
            expectResponse(try await session.send(.delete, Self.deleteTarget(Seeded.waiting, version)), status: 400, body: Errors.inProgress)
        }
    }

    @Test(arguments: Version.allCases)
    func unknownBackupsAreInvalidAndUnknownInstancesNotFound(_ version: Version) async throws {
        try await withWriteRouteSession { session in
            let memcachedBackup = try await Self.created(session, version: version, instance: Self.memcached)
            let before = try await session.snapshot(Self.watched)
            let cases: [(String, Int, JSONValue)] = [
                (Self.deleteTarget("no-such-backup", version), 400, Errors.backupID),
                (Self.deleteTarget(Self.unknownInstance, version), 400, Errors.backupID),
                (Self.deleteTarget(Seeded.succeed.uppercased(), version), 400, Errors.backupID),
                // A record of another instance, an RDS backup, a DDM backup.
                (Self.deleteTarget(memcachedBackup, version), 400, Errors.backupID),
                (Self.deleteTarget("dbf3f7c6c2083efd3cf148808ea6908fbr01", version), 400, Errors.backupID),
                (Self.deleteTarget("09902ee7866649b8908ec209bfee2747br09", version), 400, Errors.backupID),
                // The instance is looked up first.
                (Self.deleteTarget(Seeded.succeed, version, instance: Self.unknownInstance), 404, Expected.dcsInstanceNotFound),
                (Self.deleteTarget(Seeded.succeed, version, instance: Acme.mysqlInstance), 404, Expected.dcsInstanceNotFound),
                (Self.deleteTarget(Seeded.succeed, version, project: Acme.apSoutheast1), 404, Expected.dcsInstanceNotFound),
            ]
            for (target, status, body) in cases {
                expectResponse(try await session.send(.delete, target), status: status, body: body)
            }
            #expect(try await session.snapshot(Self.watched) == before)
            #expect(try await Self.listed(memcachedBackup, in: session, instance: Self.memcached)?["status"] == .string("waiting"))
        }
    }

    // MARK: - W16 (§4.11)

    @Test func theInstanceDocumentBeforeAnyPolicy() async throws {
        try await withWriteRouteSession { session in
            let redis = try await session.get(Self.instanceTarget())
            try expectResponse(
                redis,
                status: 200,
                json: """
                    {"instance_id": "5560df16-cebf-4473-95c4-d1b573c16e79", "name": "dcs-redis-5560", "engine": "Redis", \
                    "engine_version": "5.0", "instance_backup_policy": null}
                    """
            )
            #expect(try redis.json.keys == ["instance_id", "name", "engine", "engine_version", "instance_backup_policy"])
            try expectResponse(
                try await session.get(Self.instanceTarget(Self.memcached)),
                status: 200,
                json: """
                    {"instance_id": "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "name": "dcs-memcached-a1b2", "engine": "Memcached", \
                    "engine_version": "1.5", "instance_backup_policy": null}
                    """
            )
            for target in [
                Self.instanceTarget(Self.unknownInstance), Self.instanceTarget(Acme.mysqlInstance),
                Self.instanceTarget(project: Acme.apSoutheast1),
            ] {
                expectResponse(try await session.client.send(target), status: 404, body: Expected.dcsInstanceNotFound)
            }
        }
    }

    // MARK: - W15 (§3.13, §8.4, §11.1)

    static let examplePlan = """
        {"instance_backup_policy": {"backup_type": "auto", "save_days": 3, "periodical_backup_plan": \
        {"backup_at": [1, 2, 3, 4, 5, 6, 7], "period_type": "weekly", "begin_at": "18:00-19:00"}}}
        """

    /// The W16 document of `dcs-redis-5560` with a policy.
    static func document(policyID: String, created: String, updated: String, policy: String) -> String {
        """
        {"instance_id": "5560df16-cebf-4473-95c4-d1b573c16e79", "name": "dcs-redis-5560", "engine": "Redis", "engine_version": "5.0", \
        "instance_backup_policy": {"backup_policy_id": "\(policyID)", "created_at": "\(created)", "updated_at": "\(updated)", \
        "policy": \(policy), "tenant_id": "0483b6b16e954cb88930a360d2c4e663"}}
        """
    }

    static let examplePolicy = """
        {"backup_type": "auto", "save_days": 3, "periodical_backup_plan": {"backup_at": [1, 2, 3, 4, 5, 6, 7], \
        "period_type": "weekly", "begin_at": "18:00-19:00"}}
        """

    @Test func theExampleOfW15AndW16AndTheFirstPlannedRecord() async throws {
        try await withWriteRouteSession { session in
            let response = try await session.send(.put, Self.instanceTarget(), Self.examplePlan)
            expectNoContent(response)
            let shown = try await session.get(Self.instanceTarget())
            let policyID = try #require(try shown.json["instance_backup_policy"]?["backup_policy_id"]?.stringValue, "body: \(shown.body)")
            #expect(WriteRouteFormats.isUUID(policyID), "\(policyID)")
            try expectResponse(
                shown,
                status: 200,
                json: Self.document(
                    policyID: policyID,
                    created: "2030-01-07T08:00:00.000Z",
                    updated: "2030-01-07T08:00:00.000Z",
                    policy: Self.examplePolicy
                )
            )
            #expect(
                try shown.json["instance_backup_policy"]?.keys == ["backup_policy_id", "created_at", "updated_at", "policy", "tenant_id"]
            )
            #expect(try shown.json["instance_backup_policy"]?["policy"]?["periodical_backup_plan"]?.keys == ["backup_at", "period_type", "begin_at"])

            // Turning the plan on starts nothing at once.
            try await session.setClock("2030-01-07T17:59:59.999Z")
            #expect(try await Self.all(in: session).count == Seeded.count)

            try await session.setClock("2030-01-07T18:00:00.000Z")
            let first = try #require(try await Self.all(in: session).first)
            let id = try #require(first["backup_id"]?.stringValue)
            #expect(WriteRouteFormats.isUUID(id, version: "8"), "\(id)")
            let waiting = Self.record(
                id,
                status: "waiting",
                period: "18:00-19:00",
                progress: "0.00",
                size: 0,
                created: "2030-01-07T18:00:00.000Z",
                updated: "2030-01-07T18:00:00.000Z",
                execution: "2030-01-07T18:00:05.000Z",
                type: "auto",
                name: "backup_20300108020000"
            )
            #expect(first == waiting)
            try await session.setClock("2030-01-07T18:01:05.000Z")
            let succeed = Self.record(
                id,
                status: "succeed",
                period: "18:00-19:00",
                progress: "100.00",
                size: 1_048_576,
                created: "2030-01-07T18:00:00.000Z",
                updated: "2030-01-07T18:01:05.000Z",
                execution: "2030-01-07T18:00:05.000Z",
                type: "auto",
                name: "backup_20300108020000",
                restore: "TRUE"
            )
            #expect(try await Self.listed(id, in: session) == succeed)
            #expect(try await session.get(Self.allV1).items("backup_record_response").first == succeed)

            // One a day at 18:00:00.000Z, named from created_at in UTC+8.
            try await session.setClock("2030-01-09T18:00:00.000Z")
            let autos = try await Self.all(in: session).filter { $0["backup_type"] == .string("auto") && $0["period"] != .null }
                .prefix(3)
            #expect(autos.map { $0["backup_name"]?.stringValue } == ["backup_20300110020000", "backup_20300109020000", "backup_20300108020000"])
            #expect(
                autos.map { $0["created_at"]?.stringValue } == ["2030-01-09T18:00:00.000Z", "2030-01-08T18:00:00.000Z", "2030-01-07T18:00:00.000Z"]
            )
            // A planned record in progress blocks a manual one.
            expectResponse(try await session.send(.post, Self.backupsTarget(), "{}"), status: 400, body: Errors.inProgress)
        }
    }

    @Test func thePlanRunsOnlyOnTheWeekdaysOfBackupAt() async throws {
        try await withWriteRouteSession { session in
            // 2030-01-07 is a Monday (1); only Wednesdays (3) and Sundays (7).
            let plan = """
                {"instance_backup_policy": {"backup_type": "auto", "save_days": 7, "periodical_backup_plan": \
                {"backup_at": [7, 3], "period_type": "weekly", "begin_at": "23:00-00:00"}}}
                """
            expectNoContent(try await session.send(.put, Self.instanceTarget(), plan))
            try await session.setClock("2030-01-14T00:00:00.000Z")
            let autos = try await Self.all(in: session).prefix(2)
            #expect(autos.map { $0["created_at"]?.stringValue } == ["2030-01-13T23:00:00.000Z", "2030-01-09T23:00:00.000Z"])
            #expect(autos.map { $0["backup_name"]?.stringValue } == ["backup_20300114070000", "backup_20300110070000"])
            #expect(autos.map { $0["period"]?.stringValue } == ["23:00-00:00", "23:00-00:00"])
            #expect(try await Self.all(in: session).count == Seeded.count + 2)
        }
    }

    @Test func aSucceededRecordExpiresAfterSaveDaysOnceANewerOneSucceeded() async throws {
        try await withWriteRouteSession { session in
            expectNoContent(try await session.send(.put, Self.instanceTarget(), Self.examplePlan))
            try await session.setClock("2030-01-07T18:00:00.000Z")
            let id = try #require(try await Self.all(in: session).first?["backup_id"]?.stringValue)
            // created_at + 3 days: the newer ones of 01-08 and 01-09 have succeeded by then.
            try await session.setClock("2030-01-10T17:59:59.999Z")
            #expect(try await Self.listed(id, in: session)?["status"] == .string("succeed"))
            try await session.setClock("2030-01-10T18:00:00.000Z")
            let expired = Self.record(
                id,
                status: "expired",
                period: "18:00-19:00",
                progress: "100.00",
                size: 1_048_576,
                created: "2030-01-07T18:00:00.000Z",
                updated: "2030-01-10T18:00:00.000Z",
                execution: "2030-01-07T18:00:05.000Z",
                type: "auto",
                name: "backup_20300108020000",
                restore: "FALSE"
            )
            #expect(try await Self.listed(id, in: session) == expired)
            // It stays listed, expired; the next one has not expired yet.
            try await session.advance("PT1S")
            #expect(try await Self.listed(id, in: session) == expired)
            let second = try await Self.all(in: session).first { $0["backup_name"] == .string("backup_20300109020000") }
            #expect(second?["status"] == .string("succeed"))
        }
    }

    @Test func expiryWaitsForANewerSucceededRecordAndFailedOnesNeverExpire() async throws {
        try await withWriteRouteSession { session in
            let plan = """
                {"instance_backup_policy": {"backup_type": "auto", "save_days": 1, "periodical_backup_plan": \
                {"backup_at": [1, 2, 3, 4, 5, 6, 7], "period_type": "weekly", "begin_at": "18:00-19:00"}}}
                """
            expectNoContent(try await session.send(.put, Self.instanceTarget(), plan))
            try await session.setClock("2030-01-07T19:00:00.000Z")
            let first = try #require(try await Self.all(in: session).first?["backup_id"]?.stringValue)
            // The next one (01-08 18:00) fails.
            try await session.armFault(Self.redis)
            try await session.setClock("2030-01-08T18:01:05.000Z")
            let failed = try #require(try await Self.all(in: session).first)
            #expect(failed["backup_name"] == .string("backup_20300109020000"))
            #expect(failed["status"] == .string("failed"))
            #expect(failed["error_code"] == .string("dcs.08.0002"))
            // Past created_at + 1 day, but no newer record has succeeded: the first one stays.
            #expect(try await Self.listed(first, in: session)?["status"] == .string("succeed"))
            try await session.setClock("2030-01-09T18:01:04.999Z")
            #expect(try await Self.listed(first, in: session)?["status"] == .string("succeed"))
            // The 01-09 record succeeds at 18:01:05: the first one expires then.
            try await session.setClock("2030-01-09T18:01:05.000Z")
            let expired = try #require(try await Self.listed(first, in: session))
            #expect(expired["status"] == .string("expired"))
            #expect(expired["updated_at"] == .string("2030-01-09T18:01:05.000Z"))
            // The failed one never expires.
            try await session.setClock("2030-01-20T00:00:00.000Z")
            let stillFailed = try await Self.all(in: session).first { $0["backup_name"] == .string("backup_20300109020000") }
            #expect(stillFailed?["status"] == .string("failed"))
            #expect(stillFailed?["updated_at"] == .string("2030-01-08T18:01:05.000Z"))
        }
    }

    @Test func theTwentyFifthLifecycleRecordRemovesTheOldestAndSeededOnesStay() async throws {
        try await withWriteRouteSession { session in
            let seeded = try await Self.all(in: session)
            #expect(seeded.count == Seeded.count)
            // A manual record at T0, deleted: it stays listed until the cap removes it.
            let manual = try await Self.created(session, #"{"remark": "oldest"}"#)
            try await session.setClock("2030-01-07T08:01:05.000Z")
            expectNoContent(try await session.send(.delete, Self.deleteTarget(manual)))
            expectNoContent(try await session.send(.put, Self.instanceTarget(), Self.examplePlan))

            func seededNow() async throws -> [JSONValue] {
                let ids = Set(seeded.compactMap { $0["backup_id"]?.stringValue })
                return try await Self.all(in: session).filter { ids.contains($0["backup_id"]?.stringValue ?? "") }
            }
            func names() async throws -> [String] {
                try await Self.all(in: session).compactMap { $0["backup_name"]?.stringValue }
            }

            // The clock runs a day at a time: 01-07 … 01-29 at 18:00, 23 planned records and the
            // manual one, 24 in all.
            for day in 7...29 {
                try await session.setClock("2030-01-\(day < 10 ? "0" : "")\(day)T18:01:05.000Z")
                #expect(try await Self.all(in: session).count == Seeded.count + 1 + (day - 6), "on 01-\(day)")
            }
            try await session.setClock("2030-01-30T17:59:59.999Z")
            var listed = try await Self.all(in: session)
            #expect(listed.count == Seeded.count + 24)
            #expect(listed.first { $0["backup_id"]?.stringValue == manual }?["status"] == .string("deleted"))
            #expect(try await names().contains("backup_20300108020000"))

            // The 25th removes the oldest by created_at: the manual one, at that instant.
            try await session.setClock("2030-01-30T18:00:00.000Z")
            listed = try await Self.all(in: session)
            #expect(listed.count == Seeded.count + 24)
            #expect(!listed.contains { $0["backup_id"]?.stringValue == manual })
            #expect(listed.first?["backup_name"] == .string("backup_20300131020000"))
            #expect(try await names().contains("backup_20300108020000"))

            try await session.setClock("2030-01-31T17:59:59.999Z")
            #expect(try await names().contains("backup_20300108020000"))
            try await session.setClock("2030-01-31T18:00:00.000Z")
            listed = try await Self.all(in: session)
            #expect(listed.count == Seeded.count + 24)
            let remaining = try await names()
            #expect(!remaining.contains("backup_20300108020000"))
            #expect(remaining.contains("backup_20300109020000"))
            #expect(remaining.first == "backup_20300201020000")

            // Seeded records neither count nor go, and read the same.
            #expect(try await seededNow() == seeded)
            try await session.advance("P30D")
            #expect(try await Self.all(in: session).count == Seeded.count + 24)
            #expect(try await seededNow() == seeded)
        }
    }

    @Test func aClockJumpListsThePlannedRecordsAsIfTheClockHadRun() async throws {
        try await withWriteRouteSession { session in
            let seeded = try await Self.all(in: session)
            expectNoContent(try await session.send(.put, Self.instanceTarget(), Self.examplePlan))
            // One jump over 01-07 … 01-31 18:00: 25 planned records, the cap keeps the newest 24,
            // expired ones included (§8.0 catch-up, §8.4 rules 1 and 2).
            try await session.setClock("2030-01-31T18:00:00.000Z")
            let listed = try await Self.all(in: session)
            let planned = listed.filter { $0["backup_type"] == .string("auto") && $0["created_at"]?.stringValue?.hasPrefix("2030") == true }
            // Named in UTC+8: 02-01 back to 01-09.
            let expectedNames = ["backup_20300201020000"] + (9...31).reversed().map { day in "backup_203001\(day < 10 ? "0" : "")\(day)020000" }
            #expect(planned.count == 24, "\(planned.count) planned records listed")
            #expect(planned.compactMap { $0["backup_name"]?.stringValue } == expectedNames)
            #expect(listed.count == Seeded.count + 24)
            #expect(listed.filter { $0["created_at"]?.stringValue?.hasPrefix("2019") == true } == seeded)
        }
    }

    @Test func manualKeepsTheStoredPlanAndStopsTheSchedule() async throws {
        try await withWriteRouteSession { session in
            expectNoContent(try await session.send(.put, Self.instanceTarget(), Self.examplePlan))
            let policyID = try #require(try await session.get(Self.instanceTarget()).json["instance_backup_policy"]?["backup_policy_id"]?.stringValue)

            // The same plan again changes nothing: not even updated_at.
            try await session.setClock("2030-01-07T09:00:00.000Z")
            expectNoContent(try await session.send(.put, Self.instanceTarget(), Self.examplePlan))
            try expectResponse(
                try await session.get(Self.instanceTarget()),
                status: 200,
                json: Self.document(
                    policyID: policyID,
                    created: "2030-01-07T08:00:00.000Z",
                    updated: "2030-01-07T08:00:00.000Z",
                    policy: Self.examplePolicy
                )
            )

            // manual: no more automated backups; the plan and save_days are kept.
            try await session.setClock("2030-01-07T10:00:00.000Z")
            expectNoContent(try await session.send(.put, Self.instanceTarget(), #"{"instance_backup_policy": {"backup_type": "manual"}}"#))
            try expectResponse(
                try await session.get(Self.instanceTarget()),
                status: 200,
                json: Self.document(
                    policyID: policyID,
                    created: "2030-01-07T08:00:00.000Z",
                    updated: "2030-01-07T10:00:00.000Z",
                    policy: """
                        {"backup_type": "manual", "save_days": 3, "periodical_backup_plan": {"backup_at": [1, 2, 3, 4, 5, 6, 7], \
                        "period_type": "weekly", "begin_at": "18:00-19:00"}}
                        """
                )
            )
            try await session.setClock("2030-01-09T00:00:00.000Z")
            #expect(try await Self.all(in: session).count == Seeded.count)

            // manual with save_days and a plan: both replace the stored ones.
            expectNoContent(
                try await session.send(
                    .put,
                    Self.instanceTarget(),
                    """
                    {"instance_backup_policy": {"backup_type": "manual", "save_days": 5, "periodical_backup_plan": \
                    {"backup_at": [2], "period_type": "weekly", "begin_at": "03:00-04:00"}}}
                    """
                )
            )
            try expectResponse(
                try await session.get(Self.instanceTarget()),
                status: 200,
                json: Self.document(
                    policyID: policyID,
                    created: "2030-01-07T08:00:00.000Z",
                    updated: "2030-01-09T00:00:00.000Z",
                    policy: """
                        {"backup_type": "manual", "save_days": 5, "periodical_backup_plan": {"backup_at": [2], \
                        "period_type": "weekly", "begin_at": "03:00-04:00"}}
                        """
                )
            )
            try await session.setClock("2030-01-16T00:00:00.000Z")
            #expect(try await Self.all(in: session).count == Seeded.count)

            // auto again: the schedule resumes, the same policy id.
            expectNoContent(try await session.send(.put, Self.instanceTarget(), Self.examplePlan))
            try await session.setClock("2030-01-16T18:00:00.000Z")
            #expect(try await Self.all(in: session).count == Seeded.count + 1)
            #expect(
                try await session.get(Self.instanceTarget()).json["instance_backup_policy"]?["backup_policy_id"]?.stringValue == policyID
            )
        }
    }

    @Test func aManualPolicyOnItsOwnShowsOnlyWhatWasGiven() async throws {
        try await withWriteRouteSession { session in
            expectNoContent(
                try await session.send(.put, Self.instanceTarget(Self.memcached), #"{"instance_backup_policy": {"backup_type": "manual"}}"#)
            )
            let shown = try await session.get(Self.instanceTarget(Self.memcached))
            let policy = try #require(try shown.json["instance_backup_policy"], "body: \(shown.body)")
            #expect(try policy["policy"] == JSONValue(parsing: #"{"backup_type": "manual"}"#))
            #expect(policy["tenant_id"] == .string(Acme.cnNorth4))
            #expect(policy["created_at"] == .string("2030-01-07T08:00:00.000Z"))
            // save_days alone.
            try await session.advance("PT1H")
            expectNoContent(
                try await session.send(
                    .put,
                    Self.instanceTarget(Self.memcached),
                    #"{"instance_backup_policy": {"backup_type": "manual", "save_days": 2}}"#
                )
            )
            let again = try await session.get(Self.instanceTarget(Self.memcached)).json["instance_backup_policy"]
            #expect(try again?["policy"] == JSONValue(parsing: #"{"backup_type": "manual", "save_days": 2}"#))
            #expect(again?["updated_at"] == .string("2030-01-07T09:00:00.000Z"))
            #expect(again?["backup_policy_id"] == policy["backup_policy_id"])
        }
    }

    @Test func timezoneOffsetIsEchoedOnlyWhenTheLastPlanGivenHadOne() async throws {
        try await withWriteRouteSession { session in
            let withOffset = """
                {"instance_backup_policy": {"backup_type": "auto", "save_days": 3, "periodical_backup_plan": \
                {"backup_at": [1, 2, 3, 4, 5, 6, 7], "period_type": "weekly", "begin_at": "18:00-19:00", "timezone_offset": "+0800"}}}
                """
            expectNoContent(try await session.send(.put, Self.instanceTarget(), withOffset))
            var plan = try await session.get(Self.instanceTarget()).json["instance_backup_policy"]?["policy"]?["periodical_backup_plan"]
            #expect(plan?.keys == ["timezone_offset", "backup_at", "period_type", "begin_at"])
            #expect(plan?["timezone_offset"] == .string("+0800"))
            // It has no effect: begin_at is UTC.
            try await session.setClock("2030-01-07T18:00:00.000Z")
            #expect(try await Self.all(in: session).first?["created_at"] == .string("2030-01-07T18:00:00.000Z"))

            // A manual change without a plan keeps the last plan, offset included.
            expectNoContent(
                try await session.send(.put, Self.instanceTarget(), #"{"instance_backup_policy": {"backup_type": "manual", "save_days": 2}}"#)
            )
            plan = try await session.get(Self.instanceTarget()).json["instance_backup_policy"]?["policy"]?["periodical_backup_plan"]
            #expect(plan?["timezone_offset"] == .string("+0800"))

            // A plan without it: not echoed any more.
            expectNoContent(try await session.send(.put, Self.instanceTarget(), Self.examplePlan))
            plan = try await session.get(Self.instanceTarget()).json["instance_backup_policy"]?["policy"]?["periodical_backup_plan"]
            #expect(plan?.keys == ["backup_at", "period_type", "begin_at"])
        }
    }

    @Test func aBodyWithoutInstanceBackupPolicyIs204AndChangesNothing() async throws {
        try await withWriteRouteSession { session in
            let before = try await session.snapshot(Self.watched)
            for body in [
                "", "{}", #"{"instance_backup_policy": null}"#, #"{"name": "renamed", "port": 6380, "description": 7, "security_group_id": []}"#,
            ] {
                expectNoContent(try await session.send(.put, Self.instanceTarget(), body))
            }
            #expect(try await session.snapshot(Self.watched) == before)
            // With a policy in force, too.
            expectNoContent(try await session.send(.put, Self.instanceTarget(), Self.examplePlan))
            let withPolicy = try await session.snapshot(Self.watched)
            try await session.advance("PT1H")
            expectNoContent(try await session.send(.put, Self.instanceTarget(), #"{"name": "x"}"#))
            #expect(try await session.snapshot(Self.watched) == withPolicy)
            // The instance is still looked up.
            expectResponse(
                try await session.send(.put, Self.instanceTarget(Self.unknownInstance), "{}"),
                status: 404,
                body: Expected.dcsInstanceNotFound
            )
        }
    }

    static func planCase(_ name: String, _ json: String, _ status: Int = 400, _ expected: JSONValue, instance: String = redis) -> WriteCase {
        WriteCase(name, instanceTarget(instance), json, status, expected)
    }

    /// `instance_backup_policy` with these members (raw JSON, in order).
    static func policyBody(_ members: String) -> String { #"{"instance_backup_policy": {\#(members)}}"# }
    /// An auto policy whose plan has these members.
    static func planBody(_ plan: String, saveDays: String = "3") -> String {
        policyBody(#""backup_type": "auto", "save_days": \#(saveDays), "periodical_backup_plan": {\#(plan)}"#)
    }

    static let planRows: [WriteCase] =
        [
            planCase("not JSON", "{", 400, Errors.malformed),
            planCase("a top-level array", "[]", 400, Errors.malformed),
            planCase("a top-level null", "null", 400, Errors.malformed),
            planCase("a repeated member", #"{"instance_backup_policy": {}, "instance_backup_policy": {}}"#, 400, Errors.malformed),
            planCase("a repeated member inside the plan", planBody(#""backup_at": [1], "backup_at": [2]"#), 400, Errors.malformed),
            WriteCase("a byte-order mark", instanceTarget(), bytes: [0xEF, 0xBB, 0xBF] + Array("{}".utf8), 400, Errors.malformed),
            planCase("a malformed body for an unknown instance", "{", 400, Errors.malformed, instance: unknownInstance),
        ]
        + [("an array", "[]"), ("a string", #""auto""#), ("an integer", "7"), ("true", "true")].map { label, value in
            planCase("instance_backup_policy \(label)", #"{"instance_backup_policy": \#(value)}"#, 400, Errors.policyObject)
        }
        + [
            ("absent", #""save_days": 0"#), ("null", #""backup_type": null, "save_days": 0"#),
            ("weekly", #""backup_type": "weekly", "save_days": 0"#), ("AUTO", #""backup_type": "AUTO""#), ("empty", #""backup_type": """#),
            ("an integer", #""backup_type": 1"#),
        ].map { label, members in
            planCase("backup_type \(label)", policyBody(members), 400, Errors.backupType)
        }
        + [
            ("absent when auto", #""backup_type": "auto", "periodical_backup_plan": 7"#),
            ("0", #""backup_type": "auto", "save_days": 0, "periodical_backup_plan": 7"#),
            ("8", #""backup_type": "auto", "save_days": 8, "periodical_backup_plan": 7"#),
            ("-1", #""backup_type": "auto", "save_days": -1"#),
            ("a string", #""backup_type": "auto", "save_days": "1""#),
            ("the OTC string", #""backup_type": "auto", "save_days": "1,""#),
            ("1.0", #""backup_type": "auto", "save_days": 1.0"#),
            ("true", #""backup_type": "auto", "save_days": true"#),
            ("8 when manual", #""backup_type": "manual", "save_days": 8, "periodical_backup_plan": 7"#),
        ].map { label, members in
            planCase("save_days \(label)", policyBody(members), 400, Errors.saveDays)
        }
        + [
            ("absent when auto", #""backup_type": "auto", "save_days": 3"#),
            ("an array", #""backup_type": "auto", "save_days": 3, "periodical_backup_plan": []"#),
            ("a string", #""backup_type": "auto", "save_days": 3, "periodical_backup_plan": "weekly""#),
            ("not an object when manual", #""backup_type": "manual", "periodical_backup_plan": 7"#),
        ].map { label, members in
            planCase("periodical_backup_plan \(label)", policyBody(members), 400, Errors.plan)
        }
        + [
            ("absent", #""period_type": "daily""#), ("empty", #""backup_at": [], "period_type": "daily""#),
            ("0", #""backup_at": [0], "period_type": "daily""#), ("8", #""backup_at": [8], "period_type": "daily""#),
            ("a day twice", #""backup_at": [1, 1]"#), ("the OTC strings", #""backup_at": ["1"]"#), ("a string", #""backup_at": "1""#),
            ("1.0", #""backup_at": [1.0]"#), ("null inside", #""backup_at": [null]"#), ("null", #""backup_at": null"#),
        ].map { label, plan in
            planCase("backup_at \(label)", planBody(plan), 400, Errors.backupAt)
        }
        + [
            ("absent", #""backup_at": [1], "begin_at": "18:30-19:30""#), ("daily", #""backup_at": [1], "period_type": "daily""#),
            ("WEEKLY", #""backup_at": [1], "period_type": "WEEKLY""#), ("an integer", #""backup_at": [1], "period_type": 1"#),
        ].map { label, plan in
            planCase("period_type \(label)", planBody(plan), 400, Errors.periodType)
        }
        + [
            ("absent", #""timezone_offset": "x""#), ("18:30-19:30", #""begin_at": "18:30-19:30", "timezone_offset": "x""#),
            ("18:00-20:00", #""begin_at": "18:00-20:00""#), ("24:00-01:00", #""begin_at": "24:00-01:00""#),
            ("18:00", #""begin_at": "18:00""#), ("an integer", #""begin_at": 1800"#), ("a space", #""begin_at": "18:00 -19:00""#),
        ].map { label, members in
            planCase("begin_at \(label)", planBody(#""backup_at": [1], "period_type": "weekly", "# + members), 400, Errors.beginAt)
        }
        + [#""+1300""#, #""-1300""#, #""+0830""#, #""0800""#, #""+08:00""#, #""+800""#, #""""#, "800", #""+1230""#].map { value in
            planCase(
                "timezone_offset \(value)",
                planBody(#""backup_at": [1], "period_type": "weekly", "begin_at": "18:00-19:00", "timezone_offset": \#(value)"#),
                400,
                Errors.timezone
            )
        }
        + [
            ("-1200", #""-1200""#), ("+1200", #""+1200""#), ("+0000", #""+0000""#), ("-0000", #""-0000""#), ("null", "null"),
        ].map { label, value in
            // Every field valid: the instance lookup answers.
            planCase(
                "timezone_offset \(label) is accepted",
                planBody(#""backup_at": [7, 1], "period_type": "weekly", "begin_at": "23:00-00:00", "timezone_offset": \#(value)"#),
                404,
                Expected.dcsInstanceNotFound,
                instance: unknownInstance
            )
        }
        + [
            planCase(
                "manual without save_days or plan is accepted",
                policyBody(#""backup_type": "manual""#),
                404,
                Expected.dcsInstanceNotFound,
                instance: unknownInstance
            ),
            planCase(
                "an RDS instance",
                examplePlan,
                404,
                Expected.dcsInstanceNotFound,
                instance: Acme.mysqlInstance
            ),
            WriteCase(
                "the instance from another project's path",
                instanceTarget(project: Acme.apSoutheast1),
                examplePlan,
                404,
                Expected.dcsInstanceNotFound
            ),
        ]

    @Test(arguments: planRows)
    func planChecksInTheOrderOfTheTable(_ example: WriteCase) async throws {
        try await withWriteRouteSession { session in
            let before = try await session.snapshot(Self.watched)
            let response = try await session.send(.put, example.target, bytes: example.body)
            expectResponse(response, status: example.status, body: example.expected)
            #expect(try await session.snapshot(Self.watched) == before, "a refused W15 changed something")
        }
    }

    // MARK: - A refused write changes nothing; scope before the body (§1.1, §10)

    @Test func refusedWritesChangeNothing() async throws {
        try await withWriteRouteSession { session in
            _ = try await Self.created(session, #"{"remark": "running"}"#)
            expectNoContent(try await session.send(.put, Self.instanceTarget(), Self.examplePlan))
            let before = try await session.snapshot(Self.watched)
            let refusals: [(HTTPRequest.Method, String, String)] = [
                (.post, Self.backupsTarget(), "{}"),
                (.post, Self.backupsTarget(.v1), #"{"remark": 7}"#),
                (.post, Self.backupsTarget(instance: Self.unknownInstance), "{}"),
                (.delete, Self.deleteTarget(Seeded.waiting), ""),
                (.delete, Self.deleteTarget("nothing", .v1), ""),
                (.delete, Self.deleteTarget(Seeded.succeed, project: Acme.apSoutheast1), ""),
                (.put, Self.instanceTarget(), Self.planBody(#""backup_at": [1], "period_type": "weekly", "begin_at": "18:30-19:30""#)),
                (.put, Self.instanceTarget(), Self.policyBody(#""backup_type": "auto""#)),
            ]
            for (method, target, body) in refusals {
                let response = try await session.send(method, target, body)
                #expect((400..<500).contains(response.status), "\(target): \(response.status) \(response.body)")
            }
            #expect(try await session.snapshot(Self.watched) == before)
        }
    }

    @Test func bobGets403BeforeAnyBodyCheck() async throws {
        try await withWriteRouteSession { session in
            let before = try await session.snapshot(Self.watched)
            // bob may use cn-north-4 only.
            let other = Acme.apSoutheast1
            let requests: [(String, HTTPRequest.Method, String, String)] = [
                ("W13 malformed", .post, Self.backupsTarget(project: other), "{"),
                ("W13", .post, Self.backupsTarget(project: other), "{}"),
                ("W17 malformed", .post, Self.backupsTarget(.v1, project: other), "{"),
                ("W14", .delete, Self.deleteTarget(Seeded.succeed, project: other), ""),
                ("W18", .delete, Self.deleteTarget("nothing", .v1, project: other), ""),
                ("W15 malformed", .put, Self.instanceTarget(project: other), "{"),
                ("W15", .put, Self.instanceTarget(project: other), Self.examplePlan),
                ("W16", .get, Self.instanceTarget(project: other), ""),
            ]
            for (name, method, target, body) in requests {
                let response = try await session.send(method, target, body, as: .bob)
                #expect(response.status == 403, "\(name): \(response.body)")
                expectNotAuthorized(response)
            }
            #expect(try await session.snapshot(Self.watched) == before)
            // In cn-north-4 bob writes.
            let response = try await session.send(.post, Self.backupsTarget(), "{}", as: .bob)
            #expect(response.status == 200, "body: \(response.body)")
        }
    }
}
