import BackupdAPI
import BackupdCatalog
import BackupdTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

/// The TaurusDB write side through the real application over the example seed, the catalog clock
/// frozen at T0 (`lifecycle.md` §11): W8 create (§3.7, §4.6), W9 delete (§3.8, §4.7), W10 list of
/// full backups (§3.9, §4.8), W11/W12 the policy (§3.10, §4.9), the shared paths (§2) and the order
/// of checks (§1.1).
@Suite struct TaurusDBWriteRoutesTests {
    static let project = Acme.cnEast3
    static let instance = Acme.taurusInstance
    static let instanceName = "gauss-taurus-61a4"

    /// TaurusDB records of the example seed.
    enum Seeded {
        static let manual = "3a5cf62fb8b6a66d39af039b33524a79br07"
        static let manualName = "manual-before-upgrade"
        static let auto = "609873eb703863db29b64c8fe7746ae6br07"
        static let incremental = "f0d2aea28d26t4848b8c84ed3fea1822fbr07"
        static let rdsBackup = "dbf3f7c6c2083efd3cf148808ea6908fbr01"
        static let ddmBackup = "09902ee7866649b8908ec209bfee2747br09"
    }

    enum Errors {
        static let malformed = Expected.taurus("Parameter error. The request body must be a JSON object.")
        static let instanceMandatory = Expected.taurus("Parameter error. instance_id is mandatory.")
        static let instanceNotString = Expected.taurus("Parameter error. instance_id must be a string.")
        static let nameMandatory = Expected.taurus("Parameter error. name is mandatory.")
        static let nameInvalid = Expected.taurus(
            "Parameter error. name must be 4 to 64 characters and at most 64 bytes, start with a letter or a Chinese character and contain only letters, digits, Chinese characters, hyphens and underscores."
        )
        static let description = Expected.service("DBS.280127", "Invalid backup description.")
        static let inProgress = Expected.service("DBS.201205", "Backup is in progress, please wait.")
        static let typeNotAllowed = Expected.service("DBS.201204", "The backup type is not allowed.")
        static let statusNotAllowed = Expected.service("DBS.201208", "The operation is not allowed by the backup status.")

        static let policyMandatory = Expected.taurus("Parameter error. backup_policy is mandatory.")
        static let policyNotObject = Expected.taurus("Parameter error. backup_policy must be an object.")
        static let startTimeMandatory = Expected.taurus("Parameter error. backup_policy.start_time is mandatory.")
        static let startTime = Expected.service("DBS.201103", "Invalid backup start time.")
        static let keepDaysMandatory = Expected.taurus("Parameter error. backup_policy.keep_days is mandatory.")
        static let keepDays = Expected.service("DBS.201106", "Invalid retention days.")
        static let periodMandatory = Expected.taurus("Parameter error. backup_policy.period is mandatory.")
        static let period = Expected.service("DBS.201101", "Invalid backup cycle.")
        static let level1 = Expected.taurus("Parameter error. backup_policy.retention_num_backup_level1 must be 0 or 1.")

        static func onlyOnce(_ name: String) -> JSONValue { Expected.taurus("Parameter error. \(name) must be given only once.") }
    }

    // MARK: - Targets

    static func createTarget(_ project: String = project) -> String { "/v3/\(project)/backups/create" }
    static func deleteTarget(_ id: String, project: String = project) -> String { "/v3/\(project)/backups/\(id)" }
    static func listTarget(_ query: String, project: String = project) -> String {
        "/v3/\(project)/backups" + (query.isEmpty ? "" : "?" + query)
    }
    /// W10 for the instance, with `query` appended.
    static func instanceList(_ query: String = "") -> String {
        listTarget("instance_id=\(instance)" + (query.isEmpty ? "" : "&" + query))
    }
    static func policyTarget(_ instance: String = instance, project: String = project) -> String {
        "/v3/\(project)/instances/\(instance)/backups/policy"
    }
    static func policyUpdateTarget(_ instance: String = instance, project: String = project) -> String {
        "/v3/\(project)/instances/\(instance)/backups/policy/update"
    }

    /// What a refused TaurusDB write must leave as it was.
    static let watched = [
        instanceList(), instanceList("backup_type=manual&limit=1"), Target.taurus(""), Target.taurus("offset=10"), policyTarget(),
    ]

