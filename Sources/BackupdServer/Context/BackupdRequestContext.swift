public import Hummingbird

/// The context every request starts with: the request id the gateway assigns. Who the caller
/// is never lives here: the dispatcher authenticates, and backup operations receive a
/// `TenantCatalog`, which cannot exist without an identity.
public struct BackupdRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// 32 lower-case hex digits, new for each request, sent back as `X-Request-Id`.
    public let requestID: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = RequestIdentifier.next()
    }
}

/// Request ids: 32 lower-case hex digits from a UUIDv4 without dashes (`docs/api.md` §1.5).
enum RequestIdentifier {
    static func next() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
