import BackupdAPI
import BackupdAuth
import BackupdCatalog
import BackupdTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

// Helpers shared by the route suites of this target: a server over the example seed,
// the error envelopes of api.md §1.6, and readers for list bodies.

typealias Acme = Fixtures.Acme
typealias Globex = Fixtures.Globex

/// The content type every response carries (api.md §1.5).
let jsonContentType = "application/json;charset=UTF-8"

/// A project id that exists in no domain of the example seed.
let unknownProject = "ffffffffffffffffffffffffffffffff"

/// Runs `body` against the real application over a fresh store holding the example seed.
func withExampleServer<T: Sendable>(
    _ body: @Sendable (any TestClientProtocol) async throws -> T
) async throws -> T {
    try await withServer(store: try await Fixtures.exampleStore(), body)
}

/// Runs `body` against the real application over `store`.
func withServer<T: Sendable>(
    store: any CatalogStore,
    _ body: @Sendable (any TestClientProtocol) async throws -> T
) async throws -> T {
    let app = makeTestApplication(store: store)
    return try await app.test(.router, body)
}

/// The example store with `extra` (a seed document naming instances of the example seed
/// or its own) loaded on top.
func exampleStore(adding extra: String) async throws -> any CatalogStore {
    let store = try await Fixtures.exampleStore()
    try await Fixtures.load(extra, into: store)
    return store
}

// MARK: - Expected bodies

enum Expected {
    /// `{"error_code", "error_msg"}`: RDS, TaurusDB, DDM.
    static func service(_ code: String, _ message: String) -> JSONValue {
        .object([("error_code", .string(code)), ("error_msg", .string(message))])
    }

    /// `{"error_code", "error_msg", "error_ext_msg": null}`: DCS.
    static func dcs(_ code: String, _ message: String) -> JSONValue {
        .object([("error_code", .string(code)), ("error_msg", .string(message)), ("error_ext_msg", .null)])
    }

    /// `{"error_code", "error_msg", "request_id"}`: the gateway.
    static func gateway(_ code: String, _ message: String, requestID: String) -> JSONValue {
        .object([("error_code", .string(code)), ("error_msg", .string(message)), ("request_id", .string(requestID))])
    }

    static let routeNotFoundMessage = "The API does not exist or has not been published in the environment."
    static let notAuthorizedMessage = "The IAM user is not authorized to access the API."

    /// RDS parameter error, `DBS.200001`.
    static func rds(_ message: String) -> JSONValue { service("DBS.200001", message) }
    /// TaurusDB parameter error, `DBS.280001`.
    static func taurus(_ message: String) -> JSONValue { service("DBS.280001", message) }
    /// DCS `DCS.4800 Invalid <name> in the request.`
    static func dcsInvalid(_ name: String) -> JSONValue { dcs("DCS.4800", "Invalid \(name) in the request.") }

    static let instanceNotFound = service("DBS.200002", "The DB instance does not exist.")
    static let backupNotFound = service("DBS.201010", "The backup information does not exist.")
    static let dcsInstanceNotFound = dcs("DCS.3022", "This DCS instance does not exist.")
    static let dcsEndNotAfterBegin = dcs("DCS.4025", "The end time must be after the start time.")
}

// MARK: - Assertions

/// Whether `value` is 32 lower-case hex digits (api.md §1.5).
func isRequestID(_ value: String?) -> Bool {
    guard let value else { return false }
    return value.utf8.count == 32
        && value.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
}

/// The headers every response carries (api.md §1.5).
func expectStandardHeaders(_ response: BackupdTestSupport.TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(response.header("Content-Type") == jsonContentType, sourceLocation: sourceLocation)
    #expect(isRequestID(response.requestID), "X-Request-Id: \(response.requestID ?? "nil")", sourceLocation: sourceLocation)
}

/// Status, standard headers and the whole body (keys, order, number kinds).
func expectResponse(
    _ response: BackupdTestSupport.TestResponse,
    status: Int,
    body expected: JSONValue,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == status, "body: \(response.body)", sourceLocation: sourceLocation)
    expectStandardHeaders(response, sourceLocation: sourceLocation)
    let actual = try? response.json
    #expect(actual == expected, "body: \(response.body)", sourceLocation: sourceLocation)
}

