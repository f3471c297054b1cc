import BackupdAPI
import BackupdAuth
import BackupdCatalog
import BackupdServer
import BackupdTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

/// Routes W1 (`POST /v3/{project_id}/backups`), W2 (`DELETE /v3/{project_id}/backups/{backup_id}`)
/// and W3 (`POST /v3/{project_id}/backups/batch-delete`) of `lifecycle.md` through the real
/// application over the example seed, the catalog clock set and frozen at T0 through the control
/// API: the order of checks (§1.1), every row of the body and state tables (§3.2–§3.4), the
/// answers byte for byte (§4.1–§4.3), the transitions (§6.1, §6.3), the refusals (§7),
/// authentication (§10), the examples (§11.1) and the scenario (§11.2 steps 1–4 and 13–16).
@Suite struct RDSManualBackupTests {
    static let controlToken = "rds-manual-backup-tests-control-token"
    static let t0 = "2030-01-07T08:00:00.000Z"
    static let unknownInstance = "ffffffffffffffffffffffffffffffffin01"

    /// Backups of the example seed named once.
    enum Seeded {
        /// `a48e…in01`'s manual `COMPLETED` backup (§11.1 W2).
        static let manual = "dbf3f7c6c2083efd3cf148808ea6908fbr01"
        static let manualName = "rds-mysql-a48e-20180720153000004"
        /// `a48e…in01`'s manual `COMPLETED` backup of §11.1 W3.
        static let otherManual = "205071e29cf4a3cf45b88fadd54f1a4bbr01"
        /// `a48e…in01`'s manual `FAILED` backup.
        static let failedManual = "075520be519d7aeed2bb48a99bf46ec7br01"
        /// The page's `auto` backup.
        static let auto = "43e4feaab48f11e89039fa163ebaa7e4br01"
        static let autoName = "rds-mysql-a48e-20180702020000001"
        static let incremental = "eff8f56354b5edfa9cd507308c757c61br01"
        static let fragment = "a3e501c9d1aeac08f3cddaf474b55d23br01"
        static let autoDeleting = "fcbd6e98596f1a2730d86ea6e43d2609br01"
        static let autoDeletingName = "rds-mysql-a48e-20180827020000015"
        static let autoBuilding = "55ebe3ab87bb9aec265ab059e898dadfbr01"
        static let incrementalBuilding = "c1c734497e4503ffdc670cf7305c0d06br01"
        /// `a48e…in01`'s cross-region copy, held in ap-southeast-1.
        static let a48eCopy = "741860b060bb140e8089c0e13773e8d7br01"
        /// SQL Server `ad4e…in04` (ap-southeast-1): a home record, and a copy held in cn-north-4.
        static let sqlServerManual = "145e1b8474ec8568b55e67374a539ea4br04"
        static let sqlServerManualName = "sqlserver-rds-1784-20221201062000123"
        static let sqlServerCopy = "d0ea632a5c32451dbdb157ef5c2ad3ecbr04"
        static let sqlServerCopyName = "backup-81f1"
        static let globex = "a4142b3edb605f152a13dbd15179aad8br01"
        static let taurus = "f0d2aea28d26t4848b8c84ed3fea1822fbr07"
        static let dcs = "4631832a-14c6-45b0-a0b3-3abd8f591ad1"
        static let ddm = "09902ee7866649b8908ec209bfee2747br09"
    }

    // MARK: - Errors

    enum Errors {
        static let malformed = Expected.rds("Parameter error. The request body must be a JSON object.")
        static let instanceMandatory = Expected.rds("Parameter error. instance_id is mandatory.")
        static let instanceNotString = Expected.rds("Parameter error. instance_id must be a string.")
        static let nameMandatory = Expected.rds("Parameter error. name is mandatory.")
        static let nameInvalid = Expected.rds(
            "Parameter error. name must be 4 to 64 characters, start with a letter and contain only letters, digits, hyphens and underscores."
        )
        static let description = Expected.service("DBS.280127", "Invalid backup description.")
        static let databases = Expected.rds("Parameter error. databases must be an array of objects with a name.")
        static let individually = Expected.rds("Parameter error. backup_database_individually must be true or false.")
        static let inProgress = Expected.service("DBS.201205", "Backup is in progress, please wait.")
        static let nameTaken = Expected.service("DBS.201201", "The object already exists.")
        static let notManual = Expected.rds("Parameter error. Only manual backups can be deleted.")
        static let deleting = Expected.service("RDS.3016", "The backup file is being deleted. Try again later.")
        static let backupIDsMandatory = Expected.rds("Parameter error. backup_ids is mandatory.")
        static let backupIDsInvalid = Expected.rds("Parameter error. backup_ids must be an array of 1 to 50 backup ids.")

        static func tooLarge(_ response: BackupdTestSupport.TestResponse) -> JSONValue {
            Expected.gateway("APIGW.0201", "Request entity too large.", requestID: response.requestID ?? "?")
        }
    }

    // MARK: - Targets

    static func createTarget(_ project: String = Acme.cnNorth4) -> String { "/v3/\(project)/backups" }
    static func deleteTarget(_ id: String, project: String = Acme.cnNorth4) -> String { "/v3/\(project)/backups/\(id)" }
    static func batchTarget(_ project: String = Acme.cnNorth4) -> String { "/v3/\(project)/backups/batch-delete" }
    /// `L(q)` of §11.2.
    static func listTarget(_ query: String = "", instance: String = Acme.mysqlInstance, project: String = Acme.cnNorth4) -> String {
        Target.rdsList("instance_id=\(instance)" + (query.isEmpty ? "" : "&" + query), project: project)
    }
    /// `W` of §11.2: a window that holds only records of 2030.
    static let window2030 = "begin_time=2030-01-01T00:00:00+0000&end_time=2030-12-31T00:00:00+0000"

    // MARK: - The session

    /// A client of a server whose control API is on and whose catalog clock is frozen at T0.
    struct Session: Sendable {
        let client: any TestClientProtocol

