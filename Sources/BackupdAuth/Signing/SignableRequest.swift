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

    /// Every value of the header `name` (case-insensitive, ASCII, without allocating).
    public func values(of name: String) -> [String] {
        var found: [String] = []
        for header in headers where Self.sameName(header.name, name) {
            found.append(header.value)
        }
        return found
    }

    private static func sameName(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        return zip(a.utf8, b.utf8).allSatisfy { x, y in
            x == y || (x | 0x20 == y | 0x20 && (0x61...0x7A).contains(x | 0x20))
        }
    }
}