/// Status, standard headers and the whole body given as JSON text.
func expectResponse(
    _ response: BackupdTestSupport.TestResponse,
    status: Int,
    json expected: String,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    expectResponse(response, status: status, body: try JSONValue(parsing: expected), sourceLocation: sourceLocation)
}

/// The gateway's 404 `APIGW.0101`, carrying the response's own request id.
func expectRouteNotFound(_ response: BackupdTestSupport.TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
    expectResponse(
        response,
        status: 404,
        body: Expected.gateway("APIGW.0101", Expected.routeNotFoundMessage, requestID: response.requestID ?? "?"),
        sourceLocation: sourceLocation
    )
}

/// The gateway's 403 `APIGW.0302`, carrying the response's own request id.
func expectNotAuthorized(_ response: BackupdTestSupport.TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
    expectResponse(
        response,
        status: 403,
        body: Expected.gateway("APIGW.0302", Expected.notAuthorizedMessage, requestID: response.requestID ?? "?"),
        sourceLocation: sourceLocation
    )
}

// MARK: - Reading list bodies

extension JSONValue {
    var arrayValue: [JSONValue]? {
        if case .array(let values) = self { values } else { nil }
    }

    var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    var integerValue: Int64? {
        if case .integer(let value) = self { value } else { nil }
    }

    /// The member names of an object, in order.
    var keys: [String]? {
        if case .object(let members) = self { members.map(\.key) } else { nil }
    }
}

/// A list response read into what paging tests compare.
struct ListPage: Sendable, Equatable {
    var ids: [String]
    var total: Int64?
}

extension BackupdTestSupport.TestResponse {
    /// The `idKey` of each element of `listKey`, and the total under `totalKey`.
    func page(
        list listKey: String = "backups",
        id idKey: String = "id",
        total totalKey: String = "total_count"
    )
        throws -> ListPage
    {
        let json = try self.json
        let items = try #require(json[listKey]?.arrayValue, "no \(listKey) array in \(body)")
        return ListPage(ids: items.map { $0[idKey]?.stringValue ?? "?" }, total: json[totalKey]?.integerValue)
    }

    /// The elements of the list under `listKey`.
    func items(_ listKey: String = "backups") throws -> [JSONValue] {
        try #require(try json[listKey]?.arrayValue, "no \(listKey) array in \(body)")
    }
}

// MARK: - Targets

/// Request targets of each route, with the query appended as given (raw).
enum Target {
    static func rdsList(_ query: String, project: String = Acme.cnNorth4) -> String {
        "/v3/\(project)/backups" + (query.isEmpty ? "" : "?" + query)
    }

    static func offsite(_ query: String, project: String = Acme.cnNorth4) -> String {
        "/v3/\(project)/offsite-backups" + (query.isEmpty ? "" : "?" + query)
    }

    static func taurus(
        _ query: String,
        instance: String = Acme.taurusInstance,
        project: String = Acme.cnEast3
    )
        -> String
    {
        "/v3/\(project)/instances/\(instance)/incremental-backups" + (query.isEmpty ? "" : "?" + query)
    }

    static func dcsV1(
        _ query: String,
        instance: String = Acme.redisInstance,
        project: String = Acme.cnNorth4
    )
        -> String
    {
        "/v1.0/\(project)/instances/\(instance)/backups" + (query.isEmpty ? "" : "?" + query)
    }

    static func dcsV2(
        _ query: String,
        instance: String = Acme.redisInstance,
        project: String = Acme.cnNorth4
    )
        -> String
    {
        "/v2/\(project)/instances/\(instance)/backups" + (query.isEmpty ? "" : "?" + query)
    }

    static func ddm(
        backup: String,
        instance: String = Acme.ddmInstance,
        project: String = Acme.apSoutheast3,
        query: String = ""
    ) -> String {
        "/v3/\(project)/instances/\(instance)/backups/\(backup)" + (query.isEmpty ? "" : "?" + query)
    }
}

/// A case of a parameterized request table: a target and the answer it must get.
struct RequestCase: Sendable, CustomTestStringConvertible {
    let name: String
    let target: String
    let status: Int
    let body: JSONValue
    /// Who sends it: alice, who may use every acme project, unless the case says otherwise.
    let credential: TestCredential