    /// The W10 example of §11.1: the seed's two full backups.
    static let exampleList = """
        {"backups": [
          {"id": "3a5cf62fb8b6a66d39af039b33524a79br07", "name": "manual-before-upgrade", "begin_time": "2022-07-12T21:15:00+0800", "end_time": "2022-07-12T21:40:00+0800", "status": "COMPLETED", "take_up_time": 25, "type": "manual", "size": 1024.415283203125, "datastore": {"type": "gaussdb-mysql", "version": "8.0"}, "instance_id": "61a4ea66210545909d74a05c27a7179ein07", "instance_name": "gauss-taurus-61a4"},
          {"id": "609873eb703863db29b64c8fe7746ae6br07", "name": "GaussDBforMySQL--20220710020000001", "begin_time": "2022-07-10T02:00:00+0800", "end_time": "2022-07-10T02:31:00+0800", "status": "COMPLETED", "take_up_time": 31, "type": "auto", "size": 1024.00048828125, "datastore": {"type": "gaussdb-mysql", "version": "8.0"}, "instance_id": "61a4ea66210545909d74a05c27a7179ein07", "instance_name": "gauss-taurus-61a4"}],
         "total_count": 2}
        """
    static let autoOnly = """
        {"backups": [
          {"id": "609873eb703863db29b64c8fe7746ae6br07", "name": "GaussDBforMySQL--20220710020000001", "begin_time": "2022-07-10T02:00:00+0800", "end_time": "2022-07-10T02:31:00+0800", "status": "COMPLETED", "take_up_time": 31, "type": "auto", "size": 1024.00048828125, "datastore": {"type": "gaussdb-mysql", "version": "8.0"}, "instance_id": "61a4ea66210545909d74a05c27a7179ein07", "instance_name": "gauss-taurus-61a4"}],
         "total_count": 1}
        """
    static let manualOnly = """
        {"backups": [
          {"id": "3a5cf62fb8b6a66d39af039b33524a79br07", "name": "manual-before-upgrade", "begin_time": "2022-07-12T21:15:00+0800", "end_time": "2022-07-12T21:40:00+0800", "status": "COMPLETED", "take_up_time": 25, "type": "manual", "size": 1024.415283203125, "datastore": {"type": "gaussdb-mysql", "version": "8.0"}, "instance_id": "61a4ea66210545909d74a05c27a7179ein07", "instance_name": "gauss-taurus-61a4"}],
         "total_count": 1}
        """
    static func emptyList(total: Int = 0) -> String { #"{"backups": [], "total_count": \#(total)}"# }

    /// A W10 record of a backup made at T0 + `seconds` by W8.
    static func madeRecord(
        id: String,
        name: String,
        status: String,
        size: Int64,
        begin: String = "2030-01-07T08:00:00+0000",
        end: String = "2030-01-07T08:00:00+0000",
        takeUp: Int64 = 0,
        type: String = "manual",
        description: String? = nil
    ) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("id", .string(id)), ("name", .string(name)), ("begin_time", .string(begin)), ("end_time", .string(end)),
            ("status", .string(status)), ("take_up_time", .integer(takeUp)), ("type", .string(type)), ("size", .integer(size)),
            ("datastore", .object([("type", .string("gaussdb-mysql")), ("version", .string("8.0"))])),
            ("instance_id", .string(instance)), ("instance_name", .string(instanceName)),
        ]
        if let description { members.append(("description", .string(description))) }
        return .object(members)
    }

    /// Whether `id` is an id an API call makes: 32 hex digits of a version-4 UUID, then `br07`.
    static func isRandomID(_ id: String?) -> Bool {
        guard WriteRouteFormats.isBackupID(id, suffix: "br07"), let id else { return false }
        let digits = Array(id.utf8)
        return digits[12] == UInt8(ascii: "4") && Array("89ab".utf8).contains(digits[16])
    }

    // MARK: - W8 (§3.7, §4.6, §11.1)

    @Test func theExampleOfW8AndItsRecordAsTheClockMoves() async throws {
        try await withWriteRouteSession { session in
            let body = #"{"instance_id": "61a4ea66210545909d74a05c27a7179ein07", "name": "before-upgrade", "description": "manual"}"#
            let response = try await session.send(.post, Self.createTarget(), body)
            #expect(response.status == 201, "body: \(response.body)")
            expectStandardHeaders(response)
            let id = try #require(try response.json["backup"]?["id"]?.stringValue, "body: \(response.body)")
            let jobID = try response.json["job_id"]?.stringValue
            #expect(Self.isRandomID(id), "\(id)")
            #expect(WriteRouteFormats.isUUID(jobID), "\(jobID ?? "nil")")
            try expectResponse(
                response,
                status: 201,
                json: """
                    {"backup": {"id": "\(id)", "name": "before-upgrade", "description": "manual", "begin_time": "2030-01-07T08:00:00+0000", \
                    "status": "BUILDING", "type": "manual", "instance_id": "61a4ea66210545909d74a05c27a7179ein07"}, "job_id": "\(jobID ?? "")"}
                    """
            )
            #expect(try response.json.keys == ["backup", "job_id"])
            #expect(try response.json["backup"]?.keys == ["id", "name", "description", "begin_time", "status", "type", "instance_id"])

            // In the list: BUILDING, size 0, end = begin, first (newest).
            let building = Self.madeRecord(id: id, name: "before-upgrade", status: "BUILDING", size: 0, description: "manual")
            let list = try await session.get(Self.instanceList())
            #expect(try list.items().first == building)
            #expect(try list.json["total_count"] == .integer(3))
            expectResponse(
                try await session.get(Self.listTarget("backup_id=\(id)")),
                status: 200,
                body: .object([("backups", .array([building])), ("total_count", .integer(1))])
            )

            // The same body again at T0: in progress; at T0 + 59 s still.
            let before = try await session.snapshot(Self.watched)
            expectResponse(try await session.send(.post, Self.createTarget(), body), status: 409, body: Errors.inProgress)
            try await session.setClock("2030-01-07T08:00:59.999Z")
            expectResponse(try await session.send(.post, Self.createTarget(), body), status: 409, body: Errors.inProgress)
            #expect(try await session.snapshot(Self.watched) == before)

            // At T0 + 60 s: COMPLETED, 1024 KB shown as 1 MB, one minute taken.
            try await session.setClock("2030-01-07T08:01:00.000Z")
            let completed = Self.madeRecord(
                id: id,
                name: "before-upgrade",
                status: "COMPLETED",
                size: 1,
                end: "2030-01-07T08:01:00+0000",
                takeUp: 1,
                description: "manual"
            )
            #expect(try await session.get(Self.listTarget("backup_id=\(id)")).items() == [completed])

            // Names need not be unique: the same body again succeeds.
            let again = try await session.send(.post, Self.createTarget(), body)
            #expect(again.status == 201, "body: \(again.body)")
            let secondID = try #require(try again.json["backup"]?["id"]?.stringValue)
            #expect(secondID != id)
            #expect(try again.json["backup"]?["begin_time"] == .string("2030-01-07T08:01:00+0000"))
            let named = try await session.get(Self.instanceList("name=before-upgrade"))
            #expect(try named.page() == ListPage(ids: [secondID, id], total: 2))
        }
    }

    @Test func descriptionIsAnsweredAndListedOnlyWhenGiven() async throws {
        try await withWriteRouteSession { session in
            try await session.setTimings(#"{"taurusdb_building": 0}"#)
            for (index, member) in ["", #", "description": null"#].enumerated() {
                let response = try await session.send(
                    .post,
                    Self.createTarget(),
                    #"{"instance_id": "\#(Self.instance)", "name": "nodesc-\#(index)"\#(member)}"#
                )
                #expect(response.status == 201, "body: \(response.body)")
                #expect(try response.json["backup"]?.keys == ["id", "name", "begin_time", "status", "type", "instance_id"])
                // Always BUILDING in the answer, whatever the timings.
                #expect(try response.json["backup"]?["status"] == .string("BUILDING"))
                let id = try #require(try response.json["backup"]?["id"]?.stringValue)
                let listed = try await session.get(Self.listTarget("backup_id=\(id)")).items()
                #expect(listed == [Self.madeRecord(id: id, name: "nodesc-\(index)", status: "COMPLETED", size: 1)])
            }
            let empty = try await session.send(
                .post,
                Self.createTarget(),
                #"{"instance_id": "\#(Self.instance)", "name": "emptydesc", "description": ""}"#
            )
            #expect(try empty.json["backup"]?["description"] == .string(""))
            let id = try #require(try empty.json["backup"]?["id"]?.stringValue)
            #expect(try await session.get(Self.listTarget("backup_id=\(id)")).items().first?["description"] == .string(""))
        }
    }

    static let unknownInstance = "ffffffffffffffffffffffffffffffffin07"

    static func createCase(_ name: String, _ json: String, _ status: Int = 400, _ expected: JSONValue) -> WriteCase {
        WriteCase(name, createTarget(), json, status, expected)
    }

    static let createMalformed: [WriteCase] = [
        createCase("not JSON", #"{"instance_id": "\#(instance)", "name": "before-upgrade""#, 400, Errors.malformed),
        createCase("a top-level array", #"[{"instance_id": "\#(instance)", "name": "before-upgrade"}]"#, 400, Errors.malformed),
        createCase("a top-level null", "null", 400, Errors.malformed),
        createCase("a string", #""x""#, 400, Errors.malformed),
        WriteCase(
            "a byte-order mark",
            createTarget(),
            bytes: [0xEF, 0xBB, 0xBF] + Array(#"{"instance_id": "\#(instance)", "name": "before-upgrade"}"#.utf8),
            400,
            Errors.malformed
        ),
        createCase("a repeated member", #"{"instance_id": "\#(instance)", "name": "a-name", "name": "before-upgrade"}"#, 400, Errors.malformed),
        createCase("malformed and wrong in every field", #"{"instance_id": 7, "name": 7,"#, 400, Errors.malformed),
    ]

    static let createInstanceID: [WriteCase] = [
        WriteCase("an empty body", createTarget(), bytes: [], 400, Errors.instanceMandatory),
        createCase("an empty object", "{}", 400, Errors.instanceMandatory),
        createCase("instance_id null, name wrong", #"{"instance_id": null, "name": 7}"#, 400, Errors.instanceMandatory),
        createCase("instance_id an integer", #"{"instance_id": 7, "name": 7}"#, 400, Errors.instanceNotString),
        createCase("instance_id an array", #"{"instance_id": ["\#(instance)"], "name": "before-upgrade"}"#, 400, Errors.instanceNotString),
        createCase("instance_id true", #"{"instance_id": true, "name": "before-upgrade"}"#, 400, Errors.instanceNotString),
    ]

    static let createNames: [WriteCase] =
        [
            createCase("name absent", #"{"instance_id": "\#(unknownInstance)", "description": "<"}"#, 400, Errors.nameMandatory),
            createCase("name null", #"{"instance_id": "\#(unknownInstance)", "name": null, "description": "<"}"#, 400, Errors.nameMandatory),
        ]
        + [
            ("3 characters", #""abc""#),
            ("65 ASCII characters", "\"a" + String(repeating: "b", count: 64) + "\""),
            ("empty", #""""#),
            ("a digit first", #""1abc""#),
            ("an underscore first", #""_abc""#),
            ("a hyphen first", #""-abc""#),
            ("a blank inside", #""ab cd""#),
            ("a dot inside", #""abc.d""#),
            ("a Latin-1 letter", #""abcé""#),
            ("a fullwidth letter", #""ａbcd""#),
            ("U+3400 (CJK extension A) first", "\"\u{3400}abc\""),
            ("U+4DFF, just below the range", "\"\u{4DFF}abc\""),
            ("U+A000, just above the range", "\"abc\u{A000}\""),
            ("an emoji", #""abc😀""#),
            ("a CJK full stop", #""备份。备份""#),
            ("22 CJK ideographs (66 bytes)", "\"" + String(repeating: "备", count: 22) + "\""),
            ("a letter, 21 ideographs and a letter (65 bytes)", "\"a" + String(repeating: "备", count: 21) + "b\""),
            ("an integer", "1234"),
            ("true", "true"),
            ("an array", #"["before-upgrade"]"#),
            ("an object", "{}"),
        ].map { label, value in
            createCase(
                "name \(label)",
                #"{"instance_id": "\#(unknownInstance)", "name": \#(value), "description": "<"}"#,
                400,
                Errors.nameInvalid
            )
        }
        + [
            ("4 ideographs", "备份备份"),
            ("a letter, ideographs, digits, _ and -", "a备份_-9"),
            ("an ideograph then letters", "备abc"),
            ("U+4E00 first", "\u{4E00}abc"),
            ("U+9FFF first", "\u{9FFF}abc"),
            ("21 ideographs (63 bytes)", String(repeating: "备", count: 21)),
            ("a letter and 21 ideographs (64 bytes)", "a" + String(repeating: "备", count: 21)),
            ("64 ASCII characters", "a" + String(repeating: "9", count: 63)),
            ("upper case", "ABCD"),
        ].map { label, value in
            // A valid name passes to the description check.
            createCase(
                "name of \(label) is accepted",
                #"{"instance_id": "\#(unknownInstance)", "name": "\#(value)", "description": "<"}"#,
                400,
                Errors.description
            )
        }

    static let createDescriptions: [WriteCase] =
        [
            ("a carriage return", #""a\rb""#),
            ("a line feed", #""a\nb""#),
            ("CR LF", #""line\r\n""#),
            ("a leading line feed", #""\nabc""#),
            (">", #""a>b""#), ("!", #""a!b""#), ("<", #""a<b""#), ("a double quote", #""a\"b""#), ("&", #""a&b""#),
            ("'", #""a'b""#), ("=", #""a=b""#),
            ("257 code points", "\"" + String(repeating: "数", count: 257) + "\""),
            ("an integer", "7"), ("an array", #"["x"]"#), ("an object", "{}"), ("true", "true"),
        ].map { label, value in
            createCase(
                "description \(label)",
                #"{"instance_id": "\#(unknownInstance)", "name": "before-upgrade", "description": \#(value)}"#,
                400,
                Errors.description
            )
        }
        + [
            ("empty", #""""#),
            ("null", "null"),
            ("256 code points", "\"" + String(repeating: "数", count: 256) + "\""),
            ("a tab", #""a\tb""#),
            ("other punctuation", #""a-b_c.d,e;f:g?h(i)j[k]l{m}n/o|p~q@r#s$t%u^v*w+x""#),
        ].map { label, value in
            // Every field valid: the instance lookup answers.
            createCase(
                "description \(label) is accepted",
                #"{"instance_id": "\#(unknownInstance)", "name": "before-upgrade", "description": \#(value)}"#,
                404,
                Expected.instanceNotFound
            )
        }

    static let createLookups: [WriteCase] = [
        createCase("an unknown instance", #"{"instance_id": "\#(unknownInstance)", "name": "before-upgrade"}"#, 404, Expected.instanceNotFound),
        createCase(
            "an RDS instance of another project",
            #"{"instance_id": "\#(Acme.mysqlInstance)", "name": "before-upgrade"}"#,
            404,
            Expected.instanceNotFound
        ),
        createCase("a DDM instance", #"{"instance_id": "\#(Acme.ddmInstance)", "name": "before-upgrade"}"#, 404, Expected.instanceNotFound),
        createCase("a DCS instance", #"{"instance_id": "\#(Acme.redisInstance)", "name": "before-upgrade"}"#, 404, Expected.instanceNotFound),
        createCase(
            "the id in upper case",
            #"{"instance_id": "\#(instance.uppercased())", "name": "before-upgrade"}"#,
            404,
            Expected.instanceNotFound
        ),
        WriteCase(
            "the TaurusDB instance from another project's path",
            createTarget(Acme.cnNorth4),
            #"{"instance_id": "\#(instance)", "name": "before-upgrade"}"#,
            404,
            Expected.instanceNotFound
        ),
        WriteCase(
            "an RDS instance of the path's project",
            createTarget(Acme.cnNorth4),
            #"{"instance_id": "\#(Acme.mysqlInstance)", "name": "before-upgrade"}"#,
            404,
            Expected.instanceNotFound
        ),
        // The body is checked before the lookup, in another project too.
        WriteCase("a malformed body in another project", createTarget(Acme.cnNorth4), "{", 400, Errors.malformed),
    ]

    @Test(arguments: createMalformed + createInstanceID + createNames + createDescriptions + createLookups)
    func createChecksInTheOrderOfTheTable(_ example: WriteCase) async throws {
        try await withWriteRouteSession { session in
            let before = try await session.snapshot(Self.watched)
            let response = try await session.send(.post, example.target, bytes: example.body)
            expectResponse(response, status: example.status, body: example.expected)
            #expect(try await session.snapshot(Self.watched) == before, "a refused W8 changed a list")
        }
    }

    @Test func aCJKNamedBackupIsCreatedAndFoundByName() async throws {
        try await withWriteRouteSession { session in
            let name = "a" + String(repeating: "备", count: 21)
            let response = try await session.send(.post, Self.createTarget(), #"{"instance_id": "\#(Self.instance)", "name": "\#(name)"}"#)
            #expect(response.status == 201, "body: \(response.body)")
            #expect(try response.json["backup"]?["name"] == .string(name))
            let id = try #require(try response.json["backup"]?["id"]?.stringValue)
            let encoded = name.utf8.map { byte in byte < 0x80 ? String(UnicodeScalar(byte)) : "%" + String(byte, radix: 16, uppercase: true) }
                .joined()
            let found = try await session.get(Self.instanceList("name=\(encoded)"))
            #expect(try found.page() == ListPage(ids: [id], total: 1))
        }
    }

    @Test func aCreateWhileTheAutomatedFullBackupBuildsIsRefused() async throws {
        try await withWriteRouteSession { session in
            let policy = #"{"backup_policy": {"start_time": "09:00-10:00", "keep_days": 7, "period": "1,2,3,4,5,6,7"}}"#
            #expect(try await session.send(.put, Self.policyUpdateTarget(), policy).status == 200)
            let body = #"{"instance_id": "\#(Self.instance)", "name": "during-auto"}"#
            // Nothing builds at 08:59:59.
            try await session.setClock("2030-01-07T08:59:59.000Z")
            let first = try await session.send(.post, Self.createTarget(), body)
            #expect(first.status == 201, "body: \(first.body)")
            // The manual one completes at 09:00:59; the automated one builds 09:00:00–09:01:00.
            try await session.setClock("2030-01-07T09:00:59.999Z")
            expectResponse(try await session.send(.post, Self.createTarget(), body), status: 409, body: Errors.inProgress)
            try await session.setClock("2030-01-07T09:01:00.000Z")
            #expect(try await session.send(.post, Self.createTarget(), body).status == 201)
        }
    }

    // MARK: - W9 (§3.8, §4.7, §7)

    @Test func theExampleOfW9IsGoneAtOnce() async throws {
        try await withWriteRouteSession { session in
            let response = try await session.send(.delete, Self.deleteTarget(Seeded.manual))
            try expectResponse(
                response,
                status: 200,
                json: #"{"backup_id": "3a5cf62fb8b6a66d39af039b33524a79br07", "backup_name": "manual-before-upgrade"}"#
            )
            #expect(try response.json.keys == ["backup_id", "backup_name"])
            // Gone at once: no DELETING in between.
            try expectResponse(try await session.get(Self.instanceList()), status: 200, json: Self.autoOnly)
            // Deleting twice: not found.
            expectResponse(try await session.send(.delete, Self.deleteTarget(Seeded.manual)), status: 404, body: Expected.backupNotFound)
            // A backup_id alone that names nothing any more goes to route A.
            expectResponse(
                try await session.client.send(Self.listTarget("backup_id=\(Seeded.manual)")),
                status: 400,
                body: Expected.rds("Parameter error. instance_id is mandatory.")
            )
        }
    }

    @Test func deletingAnAutomatedOrIncrementalSeededBackupIsRefused() async throws {
        try await withWriteRouteSession { session in
            let before = try await session.snapshot(Self.watched)
            for id in [Seeded.auto, Seeded.incremental] {
                expectResponse(try await session.send(.delete, Self.deleteTarget(id)), status: 400, body: Errors.typeNotAllowed)
            }
            #expect(try await session.snapshot(Self.watched) == before)
            try expectResponse(try await session.get(Self.instanceList()), status: 200, json: Self.exampleList)
        }
    }

    @Test func deletingAnAutomatedFullOrAnIncrementalOfARunningChainIsRefused() async throws {
        try await withWriteRouteSession { session in
            let policy = #"{"backup_policy": {"start_time": "09:00-10:00", "keep_days": 7, "period": "1,2,3,4,5,6,7"}}"#
            #expect(try await session.send(.put, Self.policyUpdateTarget(), policy).status == 200)
            try await session.setClock("2030-01-07T09:10:00.000Z")
            let incrementals = try await session.get(Target.taurus("begin_time=2030-01-01T00:00:00+0000&end_time=2030-12-31T00:00:00+0000"))
            let chain = try incrementals.items()
            #expect(chain.map { $0["begin_time"]?.stringValue } == ["2030-01-07T09:05:00+0000", "2030-01-07T09:00:00+0000"])
            let incremental = try #require(chain.first?["id"]?.stringValue)
            let autoList = try await session.get(Self.instanceList("backup_type=auto"))
            let auto = try #require(try autoList.items().first)
            #expect(auto["name"] == .string("gauss-taurus-61a4-20300107090000000"))
            let autoID = try #require(auto["id"]?.stringValue)

            let before = try await session.snapshot(Self.watched + [Target.taurus("limit=2")])
            for id in [incremental, autoID] {
                expectResponse(try await session.send(.delete, Self.deleteTarget(id)), status: 400, body: Errors.typeNotAllowed)
            }
            #expect(try await session.snapshot(Self.watched + [Target.taurus("limit=2")]) == before)
        }
    }

    @Test func aBackupIDOfARunningChainAloneRoutesToW10WhichListsNoIncremental() async throws {
        try await withWriteRouteSession { session in
            let policy = #"{"backup_policy": {"start_time": "09:00-10:00", "keep_days": 7, "period": "1,2,3,4,5,6,7"}}"#
            #expect(try await session.send(.put, Self.policyUpdateTarget(), policy).status == 200)
            try await session.setClock("2030-01-07T09:10:00.000Z")
            let chain = try await session.get(Target.taurus("limit=1")).items()
            let incremental = try #require(chain.first?["id"]?.stringValue)
            // §2 rule 2: a backup_id alone names its service, incrementals of a computed chain
            // included; W10's candidates are full backups only, so the list is empty.
            try expectResponse(try await session.client.send(Self.listTarget("backup_id=\(incremental)")), status: 200, json: Self.emptyList())
            // With the instance named, the same.
            try expectResponse(try await session.get(Self.instanceList("backup_id=\(incremental)")), status: 200, json: Self.emptyList())
        }
    }

    @Test func deletingABuildingManualBackupIsRefusedUntilItCompletes() async throws {
        try await withWriteRouteSession { session in
            let created = try await session.send(.post, Self.createTarget(), #"{"instance_id": "\#(Self.instance)", "name": "before-upgrade"}"#)
            let id = try #require(try created.json["backup"]?["id"]?.stringValue)
            let before = try await session.snapshot(Self.watched)
            expectResponse(try await session.send(.delete, Self.deleteTarget(id)), status: 400, body: Errors.statusNotAllowed)
            try await session.setClock("2030-01-07T08:00:59.999Z")
            expectResponse(try await session.send(.delete, Self.deleteTarget(id)), status: 400, body: Errors.statusNotAllowed)
            #expect(try await session.snapshot(Self.watched) == before)

            try await session.setClock("2030-01-07T08:01:00.000Z")
            try expectResponse(
                try await session.send(.delete, Self.deleteTarget(id)),
                status: 200,
                json: #"{"backup_id": "\#(id)", "backup_name": "before-upgrade"}"#
            )
            // Gone at once, from the list and from every lookup.
            try expectResponse(try await session.get(Self.instanceList()), status: 200, json: Self.exampleList)
            expectResponse(try await session.send(.delete, Self.deleteTarget(id)), status: 404, body: Expected.backupNotFound)
        }
    }

    @Test func aFailedManualBackupCanBeDeleted() async throws {
        try await withWriteRouteSession { session in
            try await session.armFault(Self.instance)
            let created = try await session.send(.post, Self.createTarget(), #"{"instance_id": "\#(Self.instance)", "name": "will-fail"}"#)
            let id = try #require(try created.json["backup"]?["id"]?.stringValue)
            try await session.advance("PT60S")
            let listed = try await session.get(Self.listTarget("backup_id=\(id)")).items()
            #expect(
                listed == [Self.madeRecord(id: id, name: "will-fail", status: "FAILED", size: 0, end: "2030-01-07T08:01:00+0000", takeUp: 1)]
            )
            #expect(try await session.send(.delete, Self.deleteTarget(id)).status == 200)
            try expectResponse(try await session.get(Self.instanceList()), status: 200, json: Self.exampleList)
        }
    }

    @Test func unknownAndForeignBackupsGetW2sNotFound() async throws {
        try await withWriteRouteSession { session in
            let before = try await session.snapshot(Self.watched)
            for (id, project) in [
                ("ffffffffffffffffffffffffffffffffbr07", Self.project),
                (Seeded.manual, Acme.cnNorth4),
                (Seeded.manual, Acme.apSoutheast3),
                (Seeded.rdsBackup, Self.project),
                (Seeded.ddmBackup, Self.project),
                (Seeded.manual.uppercased(), Self.project),
            ] {
                expectResponse(try await session.send(.delete, Self.deleteTarget(id, project: project)), status: 404, body: Expected.backupNotFound)
            }
            #expect(try await session.snapshot(Self.watched) == before)
        }
    }

    // MARK: - W10 (§3.9, §4.8)

    @Test func theExampleOfW10ByInstanceAndByBackupIDAlone() async throws {
        try await withWriteRouteSession { session in
            let response = try await session.get(Self.instanceList())
            try expectResponse(response, status: 200, json: Self.exampleList)
            #expect(try response.json.keys == ["backups", "total_count"])
            for item in try response.items() {
                #expect(
                    item.keys == [
                        "id", "name", "begin_time", "end_time", "status", "take_up_time", "type", "size", "datastore", "instance_id",
                        "instance_name",
                    ]
                )
            }
            // As Terraform polls: the backup id alone.
            try expectResponse(try await session.get(Self.listTarget("backup_id=\(Seeded.auto)")), status: 200, json: Self.autoOnly)
            try expectResponse(try await session.get(Self.listTarget("backup_id=\(Seeded.manual)")), status: 200, json: Self.manualOnly)
            // An empty instance_id is absent: the backup id decides.
            try expectResponse(try await session.get(Self.listTarget("instance_id=&backup_id=\(Seeded.auto)")), status: 200, json: Self.autoOnly)
            // With the instance too, the same.
            try expectResponse(try await session.get(Self.instanceList("backup_id=\(Seeded.auto)")), status: 200, json: Self.autoOnly)
            // A seeded incremental names TaurusDB; W10 lists no incrementals.
            try expectResponse(try await session.get(Self.listTarget("backup_id=\(Seeded.incremental)")), status: 200, json: Self.emptyList())
            // A backup id that matches nothing, next to the instance: an empty list.
            try expectResponse(try await session.get(Self.instanceList("backup_id=nothing")), status: 200, json: Self.emptyList())
        }
    }

    @Test func filtersByTypeNameInstanceNameAndWindow() async throws {
        try await withWriteRouteSession { session in
            let cases: [(String, String)] = [
                ("backup_type=auto", Self.autoOnly),
                ("backup_type=manual", Self.manualOnly),
                ("name=manual-before-upgrade", Self.manualOnly),
                ("name=GaussDBforMySQL--20220710020000001", Self.autoOnly),
                ("name=MANUAL-before-upgrade", Self.emptyList()),
                ("name=manual-before", Self.emptyList()),
                ("instance_name=gauss-taurus-61a4", Self.exampleList),
                ("instance_name=GAUSS-taurus-61a4", Self.emptyList()),
                ("instance_name=gauss-taurus", Self.emptyList()),
                ("instance_name=gauss-taurus-61a4&name=manual-before-upgrade", Self.manualOnly),
                ("instance_name=other&name=manual-before-upgrade", Self.emptyList()),
                ("backup_type=auto&name=manual-before-upgrade", Self.emptyList()),
                // The window is inclusive at both ends, on begin_time, comparing instants.
                ("begin_time=2022-07-10T02:00:00+0800&end_time=2022-07-12T21:14:59+0800", Self.autoOnly),
                ("begin_time=2022-07-09T18:00:01Z&end_time=2022-07-12T13:15:00Z", Self.manualOnly),
                ("begin_time=2022-07-09T18:00:00Z&end_time=2022-07-12T13:15:00Z", Self.exampleList),
                ("begin_time=2022-07-13T00:00:00+0800&end_time=2030-12-31T00:00:00+0000", Self.emptyList()),
                ("backup_type=manual&begin_time=2022-07-01T00:00:00%2B0800&end_time=2022-07-31T00:00:00%2B0800", Self.manualOnly),
                // Empty values are absent.
                ("backup_type=&name=&instance_name=&offset=&limit=&begin_time=&end_time=", Self.exampleList),
                // Unknown parameters are ignored.
                ("status=FAILED&backup_level=1", Self.exampleList),
            ]
            for (query, expected) in cases {
                let response = try await session.get(Self.instanceList(query))
                try expectResponse(response, status: 200, json: expected)
            }
        }
    }

    @Test func pagingSkipsOffsetThenReturnsUpToLimit() async throws {
        try await withWriteRouteSession { session in
            let all = [Seeded.manual, Seeded.auto]
            for (query, ids) in [
                ("limit=1", [Seeded.manual]), ("offset=1&limit=1", [Seeded.auto]), ("offset=1", [Seeded.auto]), ("offset=2", []),
                ("offset=2147483647", []), ("offset=0010", []), ("limit=100", all), ("limit=0002", all),
            ] {
                let response = try await session.get(Self.instanceList(query))
                #expect(try response.page() == ListPage(ids: ids, total: 2), "\(query)")
            }
        }
    }

    @Test func theDefaultLimitIsOneHundred() async throws {
        try await withWriteRouteSession { session in
            try await session.setTimings(#"{"taurusdb_building": 0}"#)
            var made: [String] = []
            for index in 0..<100 {
                let response = try await session.send(.post, Self.createTarget(), #"{"instance_id": "\#(Self.instance)", "name": "bulk-\#(index)"}"#)
                try #require(response.status == 201, "body: \(response.body)")
                made.append(try #require(try response.json["backup"]?["id"]?.stringValue))
            }
            let first = try await session.get(Self.instanceList())
            // Every new record begins at T0: ties go by id ascending.
            #expect(try first.page() == ListPage(ids: made.sorted(), total: 102))
            let rest = try await session.get(Self.instanceList("offset=100"))
            #expect(try rest.page() == ListPage(ids: [Seeded.manual, Seeded.auto], total: 102))
            let sizes = try first.items().map { $0["size"] }
            #expect(sizes.allSatisfy { $0 == .integer(1) }, "1024 KB is 1 MB")
        }
    }

    static let queryOrder: [QueryCase] = [
        QueryCase("backup_id twice", "backup_id=a&backup_id=b&backup_type=full&offset=-1", 400, Errors.onlyOnce("backup_id")),
        QueryCase("backup_id twice with the same value", "backup_id=\(Seeded.auto)&backup_id=\(Seeded.auto)", 400, Errors.onlyOnce("backup_id")),
        QueryCase(
            "backup_type full",
            "backup_type=full&offset=-1",
            400,
            Expected.taurus("Parameter error. backup_type must be one of auto, manual.")
        ),
        QueryCase(
            "backup_type incremental",
            "backup_type=incremental&offset=-1",
            400,
            Expected.taurus("Parameter error. backup_type must be one of auto, manual.")
        ),
        QueryCase("backup_type fragment", "backup_type=fragment", 400, Expected.taurus("Parameter error. backup_type must be one of auto, manual.")),
        QueryCase("backup_type AUTO", "backup_type=AUTO", 400, Expected.taurus("Parameter error. backup_type must be one of auto, manual.")),
        QueryCase("backup_type twice", "backup_type=auto&backup_type=auto&offset=-1", 400, Errors.onlyOnce("backup_type")),
        QueryCase("offset -1", "offset=-1&limit=0", 400, Expected.taurus("Parameter error. offset must be an integer from 0 to 2147483647.")),
        QueryCase(
            "offset 2^31",
            "offset=2147483648&limit=0",
            400,
            Expected.taurus("Parameter error. offset must be an integer from 0 to 2147483647.")
        ),
        QueryCase("offset 1.0", "offset=1.0", 400, Expected.taurus("Parameter error. offset must be an integer from 0 to 2147483647.")),
        QueryCase("offset +1", "offset=+1", 400, Expected.taurus("Parameter error. offset must be an integer from 0 to 2147483647.")),
        QueryCase("offset twice", "offset=0&offset=0&limit=0", 400, Errors.onlyOnce("offset")),
        QueryCase("limit 0", "limit=0&begin_time=x", 400, Expected.taurus("Parameter error. limit must be an integer from 1 to 100.")),
        QueryCase("limit 101", "limit=101&begin_time=x", 400, Expected.taurus("Parameter error. limit must be an integer from 1 to 100.")),
        QueryCase("limit ten", "limit=ten", 400, Expected.taurus("Parameter error. limit must be an integer from 1 to 100.")),
        QueryCase("limit twice", "limit=1&limit=1&begin_time=x", 400, Errors.onlyOnce("limit")),
        QueryCase(
            "begin_time malformed",
            "begin_time=2022-07-10&end_time=x&name=a&name=b",
            400,
            Expected.taurus("Parameter error. begin_time must be in the yyyy-mm-ddThh:mm:ssZ format, for example 2022-07-06T10:41:14+0800.")
        ),
        QueryCase(
            "begin_time with a colon in its offset",
            "begin_time=2022-07-10T00:00:00+08:00&end_time=2022-07-11T00:00:00+0800",
            400,
            Expected.taurus("Parameter error. begin_time must be in the yyyy-mm-ddThh:mm:ssZ format, for example 2022-07-06T10:41:14+0800.")
        ),
        QueryCase(
            "begin_time twice",
            "begin_time=2022-07-10T00:00:00+0800&begin_time=2022-07-10T00:00:00+0800&end_time=x",
            400,
            Errors.onlyOnce("begin_time")
        ),
        QueryCase(
            "end_time malformed",
            "begin_time=2022-07-10T00:00:00+0800&end_time=2022-07-11&name=a&name=b",
            400,
            Expected.taurus("Parameter error. end_time must be in the yyyy-mm-ddThh:mm:ssZ format, for example 2022-07-16T10:41:14+0800.")
        ),
        QueryCase(
            "end_time malformed without begin_time",
            "end_time=2022-02-30T00:00:00+0800",
            400,
            Expected.taurus("Parameter error. end_time must be in the yyyy-mm-ddThh:mm:ssZ format, for example 2022-07-16T10:41:14+0800.")
        ),
        QueryCase(
            "begin_time without end_time",
            "begin_time=2022-07-10T00:00:00+0800&name=a&name=b",
            400,
            Expected.taurus("Parameter error. end_time is mandatory when begin_time is given.")
        ),
        QueryCase(
            "end_time without begin_time",
            "end_time=2022-07-10T00:00:00+0800&name=a&name=b",
            400,
            Expected.taurus("Parameter error. begin_time is mandatory when end_time is given.")
        ),
        QueryCase(
            "end_time equal to begin_time",
            "begin_time=2022-07-10T02:00:00+0800&end_time=2022-07-09T18:00:00Z&name=a&name=b",
            400,
            Expected.taurus("Parameter error. end_time must be later than begin_time.")
        ),
        QueryCase(
            "end_time before begin_time",
            "begin_time=2022-07-11T00:00:00+0800&end_time=2022-07-10T00:00:00+0800",
            400,
            Expected.taurus("Parameter error. end_time must be later than begin_time.")
        ),
        QueryCase("name twice", "name=a&name=b&instance_name=a&instance_name=b", 400, Errors.onlyOnce("name")),
        QueryCase("instance_name twice", "instance_name=a&instance_name=b", 400, Errors.onlyOnce("instance_name")),
        QueryCase(
            "instance_name twice with the instance's name",
            "instance_name=gauss-taurus-61a4&instance_name=gauss-taurus-61a4",
            400,
            Errors.onlyOnce("instance_name")
        ),
    ]

    @Test(arguments: queryOrder)
    func listChecksTheQueryInTheOrderOfTheTable(_ example: QueryCase) async throws {
        try await withWriteRouteSession { session in
            let response = try await session.client.send(Self.instanceList(example.query))
            expectResponse(response, status: example.status, body: example.expected)
            // Routed by the backup id alone, the same checks.
            let byBackup = try await session.client.send(Self.listTarget("backup_id=\(Seeded.auto)&" + example.query))
            if example.query.hasPrefix("backup_id=") {
                // A repeated backup_id without instance_id goes to route A (§2 rule 4).
                expectResponse(byBackup, status: 400, body: Expected.rds("Parameter error. instance_id is mandatory."))
            } else {
                expectResponse(byBackup, status: example.status, body: example.expected)
            }
        }
    }

    // MARK: - Shared paths (§2)

    @Test func sharedListRoutesByTheIdsItNames() async throws {
        try await withWriteRouteSession { session in
            let routeA = Expected.rds("Parameter error. instance_id is mandatory.")
            let cases: [(String, Int, JSONValue)] = [
                // Neither id: route A.
                (Self.listTarget(""), 400, routeA),
                (Self.listTarget("name=manual-before-upgrade"), 400, routeA),
                (Self.listTarget("instance_name=gauss-taurus-61a4&backup_type=manual"), 400, routeA),
                // A repeated instance_id goes to route A, which reports it.
                (
                    Self.listTarget("instance_id=\(Self.instance)&instance_id=\(Self.instance)"), 400,
                    Expected.rds("Parameter error. instance_id must be given only once.")
                ),
                // A repeated backup_id without instance_id: route A, whose first check is instance_id.
                (Self.listTarget("backup_id=\(Seeded.auto)&backup_id=\(Seeded.auto)"), 400, routeA),
                // The TaurusDB instance from another project is foreign: route A, with its own checks.
                (Self.listTarget("instance_id=\(Self.instance)", project: Acme.cnNorth4), 404, Expected.instanceNotFound),
                (Self.listTarget("instance_id=\(Self.instance)&backup_type=fragment", project: Acme.cnNorth4), 404, Expected.instanceNotFound),
                (
                    Self.listTarget("instance_id=\(Self.instance)&status=DELETING", project: Acme.cnNorth4), 400,
                    Expected.rds("Parameter error. status must be one of BUILDING, COMPLETED, FAILED.")
                ),
                (
                    Self.listTarget("instance_id=\(Self.instance)&limit=101", project: Acme.cnNorth4), 400,
                    Expected.rds("Parameter error. limit must be an integer from 1 to 100.")
                ),
                // A TaurusDB backup of another project: route A.
                (Self.listTarget("backup_id=\(Seeded.auto)", project: Acme.cnNorth4), 400, routeA),
                // A DDM instance from the TaurusDB project's path: foreign.
                (Self.listTarget("instance_id=\(Acme.ddmInstance)"), 404, Expected.instanceNotFound),
                // An RDS backup id alone stays route A.
                (Self.listTarget("backup_id=\(Seeded.rdsBackup)", project: Acme.cnNorth4), 400, routeA),
            ]
            for (target, status, body) in cases {
                expectResponse(try await session.client.send(target), status: status, body: body)
            }
            // In route A, the W10 rule for backup_type does not apply: fragment is accepted there…
            // …while W10 refuses it.
            expectResponse(
                try await session.client.send(Self.instanceList("backup_type=fragment")),
                status: 400,
                body: Expected.taurus("Parameter error. backup_type must be one of auto, manual.")
            )
        }
    }

    @Test func ddmIdsOnTheSharedListAreAnsweredByW19() async throws {
        try await withWriteRouteSession { session in
            let byInstance = try await session.get(Self.listTarget("instance_id=\(Acme.ddmInstance)", project: Acme.apSoutheast3))
            #expect(try byInstance.json.keys == ["backups", "total", "offset", "limit"])
            #expect(try byInstance.page(total: "total") == ListPage(ids: [Seeded.ddmBackup, "cfea30126a884f46887b4e9211460fc1br09"], total: 2))
            let byBackup = try await session.get(Self.listTarget("backup_id=\(Seeded.ddmBackup)", project: Acme.apSoutheast3))
            #expect(try byBackup.page(total: "total") == ListPage(ids: [Seeded.ddmBackup], total: 1))
            // From another project's path: foreign, route A.
            expectResponse(
                try await session.client.send(Self.listTarget("backup_id=\(Seeded.ddmBackup)")),
                status: 400,
                body: Expected.rds("Parameter error. instance_id is mandatory.")
            )
        }
    }

    @Test func theTaurusDBPolicyOfAnotherProjectIsRouteFsNotFound() async throws {
        try await withWriteRouteSession { session in
            expectResponse(try await session.client.send(Self.policyTarget(project: Acme.cnNorth4)), status: 404, body: Expected.instanceNotFound)
            expectResponse(
                try await session.send(
                    .put,
                    Self.policyUpdateTarget(project: Acme.cnNorth4),
                    #"{"backup_policy": {"start_time": "19:00-20:00", "keep_days": 7, "period": "1,2,3,4,5"}}"#
                ),
                status: 404,
                body: Expected.instanceNotFound
            )
            // An RDS instance of its own project has no policy/update route: 404 after the body.
            expectResponse(
                try await session.send(
                    .put,
                    Self.policyUpdateTarget(Acme.mysqlInstance, project: Acme.cnNorth4),
                    #"{"backup_policy": {"start_time": "19:00-20:00", "keep_days": 7, "period": "1,2,3,4,5"}}"#
                ),
                status: 404,
                body: Expected.instanceNotFound
            )
            expectResponse(
                try await session.send(.put, Self.policyUpdateTarget(Acme.mysqlInstance, project: Acme.cnNorth4), "{"),
                status: 400,
                body: Errors.malformed
            )
            // W11 itself still answers in its own project.
            try expectResponse(try await session.get(Self.policyTarget()), status: 200, json: #"{"backup_policy": {"keep_days": 0}}"#)
        }
    }

    // MARK: - W11 and W12 (§3.10, §4.9, §8.1, §11.1)

    @Test func theExampleOfW12ThenW11AndTheFirstAutomatedBackup() async throws {
        try await withWriteRouteSession { session in
            try expectResponse(try await session.get(Self.policyTarget()), status: 200, json: #"{"backup_policy": {"keep_days": 0}}"#)
            let response = try await session.send(
                .put,
                Self.policyUpdateTarget(),
                #"{"backup_policy": {"start_time": "19:00-20:00", "keep_days": 7, "period": "1,2,3,4,5"}}"#
            )
            try expectResponse(
                response,
                status: 200,
                json: #"{"status": "COMPLETED", "instance_id": "61a4ea66210545909d74a05c27a7179ein07", "instance_name": "gauss-taurus-61a4"}"#
            )
            #expect(try response.json.keys == ["status", "instance_id", "instance_name"])
            let shown = try await session.get(Self.policyTarget())
            try expectResponse(shown, status: 200, json: #"{"backup_policy": {"keep_days": 7, "start_time": "19:00-20:00", "period": "1,2,3,4,5"}}"#)
            #expect(try shown.json["backup_policy"]?.keys == ["keep_days", "start_time", "period"])

            // Nothing before the window starts.
            try await session.setClock("2030-01-07T18:59:59.999Z")
            try expectResponse(try await session.get(Self.instanceList()), status: 200, json: Self.exampleList)

            try await session.setClock("2030-01-07T19:00:00.000Z")
            let building = try await session.get(Self.instanceList("backup_type=auto&limit=1")).items()
            let id = try #require(building.first?["id"]?.stringValue)
            #expect(WriteRouteFormats.isBackupID(id, suffix: "br07"), "\(id)")
            let buildingRecord = Self.madeRecord(
                id: id,
                name: "gauss-taurus-61a4-20300107190000000",
                status: "BUILDING",
                size: 0,
                begin: "2030-01-07T19:00:00+0000",
                end: "2030-01-07T19:00:00+0000",
                type: "auto"
            )
            #expect(building == [buildingRecord])

            try await session.setClock("2030-01-07T19:01:00.000Z")
            let completed = Self.madeRecord(
                id: id,
                name: "gauss-taurus-61a4-20300107190000000",
                status: "COMPLETED",
                size: 1,
                begin: "2030-01-07T19:00:00+0000",
                end: "2030-01-07T19:01:00+0000",
                takeUp: 1,
                type: "auto"
            )
            #expect(try await session.get(Self.listTarget("backup_id=\(id)")).items() == [completed])

            // Route C: the first incremental from 19:05:00 on, never in W10.
            let window = "begin_time=2030-01-01T00:00:00+0000&end_time=2030-12-31T00:00:00+0000"
            try await session.setClock("2030-01-07T19:04:59.999Z")
            #expect(try await session.get(Target.taurus(window)).page().total == 0)
            try await session.setClock("2030-01-07T19:05:00.000Z")
            let chain = try await session.get(Target.taurus(window)).items()
            try #require(chain.count == 1)
            #expect(chain[0]["name"] == .string("gauss-taurus-61a4-20300107190500000"))
            #expect(chain[0]["begin_time"] == .string("2030-01-07T19:00:00+0000"))
            #expect(chain[0]["end_time"] == .string("2030-01-07T19:05:00+0000"))
            #expect(chain[0]["size"] == .integer(16))
            #expect(try await session.get(Self.instanceList()).page().total == 3)
        }
    }

    @Test func retentionNumBackupLevel1IsCheckedAndNeverShown() async throws {
        try await withWriteRouteSession { session in
            for value in ["0", "1", "null"] {
                let response = try await session.send(
                    .put,
                    Self.policyUpdateTarget(),
                    #"{"backup_policy": {"start_time": "23:00-00:00", "keep_days": 732, "period": "7,1", "retention_num_backup_level1": \#(value)}}"#
                )
                #expect(response.status == 200, "\(value): \(response.body)")
                try expectResponse(
                    try await session.get(Self.policyTarget()),
                    status: 200,
                    json: #"{"backup_policy": {"keep_days": 732, "start_time": "23:00-00:00", "period": "7,1"}}"#
                )
            }
        }
    }

    static func policyCase(_ name: String, _ json: String, _ status: Int = 400, _ expected: JSONValue) -> WriteCase {
        WriteCase(name, policyUpdateTarget(), json, status, expected)
    }

    static func policyBody(start: String = #""19:00-20:00""#, keep: String = "7", period: String = #""1,2,3,4,5""#, level1: String? = nil) -> String {
        let members = [
            start.isEmpty ? nil : #""start_time": \#(start)"#,
            keep.isEmpty ? nil : #""keep_days": \#(keep)"#,
            period.isEmpty ? nil : #""period": \#(period)"#,
            level1.map { #""retention_num_backup_level1": \#($0)"# },
        ].compactMap { $0 }
        return #"{"backup_policy": {\#(members.joined(separator: ", "))}}"#
    }

    static let policyRows: [WriteCase] =
        [
            policyCase("not JSON", "{", 400, Errors.malformed),
            policyCase("a top-level array", "[]", 400, Errors.malformed),
            policyCase("a top-level null", "null", 400, Errors.malformed),
            policyCase("a repeated member", #"{"backup_policy": {}, "backup_policy": {}}"#, 400, Errors.malformed),
            policyCase("a repeated member inside backup_policy", #"{"backup_policy": {"keep_days": 7, "keep_days": 7}}"#, 400, Errors.malformed),
            WriteCase("an empty body", policyUpdateTarget(), bytes: [], 400, Errors.policyMandatory),
            policyCase("an empty object", "{}", 400, Errors.policyMandatory),
            policyCase("backup_policy null", #"{"backup_policy": null}"#, 400, Errors.policyMandatory),
            policyCase("backup_policy an array", #"{"backup_policy": [{"keep_days": 7}]}"#, 400, Errors.policyNotObject),
            policyCase("backup_policy a string", #"{"backup_policy": "x"}"#, 400, Errors.policyNotObject),
            policyCase("backup_policy an integer", #"{"backup_policy": 7}"#, 400, Errors.policyNotObject),
            policyCase("start_time absent, keep_days 0", policyBody(start: "", keep: "0", period: #""x""#), 400, Errors.startTimeMandatory),
            policyCase("start_time null", policyBody(start: "null", keep: "0"), 400, Errors.startTimeMandatory),
        ]
        + [
            #""19:15-20:15""#, #""19:00-21:00""#, #""19:00-19:00""#, #""24:00-01:00""#, #""7:00-8:00""#, #""19:00""#,
            #""19:00-20:00 ""#, #""19:30-20:30""#, "1900", "true",
        ].map { start in
            policyCase("start_time \(start)", policyBody(start: start, keep: "0", period: #""x""#), 400, Errors.startTime)
        }
        + [
            policyCase(
                "start_time 23:00-00:00 passes, keep_days absent",
                policyBody(start: #""23:00-00:00""#, keep: "", period: #""x""#),
                400,
                Errors.keepDaysMandatory
            ),
            policyCase("keep_days null", policyBody(keep: "null", period: #""x""#), 400, Errors.keepDaysMandatory),
        ]
        + ["0", "-1", "733", #""7""#, "7.0", "7e0", "true", "[7]"].map { keep in
            policyCase("keep_days \(keep)", policyBody(keep: keep, period: #""x""#), 400, Errors.keepDays)
        }
        + [
            policyCase("keep_days 1 passes, period absent", policyBody(keep: "1", period: "", level1: "2"), 400, Errors.periodMandatory),
            policyCase("keep_days 732 passes, period null", policyBody(keep: "732", period: "null", level1: "2"), 400, Errors.periodMandatory),
        ]
        + [#""x""#, #""""#, #""0""#, #""8""#, #""1,1""#, #""1,""#, #"",1""#, #""1 ,2""#, #""12""#, #""1;2""#, "1", #"["1"]"#].map { period in
            policyCase("period \(period)", policyBody(period: period, level1: "2"), 400, Errors.period)
        }
        + ["2", "-1", #""1""#, "true", "1.0", "[0]"].map { (level1: String) in
            policyCase("retention_num_backup_level1 \(level1)", policyBody(period: #""7,1""#, level1: level1), 400, Errors.level1)
        }
        + [
            // Every field valid: the instance lookup answers.
            WriteCase(
                "an unknown instance",
                policyUpdateTarget("ffffffffffffffffffffffffffffffffin07"),
                policyBody(level1: "0"),
                404,
                Expected.instanceNotFound
            ),
            WriteCase("a DDM instance", policyUpdateTarget(Acme.ddmInstance), policyBody(), 404, Expected.instanceNotFound),
            WriteCase(
                "a malformed body for an unknown instance",
                policyUpdateTarget("ffffffffffffffffffffffffffffffffin07"),
                "{",
                400,
                Errors.malformed
            ),
        ]

    @Test(arguments: policyRows)
    func policyUpdateChecksInTheOrderOfTheTable(_ example: WriteCase) async throws {
        try await withWriteRouteSession { session in
            let before = try await session.snapshot(Self.watched)
            expectResponse(try await session.send(.put, example.target, bytes: example.body), status: example.status, body: example.expected)
            #expect(try await session.snapshot(Self.watched) == before, "a refused W12 changed something")
        }
    }

    @Test func keepDaysZeroIsRefusedAndLeavesAPolicyInForce() async throws {
        try await withWriteRouteSession { session in
            #expect(try await session.send(.put, Self.policyUpdateTarget(), Self.policyBody()).status == 200)
            let before = try await session.snapshot(Self.watched)
            expectResponse(
                try await session.send(.put, Self.policyUpdateTarget(), Self.policyBody(keep: "0")),
                status: 400,
                body: Errors.keepDays
            )
            #expect(try await session.snapshot(Self.watched) == before)
            try expectResponse(
                try await session.get(Self.policyTarget()),
                status: 200,
                json: #"{"backup_policy": {"keep_days": 7, "start_time": "19:00-20:00", "period": "1,2,3,4,5"}}"#
            )
            // The policy still runs.
            try await session.setClock("2030-01-07T19:00:00.000Z")
            #expect(try await session.get(Self.instanceList("backup_type=auto")).page().total == 2)
        }
    }

    // MARK: - A refused write changes nothing; scope before the body (§1.1, §10)

    @Test func refusedWritesChangeNothing() async throws {
        try await withWriteRouteSession { session in
            let before = try await session.snapshot(Self.watched)
            let refusals: [(HTTPRequest.Method, String, String)] = [
                (.post, Self.createTarget(), #"{"instance_id": "\#(Self.instance)", "name": "x"}"#),
                (.post, Self.createTarget(), #"{"instance_id": "\#(Self.instance)", "name": "before-upgrade", "description": "a\nb"}"#),
                (.post, Self.createTarget(Acme.cnNorth4), #"{"instance_id": "\#(Self.instance)", "name": "before-upgrade"}"#),
                (.delete, Self.deleteTarget(Seeded.auto), ""),
                (.delete, Self.deleteTarget(Seeded.incremental), ""),
                (.delete, Self.deleteTarget(Seeded.manual, project: Acme.cnNorth4), ""),
                (.put, Self.policyUpdateTarget(), Self.policyBody(keep: "0")),
                (.put, Self.policyUpdateTarget(), Self.policyBody(start: #""19:15-20:15""#)),
            ]
            for (method, target, body) in refusals {
                let response = try await session.send(method, target, body)
                #expect((400..<500).contains(response.status), "\(target): \(response.status) \(response.body)")
            }
            #expect(try await session.snapshot(Self.watched) == before)
        }
    }

    @Test func bobGets403BeforeAnyBodyOrQueryCheck() async throws {
        try await withWriteRouteSession { session in
            let before = try await session.snapshot(Self.watched)
            let requests: [(String, HTTPRequest.Method, String, String)] = [
                ("W8 malformed", .post, Self.createTarget(), "{"),
                ("W8 valid", .post, Self.createTarget(), #"{"instance_id": "\#(Self.instance)", "name": "before-upgrade"}"#),
                ("W9", .delete, Self.deleteTarget(Seeded.manual), ""),
                ("W9 unknown", .delete, Self.deleteTarget("nothing"), ""),
                ("W10 bad query", .get, Self.instanceList("limit=0"), ""),
                ("W10", .get, Self.listTarget("backup_id=\(Seeded.auto)"), ""),
                ("W11", .get, Self.policyTarget(), ""),
                ("W12 malformed", .put, Self.policyUpdateTarget(), "{"),
                ("W12 valid", .put, Self.policyUpdateTarget(), Self.policyBody()),
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
