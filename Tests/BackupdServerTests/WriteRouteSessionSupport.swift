import BackupdAPI
import BackupdAuth
import BackupdCatalog
import BackupdServer
import BackupdTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

// A session for the suites of the write routes W6–W20 (TaurusDBWriteRoutesTests,
// DCSWriteRoutesTests, DDMRoutesTests, OffsitePolicyTests): the real application over the example
// seed, the control API on, the catalog clock set and frozen at T0 (`lifecycle.md` §11), as
// RDSManualBackupTests drives W1–W3.

/// A client of a server whose control API is on and whose catalog clock is frozen at T0.
struct WriteRouteSession: Sendable {
    static let controlToken = "write-route-tests-control-token"
    /// T0 of `lifecycle.md` §11: a Monday.
    static let t0 = "2030-01-07T08:00:00.000Z"

    let client: any TestClientProtocol
    /// The store the server reads, for seeds loaded while it runs.
    let store: any CatalogStore

    // MARK: Control API

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
            headers: [.authorization: "Bearer \(Self.controlToken)"],
            body: Array(json.utf8),
            as: .none
        )
        #expect(response.status == 200, "\(path) \(json): \(response.body)", sourceLocation: sourceLocation)
        return response
    }

    /// Sets the frozen clock to `now` (never backwards).
    func setClock(_ now: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let response = try await control(.put, "/_backupd/v1/clock", #"{"now": "\#(now)", "frozen": true}"#, sourceLocation: sourceLocation)
        #expect(try response.json["now"]?.stringValue == now, sourceLocation: sourceLocation)
    }

    /// Moves the frozen clock by an ISO 8601 duration. - Returns: the new reading.
    @discardableResult
    func advance(_ duration: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String? {
        try await control(.put, "/_backupd/v1/clock", #"{"advance": "\#(duration)"}"#, sourceLocation: sourceLocation).json["now"]?
            .stringValue
    }

    func setTimings(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await control(.put, "/_backupd/v1/timings", json, sourceLocation: sourceLocation)
    }

    /// C5: the next full backup of `instanceID` fails.
    func armFault(_ instanceID: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await control(.post, "/_backupd/v1/faults", #"{"instance_id": "\#(instanceID)", "next_backup": "fail"}"#, sourceLocation: sourceLocation)
    }

    // MARK: Requests

    func send(
        _ method: HTTPRequest.Method,
        _ target: String,
        _ json: String,
        as credential: TestCredential = .alice
    ) async throws -> BackupdTestSupport.TestResponse {
        try await client.send(target, method: method, body: Array(json.utf8), as: credential)
    }

    func send(
        _ method: HTTPRequest.Method,
        _ target: String,
        bytes: [UInt8] = [],
        as credential: TestCredential = .alice
    ) async throws -> BackupdTestSupport.TestResponse {
        try await client.send(target, method: method, body: bytes, as: credential)
    }

    /// A read that must answer 200.
    func get(_ target: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> BackupdTestSupport.TestResponse {
        let response = try await client.send(target)
        #expect(response.status == 200, "\(target): \(response.body)", sourceLocation: sourceLocation)
        return response
    }

    /// The answers (status and body) of `targets`, in order: what a refused write must not change.
    func snapshot(_ targets: [String]) async throws -> [String] {
        var answers: [String] = []
        for target in targets {
            let response = try await client.send(target)
            answers.append("\(response.status) \(target) \(response.body)")
        }
        return answers
    }
}

/// Runs `body` against the application over the example seed (plus `extra`, loaded once the clock
/// reads T0, so that its policies take effect at T0), with the control API on and the clock frozen
/// at T0, default timings.
func withWriteRouteSession<T: Sendable>(
    loadingAtT0 extra: String? = nil,
    _ body: @Sendable (WriteRouteSession) async throws -> T
) async throws -> T {
    var configuration = ServerConfiguration.testing()
    configuration.controlToken = ControlToken(WriteRouteSession.controlToken)
    let store = try await Fixtures.exampleStore()
    let app = makeTestApplication(store: store, configuration: configuration)
    return try await app.test(.router) { client in
        let session = WriteRouteSession(client: client, store: store)
        try await session.setClock(WriteRouteSession.t0)
        if let extra { try await Fixtures.load(extra, into: store) }
        return try await body(session)
    }
}

/// A write request of a table of refusals, and the answer it must get.
struct WriteCase: Sendable, CustomTestStringConvertible {
    let name: String
    let target: String
    let body: [UInt8]
    let status: Int
    let expected: JSONValue

    init(_ name: String, _ target: String, _ json: String, _ status: Int = 400, _ expected: JSONValue) {
        self.init(name, target, bytes: Array(json.utf8), status, expected)
    }

    init(_ name: String, _ target: String, bytes: [UInt8], _ status: Int = 400, _ expected: JSONValue) {
        self.name = name
        self.target = target
        self.body = bytes
        self.status = status
        self.expected = expected
    }

    var testDescription: String { name }
}

/// A query of a table of list refusals (or answers), and the answer it must get.
struct QueryCase: Sendable, CustomTestStringConvertible {
    let name: String
    let query: String
    let status: Int
    let expected: JSONValue

    init(_ name: String, _ query: String, _ status: Int = 400, _ expected: JSONValue) {
        self.name = name
        self.query = query
        self.status = status
        self.expected = expected
    }

    var testDescription: String { "\(name) [\(query)]" }
}

enum WriteRouteFormats {
    /// Whether `value` is a lower-case UUID with dashes whose version digit is `version` and whose
    /// variant digit is 8–b (RFC 9562).
    static func isUUID(_ value: String?, version: Character = "4") -> Bool {
        guard let value else { return false }
        let characters = Array(value)
        guard characters.count == 36 else { return false }
        for (index, character) in characters.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard character == "-" else { return false }
            } else {
                guard character.isHexDigit, !character.isUppercase else { return false }
            }
        }
        return characters[14] == version && "89ab".contains(characters[19])
    }

    /// Whether `id` is 32 lower-case hex digits followed by `suffix` (`lifecycle.md` §4.13).
    static func isBackupID(_ id: String?, suffix: String) -> Bool {
        guard let id, id.hasSuffix(suffix) else { return false }
        let digits = Array(id.utf8.dropLast(suffix.utf8.count))
        return digits.count == 32 && digits.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// A 204 (`lifecycle.md` §4): no body and no `Content-Type`, but an `X-Request-Id`.
func expectNoContent(_ response: BackupdTestSupport.TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(response.status == 204, "body: \(response.body)", sourceLocation: sourceLocation)
    #expect(response.body.isEmpty, "body: \(response.body)", sourceLocation: sourceLocation)
    #expect(response.header("Content-Type") == nil, "Content-Type: \(response.header("Content-Type") ?? "")", sourceLocation: sourceLocation)
    #expect(isRequestID(response.requestID), "X-Request-Id: \(response.requestID ?? "nil")", sourceLocation: sourceLocation)
}