    init(_ name: String, _ target: String, _ status: Int, _ body: JSONValue, as credential: TestCredential = .alice) {
        self.name = name
        self.target = target
        self.status = status
        self.body = body
        self.credential = credential
    }

    var testDescription: String { name }
}

// MARK: - Grammar tables (api.md §1.3, §1.8)

/// A raw query value (as it appears in the target) and what it shows.
struct RawValue: Sendable, CustomTestStringConvertible {
    let name: String
    let raw: String

    init(_ name: String, _ raw: String) {
        self.name = name
        self.raw = raw
    }

    var testDescription: String { "\(name) [\(raw)]" }
}

enum Grammar {
    /// Values that are not an integer of api.md §1.3 (any range).
    static let nonIntegers: [RawValue] = [
        RawValue("negative", "-1"),
        RawValue("literal plus sign", "+1"),
        RawValue("encoded plus sign", "%2B1"),
        RawValue("decimal point", "1.0"),
        RawValue("leading blank", "%201"),
        RawValue("trailing blank", "1%20"),
        RawValue("leading tab", "%091"),
        RawValue("2^31", "2147483648"),
        RawValue("2^32+1 (wraps to 1 in 32 bits)", "4294967297"),
        RawValue("2^64+1 (wraps to 1 in 64 bits)", "18446744073709551617"),
        RawValue("twenty nines", "99999999999999999999"),
        RawValue("exponent", "1e2"),
        RawValue("hexadecimal", "0x10"),
        RawValue("underscore", "1_0"),
        RawValue("word", "ten"),
        RawValue("Arabic-Indic digits", "%D9%A1%D9%A0"),
        RawValue("fullwidth digit", "%EF%BC%91"),
        RawValue("NUL after digit", "1%00"),
    ]

    /// Values that break the `yyyy-mm-ddThh:mm:ssZ` grammar of api.md §1.8.
    static let malformedOffsetTimes: [RawValue] = [
        RawValue("colon in offset", "2018-08-06T10:41:14+08:00"),
        RawValue("encoded colon in offset", "2018-08-06T10:41:14%2B08%3A00"),
        RawValue("fractional seconds", "2018-08-06T10:41:14.000+0800"),
        RawValue("lower-case t", "2018-08-06t10:41:14+0800"),
        RawValue("lower-case z", "2018-08-06T10:41:14z"),
        RawValue("no offset", "2018-08-06T10:41:14"),
        RawValue("space for T", "2018-08-06%2010:41:14+0800"),
        RawValue("February 30", "2018-02-30T10:41:14+0800"),
        RawValue("February 29 of a common year", "2019-02-29T10:41:14+0800"),
        RawValue("February 29 of 1900", "1900-02-29T10:41:14+0800"),
        RawValue("April 31", "2018-04-31T10:41:14+0800"),
        RawValue("month 13", "2018-13-06T10:41:14+0800"),
        RawValue("month 00", "2018-00-06T10:41:14+0800"),
        RawValue("day 00", "2018-08-00T10:41:14+0800"),
        RawValue("hour 24", "2018-08-06T24:00:00+0800"),
        RawValue("minute 60", "2018-08-06T10:60:14+0800"),
        RawValue("leap second", "2016-12-31T23:59:60Z"),
        RawValue("offset hour 24", "2018-08-06T10:41:14+2400"),
        RawValue("offset minute 60", "2018-08-06T10:41:14+0060"),
        RawValue("short offset", "2018-08-06T10:41:14+08"),
        RawValue("long offset", "2018-08-06T10:41:14+08000"),
        RawValue("offset and Z", "2018-08-06T10:41:14+0800Z"),
        RawValue("trailing newline", "2018-08-06T10:41:14+0800%0A"),
        RawValue("leading blank", "%202018-08-06T10:41:14+0800"),
        RawValue("one-digit month", "2018-8-06T10:41:14+0800"),
        RawValue("Arabic-Indic year", "%D9%A2%D9%A0%D9%A1%D9%A8-08-06T10:41:14+0800"),
        RawValue("slashes", "2018/08/06T10:41:14+0800"),
        RawValue("zone name", "2018-08-06T10:41:14UTC"),
        RawValue("epoch seconds", "1533523274"),
        RawValue("date only", "2018-08-06"),
        RawValue("DCS compact form", "20180806104114"),
    ]
}

