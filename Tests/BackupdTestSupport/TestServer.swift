public import BackupdAPI
import BackupdAuth
public import BackupdCatalog
public import BackupdServer
public import HTTPTypes
public import Hummingbird
public import HummingbirdTesting
import Logging
import NIOCore

/// Builds the real application (the one `backupd serve` runs) on 127.0.0.1 and an ephemeral
/// port, over `store`, for `app.test(.router)` or `.live`.
public func makeTestApplication(
    store: any CatalogStore,
    configuration: ServerConfiguration = .testing()
) -> some ApplicationProtocol {
    var logger = Logger(label: "backupd-test")
    logger.logLevel = .warning
    return buildApplication(configuration: configuration, store: store, logger: logger)
}

extension ServerConfiguration {
    /// Loopback, an ephemeral port, the cheap test hasher, and `clock`.
    public static func testing(clock: WallClock = .system) -> ServerConfiguration {
        ServerConfiguration(host: "127.0.0.1", port: 0, clock: clock, passwordHasher: Fixtures.fastHasher)
    }
}

/// A response read into what tests assert on.
public struct TestResponse: Sendable {
    public let status: Int
    public let headers: HTTPFields
    public let body: String

    /// The value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        HTTPField.Name(name).flatMap { headers[$0] }
    }

    /// The `X-Request-Id` the server assigned.
    public var requestID: String? { header("X-Request-Id") }

    /// The body parsed, keeping key order and number kinds.
    public var json: JSONValue {
        get throws { try JSONValue(parsing: body) }
    }
}

/// How a test request proves who sends it.
public enum TestCredential: Sendable {
    /// The headers exactly as given: no credential added.
    case none
    /// An `SDK-HMAC-SHA256` signature as the official SDK makes it, with `X-Project-Id` when
    /// given, dated `signedAt` (seconds since the epoch; `nil`: the system clock).
    case accessKey(String, secret: String, projectID: String? = nil, signedAt: Int64? = nil)
    /// `X-Auth-Token`.
    case token(String)

    /// The example seed's users (`examples/seed.json`): alice may use every acme project,
    /// bob only acme's cn-north-4, carol is globex's.
    public static let alice = TestCredential.accessKey(Fixtures.Alice.access, secret: Fixtures.Alice.secret)
    public static let bob = TestCredential.accessKey(Fixtures.Bob.access, secret: Fixtures.Bob.secret)
    public static let carol = TestCredential.accessKey(Fixtures.Carol.access, secret: Fixtures.Carol.secret)

    /// `headers` with this credential's headers added, for a request to `target`.
    public func apply(
        method: HTTPRequest.Method,
        target: String,
        headers: HTTPFields,
        body: [UInt8]
    ) -> HTTPFields {
        switch self {
        case .none:
            return headers
        case .token(let token):
            var headers = headers
            headers.append(HTTPField(name: HTTPField.Name("X-Auth-Token")!, value: token))
            return headers
        case .accessKey(let access, let secret, let projectID, let signedAt):
            // The test frameworks send `Host: localhost`; the signature covers it.
            var request = SignableRequest(
                method: method.rawValue,
                target: target,
                headers: [(name: "Host", value: "localhost")] + headers.map { ($0.name.rawName, $0.value) },
                body: body
            )
            if headers[.contentType] == nil {
                request.headers.append((name: "Content-Type", value: "application/json"))
            }
            if let projectID {
                request.headers.append((name: "X-Project-Id", value: projectID))
            }
            SDKHMACSHA256.sign(&request, accessKey: access, secretKey: secret, date: signedAt ?? WallClock.system.seconds)
            var signed = HTTPFields()
            for (name, value) in request.headers.dropFirst() {
                signed.append(HTTPField(name: HTTPField.Name(name)!, value: value))
            }
            return signed
        }
    }
}

extension TestClientProtocol {
    /// Sends a request whose target (path and query) is used exactly as given, `+` and `%`
    /// included, signed by alice unless another credential is named.
    public func send(
        _ target: String,
        method: HTTPRequest.Method = .get,
        headers: HTTPFields = [:],
        body: [UInt8] = [],
        as credential: TestCredential = .alice
    ) async throws -> TestResponse {
        let headers = credential.apply(method: method, target: target, headers: headers, body: body)
        return try await execute(
            uri: target,
            method: method,
            headers: headers,
            body: body.isEmpty ? nil : ByteBuffer(bytes: body)
        ) { response in
            TestResponse(status: Int(response.status.code), headers: response.headers, body: String(buffer: response.body))
        }
    }
}
