/// A request as it travels on the wire, which is what a signature covers: the raw request
/// target (path and query exactly as sent), the header values as received, and the body bytes.
public struct SignableRequest: Sendable {
    public var method: String
    /// Path and query as sent, e.g. `/v3/p/backups?limit=10`; never decoded or normalised.
    public var target: String
    /// Every header in the order received; names compare case-insensitively.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, target: String, headers: [(name: String, value: String)], body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// Every value of the header `name` (case-insensitive).
    public func values(of name: String) -> [String] {
        let lowered = name.lowercased()
        return headers.filter { $0.name.lowercased() == lowered }.map(\.value)
    }
}
