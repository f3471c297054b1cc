public import BackupdAPI
public import BackupdCatalog
public import BackupdServer
public import HTTPTypes
public import Hummingbird
public import HummingbirdTesting
import Logging
import NIOCore

/// Builds the real application (the one `backupd serve` runs) on 127.0.0.1 and an ephemeral
/// port, over `store`, for `app.test(.router)` or `.live`.
public func makeTestApplication(store: any CatalogStore) -> some ApplicationProtocol {
    var logger = Logger(label: "backupd-test")
    logger.logLevel = .warning
    return buildApplication(configuration: ServerConfiguration(host: "127.0.0.1", port: 0), store: store, logger: logger)
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

extension TestClientProtocol {
    /// Sends a request whose target (path and query) is used exactly as given, `+` and `%` included.
    public func send(
        _ target: String,
        method: HTTPRequest.Method = .get,
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        try await execute(uri: target, method: method, headers: headers, body: nil) { response in
            TestResponse(status: Int(response.status.code), headers: response.headers, body: String(buffer: response.body))
        }
    }
}