        /// A control request that must succeed.
        @discardableResult
        func control(
            _ method: HTTPRequest.Method,
            _ path: String,
            _ json: String,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws -> BackupdTestSupport.TestResponse {
            let response = try await client.send(
                path,
                method: method,
                headers: [.authorization: "Bearer \(RDSManualBackupTests.controlToken)"],
                body: Array(json.utf8),
                as: .none
            )
            #expect(response.status == 200, "\(path) \(json): \(response.body)", sourceLocation: sourceLocation)
            return response
        }

        /// Sets the clock to `now` and freezes it.
        func setClock(_ now: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let response = try await control(.put, "/_backupd/v1/clock", #"{"now": "\#(now)", "frozen": true}"#, sourceLocation: sourceLocation)
            #expect(try response.json["now"]?.stringValue == now, sourceLocation: sourceLocation)
        }

        /// Moves the frozen clock by an ISO 8601 duration. - Returns: the new reading.
        @discardableResult
        func advance(_ duration: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String? {
            try await control(.put, "/_backupd/v1/clock", #"{"advance": "\#(duration)"}"#, sourceLocation: sourceLocation).json["now"]?.stringValue
        }

        func setTimings(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            try await control(.put, "/_backupd/v1/timings", json, sourceLocation: sourceLocation)
        }

        func armFault(_ instanceID: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            try await control(
                .post,
                "/_backupd/v1/faults",
                #"{"instance_id": "\#(instanceID)", "next_backup": "fail"}"#,
                sourceLocation: sourceLocation
            )
        }

        func create(
            _ json: String,
            project: String = Acme.cnNorth4,
            as credential: TestCredential = .alice
        ) async throws -> BackupdTestSupport.TestResponse {
            try await create(bytes: Array(json.utf8), project: project, as: credential)
        }

        func create(
            bytes: [UInt8],
            project: String = Acme.cnNorth4,
            as credential: TestCredential = .alice
        ) async throws -> BackupdTestSupport.TestResponse {
            try await client.send(RDSManualBackupTests.createTarget(project), method: .post, body: bytes, as: credential)
        }

        /// A W1 that must succeed. - Returns: the new id.
        func createdID(
            _ json: String,
            project: String = Acme.cnNorth4,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws -> String {
            let response = try await create(json, project: project)
            #expect(response.status == 200, "body: \(response.body)", sourceLocation: sourceLocation)
            expectStandardHeaders(response, sourceLocation: sourceLocation)
            return try #require(try response.json["backup"]?["id"]?.stringValue, "body: \(response.body)", sourceLocation: sourceLocation)
        }

        func delete(
            _ id: String,
            project: String = Acme.cnNorth4,
            body: [UInt8] = [],
            as credential: TestCredential = .alice
        ) async throws -> BackupdTestSupport.TestResponse {
            try await client.send(RDSManualBackupTests.deleteTarget(id, project: project), method: .delete, body: body, as: credential)
        }

        func batchDelete(
            _ json: String,
            project: String = Acme.cnNorth4,
            as credential: TestCredential = .alice
        ) async throws -> BackupdTestSupport.TestResponse {
            try await batchDelete(bytes: Array(json.utf8), project: project, as: credential)
        }

        func batchDelete(
            bytes: [UInt8],
            project: String = Acme.cnNorth4,
            as credential: TestCredential = .alice
        ) async throws -> BackupdTestSupport.TestResponse {
            try await client.send(RDSManualBackupTests.batchTarget(project), method: .post, body: bytes, as: credential)
        }

        /// A list answer, which must be a 200.
        func list(_ target: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> BackupdTestSupport.TestResponse {
            let response = try await client.send(target)
            #expect(response.status == 200, "\(target): \(response.body)", sourceLocation: sourceLocation)
            return response
        }

        /// `L(backup_id=id)` for `a48e…in01`, or another instance.
        func listed(
            _ id: String,
            instance: String = Acme.mysqlInstance,
            project: String = Acme.cnNorth4,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws -> [JSONValue] {
            let response = try await list(
                RDSManualBackupTests.listTarget("backup_id=\(id)", instance: instance, project: project),
                sourceLocation: sourceLocation
            )
            return try response.items()
        }

        /// The answers of the RDS lists a write could change, byte for byte.
        func snapshot() async throws -> [String] {
            var bodies: [String] = []
            for target in [
                RDSManualBackupTests.listTarget(),
                RDSManualBackupTests.listTarget(instance: Acme.mysqlProd),
                RDSManualBackupTests.listTarget(instance: Acme.postgresInstance),
                RDSManualBackupTests.listTarget(instance: Acme.sqlServerInstance, project: Acme.apSoutheast1),
                Target.offsite("instance_id=\(Acme.sqlServerInstance)&backup_type=auto"),
                Target.offsite("instance_id=\(Acme.mysqlInstance)&backup_type=auto", project: Acme.apSoutheast1),
            ] {
                bodies.append(try await list(target).body)
            }
            return bodies
        }
    }

    /// Runs `body` against the application over `store` (default: a fresh example store), with
    /// the control API on and the clock frozen at T0, default timings.
    static func withSession<T: Sendable>(
        store: (any CatalogStore)? = nil,
        _ body: @Sendable (Session) async throws -> T
    ) async throws -> T {
        var configuration = ServerConfiguration.testing()
        configuration.controlToken = ControlToken(controlToken)
        let catalog: any CatalogStore
        if let store { catalog = store } else { catalog = try await Fixtures.exampleStore() }
        let app = makeTestApplication(store: catalog, configuration: configuration)
        return try await app.test(.router) { client in
            let session = Session(client: client)
            try await session.setClock(t0)
            return try await body(session)
        }
    }

    /// Whether `id` is a new RDS id (§4.13): 32 lower-case hex digits of a version-4 UUID, then `suffix`.
    static func isNewID(_ id: String?, suffix: String) -> Bool {
        guard let id, id.hasSuffix(suffix) else { return false }
        let digits = Array(id.utf8.dropLast(suffix.utf8.count))
        guard digits.count == 32, digits.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return false }
        return digits[12] == UInt8(ascii: "4") && Array("89ab".utf8).contains(digits[16])
    }

    /// The list record of a new manual backup of `a48e…in01` (route A's key order).
    static func mysqlRecord(
        id: String,
        name: String,
        status: String,
        size: Int64,
        begin: String = "2030-01-07T08:00:00+0000",
        end: String = "2030-01-07T08:00:00+0000"
    ) -> JSONValue {
        .object([
            ("id", .string(id)),
            ("name", .string(name)),
            ("type", .string("manual")),
            ("size", .integer(size)),
            ("status", .string(status)),
            ("begin_time", .string(begin)),
            ("end_time", .string(end)),
            ("datastore", .object([("type", .string("MySQL")), ("version", .string("5.7"))])),
            ("instance_id", .string(Acme.mysqlInstance)),
            ("associated_with_ddm", .bool(false)),
        ])
    }

    static func listBody(_ records: [JSONValue], total: Int64? = nil) -> JSONValue {
        .object([("backups", .array(records)), ("total_count", .integer(total ?? Int64(records.count)))])
    }

    // MARK: - W1 body checks (§3.1, §3.2 rows 1–6)

    /// A request body and the answer it must get.
    struct BodyCase: Sendable, CustomTestStringConvertible {
        let name: String
        let body: [UInt8]
        let status: Int
        let expected: JSONValue

        init(_ name: String, _ json: String, _ status: Int = 400, _ expected: JSONValue) {
            self.init(name, bytes: Array(json.utf8), status, expected)
        }

        init(_ name: String, bytes: [UInt8], _ status: Int = 400, _ expected: JSONValue) {
            self.name = name
            self.body = bytes
            self.status = status
            self.expected = expected
        }

        var testDescription: String { name }
    }

    static let a48e = Acme.mysqlInstance
    static let unknown = unknownInstance

    static let malformedBodies: [BodyCase] = [
        BodyCase("not JSON", #"{"instance_id": "\#(a48e)", "name": "manual-001""#, 400, Errors.malformed),
        BodyCase("a top-level array", #"[{"instance_id": "\#(a48e)", "name": "manual-001"}]"#, 400, Errors.malformed),
        BodyCase("an empty array", "[]", 400, Errors.malformed),
        BodyCase("a string", #""manual-001""#, 400, Errors.malformed),
        BodyCase("a number", "7", 400, Errors.malformed),
        BodyCase("true", "true", 400, Errors.malformed),
        BodyCase("a top-level null", "null", 400, Errors.malformed),
        BodyCase("only blanks", " \n", 400, Errors.malformed),
        BodyCase(
            "a byte-order mark",
            bytes: [0xEF, 0xBB, 0xBF] + Array(#"{"instance_id": "\#(a48e)", "name": "manual-001"}"#.utf8),
            400,
            Errors.malformed
        ),
        BodyCase("a repeated member name", #"{"instance_id": "\#(a48e)", "instance_id": "\#(a48e)", "name": "manual-001"}"#, 400, Errors.malformed),
        BodyCase(
            "a repeated name whose first value is null",
            #"{"instance_id": "\#(a48e)", "name": null, "name": "manual-001"}"#,
            400,
            Errors.malformed
        ),
        BodyCase(
            "a name repeated through an escape",
            #"{"instance_id": "\#(a48e)", "name": "manual-001", "n\u0061me": "manual-002"}"#,
            400,
            Errors.malformed
        ),
        BodyCase(
            "a repeated name inside databases",
            #"{"instance_id": "\#(a48e)", "name": "manual-001", "databases": [{"name": "a", "name": "b"}]}"#,
            400,
            Errors.malformed
        ),
        BodyCase(
            "a repeated name inside an unknown member",
            #"{"instance_id": "\#(a48e)", "name": "manual-001", "extra": {"x": 1, "x": 1}}"#,
            400,
            Errors.malformed
        ),
        BodyCase(
            "invalid UTF-8",
            bytes: Array(#"{"instance_id": "\#(a48e)", "name": "manual-001", "description": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8),
            400,
            Errors.malformed
        ),
        BodyCase("trailing content", #"{"instance_id": "\#(a48e)", "name": "manual-001"} {}"#, 400, Errors.malformed),
        BodyCase("a trailing comma", #"{"instance_id": "\#(a48e)", "name": "manual-001",}"#, 400, Errors.malformed),
        BodyCase("single quotes", #"{'instance_id': '\#(a48e)', 'name': 'manual-001'}"#, 400, Errors.malformed),
        BodyCase("a raw tab inside a string", "{\"instance_id\": \"\(a48e)\", \"name\": \"manual\t001\"}", 400, Errors.malformed),
        BodyCase("a malformed body that is also wrong in every field", #"{"instance_id": 7, "name": 7,"#, 400, Errors.malformed),
    ]

    static let instanceIDCases: [BodyCase] = [
        BodyCase("an empty body", bytes: [], 400, Errors.instanceMandatory),
        BodyCase("an empty object", "{}", 400, Errors.instanceMandatory),
        BodyCase("blanks around an empty object", " {\n} ", 400, Errors.instanceMandatory),
        BodyCase("instance_id absent, name given", #"{"name": "manual-001"}"#, 400, Errors.instanceMandatory),
        BodyCase("instance_id null", #"{"instance_id": null, "name": "manual-001"}"#, 400, Errors.instanceMandatory),
        BodyCase("instance_id absent and name wrong", #"{"name": 7, "description": "<"}"#, 400, Errors.instanceMandatory),
        BodyCase("instance_id an integer", #"{"instance_id": 7, "name": "manual-001"}"#, 400, Errors.instanceNotString),
        BodyCase("instance_id 7.0", #"{"instance_id": 7.0, "name": "manual-001"}"#, 400, Errors.instanceNotString),
        BodyCase("instance_id 7e0", #"{"instance_id": 7e0, "name": "manual-001"}"#, 400, Errors.instanceNotString),
        BodyCase("instance_id true", #"{"instance_id": true, "name": "manual-001"}"#, 400, Errors.instanceNotString),
        BodyCase("instance_id false", #"{"instance_id": false, "name": "manual-001"}"#, 400, Errors.instanceNotString),
        BodyCase("instance_id an array", #"{"instance_id": ["\#(a48e)"], "name": "manual-001"}"#, 400, Errors.instanceNotString),
        BodyCase("instance_id an object", #"{"instance_id": {"id": "\#(a48e)"}, "name": "manual-001"}"#, 400, Errors.instanceNotString),
        BodyCase("instance_id wrong before name wrong", #"{"instance_id": 1, "name": 1, "description": 1}"#, 400, Errors.instanceNotString),
    ]

    static let nameCases: [BodyCase] =
        [
            BodyCase("name absent", #"{"instance_id": "\#(unknown)"}"#, 400, Errors.nameMandatory),
            BodyCase("name null", #"{"instance_id": "\#(unknown)", "name": null}"#, 400, Errors.nameMandatory),
            BodyCase("name absent, description wrong", #"{"instance_id": "\#(unknown)", "description": "<"}"#, 400, Errors.nameMandatory),
        ]
        + [
            ("3 characters", #""abc""#),
            ("65 characters", "\"a" + String(repeating: "b", count: 64) + "\""),
            ("empty", #""""#),
            ("a digit first", #""1abc""#),
            ("an underscore first", #""_abc""#),
            ("a hyphen first", #""-abc""#),
            ("a blank inside", #""ab cd""#),
            ("a dot inside", #""abc.d""#),
            ("a trailing newline", #""abcd\n""#),
            ("a non-ASCII letter", #""abcé""#),
            ("a fullwidth letter first", #""ａbcd""#),
            ("a CJK name", #""备份备份""#),
            ("an integer", "1234"),
            ("7.0", "7.0"),
            ("true", "true"),
            ("an array", #"["manual-001"]"#),
            ("an object", #"{"name": "manual-001"}"#),
        ].map { label, value in
            BodyCase("name \(label)", #"{"instance_id": "\#(unknown)", "name": \#(value), "description": "<"}"#, 400, Errors.nameInvalid)
        }
        + [
            ("4 characters", "abcd"),
            ("64 characters", "a" + String(repeating: "9", count: 63)),
            ("upper case", "ABCD"),
            ("digits, hyphens and underscores", "Z-_9"),
            ("only hyphens after the letter", "a---"),
        ].map { label, value in
            // A valid name passes to the next check.
            BodyCase(
                "name of \(label) is accepted",
                #"{"instance_id": "\#(unknown)", "name": "\#(value)", "description": "<"}"#,
                400,
                Errors.description
            )
        }

    static let descriptionCases: [BodyCase] =
        [
            (">", #""a>b""#), ("!", #""a!b""#), ("<", #""a<b""#), ("a double quote", #""a\"b""#), ("&", #""a&b""#),
            ("'", #""a'b""#), ("=", #""a=b""#), ("an escaped <", #""a\u003cb""#),
            ("257 ASCII characters", "\"" + String(repeating: "a", count: 257) + "\""),
            ("257 two-byte code points", "\"" + String(repeating: "é", count: 257) + "\""),
            ("257 CJK code points", "\"" + String(repeating: "数", count: 257) + "\""),
            ("257 code points in 129 characters", "\"" + String(repeating: "e\u{301}", count: 128) + "a\""),
            ("an integer", "7"), ("7.0", "7.0"), ("true", "true"), ("an array", #"["x"]"#), ("an object", "{}"),
        ].map { label, value in
            BodyCase(
                "description \(label)",
                #"{"instance_id": "\#(unknown)", "name": "manual-001", "description": \#(value), "databases": "x"}"#,
                400,
                Errors.description
            )
        }
        + [
            ("empty", #""""#),
            ("null", "null"),
            ("256 ASCII characters", "\"" + String(repeating: "a", count: 256) + "\""),
            ("256 CJK code points", "\"" + String(repeating: "数", count: 256) + "\""),
            ("256 emoji (512 UTF-16 units)", "\"" + String(repeating: "😀", count: 256) + "\""),
            ("256 code points in 128 characters", "\"" + String(repeating: "e\u{301}", count: 128) + "\""),
            ("line breaks and tabs", #""line\nbreak\r\ttab""#),
            ("other punctuation", #""a-b_c.d,e;f:g?h(i)j[k]l{m}n/o\\p|q~r`s@t#u$v%w^x*y+z""#),
        ].map { label, value in
            BodyCase(
                "description \(label) is accepted",
                #"{"instance_id": "\#(unknown)", "name": "manual-001", "description": \#(value), "databases": "x"}"#,
                400,
                Errors.databases
            )
        }

    static let databasesCases: [BodyCase] =
        [
            ("a string", #""db""#), ("an integer", "7"), ("true", "true"), ("an object", #"{"name": "a"}"#),
            ("an array of integers", "[1]"), ("an array of strings", #"["a"]"#), ("an array holding null", "[null]"),
            ("an array of arrays", "[[]]"), ("an object without name", "[{}]"), ("an empty name", #"[{"name": ""}]"#),
            ("a name that is an integer", #"[{"name": 1}]"#), ("a null name", #"[{"name": null}]"#),
            ("a name that is an array", #"[{"name": ["a"]}]"#), ("a good element then an empty object", #"[{"name": "a"}, {}]"#),
            ("a good element then an integer", #"[{"name": "a"}, 7]"#),
        ].map { label, value in
            BodyCase(
                "databases \(label)",
                #"{"instance_id": "\#(unknown)", "name": "manual-001", "databases": \#(value), "backup_database_individually": "x"}"#,
                400,
                Errors.databases
            )
        }
        + [
            ("null", "null"), ("empty", "[]"), ("one name", #"[{"name": "db_sales"}]"#),
            ("with unknown members", #"[{"name": "db_sales", "size": 1}]"#), ("a name twice", #"[{"name": "a"}, {"name": "a"}]"#),
            ("a CJK name", #"[{"name": "数据库"}]"#),
        ].map { label, value in
            BodyCase(
                "databases \(label) is accepted",
                #"{"instance_id": "\#(unknown)", "name": "manual-001", "databases": \#(value), "backup_database_individually": "x"}"#,
                400,
                Errors.individually
            )
        }

    static let individuallyCases: [BodyCase] =
        [
            ("a string", #""true""#), ("1", "1"), ("0", "0"), ("1.0", "1.0"), ("an array", "[]"), ("an object", "{}"),
            ("the string false", #""false""#),
        ].map { label, value in
            BodyCase(
                "backup_database_individually \(label)",
                #"{"instance_id": "\#(unknown)", "name": "manual-001", "backup_database_individually": \#(value)}"#,
                400,
                Errors.individually
            )
        }
        + [("true", "true"), ("false", "false"), ("null", "null")].map { label, value in
            // Every field valid: the instance lookup answers.
            BodyCase(
                "backup_database_individually \(label) is accepted",
                #"{"instance_id": "\#(unknown)", "name": "manual-001", "backup_database_individually": \#(value)}"#,
                404,
                Expected.instanceNotFound
            )
        }

    @Test(arguments: malformedBodies + instanceIDCases + nameCases + descriptionCases + databasesCases + individuallyCases)
    func createBodyChecks(_ example: BodyCase) async throws {
        try await Self.withSession { session in
            let before = try await session.snapshot()
            let response = try await session.create(bytes: example.body)
            expectResponse(response, status: example.status, body: example.expected)
            #expect(try await session.snapshot() == before, "a refused create changed a list")
        }
    }

    // MARK: - W1 lookup (§3.2 row 7, §2)

    /// An `instance_id` that is no RDS instance of the path's project, and the path's project.
    struct ForeignInstance: Sendable, CustomTestStringConvertible {
        let name: String
        let instanceID: String
        let project: String
        var testDescription: String { name }
    }

    static let foreignInstances: [ForeignInstance] = [
        ForeignInstance(name: "unknown", instanceID: unknownInstance, project: Acme.cnNorth4),
        ForeignInstance(name: "another project's RDS instance", instanceID: Acme.sqlServerInstance, project: Acme.cnNorth4),
        ForeignInstance(name: "an RDS instance in a project of the same account", instanceID: Acme.mysqlInstance, project: Acme.apSoutheast1),
        ForeignInstance(name: "another account's RDS instance", instanceID: Globex.mysqlInstance, project: Acme.cnNorth4),
        ForeignInstance(name: "a TaurusDB instance of the project", instanceID: Acme.taurusInstance, project: Acme.cnEast3),
        ForeignInstance(name: "a TaurusDB instance of another project", instanceID: Acme.taurusInstance, project: Acme.cnNorth4),
        ForeignInstance(name: "a DCS instance of the project", instanceID: Acme.redisInstance, project: Acme.cnNorth4),
        ForeignInstance(name: "a DDM instance of the project", instanceID: Acme.ddmInstance, project: Acme.apSoutheast3),
        ForeignInstance(name: "the id in upper case", instanceID: Acme.mysqlInstance.uppercased(), project: Acme.cnNorth4),
        ForeignInstance(name: "the id with a trailing blank", instanceID: Acme.mysqlInstance + " ", project: Acme.cnNorth4),
        ForeignInstance(name: "an empty id", instanceID: "", project: Acme.cnNorth4),
        ForeignInstance(name: "an id with NUL", instanceID: Acme.mysqlInstance + "\\u0000", project: Acme.cnNorth4),
        ForeignInstance(name: "a 10000-character id", instanceID: String(repeating: "a", count: 10_000), project: Acme.cnNorth4),
        ForeignInstance(name: "a backup id", instanceID: Seeded.manual, project: Acme.cnNorth4),
    ]

    @Test(arguments: foreignInstances)
    func createForAnInstanceThatIsNotAnRDSInstanceOfTheProjectIs404(_ example: ForeignInstance) async throws {
        try await Self.withSession { session in
            let before = try await session.snapshot()
            let response = try await session.create(
                #"{"instance_id": "\#(example.instanceID)", "name": "manual-001", "description": ""}"#,
                project: example.project
            )
            expectResponse(response, status: 404, body: Expected.instanceNotFound)
            #expect(try await session.snapshot() == before)
        }
    }

    @Test func theBodyIsCheckedBeforeTheInstanceIsLookedUp() async throws {
        try await Self.withSession { session in
            expectResponse(try await session.create(#"{"instance_id": "\#(Self.unknown)"}"#), status: 400, body: Errors.nameMandatory)
            expectResponse(
                try await session.create(#"{"instance_id": "\#(Acme.taurusInstance)", "name": "x"}"#, project: Acme.cnEast3),
                status: 400,
                body: Errors.nameInvalid
            )
            expectResponse(try await session.create("{", project: Acme.cnEast3), status: 400, body: Errors.malformed)
        }
    }

    // MARK: - W1 answer (§4.1)

    @Test func theExampleOfW1ThenInProgressThenNameTaken() async throws {
        try await Self.withSession { session in
            let body = #"{"instance_id": "a48e43ff268f4c0e879652d65e63d0fbin01", "name": "manual-001", "description": "before upgrade"}"#
            let response = try await session.create(body)
            #expect(response.status == 200)
            expectStandardHeaders(response)
            let id = try #require(try response.json["backup"]?["id"]?.stringValue)
            #expect(Self.isNewID(id, suffix: "br01"), "\(id)")
            try expectResponse(
                response,
                status: 200,
                json: """
                    {"backup": {"id": "\(id)", "instance_id": "a48e43ff268f4c0e879652d65e63d0fbin01", "name": "manual-001", \
                    "description": "before upgrade", "begin_time": "2030-01-07T08:00:00+0000", "status": "BUILDING", "type": "manual"}}
                    """
            )
            // Key order exactly as §4.1's table.
            #expect(try response.json.keys == ["backup"])
            #expect(try response.json["backup"]?.keys == ["id", "instance_id", "name", "description", "begin_time", "status", "type"])

            // The same body again at T0, and after 60 s.
            let before = try await session.snapshot()
            expectResponse(try await session.create(body), status: 409, body: Errors.inProgress)
            #expect(try await session.snapshot() == before)
            try await session.advance("PT60S")
            let later = try await session.snapshot()
            expectResponse(try await session.create(body), status: 409, body: Errors.nameTaken)
            #expect(try await session.snapshot() == later)
        }
    }

    @Test func descriptionIsAnsweredOnlyWhenTheRequestHadOne() async throws {
        try await Self.withSession { session in
            try await session.setTimings(#"{"rds_building": 0}"#)
            let members: [(member: String, expected: String?)] = [
                ("", nil),
                (#", "description": null"#, nil),
                (#", "description": """#, ""),
                (#", "description": "line\nbreak \\ \/ \u0001 数 😀""#, "line\nbreak \\ / \u{1} 数 😀"),
                (#", "description": "\u0000\u001f\u007f\u2028\ud83d\ude00""#, "\u{0}\u{1F}\u{7F}\u{2028}😀"),
            ]
            for (index, (member, expected)) in members.enumerated() {
                let response = try await session.create(#"{"instance_id": "\#(Self.a48e)", "name": "manual-00\#(index)"\#(member)}"#)
                #expect(response.status == 200, "body: \(response.body)")
                let backup = try #require(try response.json["backup"])
                if let expected {
                    #expect(backup.keys == ["id", "instance_id", "name", "description", "begin_time", "status", "type"])
                    #expect(backup["description"]?.stringValue.map { Array($0.utf8) } == Array(expected.utf8))
                } else {
                    #expect(backup.keys == ["id", "instance_id", "name", "begin_time", "status", "type"])
                }
                // Always BUILDING, whatever the timings.
                #expect(backup["status"] == .string("BUILDING"))
            }
        }
    }

    @Test func databasesAreAnsweredAndListedOnlyForSQLServer() async throws {
        try await Self.withSession { session in
            // SQL Server ad4e…in04 of ap-southeast-1: kept when non-empty.
            let sqlServer = try await session.create(
                """
                {"instance_id": "\(Acme.sqlServerInstance)", "name": "sql-manual-001", "description": "d", \
                "databases": [{"name": "db_sales"}, {"name": "db_hr", "x": 1}], "backup_database_individually": true}
                """,
                project: Acme.apSoutheast1
            )
            #expect(sqlServer.status == 200, "body: \(sqlServer.body)")
            let id = try #require(try sqlServer.json["backup"]?["id"]?.stringValue)
            #expect(Self.isNewID(id, suffix: "br04"), "\(id)")
            try expectResponse(
                sqlServer,
                status: 200,
                json: """
                    {"backup": {"id": "\(id)", "instance_id": "\(Acme.sqlServerInstance)", "name": "sql-manual-001", \
                    "description": "d", "databases": [{"name": "db_sales"}, {"name": "db_hr"}], \
                    "begin_time": "2030-01-07T08:00:00+0000", "status": "BUILDING", "type": "manual"}}
                    """
            )
            let listed = try await session.listed(id, instance: Acme.sqlServerInstance, project: Acme.apSoutheast1)
            try #require(listed.count == 1)
            #expect(
                listed[0]
                    == (try JSONValue(
                        parsing: """
                            {"id": "\(id)", "name": "sql-manual-001", "type": "manual", "size": 0, "status": "BUILDING", \
                            "databases": [{"name": "db_sales"}, {"name": "db_hr"}], "begin_time": "2030-01-07T08:00:00+0000", \
                            "end_time": "2030-01-07T08:00:00+0000", "datastore": {"type": "sqlserver", "version": "2019_SE"}, \
                            "instance_id": "\(Acme.sqlServerInstance)"}
                            """
                    ))
            )
            // An empty list is not kept, nor is one for another engine.
            try await session.advance("PT60S")
            let empty = try await session.create(
                #"{"instance_id": "\#(Acme.sqlServerInstance)", "name": "sql-manual-002", "databases": []}"#,
                project: Acme.apSoutheast1
            )
            #expect(try empty.json["backup"]?.keys == ["id", "instance_id", "name", "begin_time", "status", "type"])
            let emptyID = try #require(try empty.json["backup"]?["id"]?.stringValue)
            #expect(
                try await session.listed(emptyID, instance: Acme.sqlServerInstance, project: Acme.apSoutheast1).first?.keys?.contains("databases")
                    == false
            )

            let mysql = try await session.create(#"{"instance_id": "\#(Self.a48e)", "name": "manual-001", "databases": [{"name": "db_sales"}]}"#)
            #expect(try mysql.json["backup"]?.keys == ["id", "instance_id", "name", "begin_time", "status", "type"])
            let mysqlID = try #require(try mysql.json["backup"]?["id"]?.stringValue)
            #expect(
                try await session.listed(mysqlID)
                    == [
                        Self.mysqlRecord(
                            id: mysqlID,
                            name: "manual-001",
                            status: "BUILDING",
                            size: 0,
                            begin: "2030-01-07T08:01:00+0000",
                            end: "2030-01-07T08:01:00+0000"
                        )
                    ]
            )

            // PostgreSQL b7c6…in03: the suffix br03, no associated_with_ddm.
            let postgres = try await session.create(#"{"instance_id": "\#(Acme.postgresInstance)", "name": "pg-manual-001"}"#)
            let pgID = try #require(try postgres.json["backup"]?["id"]?.stringValue)
            #expect(Self.isNewID(pgID, suffix: "br03"), "\(pgID)")
            let pg = try await session.listed(pgID, instance: Acme.postgresInstance)
            #expect(pg.first?.keys == ["id", "name", "type", "size", "status", "begin_time", "end_time", "datastore", "instance_id"])
        }
    }

    @Test func unknownMembersAreIgnoredAtEveryLevel() async throws {
        try await Self.withSession { session in
            let response = try await session.create(
                #"{"extra": {"a": [1, 2.5, null, {"b": {}}]}, "name": "manual-001", "port": 3306, "instance_id": "\#(Self.a48e)", "databases": [{"name": "x", "size": 1}]}"#
            )
            #expect(response.status == 200, "body: \(response.body)")
            #expect(try response.json["backup"]?.keys == ["id", "instance_id", "name", "begin_time", "status", "type"])
        }
    }

    @Test func memberNamesAreComparedByCodePointNotByCanonicalEquivalence() async throws {
        try await Self.withSession { session in
            // "café" with U+00E9 and "café" with e + U+0301 are two names (RFC 8259 §8.3), not a repeated one.
            let response = try await session.create(
                #"{"instance_id": "\#(Self.a48e)", "name": "manual-001", "caf\u00e9": 1, "cafe\u0301": 2}"#
            )
            #expect(response.status == 200, "body: \(response.body)")
            #expect(try response.json["backup"]?["name"] == .string("manual-001"))
        }
    }

    @Test func theBodyIsReadAsJSONWhateverTheContentType() async throws {
        try await Self.withSession { session in
            let token = try await session.client.issueToken(.alice, scope: ScopeJSON.project(id: Acme.cnNorth4))
            try await session.setTimings(#"{"rds_building": 0}"#)
            for (index, type) in ["text/plain", "application/x-www-form-urlencoded", "application/json;charset=UTF-8"].enumerated() {
                let response = try await session.client.send(
                    Self.createTarget(),
                    method: .post,
                    headers: [.contentType: type],
                    body: Array(#"{"instance_id": "\#(Self.a48e)", "name": "manual-00\#(index)"}"#.utf8),
                    as: .token(token)
                )
                #expect(response.status == 200, "\(type): \(response.body)")
            }
            let malformed = try await session.client.send(
                Self.createTarget(),
                method: .post,
                headers: [.contentType: "text/plain"],
                body: Array("instance_id=x&name=manual-009".utf8),
                as: .token(token)
            )
            expectResponse(malformed, status: 400, body: Errors.malformed)
        }
    }

    @Test func theBeginTimeIsTheClockInWholeSeconds() async throws {
        try await Self.withSession { session in
            try await session.setClock("2030-01-07T08:00:00.750Z")
            let id = try await session.createdID(#"{"instance_id": "\#(Self.a48e)", "name": "manual-001"}"#)
            let building = Self.listBody([Self.mysqlRecord(id: id, name: "manual-001", status: "BUILDING", size: 0)])
            expectResponse(try await session.list(Self.listTarget("backup_id=\(id)")), status: 200, body: building)

            // begin_time is 08:00:00; it completes 60 s after it, to the millisecond.
            try await session.setClock("2030-01-07T08:00:59.999Z")
            expectResponse(try await session.list(Self.listTarget("backup_id=\(id)")), status: 200, body: building)
            expectResponse(try await session.create(#"{"instance_id": "\#(Self.a48e)", "name": "manual-002"}"#), status: 409, body: Errors.inProgress)
            try await session.setClock("2030-01-07T08:01:00.000Z")
            expectResponse(
                try await session.list(Self.listTarget("backup_id=\(id)")),
                status: 200,
                body: Self.listBody([
                    Self.mysqlRecord(id: id, name: "manual-001", status: "COMPLETED", size: 1024, end: "2030-01-07T08:01:00+0000")
                ])
            )
            // Not in progress any more.
            let next = try await session.create(#"{"instance_id": "\#(Self.a48e)", "name": "manual-002"}"#)
            #expect(next.status == 200, "body: \(next.body)")
            #expect(try next.json["backup"]?["begin_time"] == .string("2030-01-07T08:01:00+0000"))
        }
    }

    // MARK: - W1 refusals (§3.2 rows 8–9, §7)

    @Test func aCreateWhileAFullBackupIsBuildingIs409AndSeededRecordsNeverBlock() async throws {
        try await Self.withSession { session in
            // a48e…in01 has a seeded auto and a seeded incremental BUILDING for ever: neither blocks.
            let first = try await session.createdID(#"{"instance_id": "\#(Self.a48e)", "name": "manual-001"}"#)
            let before = try await session.snapshot()
            for name in ["manual-002", "manual-001", Seeded.manualName] {
                expectResponse(
                    try await session.create(#"{"instance_id": "\#(Self.a48e)", "name": "\#(name)"}"#),
                    status: 409,
                    body: Errors.inProgress
                )
            }
            try await session.setClock("2030-01-07T08:00:59.999Z")
            expectResponse(try await session.create(#"{"instance_id": "\#(Self.a48e)", "name": "manual-002"}"#), status: 409, body: Errors.inProgress)
            #expect(try await session.snapshot() == before)
            // Another instance of the project is not blocked.
            _ = try await session.createdID(#"{"instance_id": "\#(Acme.mysqlProd)", "name": "manual-001"}"#)
            #expect(try await session.listed(first).first?["status"] == .string("BUILDING"))
        }
    }

    @Test func aCreateWithANameTheInstanceHasIs409() async throws {
        try await Self.withSession { session in
            _ = try await session.createdID(#"{"instance_id": "\#(Self.a48e)", "name": "manual-001"}"#)
            try await session.advance("PT60S")
            let before = try await session.snapshot()
            // Its own new record's name and seeded names, of any type and status.
            for name in ["manual-001", Seeded.manualName, Seeded.autoName, Seeded.autoDeletingName, "rds-mysql-a48e-20180924020000024"] {
                expectResponse(
                    try await session.create(#"{"instance_id": "\#(Self.a48e)", "name": "\#(name)"}"#),
                    status: 409,
                    body: Errors.nameTaken
                )
            }
            expectResponse(
                try await session.create(
                    #"{"instance_id": "\#(Acme.sqlServerInstance)", "name": "\#(Seeded.sqlServerManualName)"}"#,
                    project: Acme.apSoutheast1
                ),
                status: 409,
                body: Errors.nameTaken
            )
            #expect(try await session.snapshot() == before)

            // Names compare exactly; another instance's names and cross-region copies' are free.
            _ = try await session.createdID(#"{"instance_id": "\#(Self.a48e)", "name": "MANUAL-001"}"#)
            _ = try await session.createdID(#"{"instance_id": "\#(Acme.mysqlProd)", "name": "manual-001"}"#)
            _ = try await session.createdID(
                #"{"instance_id": "\#(Acme.sqlServerInstance)", "name": "\#(Seeded.sqlServerCopyName)"}"#,
                project: Acme.apSoutheast1
            )
            try await session.advance("PT60S")
            _ = try await session.createdID(#"{"instance_id": "\#(Self.a48e)", "name": "mysql-prod-20180810030000"}"#)
        }
    }

    @Test func anArmedFaultFailsTheNextCreateOnly() async throws {
        try await Self.withSession { session in
            try await session.armFault(Self.a48e)
            let failing = try await session.create(#"{"instance_id": "\#(Self.a48e)", "name": "manual-001"}"#)
            #expect(try failing.json["backup"]?["status"] == .string("BUILDING"))
            let failingID = try #require(try failing.json["backup"]?["id"]?.stringValue)
            try await session.advance("PT60S")
            #expect(
                try await session.listed(failingID)
                    == [Self.mysqlRecord(id: failingID, name: "manual-001", status: "FAILED", size: 0, end: "2030-01-07T08:01:00+0000")]
            )
            let next = try await session.createdID(#"{"instance_id": "\#(Self.a48e)", "name": "manual-002"}"#)
            try await session.advance("PT60S")
            #expect(
                try await session.listed(next)
                    == [
                        Self.mysqlRecord(
                            id: next,
                            name: "manual-002",
                            status: "COMPLETED",
                            size: 1024,
                            begin: "2030-01-07T08:01:00+0000",
                            end: "2030-01-07T08:02:00+0000"
                        )
                    ]
            )
            // A FAILED manual backup can be deleted.
            expectResponse(try await session.delete(failingID), status: 200, body: .object([]))
        }
    }

    @Test func withABuildingTimeOfZeroTheAnswerSaysBuildingAndTheListCompleted() async throws {
        try await Self.withSession { session in
            try await session.setTimings(#"{"rds_building": 0}"#)
            let response = try await session.create(#"{"instance_id": "\#(Self.a48e)", "name": "manual-001"}"#)
            #expect(try response.json["backup"]?["status"] == .string("BUILDING"))
            let id = try #require(try response.json["backup"]?["id"]?.stringValue)
            #expect(try await session.listed(id) == [Self.mysqlRecord(id: id, name: "manual-001", status: "COMPLETED", size: 1024)])
            _ = try await session.createdID(#"{"instance_id": "\#(Self.a48e)", "name": "manual-002"}"#)
        }
    }

    @Test func aRecordKeepsTheBuildingTimeInForceWhenItStarted() async throws {
        try await Self.withSession { session in
            let id = try await session.createdID(#"{"instance_id": "\#(Self.a48e)", "name": "manual-001"}"#)
            try await session.setTimings(#"{"rds_building": 5}"#)
            try await session.advance("PT59S")
            #expect(try await session.listed(id).first?["status"] == .string("BUILDING"))
            try await session.advance("PT1S")
            #expect(try await session.listed(id).first?["status"] == .string("COMPLETED"))
        }
    }

    // MARK: - §11.2 steps 1–4 and 13–16

    @Test func theScenarioOf11Point2() async throws {
        try await Self.withSession { session in
            // 1: W1 at 08:00:00.
            let id = try await session.createdID(#"{"instance_id": "a48e43ff268f4c0e879652d65e63d0fbin01", "name": "manual-001"}"#)
            #expect(Self.isNewID(id, suffix: "br01"))
            // 2: L(backup_id).
            let building = Self.listBody([Self.mysqlRecord(id: id, name: "manual-001", status: "BUILDING", size: 0)])
            expectResponse(try await session.list(Self.listTarget("backup_id=\(id)")), status: 200, body: building)
            expectResponse(try await session.list(Self.listTarget(Self.window2030)), status: 200, body: building)
            // 3: C2 advance PT61S.
            #expect(try await session.advance("PT61S") == "2030-01-07T08:01:01.000Z")
            // 4: the same list.
            let completed = Self.mysqlRecord(id: id, name: "manual-001", status: "COMPLETED", size: 1024, end: "2030-01-07T08:01:00+0000")
            expectResponse(try await session.list(Self.listTarget("backup_id=\(id)")), status: 200, body: Self.listBody([completed]))

            // (Steps 5–12 set a backup policy; without one the clock moves on with nothing else due.)
            try await session.setClock("2030-01-09T08:15:01.000Z")
            expectResponse(try await session.list(Self.listTarget(Self.window2030)), status: 200, body: Self.listBody([completed]))

            // 13: W2.
            expectResponse(try await session.delete(id), status: 200, body: .object([]))
            // 14: DELETING, and not COMPLETED.
            var deleting = completed
            if case .object(var members) = deleting {
                members[4] = (key: "status", value: .string("DELETING"))
                deleting = .object(members)
            }
            expectResponse(try await session.list(Self.listTarget("backup_id=\(id)")), status: 200, body: Self.listBody([deleting]))
            expectResponse(try await session.list(Self.listTarget("backup_id=\(id)&status=COMPLETED")), status: 200, body: Self.listBody([]))
            // Deleting again meanwhile.
            expectResponse(try await session.delete(id), status: 400, body: Errors.deleting)
            // 15: C2 advance PT10S.
            #expect(try await session.advance("PT10S") == "2030-01-09T08:15:11.000Z")
            // 16: gone, and W2 again is 404.
            try expectResponse(try await session.list(Self.listTarget("backup_id=\(id)")), status: 200, json: #"{"backups": [], "total_count": 0}"#)
            expectResponse(try await session.delete(id), status: 404, body: Expected.backupNotFound)

            // Throughout, the 25 seeded home records are listed unchanged.
            let all = try await session.list(Self.listTarget())
            #expect(try all.page() == ListPage(ids: RDSListBackupsTests.a48eIDs, total: 25))
        }
    }

    @Test func deletingLastsTheDeletingTimeToTheMillisecond() async throws {
        try await Self.withSession { session in
            expectResponse(try await session.delete(Seeded.manual), status: 200, body: .object([]))
            try await session.setClock("2030-01-07T08:00:09.999Z")
            #expect(try await session.listed(Seeded.manual).first?["status"] == .string("DELETING"))
            #expect(try await session.listed(Seeded.manual).first?["size"] == .integer(2512))
            try await session.setClock("2030-01-07T08:00:10.000Z")
            #expect(try await session.listed(Seeded.manual) == [])
            let all = try await session.list(Self.listTarget())
            #expect(try all.page() == ListPage(ids: RDSListBackupsTests.a48eIDs.filter { $0 != Seeded.manual }, total: 24))
        }
    }

    // MARK: - W2 (§3.3)

    /// A backup id in a path's project and the answer W2 gives it.
    struct DeleteCase: Sendable, CustomTestStringConvertible {
        let name: String
        let id: String
        let project: String
        let status: Int
        let expected: JSONValue
        var testDescription: String { name }

        init(_ name: String, _ id: String, project: String = Acme.cnNorth4, _ status: Int, _ expected: JSONValue) {
            self.name = name
            self.id = id
            self.project = project
            self.status = status
            self.expected = expected
        }
    }

    static let deleteCases: [DeleteCase] = [
        DeleteCase("an unknown id", "ffffffffffffffffffffffffffffffffbr01", 404, Expected.backupNotFound),
        DeleteCase("the id in upper case", Seeded.manual.uppercased(), 404, Expected.backupNotFound),
        DeleteCase("another project's RDS backup", Seeded.sqlServerManual, 404, Expected.backupNotFound),
        DeleteCase("a cross-region copy held in the project", Seeded.sqlServerCopy, 404, Expected.backupNotFound),
        DeleteCase("a copy of the project's instance", Seeded.a48eCopy, 404, Expected.backupNotFound),
        DeleteCase("a copy in the project holding it", Seeded.a48eCopy, project: Acme.apSoutheast1, 404, Expected.backupNotFound),
        DeleteCase("a home record in another project of the account", Seeded.manual, project: Acme.apSoutheast1, 404, Expected.backupNotFound),
        DeleteCase("another account's backup", Seeded.globex, 404, Expected.backupNotFound),
        DeleteCase("a DCS backup of the project", Seeded.dcs, 404, Expected.backupNotFound),
        DeleteCase("a TaurusDB backup of another project", Seeded.taurus, 404, Expected.backupNotFound),
        DeleteCase("a DDM backup of another project", Seeded.ddm, 404, Expected.backupNotFound),
        DeleteCase("batch-delete as an id", "batch-delete", 404, Expected.backupNotFound),
        DeleteCase("an encoded NUL", "dbf3f7c6c2083efd3cf148808ea6908fbr01%00", 404, Expected.backupNotFound),
        DeleteCase("an auto backup", Seeded.auto, 400, Errors.notManual),
        DeleteCase("an incremental backup", Seeded.incremental, 400, Errors.notManual),
        DeleteCase("a fragment backup", Seeded.fragment, 400, Errors.notManual),
        DeleteCase("an auto backup in DELETING (type first)", Seeded.autoDeleting, 400, Errors.notManual),
        DeleteCase("an auto backup in BUILDING (type first)", Seeded.autoBuilding, 400, Errors.notManual),
        DeleteCase("an incremental backup in BUILDING", Seeded.incrementalBuilding, 400, Errors.notManual),
        DeleteCase("a COMPLETED manual backup", Seeded.manual, 200, .object([])),
        DeleteCase("a FAILED manual backup", Seeded.failedManual, 200, .object([])),
        DeleteCase("SQL Server's manual backup in its project", Seeded.sqlServerManual, project: Acme.apSoutheast1, 200, .object([])),
    ]

    @Test(arguments: deleteCases)
    func deleteRows(_ example: DeleteCase) async throws {
        try await Self.withSession { session in
            let before = try await session.snapshot()
            let response = try await session.delete(example.id, project: example.project)
            expectResponse(response, status: example.status, body: example.expected)
            if example.status != 200 {
                #expect(try await session.snapshot() == before, "a refused delete changed a list")
            }
        }
    }

    @Test func deleteWhileBuildingIs409AndWhileDeleting400() async throws {
        try await Self.withSession { session in
            let id = try await session.createdID(#"{"instance_id": "\#(Self.a48e)", "name": "manual-001"}"#)
            let before = try await session.snapshot()
            expectResponse(try await session.delete(id), status: 409, body: Errors.inProgress)
            #expect(try await session.snapshot() == before)
            try await session.advance("PT60S")
            expectResponse(try await session.delete(id), status: 200, body: .object([]))
            let deleting = try await session.snapshot()
            expectResponse(try await session.delete(id), status: 400, body: Errors.deleting)
            #expect(try await session.snapshot() == deleting)
            try await session.advance("PT10S")
            expectResponse(try await session.delete(id), status: 404, body: Expected.backupNotFound)
        }
    }

    @Test func aDeleteBodyIsIgnoredButSigned() async throws {
        try await Self.withSession { session in
            let response = try await session.delete(Seeded.manual, body: Array("not JSON at all".utf8))
            expectResponse(response, status: 200, body: .object([]))
        }
    }

    // MARK: - W3 (§3.4, §4.3)

    @Test func theExampleOfW3() async throws {
        try await Self.withSession { session in
            let response = try await session.batchDelete(
                #"{"backup_ids": ["205071e29cf4a3cf45b88fadd54f1a4bbr01", "43e4feaab48f11e89039fa163ebaa7e4br01", "4631832a-14c6-45b0-a0b3-3abd8f591ad1"]}"#
            )
            try expectResponse(
                response,
                status: 200,
                json: """
                    {"delete_results": [
                      {"backup_id": "205071e29cf4a3cf45b88fadd54f1a4bbr01", "error_code": "0", "error_msg": ""},
                      {"backup_id": "43e4feaab48f11e89039fa163ebaa7e4br01", "error_code": "DBS.200001", "error_msg": "Parameter error. Only manual backups can be deleted."},
                      {"backup_id": "4631832a-14c6-45b0-a0b3-3abd8f591ad1", "error_code": "DBS.201010", "error_msg": "The backup information does not exist."}]}
                    """
            )
            #expect(try await session.listed(Seeded.otherManual).first?["status"] == .string("DELETING"))
            #expect(try await session.listed(Seeded.auto).first?["status"] == .string("COMPLETED"))
        }
    }

    static let batchBodyCases: [BodyCase] = [
        BodyCase("an empty body", bytes: [], 400, Errors.backupIDsMandatory),
        BodyCase("an empty object", "{}", 400, Errors.backupIDsMandatory),
        BodyCase("backup_ids null", #"{"backup_ids": null}"#, 400, Errors.backupIDsMandatory),
        BodyCase("another member only", #"{"backup_id": ["\#(Seeded.manual)"]}"#, 400, Errors.backupIDsMandatory),
        BodyCase("a string", #"{"backup_ids": "\#(Seeded.manual)"}"#, 400, Errors.backupIDsInvalid),
        BodyCase("an object", #"{"backup_ids": {"id": "\#(Seeded.manual)"}}"#, 400, Errors.backupIDsInvalid),
        BodyCase("an integer", #"{"backup_ids": 1}"#, 400, Errors.backupIDsInvalid),
        BodyCase("true", #"{"backup_ids": true}"#, 400, Errors.backupIDsInvalid),
        BodyCase("0 ids", #"{"backup_ids": []}"#, 400, Errors.backupIDsInvalid),
        BodyCase("51 ids", #"{"backup_ids": [\#((0..<51).map { "\"id-\($0)\"" }.joined(separator: ", "))]}"#, 400, Errors.backupIDsInvalid),
        BodyCase(
            "51 ids of which the first is good",
            #"{"backup_ids": ["\#(Seeded.manual)"\#(String(repeating: ", \"x\"", count: 50))]}"#,
            400,
            Errors.backupIDsInvalid
        ),
        BodyCase("an integer element", #"{"backup_ids": [1]}"#, 400, Errors.backupIDsInvalid),
        BodyCase("a good id then an integer", #"{"backup_ids": ["\#(Seeded.manual)", 1]}"#, 400, Errors.backupIDsInvalid),
        BodyCase("a null element", #"{"backup_ids": ["\#(Seeded.manual)", null]}"#, 400, Errors.backupIDsInvalid),
        BodyCase("an array element", #"{"backup_ids": [["\#(Seeded.manual)"]]}"#, 400, Errors.backupIDsInvalid),
        BodyCase("an object element", #"{"backup_ids": [{"id": "\#(Seeded.manual)"}]}"#, 400, Errors.backupIDsInvalid),
        BodyCase("not JSON", #"{"backup_ids": ["\#(Seeded.manual)"]"#, 400, Errors.malformed),
        BodyCase("a top-level array", #"["\#(Seeded.manual)"]"#, 400, Errors.malformed),
        BodyCase("a byte-order mark", bytes: [0xEF, 0xBB, 0xBF] + Array(#"{"backup_ids": ["\#(Seeded.manual)"]}"#.utf8), 400, Errors.malformed),
        BodyCase("a repeated member name", #"{"backup_ids": ["\#(Seeded.manual)"], "backup_ids": ["x"]}"#, 400, Errors.malformed),
        BodyCase("a top-level null", "null", 400, Errors.malformed),
    ]

    @Test(arguments: batchBodyCases)
    func batchDeleteBodyChecks(_ example: BodyCase) async throws {
        try await Self.withSession { session in
            let before = try await session.snapshot()
            expectResponse(try await session.batchDelete(bytes: example.body), status: example.status, body: example.expected)
            #expect(try await session.snapshot() == before, "a refused batch delete changed a list")
        }
    }

    @Test func fiftyIdsAreAcceptedAndEachGetsAResult() async throws {
        try await Self.withSession { session in
            let ids = [Seeded.manual] + (1..<50).map { "unknown-\($0)" }
            let response = try await session.batchDelete(#"{"backup_ids": [\#(ids.map { "\"\($0)\"" }.joined(separator: ", "))]}"#)
            #expect(response.status == 200)
            let results = try response.items("delete_results")
            #expect(results.count == 50)
            #expect(results.map { $0["backup_id"]?.stringValue } == ids)
            #expect(results.first?["error_code"] == .string("0"))
            #expect(results.dropFirst().allSatisfy { $0["error_code"] == .string("DBS.201010") })
        }
    }

    @Test func everyOutcomeInOrderAndDuplicatesHandledTwice() async throws {
        try await Self.withSession { session in
            let building = try await session.createdID(#"{"instance_id": "\#(Self.a48e)", "name": "manual-001"}"#)
            let ids = [
                building, Seeded.auto, Seeded.manual, Seeded.manual, "no-such-backup", Seeded.failedManual, Seeded.sqlServerManual,
                Seeded.a48eCopy, Seeded.failedManual,
            ]
            let response = try await session.batchDelete(#"{"backup_ids": [\#(ids.map { "\"\($0)\"" }.joined(separator: ", "))]}"#)
            func result(_ id: String, _ code: String, _ message: String) -> JSONValue {
                .object([("backup_id", .string(id)), ("error_code", .string(code)), ("error_msg", .string(message))])
            }
            expectResponse(
                response,
                status: 200,
                body: .object([
                    (
                        "delete_results",
                        .array([
                            result(building, "DBS.201205", "Backup is in progress, please wait."),
                            result(Seeded.auto, "DBS.200001", "Parameter error. Only manual backups can be deleted."),
                            result(Seeded.manual, "0", ""),
                            result(Seeded.manual, "RDS.3016", "The backup file is being deleted. Try again later."),
                            result("no-such-backup", "DBS.201010", "The backup information does not exist."),
                            result(Seeded.failedManual, "0", ""),
                            result(Seeded.sqlServerManual, "DBS.201010", "The backup information does not exist."),
                            result(Seeded.a48eCopy, "DBS.201010", "The backup information does not exist."),
                            result(Seeded.failedManual, "RDS.3016", "The backup file is being deleted. Try again later."),
                        ])
                    )
                ])
            )
            #expect(try await session.listed(building).first?["status"] == .string("BUILDING"))
            #expect(try await session.listed(Seeded.failedManual).first?["status"] == .string("DELETING"))
        }
    }

    @Test func withADeletingTimeOfZeroADuplicateIsNotFound() async throws {
        try await Self.withSession { session in
            try await session.setTimings(#"{"rds_deleting": 0}"#)
            let response = try await session.batchDelete(#"{"backup_ids": ["\#(Seeded.manual)", "\#(Seeded.manual)"]}"#)
            try expectResponse(
                response,
                status: 200,
                json: """
                    {"delete_results": [{"backup_id": "\(Seeded.manual)", "error_code": "0", "error_msg": ""}, \
                    {"backup_id": "\(Seeded.manual)", "error_code": "DBS.201010", "error_msg": "The backup information does not exist."}]}
                    """
            )
            #expect(try await session.listed(Seeded.manual) == [])
        }
    }

    @Test func aBatchWhereEveryIdFailsIs200AndChangesNothing() async throws {
        try await Self.withSession { session in
            let before = try await session.snapshot()
            let response = try await session.batchDelete(#"{"backup_ids": ["\#(Seeded.auto)", "x", "\#(Seeded.dcs)"]}"#)
            #expect(response.status == 200)
            #expect(try response.items("delete_results").map { $0["error_code"]?.stringValue } == ["DBS.200001", "DBS.201010", "DBS.201010"])
            #expect(try await session.snapshot() == before)
        }
    }

    // MARK: - Authentication and scope before the body (§1.1, §10)

    /// Each write route with a body its checks would refuse, if they were reached.
    static let refusedWrites: [(name: String, method: HTTPRequest.Method, target: String, body: [UInt8])] = [
        ("W1", .post, createTarget(), Array("{".utf8)),
        ("W2", .delete, deleteTarget(Seeded.manual), []),
        ("W3", .post, batchTarget(), Array("{".utf8)),
    ]

    @Test func aBadCredentialIs401BeforeTheBodyIsRead() async throws {
        try await Self.withSession { session in
            let before = try await session.snapshot()
            for write in Self.refusedWrites {
                let none = try await session.client.send(write.target, method: write.method, body: write.body, as: .none)
                expectAuthenticationFailure(none, Expected.noCredential)
                let token = try await session.client.send(write.target, method: write.method, body: write.body, as: .token("bogus-token"))
                expectAuthenticationFailure(token, Expected.unknownToken)
                let badSecret = TestCredential.accessKey(Fixtures.Alice.access, secret: "not-the-secret")
                expectAuthenticationFailure(
                    try await session.client.send(write.target, method: write.method, body: write.body, as: badSecret),
                    Expected.badSignature
                )
            }
            #expect(try await session.snapshot() == before)
        }
    }

    @Test func aCallerOutsideThePathsProjectIs403BeforeTheBodyIsRead() async throws {
        try await Self.withSession { session in
            let before = try await session.snapshot()
            for (name, method, target, body) in [
                ("W1", HTTPRequest.Method.post, Self.createTarget(Acme.apSoutheast1), Array("{".utf8)),
                ("W2", .delete, Self.deleteTarget(Seeded.sqlServerManual, project: Acme.apSoutheast1), []),
                ("W3", .post, Self.batchTarget(Acme.apSoutheast1), Array("{".utf8)),
            ] {
                let response = try await session.client.send(target, method: method, body: body, as: .bob)
                #expect(response.status == 403, "\(name)")
                expectNotAuthorized(response)
            }
            // alice outside her account, or in an unknown project.
            for project in [Globex.cnNorth4, unknownProject] {
                expectNotAuthorized(try await session.create(#"{"instance_id": "\#(Globex.mysqlInstance)", "name": "manual-001"}"#, project: project))
                expectNotAuthorized(try await session.delete(Seeded.globex, project: project))
                expectNotAuthorized(try await session.batchDelete("{", project: project))
            }
            #expect(try await session.snapshot() == before)

            // bob may create in cn-north-4.
            let bob = try await session.create(#"{"instance_id": "\#(Self.a48e)", "name": "manual-001"}"#, as: .bob)
            #expect(bob.status == 200, "body: \(bob.body)")
        }
    }

    @Test func aProjectTokenWritesOnlyInItsProjectWhateverTheCatalogClock() async throws {
        try await Self.withSession { session in
            let token = try await session.client.issueToken(.alice, scope: ScopeJSON.project(id: Acme.cnNorth4))
            // Advancing the catalog clock by 30 days expires no token (§5.1).
            try await session.advance("P30D")
            let created = try await session.create(#"{"instance_id": "\#(Self.a48e)", "name": "manual-001"}"#, as: .token(token))
            #expect(created.status == 200, "body: \(created.body)")
            #expect(try created.json["backup"]?["begin_time"] == .string("2030-02-06T08:00:00+0000"))
            expectNotAuthorized(
                try await session.create(
                    #"{"instance_id": "\#(Acme.sqlServerInstance)", "name": "manual-001"}"#,
                    project: Acme.apSoutheast1,
                    as: .token(token)
                )
            )
            expectResponse(try await session.delete(Seeded.manual, as: .token(token)), status: 200, body: .object([]))
        }
    }

    @Test func aSignedBodyChangedAfterSigningIs401() async throws {
        try await Self.withSession { session in
            let target = Self.createTarget()
            let body = Array(#"{"instance_id": "\#(Self.a48e)", "name": "manual-001"}"#.utf8)
            let fields = handSigned(target, method: .post, body: body, date: sdkDate(WallClock.system.seconds))
            let before = try await session.snapshot()
            for changed in [
                #"{"instance_id": "\#(Self.a48e)", "name": "manual-002"}"#, #"{"instance_id": "\#(Self.a48e)", "name": "manual-001"} "#, "",
            ] {
                let response = try await session.client.send(target, method: .post, headers: fields, body: Array(changed.utf8), as: .none)
                expectAuthenticationFailure(response, Expected.badSignature)
            }
            #expect(try await session.snapshot() == before)
            // The body as signed gets through.
            let signed = try await session.client.send(target, method: .post, headers: fields, body: body, as: .none)
            #expect(signed.status == 200, "body: \(signed.body)")
            // W3 alike.
            let batch = Array(#"{"backup_ids": ["\#(Seeded.manual)"]}"#.utf8)
            let batchFields = handSigned(Self.batchTarget(), method: .post, body: batch, date: sdkDate(WallClock.system.seconds))
            expectAuthenticationFailure(
                try await session.client.send(
                    Self.batchTarget(),
                    method: .post,
                    headers: batchFields,
                    body: Array(#"{"backup_ids": ["\#(Seeded.otherManual)"]}"#.utf8),
                    as: .none
                ),
                Expected.badSignature
            )
            #expect(try await session.listed(Seeded.otherManual).first?["status"] == .string("COMPLETED"))
        }
    }

    @Test func aBodyOverOneMebibyteIs413BeforeAuthentication() async throws {
        try await Self.withSession { session in
            let big = [UInt8](repeating: UInt8(ascii: "a"), count: 1_048_577)
            let before = try await session.snapshot()
            for (method, target) in [
                (HTTPRequest.Method.post, Self.createTarget()), (.delete, Self.deleteTarget(Seeded.manual)), (.post, Self.batchTarget()),
            ] {
                for credential in [TestCredential.none, .alice, .token("bogus")] {
                    let response = try await session.client.send(target, method: method, body: big, as: credential)
                    expectResponse(response, status: 413, body: Errors.tooLarge(response))
                }
            }
            #expect(try await session.snapshot() == before)
        }
    }

    @Test func aBodyOfExactlyOneMebibyteIsRead() async throws {
        try await Self.withSession { session in
            let head = #"{"instance_id": "\#(Self.a48e)", "name": "manual-big", "padding": ""#
            let tail = #""}"#
            let padding = String(repeating: "p", count: 1_048_576 - head.utf8.count - tail.utf8.count)
            let body = Array((head + padding + tail).utf8)
            #expect(body.count == 1_048_576)
            let response = try await session.create(bytes: body)
            #expect(response.status == 200, "status \(response.status)")
            #expect(try response.json["backup"]?["name"] == .string("manual-big"))
        }
    }

    @Test func otherMethodsOnTheCreatePathAreUnknownRoutes() async throws {
        try await Self.withSession { session in
            for method in [HTTPRequest.Method.patch, .delete, .put] {
                expectRouteNotFound(try await session.client.send(Self.createTarget(), method: method, body: Array("{}".utf8)))
            }
            expectRouteNotFound(try await session.client.send(Self.batchTarget(), method: .put, body: Array("{}".utf8)))
        }
    }

    // MARK: - §12

    @Test func withoutWritesTheRDSListsAreByteIdenticalAtEveryClockReading() async throws {
        try await Self.withSession { session in
            let targets = [
                Self.listTarget(),
                Self.listTarget("limit=3&offset=2"),
                Self.listTarget("backup_type=auto&status=BUILDING"),
                Self.listTarget("backup_type=manual"),
                Self.listTarget("status=FAILED"),
                Self.listTarget("backup_id=\(Seeded.autoDeleting)"),
                Self.listTarget(instance: Acme.sqlServerInstance, project: Acme.apSoutheast1),
                Self.listTarget(instance: Self.unknownInstance),
                Target.offsite("instance_id=\(Acme.sqlServerInstance)&backup_type=auto"),
                Target.offsite("instance_id=\(Acme.sqlServerInstance)"),
            ]
            func answers() async throws -> [(Int, String)] {
                var answers: [(Int, String)] = []
                for target in targets {
                    let response = try await session.client.send(target)
                    answers.append((response.status, response.body))
                }
                return answers
            }
            let before = try await answers()
            #expect(try await session.advance("P30D") == "2030-02-06T08:00:00.000Z")
            let after = try await answers()
            #expect(before.map(\.0) == after.map(\.0))
            #expect(before.map(\.1) == after.map(\.1))
            try await session.advance("P36500D")
            #expect(try await answers().map(\.1) == before.map(\.1))
        }
    }
}