// MARK: - Authentication (auth.md)

/// 2024-03-01T08:00:00Z, the issue time of auth.md §2.5's example, in seconds since the epoch.
let exampleIssueTime: Int64 = 1_709_280_000

/// Runs `body` against the real application over `store`, whose clock is `clock`.
func withServer<T: Sendable>(
    store: any CatalogStore,
    clock: TestClock,
    _ body: @Sendable (any TestClientProtocol) async throws -> T
) async throws -> T {
    let app = makeTestApplication(store: store, configuration: .testing(clock: clock.wallClock))
    return try await app.test(.router, body)
}

/// A user of the example seed with everything a test needs to authenticate as it.
struct ExampleUser: Sendable, CustomTestStringConvertible {
    let name: String
    let password: String
    let access: String
    let secret: String
    let domainName: String
    let domainID: String

    static let alice = ExampleUser(
        name: Fixtures.Alice.name,
        password: Fixtures.Alice.password,
        access: Fixtures.Alice.access,
        secret: Fixtures.Alice.secret,
        domainName: "acme",
        domainID: Acme.domainID
    )
    static let bob = ExampleUser(
        name: Fixtures.Bob.name,
        password: Fixtures.Bob.password,
        access: Fixtures.Bob.access,
        secret: Fixtures.Bob.secret,
        domainName: "acme",
        domainID: Acme.domainID
    )
    static let carol = ExampleUser(
        name: Fixtures.Carol.name,
        password: Fixtures.Carol.password,
        access: Fixtures.Carol.access,
        secret: Fixtures.Carol.secret,
        domainName: "globex",
        domainID: Globex.domainID
    )

    var testDescription: String { name }

    /// Signed with this user's AK as the SDK signs, dated `seconds` (the server's clock in these tests).
    func signing(at seconds: Int64, projectID: String? = nil) -> TestCredential {
        .accessKey(access, secret: secret, projectID: projectID, signedAt: seconds)
    }

