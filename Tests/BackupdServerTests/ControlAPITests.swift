import BackupdAPI
import BackupdAuth
import BackupdCatalog
import BackupdServer
import BackupdTestSupport
import HTTPTypes
import HummingbirdTesting
import Synchronization
import Testing

/// The control API C1–C5 (`lifecycle.md` §5.2) through the real application: it exists only with
/// a control token and answers only its bearer (everything else gets the 404 of an unknown
/// route), checks token, size, body, then the operation, and answers the documents byte for byte.
/// The catalog clock never reaches authentication.
@Suite struct ControlAPITests {
    static let token = "ctl-5b1e0c9a7d3f-operator-secret"
    static let bearer: HTTPFields = [.authorization: "Bearer \(token)"]

    /// The bearer header and one more.
    static func bearer(adding name: HTTPField.Name, _ value: String) -> HTTPFields {
        var fields = bearer
        fields.append(HTTPField(name: name, value: value))
        return fields
    }

    static let clockPath = "/_backupd/v1/clock"
    static let timingsPath = "/_backupd/v1/timings"
    static let faultsPath = "/_backupd/v1/faults"

    /// 2026-01-01T00:00:00Z: real time in the tests that fix it.
    static let realSeconds: Int64 = 1_767_225_600
    /// 2030-01-07T08:00:00.000Z.
    static let example: Int64 = 1_894_003_200_000

    static let defaultTimings = #"{"rds_building":60,"rds_deleting":10,"taurusdb_building":60,"dcs_waiting":5,"dcs_backuping":60}"#

    // MARK: - Helpers

    /// Real time as a test sets it, to the microsecond.
    final class ManualClock: Sendable {
        private let micros: Mutex<Int64>

        init(seconds: Int64) {
            self.micros = Mutex(seconds * 1_000_000)
        }

        func advance(milliseconds: Int64) {
            micros.withLock { $0 += milliseconds * 1000 }
        }

        var wallClock: WallClock {
            WallClock { self.micros.withLock { $0 } }
        }
    }

    /// Requests to the control API, each answer checked never to show the token.
    struct Control: Sendable {
        let client: any TestClientProtocol