    /// The body of `POST /v3/auth/tokens` (auth.md §2.1). `scope` is the JSON of `auth.scope`
    /// (`nil`: none), `domain` that of `user.domain` (default: by name).
    func tokenRequest(password: String? = nil, domain: String? = nil, scope: String?) -> [UInt8] {
        let user = """
            {"name": \(jsonString(name)), "password": \(jsonString(password ?? self.password)), \
            "domain": \(domain ?? "{\"name\": \(jsonString(domainName))}")}
            """
        let scopeMember = scope.map { ", \"scope\": \($0)" } ?? ""
        return Array(#"{"auth": {"identity": {"methods": ["password"], "password": {"user": \#(user)}}\#(scopeMember)}}"#.utf8)
    }
}

/// `text` as a JSON string literal (the test texts need no escapes beyond quotes and backslashes).
func jsonString(_ text: String) -> String {
    "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
}

/// JSON of `auth.scope` (auth.md §2.1).
enum ScopeJSON {
    static func project(id: String) -> String { #"{"project": {"id": "\#(id)"}}"# }
    static func project(name: String) -> String { #"{"project": {"name": "\#(name)"}}"# }
    static func domain(id: String) -> String { #"{"domain": {"id": "\#(id)"}}"# }
    static func domain(name: String) -> String { #"{"domain": {"name": "\#(name)"}}"# }
}

extension TestClientProtocol {
    /// `POST /v3/auth/tokens` for `user`: the token, after checking the answer is a 201.
    func issueToken(
        _ user: ExampleUser,
        scope: String?,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let response = try await send(
            "/v3/auth/tokens",
            method: .post,
            headers: [.contentType: "application/json;charset=utf8"],
            body: user.tokenRequest(scope: scope),
            as: .none
        )
        #expect(response.status == 201, "body: \(response.body)", sourceLocation: sourceLocation)
        return try #require(response.header("X-Subject-Token"), sourceLocation: sourceLocation)
    }
}

/// Headers of a request signed by hand (auth.md §4.3–4.4), for what `TestCredential` does not
/// let a test choose: the `Host` signed, the raw `X-Sdk-Date`, the `SignedHeaders` list. The
/// result is sent with `as: .none`; it holds every header but `Host`, which the test client
/// sends as `localhost`.
/// - Parameter signedHeaders: `nil` signs every header, lower-cased and sorted, as the SDK does.
func handSigned(
    _ target: String,
    method: HTTPRequest.Method = .get,
    host: String = "localhost",
    headers: [(name: String, value: String)] = [(name: "Content-Type", value: "application/json")],
    body: [UInt8] = [],
    date: String,
    signedHeaders: [String]? = nil,
    access: String = Fixtures.Alice.access,
    secret: String = Fixtures.Alice.secret
) -> HTTPFields {
    let sent = headers + [(name: "X-Sdk-Date", value: date)]
    let request = SignableRequest(
        method: method.rawValue,
        target: target,
        headers: [(name: "Host", value: host)] + sent,
        body: body
    )
    let names = signedHeaders ?? Set(request.headers.map { $0.name.lowercased() }).sorted()
    // Every name signed here is present once, so canonicalisation cannot fail.
    let authorization = try! SDKHMACSHA256.authorization(for: request, accessKey: access, secretKey: secret, signedHeaders: names)
    var fields = HTTPFields()
    for (name, value) in sent {
        fields.append(HTTPField(name: HTTPField.Name(name)!, value: value))
    }
    fields.append(HTTPField(name: .authorization, value: authorization))
    return fields
}

/// `yyyyMMddTHHmmssZ` of `seconds`, as `X-Sdk-Date` carries it.
func sdkDate(_ seconds: Int64) -> String {
    SignatureVerifier.formatSDKDate(seconds)
}

extension Expected {
    /// The gateway's 401 `APIGW.0301` with one of the texts of auth.md §4.6.
    static func authenticationFailed(_ detail: String, requestID: String) -> JSONValue {
        gateway("APIGW.0301", "Incorrect IAM authentication information: " + detail, requestID: requestID)
    }

    /// Keystone's `{"error": {"code", "message", "title"}}` (auth.md §2.4).
    static func keystone(_ code: Int64, _ title: String, _ message: String) -> JSONValue {
        .object([("error", .object([("code", .integer(code)), ("message", .string(message)), ("title", .string(title))]))])
    }

    static let keystoneBadRequest = keystone(400, "Bad Request", "Request body is invalid.")
    static let keystoneUnauthorized = keystone(401, "Unauthorized", "The request you have made requires authentication.")

    static let noCredential = "x-auth-token not found"
    static let badSignature = "verify aksk signature fail"
    static let unknownToken = "decrypt token fail"
    static func unknownAccessKey(_ access: String) -> String { "Get secretKey failed,ak:\(access),err:ak not exist" }
    static func tokenExpired(_ expiresAt: String) -> String { "token expires, expires_at: \(expiresAt)" }
    static func clockSkew(signedAt: String, serverTime: String) -> String {
        "signature expired, signature time:\(signedAt),server time:\(serverTime)"
    }
}

/// The gateway's 401 with `detail` (auth.md §4.6), carrying the response's own request id.
func expectAuthenticationFailure(
    _ response: BackupdTestSupport.TestResponse,
    _ detail: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectResponse(
        response,
        status: 401,
        body: Expected.authenticationFailed(detail, requestID: response.requestID ?? "?"),
        sourceLocation: sourceLocation
    )
}

/// The headers of every IAM answer (auth.md §2.2, §6): the standard ones and `X-IAM-Trace-Id`
/// equal to `X-Request-Id`.
func expectIAMHeaders(_ response: BackupdTestSupport.TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
    expectStandardHeaders(response, sourceLocation: sourceLocation)
    #expect(response.header("X-IAM-Trace-Id") != nil, "no X-IAM-Trace-Id", sourceLocation: sourceLocation)
    #expect(response.header("X-IAM-Trace-Id") == response.requestID, sourceLocation: sourceLocation)
}

/// An IAM answer: status, IAM headers and the whole body.
func expectIAMResponse(
    _ response: BackupdTestSupport.TestResponse,
    status: Int,
    body expected: JSONValue,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectResponse(response, status: status, body: expected, sourceLocation: sourceLocation)
    expectIAMHeaders(response, sourceLocation: sourceLocation)
}