        func send(
            _ path: String,
            method: HTTPRequest.Method = .get,
            body: String? = nil,
            headers: HTTPFields = ControlAPITests.bearer,
            as credential: TestCredential = .none,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws -> BackupdTestSupport.TestResponse {
            try await send(
                path,
                method: method,
                bytes: body.map { Array($0.utf8) } ?? [],
                headers: headers,
                as: credential,
                sourceLocation: sourceLocation
            )
        }

        func send(
            _ path: String,
            method: HTTPRequest.Method = .get,
            bytes: [UInt8],
            headers: HTTPFields = ControlAPITests.bearer,
            as credential: TestCredential = .none,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws -> BackupdTestSupport.TestResponse {
            let response = try await client.send(path, method: method, headers: headers, body: bytes, as: credential)
            expectNoToken(response, sourceLocation: sourceLocation)
            return response
        }

        func putClock(_ body: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> BackupdTestSupport.TestResponse {
            try await send(ControlAPITests.clockPath, method: .put, body: body, sourceLocation: sourceLocation)
        }

        func putTimings(_ body: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> BackupdTestSupport.TestResponse {
            try await send(ControlAPITests.timingsPath, method: .put, body: body, sourceLocation: sourceLocation)
        }

        func postFault(_ body: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> BackupdTestSupport.TestResponse {
            try await send(ControlAPITests.faultsPath, method: .post, body: body, sourceLocation: sourceLocation)
        }
    }

    /// The token shows nowhere in an answer: not in its body, not in any header.
    static func expectNoToken(_ response: BackupdTestSupport.TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!response.body.contains(token), "the token is in the body", sourceLocation: sourceLocation)
        #expect(!response.body.contains("operator-secret"), "part of the token is in the body", sourceLocation: sourceLocation)
        for field in response.headers {
            #expect(!field.value.contains("operator-secret"), "the token is in \(field.name)", sourceLocation: sourceLocation)
        }
    }

    /// Runs `body` against the application over `store`, with the control token unless `token` is nil.
    static func withControlServer<T: Sendable>(
        store: (any CatalogStore)? = nil,
        clock: WallClock = .system,
        token: String? = ControlAPITests.token,
        _ body: @Sendable (Control) async throws -> T
    ) async throws -> T {
        let served: any CatalogStore
        if let store { served = store } else { served = try await Fixtures.exampleStore() }
        var configuration = ServerConfiguration.testing(clock: clock)
        configuration.controlToken = token.map(ControlToken.init)
        let app = makeTestApplication(store: served, configuration: configuration)
        return try await app.test(.router) { client in try await body(Control(client: client)) }
    }

    /// A 200 whose body is exactly `expected`, with the standard headers.
    static func expectDocument(
        _ response: BackupdTestSupport.TestResponse,
        _ expected: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.status == 200, "body: \(response.body)", sourceLocation: sourceLocation)
        expectStandardHeaders(response, sourceLocation: sourceLocation)
        #expect(response.body == expected, sourceLocation: sourceLocation)
    }

    /// A control error: status, the gateway shape with the response's own request id.
    static func expectControlError(
        _ response: BackupdTestSupport.TestResponse,
        _ status: Int,
        _ code: String,
        _ message: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let requestID = response.requestID ?? "?"
        #expect(isRequestID(requestID), sourceLocation: sourceLocation)
        expectResponse(response, status: status, body: Expected.gateway(code, message, requestID: requestID), sourceLocation: sourceLocation)
    }

    static let malformedClock = "The request body must be a JSON object with only now, advance and frozen."
    static let noClockChange = "Give now, advance or frozen."
    static let nowAndAdvance = "Give either now or advance, not both."
    static let invalidNow = "now must be an RFC 3339 time, for example 2030-01-07T08:00:00.000Z."
    static let invalidAdvance = "advance must be an ISO 8601 duration such as PT36H or P7D."
    static let invalidFrozen = "frozen must be true or false."
    static let malformedTimings = "The request body must be a JSON object of known timings."
    static let malformedFault = #"The request body must be {"instance_id": "...", "next_backup": "fail"}."#
    static let unknownInstance = "The instance does not exist."

    static func backwards(_ reading: String) -> String { "The clock cannot move backwards: it reads \(reading)." }

    // MARK: - C2: the error table, in order

    struct BodyCase: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let message: String

        init(_ name: String, _ body: String, _ message: String) {
            self.init(name, Array(body.utf8), message)
        }

        init(_ name: String, _ bytes: [UInt8], _ message: String) {
            self.name = name
            self.bytes = bytes
            self.message = message
        }

        var testDescription: String { name }
    }

    static let clockErrors: [BodyCase] = [
        // 1. Body malformed, or an unknown member.
        BodyCase("not JSON", "now=2030-01-07T08:00:00.000Z", malformedClock),
        BodyCase("an array", #"[{"frozen": true}]"#, malformedClock),
        BodyCase("a string", #""frozen""#, malformedClock),
        BodyCase("a number", "1", malformedClock),
        BodyCase("null", "null", malformedClock),
        BodyCase("truncated", #"{"frozen": true"#, malformedClock),
        BodyCase("trailing content", #"{"frozen": true} {}"#, malformedClock),
        BodyCase("a byte-order mark", [0xEF, 0xBB, 0xBF] + Array(#"{"frozen": true}"#.utf8), malformedClock),
        BodyCase("not UTF-8", Array(#"{"now": ""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8), malformedClock),
        BodyCase("a blank body", " ", malformedClock),
        BodyCase("an unknown member", #"{"frozen": true, "speed": 2}"#, malformedClock),
        BodyCase("a member named in another case", #"{"Frozen": true}"#, malformedClock),
        BodyCase("a misspelt member alone", #"{"advnce": "PT1H"}"#, malformedClock),
        BodyCase("an unknown member before bad values", #"{"now": 1, "advance": 2, "x": 3}"#, malformedClock),
        BodyCase("a repeated member name", #"{"frozen": true, "frozen": true}"#, malformedClock),
        BodyCase("a repeated name written with an escape", #"{"frozen": true, "fr\u006fzen": false}"#, malformedClock),
        BodyCase("a repeated name in a nested object", #"{"now": {"a": 1, "a": 2}}"#, malformedClock),
        // 2. Neither now, advance nor frozen (zero bytes read as {}; null counts as absent).
        BodyCase("an empty object", "{}", noClockChange),
        BodyCase("zero bytes", "", noClockChange),
        BodyCase("only nulls", #"{"now": null, "advance": null, "frozen": null}"#, noClockChange),
        // 3. Both now and advance, whatever their values.
        BodyCase("both now and advance", #"{"now": "2030-01-07T08:00:00.000Z", "advance": "PT1H"}"#, nowAndAdvance),
        BodyCase("both, both bad", #"{"advance": 7, "now": false, "frozen": "no"}"#, nowAndAdvance),
        // 4. now not a string matching T.
        BodyCase("now a number", #"{"now": 1894003200000}"#, invalidNow),
        BodyCase("now without a zone", #"{"now": "2030-01-07T08:00:00"}"#, invalidNow),
        BodyCase("now with four fraction digits", #"{"now": "2030-01-07T08:00:00.0000Z"}"#, invalidNow),
        BodyCase("now on February 30", #"{"now": "2030-02-30T08:00:00Z"}"#, invalidNow),
        BodyCase("now with an offset without colon", #"{"now": "2030-01-07T08:00:00+0800"}"#, invalidNow),
        BodyCase("now bad and frozen bad", #"{"frozen": 1, "now": "tomorrow"}"#, invalidNow),
        // 5. advance not a string matching D.
        BodyCase("advance a number", #"{"advance": 3600}"#, invalidAdvance),
        BodyCase("advance in weeks", #"{"advance": "P1W"}"#, invalidAdvance),
        BodyCase("advance in years", #"{"advance": "P1Y"}"#, invalidAdvance),
        BodyCase("advance P", #"{"advance": "P"}"#, invalidAdvance),
        BodyCase("advance PT", #"{"advance": "PT"}"#, invalidAdvance),
        BodyCase("advance past 36500 days", #"{"advance": "P36501D"}"#, invalidAdvance),
        BodyCase("advance negative", #"{"advance": "-PT1H"}"#, invalidAdvance),
        BodyCase("advance bad and frozen bad", #"{"frozen": "yes", "advance": "soon"}"#, invalidAdvance),
        // 6. frozen not a boolean.
        BodyCase("frozen a string", #"{"frozen": "true"}"#, invalidFrozen),
        BodyCase("frozen a number", #"{"frozen": 1}"#, invalidFrozen),
        BodyCase("frozen an array", #"{"frozen": [true]}"#, invalidFrozen),
        BodyCase("frozen bad after a good now", #"{"now": "2999-01-01T00:00:00Z", "frozen": "no"}"#, invalidFrozen),
        BodyCase("frozen bad after a good advance", #"{"advance": "PT1H", "frozen": 0}"#, invalidFrozen),
    ]

    @Test(arguments: clockErrors)
    func clockChangeErrors(_ example: BodyCase) async throws {
        let clock = ManualClock(seconds: Self.realSeconds)
        try await Self.withControlServer(clock: clock.wallClock) { control in
            let response = try await control.send(Self.clockPath, method: .put, bytes: example.bytes)
            Self.expectControlError(response, 400, "BACKUPD.0400", example.message)
            // Nothing changed.
            Self.expectDocument(try await control.send(Self.clockPath), #"{"now":"2026-01-01T00:00:00.000Z","frozen":false,"offset_seconds":0}"#)
        }
    }

    @Test(arguments: StoreEngine.all)
    func movingTheClockBackwardsIs409WithTheCurrentReading(_ engine: StoreEngine) async throws {
        let clock = ManualClock(seconds: Self.realSeconds)
        try await Self.withControlServer(store: try await Fixtures.exampleStore(engine), clock: clock.wallClock) { control in
            // A running clock: its reading is real time.
            clock.advance(milliseconds: 250)
            Self.expectControlError(
                try await control.putClock(#"{"now": "2026-01-01T00:00:00.249Z"}"#),
                409,
                "BACKUPD.0409",
                Self.backwards("2026-01-01T00:00:00.250Z")
            )
            Self.expectControlError(
                try await control.putClock(#"{"now": "2025-12-31T23:00:00Z", "frozen": true}"#),
                409,
                "BACKUPD.0409",
                Self.backwards("2026-01-01T00:00:00.250Z")
            )
            // Frozen at the example instant.
            Self.expectDocument(
                try await control.putClock(#"{"now": "2030-01-07T08:00:00.000Z", "frozen": true}"#),
                #"{"now":"2030-01-07T08:00:00.000Z","frozen":true,"offset_seconds":126777599}"#
            )
            // One millisecond earlier, written with an offset: refused with the reading.
            Self.expectControlError(
                try await control.putClock(#"{"now": "2030-01-07T15:59:59.999+08:00"}"#),
                409,
                "BACKUPD.0409",
                Self.backwards("2030-01-07T08:00:00.000Z")
            )
            Self.expectControlError(
                try await control.putClock(#"{"now": "2030-01-07T07:59:59Z", "frozen": false}"#),
                409,
                "BACKUPD.0409",
                Self.backwards("2030-01-07T08:00:00.000Z")
            )
            // The refusals changed nothing: still frozen at the instant.
            Self.expectDocument(
                try await control.send(Self.clockPath),
                #"{"now":"2030-01-07T08:00:00.000Z","frozen":true,"offset_seconds":126777599}"#
            )
            // The same instant is allowed, written in any zone.
            Self.expectDocument(
                try await control.putClock(#"{"now": "2030-01-07T03:00:00-05:00"}"#),
                #"{"now":"2030-01-07T08:00:00.000Z","frozen":true,"offset_seconds":126777599}"#
            )
        }
    }

    // MARK: - C1 and C2: documents

    @Test(arguments: StoreEngine.all)
    func theClockDocumentsOfAFrozenClockByteForByte(_ engine: StoreEngine) async throws {
        let clock = ManualClock(seconds: Self.realSeconds)
        let store = try await Fixtures.exampleStore(engine)
        try await Self.withControlServer(store: store, clock: clock.wallClock) { control in
            // A new store: real time, running.
            Self.expectDocument(try await control.send(Self.clockPath), #"{"now":"2026-01-01T00:00:00.000Z","frozen":false,"offset_seconds":0}"#)

            // Move, then freeze: 2030-01-07T08:00:00Z is 126777600 s after real time.
            Self.expectDocument(
                try await control.putClock(#"{"now": "2030-01-07T08:00:00.000Z", "frozen": true}"#),
                #"{"now":"2030-01-07T08:00:00.000Z","frozen":true,"offset_seconds":126777600}"#
            )
            #expect(try await store.clockSetting().frozenAt == Self.example)
            Self.expectDocument(
                try await control.send(Self.clockPath),
                #"{"now":"2030-01-07T08:00:00.000Z","frozen":true,"offset_seconds":126777600}"#
            )

            // While frozen, real time passes: now stays, the offset shrinks.
            clock.advance(milliseconds: 100_000)
            Self.expectDocument(
                try await control.send(Self.clockPath),
                #"{"now":"2030-01-07T08:00:00.000Z","frozen":true,"offset_seconds":126777500}"#
            )

            // PT36H on a frozen clock: frozen at 2030-01-08T20:00:00.000Z.
            Self.expectDocument(
                try await control.putClock(#"{"advance": "PT36H"}"#),
                #"{"now":"2030-01-08T20:00:00.000Z","frozen":true,"offset_seconds":126907100}"#
            )
            // Freezing a frozen clock changes nothing.
            Self.expectDocument(
                try await control.putClock(#"{"frozen": true}"#),
                #"{"now":"2030-01-08T20:00:00.000Z","frozen":true,"offset_seconds":126907100}"#
            )
            // A fraction of a second, and a zero advance.
            Self.expectDocument(
                try await control.putClock(#"{"advance": "PT1.5S"}"#),
                #"{"now":"2030-01-08T20:00:01.500Z","frozen":true,"offset_seconds":126907101}"#
            )
            Self.expectDocument(
                try await control.putClock(#"{"advance": "PT0S", "frozen": null}"#),
                #"{"now":"2030-01-08T20:00:01.500Z","frozen":true,"offset_seconds":126907101}"#
            )

            // Unfreezing continues from the frozen instant, and the clock runs with real time.
            Self.expectDocument(
                try await control.putClock(#"{"frozen": false}"#),
                #"{"now":"2030-01-08T20:00:01.500Z","frozen":false,"offset_seconds":126907101}"#
            )
            clock.advance(milliseconds: 5_000)
            Self.expectDocument(
                try await control.send(Self.clockPath),
                #"{"now":"2030-01-08T20:00:06.500Z","frozen":false,"offset_seconds":126907101}"#
            )

            // Advance then freeze, in one change.
            Self.expectDocument(
                try await control.putClock(#"{"advance": "P2DT12H", "frozen": true}"#),
                #"{"now":"2030-01-11T08:00:06.500Z","frozen":true,"offset_seconds":127123101}"#
            )
            // now with an offset and a fraction of two digits, running from it.
            Self.expectDocument(
                try await control.putClock(#"{"now": "2030-01-12T00:00:00.12+08:00", "frozen": false}"#),
                #"{"now":"2030-01-11T16:00:00.120Z","frozen":false,"offset_seconds":127151895}"#
            )
            // Unknown members are refused, but the Content-Type plays no part: the body is JSON.
            let plain = try await control.send(
                Self.clockPath,
                method: .put,
                body: #"{"frozen": true}"#,
                headers: Self.bearer(adding: .contentType, "text/plain")
            )
            Self.expectDocument(plain, #"{"now":"2030-01-11T16:00:00.120Z","frozen":true,"offset_seconds":127151895}"#)
        }
    }

    @Test func offsetSecondsIsTruncatedTowardZero() async throws {
        let clock = ManualClock(seconds: Self.realSeconds)
        try await Self.withControlServer(clock: clock.wallClock) { control in
            Self.expectDocument(
                try await control.putClock(#"{"frozen": true}"#),
                #"{"now":"2026-01-01T00:00:00.000Z","frozen":true,"offset_seconds":0}"#
            )
            // now − real = −0.7 s: 0, not −1.
            clock.advance(milliseconds: 700)
            Self.expectDocument(try await control.send(Self.clockPath), #"{"now":"2026-01-01T00:00:00.000Z","frozen":true,"offset_seconds":0}"#)
            // −1.3 s: −1, not −2.
            clock.advance(milliseconds: 600)
            Self.expectDocument(try await control.send(Self.clockPath), #"{"now":"2026-01-01T00:00:00.000Z","frozen":true,"offset_seconds":-1}"#)
            // +0.999 s: 0.
            Self.expectDocument(
                try await control.putClock(#"{"now": "2026-01-01T00:00:02.299Z"}"#),
                #"{"now":"2026-01-01T00:00:02.299Z","frozen":true,"offset_seconds":0}"#
            )
            Self.expectDocument(
                try await control.putClock(#"{"advance": "PT0.001S"}"#),
                #"{"now":"2026-01-01T00:00:02.300Z","frozen":true,"offset_seconds":1}"#
            )
        }
    }

    @Test func offsetSecondsIsConsistentWithRealTime() async throws {
        try await Self.withControlServer { control in
            let before = WallClock.system.microseconds / 1000
            let response = try await control.putClock(#"{"advance": "P7D"}"#)
            let after = WallClock.system.microseconds / 1000
            #expect(response.status == 200, "body: \(response.body)")
            let document = try response.json
            #expect(document.keys == ["now", "frozen", "offset_seconds"])
            #expect(document["frozen"] == .bool(false))
            let now = try #require(document["now"]?.stringValue.flatMap(TimeGrammar.parseUTCMilliseconds))
            let offset = try #require(document["offset_seconds"]?.integerValue)
            // The reading is real time (taken during the request) plus seven days.
            let week: Int64 = 7 * 86_400_000
            #expect(now >= before + week && now <= after + week + 1, "now \(now), real \(before)…\(after)")
            #expect(offset == week / 1000 || offset == week / 1000 - 1, "offset_seconds \(offset)")

            // A later reading still carries the offset, and now − offset lies in real time.
            let shown = try await control.send(Self.clockPath)
            let end = WallClock.system.microseconds / 1000
            let later = try shown.json
            let laterNow = try #require(later["now"]?.stringValue.flatMap(TimeGrammar.parseUTCMilliseconds))
            let laterOffset = try #require(later["offset_seconds"]?.integerValue)
            #expect(laterNow >= now)
            #expect(laterNow - laterOffset * 1000 >= before - 1000 && laterNow - laterOffset * 1000 <= end + 1000)
        }
    }

    // MARK: - C3 and C4: timings

    @Test func timingsDocumentsAndSubsets() async throws {
        let store = try await Fixtures.exampleStore()
        try await Self.withControlServer(store: store) { control in
            Self.expectDocument(try await control.send(Self.timingsPath), Self.defaultTimings)
            // An empty change, in any of its spellings, changes nothing.
            Self.expectDocument(try await control.putTimings(""), Self.defaultTimings)
            Self.expectDocument(try await control.putTimings("{}"), Self.defaultTimings)
            Self.expectDocument(try await control.putTimings(#"{"rds_building": null}"#), Self.defaultTimings)

            // A subset; the others keep their values.
            Self.expectDocument(
                try await control.putTimings(#"{"dcs_backuping": 86400, "rds_building": 0}"#),
                #"{"rds_building":0,"rds_deleting":10,"taurusdb_building":60,"dcs_waiting":5,"dcs_backuping":86400}"#
            )
            Self.expectDocument(
                try await control.putTimings(#"{"taurusdb_building": 1}"#),
                #"{"rds_building":0,"rds_deleting":10,"taurusdb_building":1,"dcs_waiting":5,"dcs_backuping":86400}"#
            )
            Self.expectDocument(
                try await control.send(Self.timingsPath),
                #"{"rds_building":0,"rds_deleting":10,"taurusdb_building":1,"dcs_waiting":5,"dcs_backuping":86400}"#
            )
            #expect(
                try await store.timings()
                    == LifecycleTimings(rdsBuilding: 0, rdsDeleting: 10, taurusDBBuilding: 1, dcsWaiting: 5, dcsBackuping: 86_400)
            )
            // All of them.
            Self.expectDocument(
                try await control.putTimings(
                    #"{"rds_building": 60, "rds_deleting": 10, "taurusdb_building": 60, "dcs_waiting": 5, "dcs_backuping": 60}"#
                ),
                Self.defaultTimings
            )
        }
    }

    static let timingsErrors: [BodyCase] = [
        BodyCase("not JSON", "rds_building=0", malformedTimings),
        BodyCase("an array", #"[{"rds_building": 0}]"#, malformedTimings),
        BodyCase("null", "null", malformedTimings),
        BodyCase("a byte-order mark", [0xEF, 0xBB, 0xBF] + Array("{}".utf8), malformedTimings),
        BodyCase("an unknown name", #"{"rds_build": 0}"#, malformedTimings),
        BodyCase("a name in another case", #"{"RDS_BUILDING": 0}"#, malformedTimings),
        BodyCase("an unknown name beside a bad value", #"{"rds_building": -1, "ddm_building": 0}"#, malformedTimings),
        BodyCase("a repeated name", #"{"rds_building": 1, "rds_building": 2}"#, malformedTimings),
        BodyCase("negative", #"{"rds_building": -1}"#, "rds_building must be an integer from 0 to 86400."),
        BodyCase("past a day", #"{"rds_deleting": 86401}"#, "rds_deleting must be an integer from 0 to 86400."),
        BodyCase("a fraction", #"{"taurusdb_building": 1.0}"#, "taurusdb_building must be an integer from 0 to 86400."),
        BodyCase("an exponent", #"{"dcs_waiting": 1e0}"#, "dcs_waiting must be an integer from 0 to 86400."),
        BodyCase("a string", #"{"dcs_backuping": "60"}"#, "dcs_backuping must be an integer from 0 to 86400."),
        BodyCase("a boolean", #"{"dcs_backuping": true}"#, "dcs_backuping must be an integer from 0 to 86400."),
        BodyCase("an object", #"{"rds_building": {}}"#, "rds_building must be an integer from 0 to 86400."),
        BodyCase("2^64 + 1", #"{"rds_building": 18446744073709551617}"#, "rds_building must be an integer from 0 to 86400."),
        BodyCase("Int64.min", #"{"rds_building": -9223372036854775808}"#, "rds_building must be an integer from 0 to 86400."),
        // Checked in the document's order, not the body's.
        BodyCase("two bad values", #"{"dcs_backuping": -1, "rds_deleting": -1}"#, "rds_deleting must be an integer from 0 to 86400."),
        BodyCase("a good value then a bad one", #"{"rds_building": 5, "dcs_waiting": 90000}"#, "dcs_waiting must be an integer from 0 to 86400."),
    ]

    @Test(arguments: timingsErrors)
    func timingsChangeErrors(_ example: BodyCase) async throws {
        try await Self.withControlServer { control in
            let response = try await control.send(Self.timingsPath, method: .put, bytes: example.bytes)
            Self.expectControlError(response, 400, "BACKUPD.0400", example.message)
            // Nothing changed, not even the valid members.
            Self.expectDocument(try await control.send(Self.timingsPath), Self.defaultTimings)
        }
    }

    // MARK: - C5: faults

    @Test func armingAFaultEchoesTheBodyAndKeepsTheClocksInstant() async throws {
        let store = try await Fixtures.exampleStore()
        let clock = ManualClock(seconds: Self.realSeconds)
        try await Self.withControlServer(store: store, clock: clock.wallClock) { control in
            _ = try await control.putClock(#"{"now": "2030-01-07T08:00:00.000Z", "frozen": true}"#)
            for instance in [Acme.mysqlInstance, Acme.taurusInstance, Acme.redisInstance, Acme.ddmInstance] {
                let response = try await control.postFault(#"{"instance_id": "\#(instance)", "next_backup": "fail"}"#)
                Self.expectDocument(response, #"{"instance_id":"\#(instance)","next_backup":"fail"}"#)
                #expect(try await store.armedFault(instanceID: instance) == Self.example, "\(instance)")
            }
            // Again, later, in another order of members: one fault, armed when it was first.
            _ = try await control.putClock(#"{"advance": "PT1H"}"#)
            Self.expectDocument(
                try await control.postFault(#"{"next_backup": "fail", "instance_id": "\#(Acme.mysqlInstance)"}"#),
                #"{"instance_id":"\#(Acme.mysqlInstance)","next_backup":"fail"}"#
            )
            #expect(try await store.armedFault(instanceID: Acme.mysqlInstance) == Self.example)
            // Another project's or account's instance is just as known (any service, any project).
            Self.expectDocument(
                try await control.postFault(#"{"instance_id": "\#(Fixtures.Globex.mysqlInstance)", "next_backup": "fail"}"#),
                #"{"instance_id":"\#(Fixtures.Globex.mysqlInstance)","next_backup":"fail"}"#
            )
            #expect(try await store.armedFault(instanceID: Fixtures.Globex.mysqlInstance) == Self.example + 3_600_000)
        }
    }

    @Test func armingAFaultForAnUnknownInstanceIs404() async throws {
        let store = try await Fixtures.exampleStore()
        try await Self.withControlServer(store: store) { control in
            for instance in ["ffffffffffffffffffffffffffffffffin01", "", Acme.mysqlInstance.uppercased(), #"nul\u0000"#, "a/b"] {
                let response = try await control.postFault(#"{"instance_id": "\#(instance)", "next_backup": "fail"}"#)
                Self.expectControlError(response, 404, "BACKUPD.0404", Self.unknownInstance)
            }
            #expect(try await store.armedFault(instanceID: Acme.mysqlInstance.uppercased()) == nil)
        }
    }

    static let faultErrors: [BodyCase] = [
        BodyCase("zero bytes", "", malformedFault),
        BodyCase("an empty object", "{}", malformedFault),
        BodyCase("not JSON", "instance_id=x", malformedFault),
        BodyCase("an array", #"[{"instance_id": "x", "next_backup": "fail"}]"#, malformedFault),
        BodyCase("no instance_id", #"{"next_backup": "fail"}"#, malformedFault),
        BodyCase("instance_id null", #"{"instance_id": null, "next_backup": "fail"}"#, malformedFault),
        BodyCase("instance_id a number", #"{"instance_id": 1, "next_backup": "fail"}"#, malformedFault),
        BodyCase("instance_id an array", #"{"instance_id": ["\#(Acme.mysqlInstance)"], "next_backup": "fail"}"#, malformedFault),
        BodyCase("no next_backup", #"{"instance_id": "\#(Acme.mysqlInstance)"}"#, malformedFault),
        BodyCase("next_backup another word", #"{"instance_id": "\#(Acme.mysqlInstance)", "next_backup": "succeed"}"#, malformedFault),
        BodyCase("next_backup in capitals", #"{"instance_id": "\#(Acme.mysqlInstance)", "next_backup": "FAIL"}"#, malformedFault),
        BodyCase("next_backup true", #"{"instance_id": "\#(Acme.mysqlInstance)", "next_backup": true}"#, malformedFault),
        BodyCase(
            "an unknown member",
            #"{"instance_id": "\#(Acme.mysqlInstance)", "next_backup": "fail", "count": 2}"#,
            malformedFault
        ),
        BodyCase(
            "a repeated member name",
            #"{"instance_id": "\#(Acme.mysqlInstance)", "instance_id": "\#(Acme.mysqlInstance)", "next_backup": "fail"}"#,
            malformedFault
        ),
        BodyCase("an unknown instance and a bad body", #"{"instance_id": "nope", "next_backup": "pass"}"#, malformedFault),
    ]

    @Test(arguments: faultErrors)
    func faultRequestErrors(_ example: BodyCase) async throws {
        let store = try await Fixtures.exampleStore()
        try await Self.withControlServer(store: store) { control in
            let response = try await control.send(Self.faultsPath, method: .post, bytes: example.bytes)
            Self.expectControlError(response, 400, "BACKUPD.0400", example.message)
            #expect(try await store.armedFault(instanceID: Acme.mysqlInstance) == nil)
        }
    }

    // MARK: - The routes exist only for the token

    /// Every control route, and paths beside them.
    static let controlRequests: [(String, HTTPRequest.Method, String)] = [
        (clockPath, .get, ""),
        (clockPath, .put, #"{"frozen": true}"#),
        (timingsPath, .get, ""),
        (timingsPath, .put, #"{"rds_building": 0}"#),
        (faultsPath, .post, #"{"instance_id": "\#(Acme.mysqlInstance)", "next_backup": "fail"}"#),
    ]

    static let besideTheRoutes: [(String, HTTPRequest.Method)] = [
        ("/_backupd", .get), ("/_backupd/", .get), ("/_backupd/v1", .get), ("/_backupd/v1/", .get),
        ("/_backupd/v1/clock/", .get), ("/_backupd/v1/Clock", .get), ("/_backupd/v2/clock", .get),
        ("/_backupd/v1/clock", .post), ("/_backupd/v1/clock", .delete), ("/_backupd/v1/clock", .patch),
        ("/_backupd/v1/timings", .post), ("/_backupd/v1/faults", .get), ("/_backupd/v1/faults", .put),
        ("/_backupd/v1/faults/x", .post), ("/_backupd/v1/unknown", .get),
    ]

    /// The answer is the 404 an unknown route gets, byte for byte (but for its own request id).
    static func expectUnknownRoute(_ response: BackupdTestSupport.TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        expectRouteNotFound(response, sourceLocation: sourceLocation)
        let requestID = response.requestID ?? "?"
        let expected = GatewayErrors.routeNotFound.body(requestID: requestID)
        #expect(Array(response.body.utf8) == expected, sourceLocation: sourceLocation)
        #expect(response.header("Content-Length") == String(expected.count), sourceLocation: sourceLocation)
        #expect(response.header("WWW-Authenticate") == nil, sourceLocation: sourceLocation)
    }

    @Test func withoutATokenConfiguredEveryControlPathIsAnUnknownRoute() async throws {
        let store = try await Fixtures.exampleStore()
        try await Self.withControlServer(store: store, token: nil) { control in
            let unknown = try await control.send("/_nothing/v1/clock", headers: [:])
            Self.expectUnknownRoute(unknown)
            for (path, method, body) in Self.controlRequests {
                for headers: HTTPFields in [Self.bearer, [:], [.authorization: "Bearer "]] {
                    let response = try await control.send(path, method: method, body: body, headers: headers)
                    Self.expectUnknownRoute(response)
                    // Header by header, the same as an unknown route's (but for the request id).
                    #expect(response.headers.map(\.name) == unknown.headers.map(\.name))
                    #expect(response.header("Content-Length") == unknown.header("Content-Length"))
                }
                // HEAD: the 404's headers, no body.
                let head = try await control.send(path, method: .head)
                #expect(head.status == 404 && head.body.isEmpty)
            }
            for (path, method) in Self.besideTheRoutes {
                Self.expectUnknownRoute(try await control.send(path, method: method))
            }
            // An IAM credential makes no difference either.
            let iam = try await control.client.issueToken(.alice, scope: ScopeJSON.project(name: "cn-north-4"))
            Self.expectUnknownRoute(try await control.send(Self.clockPath, headers: [:], as: .token(iam)))
            Self.expectUnknownRoute(try await control.send(Self.clockPath, headers: [:], as: .alice))
            // And nothing changed.
            #expect(try await store.clockSetting() == .initial)
            #expect(try await store.timings() == .defaults)
            #expect(try await store.armedFault(instanceID: Acme.mysqlInstance) == nil)
        }
    }

    static let wrongAuthorizations: [String] = [
        "",
        "Bearer",
        "Bearer ",
        "Bearer \(token)x",
        "Bearer \(token.dropLast())",
        "Bearer \(token.uppercased())",
        "Bearer  \(token)",
        "Bearer\t\(token)",
        "bearer \(token)",
        "BEARER \(token)",
        "Bearer:\(token)",
        "Token \(token)",
        "Basic \(token)",
        token,
        "Bearer \(token), Bearer \(token)",
        "Bearer x \(token)",
    ]

    @Test func withATokenConfiguredAnyOtherCredentialGetsTheUnknownRoute() async throws {
        let store = try await Fixtures.exampleStore()
        try await Self.withControlServer(store: store) { control in
            for (path, method, body) in Self.controlRequests {
                // No Authorization at all.
                Self.expectUnknownRoute(try await control.send(path, method: method, body: body, headers: [:]))
                for authorization in Self.wrongAuthorizations {
                    let response = try await control.send(path, method: method, body: body, headers: [.authorization: authorization])
                    Self.expectUnknownRoute(response)
                }
            }
            // The token elsewhere than in Authorization, and IAM credentials, play no part.
            let iam = try await control.client.issueToken(.alice, scope: ScopeJSON.project(name: "cn-north-4"))
            Self.expectUnknownRoute(try await control.send(Self.clockPath, headers: [:], as: .token(iam)))
            Self.expectUnknownRoute(try await control.send(Self.clockPath, headers: [:], as: .token(Self.token)))
            Self.expectUnknownRoute(try await control.send(Self.clockPath, headers: [:], as: .alice))
            Self.expectUnknownRoute(
                try await control.send(Self.clockPath, headers: [.init("X-Control-Token")!: Self.token, .cookie: "token=\(Self.token)"])
            )
            Self.expectUnknownRoute(try await control.send(Self.clockPath + "?token=\(Self.token)", headers: [:]))
            // Beside the routes, even the right token gets the 404.
            for (path, method) in Self.besideTheRoutes {
                Self.expectUnknownRoute(try await control.send(path, method: method))
            }
            let head = try await control.send(Self.clockPath, method: .head)
            #expect(head.status == 404 && head.body.isEmpty)
            // None of them changed anything.
            #expect(try await store.clockSetting() == .initial)
            #expect(try await store.timings() == .defaults)
            #expect(try await store.armedFault(instanceID: Acme.mysqlInstance) == nil)

            // The right token, with an IAM token beside it that means nothing here: served.
            let served = try await control.send(Self.clockPath, headers: Self.bearer(adding: .init("X-Auth-Token")!, "MIInot-a-token"))
            #expect(served.status == 200, "body: \(served.body)")
        }
    }

    @Test func bodiesPastOneMebibyteAre413AfterTheToken() async throws {
        let clock = ManualClock(seconds: Self.realSeconds)
        try await Self.withControlServer(clock: clock.wallClock) { control in
            let limit = 1 << 20
            for (path, method) in [
                (Self.clockPath, HTTPRequest.Method.put), (Self.timingsPath, .put), (Self.faultsPath, .post), (Self.clockPath, .get),
            ] {
                let large = [UInt8](repeating: UInt8(ascii: " "), count: limit + 1)
                let response = try await control.send(path, method: method, bytes: large)
                Self.expectControlError(response, 413, "APIGW.0201", "Request entity too large.")
                // The token comes first: without it, the 404.
                Self.expectUnknownRoute(try await control.send(path, method: method, bytes: large, headers: [:]))
                Self.expectUnknownRoute(
                    try await control.send(path, method: method, bytes: large, headers: [.authorization: "Bearer wrong"])
                )
            }
            // Whatever the status, none of the large bodies was applied.
            Self.expectDocument(
                try await control.send(Self.clockPath),
                #"{"now":"2026-01-01T00:00:00.000Z","frozen":false,"offset_seconds":0}"#
            )
            Self.expectDocument(try await control.send(Self.timingsPath), Self.defaultTimings)
            // Exactly 1 MiB is read: a valid body padded to the limit is served.
            let body = Array(#"{"frozen": true"#.utf8)
            let padded = body + [UInt8](repeating: UInt8(ascii: " "), count: limit - body.count - 1) + [UInt8(ascii: "}")]
            #expect(padded.count == limit)
            let response = try await control.send(Self.clockPath, method: .put, bytes: padded)
            #expect(response.status == 200, "body: \(response.body.prefix(200))")
            #expect(try response.json["frozen"] == .bool(true))
        }
    }

    // MARK: - The catalog clock and authentication

    @Test func advancingTheClockNeverExpiresATokenOrASignature() async throws {
        try await Self.withControlServer { control in
            let client = control.client
            let token = try await client.issueToken(.alice, scope: ScopeJSON.project(name: "cn-north-4"))
            let target = Target.rdsList("instance_id=\(Acme.mysqlInstance)")
            let before = try await client.send(target, as: .token(token))
            #expect(before.status == 200)

            let advanced = try await control.putClock(#"{"advance": "P30D"}"#)
            #expect(advanced.status == 200, "body: \(advanced.body)")
            let offset = try #require(try advanced.json["offset_seconds"]?.integerValue)
            #expect(offset >= 30 * 86_400 - 1)

            // A token issued before, and a signature dated by real time, still authenticate.
            let withToken = try await client.send(target, as: .token(token))
            expectResponse(withToken, status: 200, body: try before.json)
            let signed = try await client.send(target, as: .alice)
            expectResponse(signed, status: 200, body: try before.json)
            // A signature dated by the catalog clock is 30 days off real time: refused as skewed.
            let catalogDated = try await client.send(target, as: ExampleUser.alice.signing(at: WallClock.system.seconds + offset))
            #expect(catalogDated.status == 401, "body: \(catalogDated.body)")
            // A token issued now still authenticates too.
            let fresh = try await client.issueToken(.alice, scope: ScopeJSON.project(name: "cn-north-4"))
            #expect(try await client.send(target, as: .token(fresh)).status == 200)
        }
    }
}
