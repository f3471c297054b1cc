import Foundation

/// The time of day as the server sees it, injected wherever a rule depends on it (token
/// lifetimes, signature clock skew, lockouts), so that tests can pin and move it.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Int64

    /// - Parameter microsecondsSinceEpoch: reads the current time.
    public init(microsecondsSinceEpoch: @escaping @Sendable () -> Int64) {
        self.read = microsecondsSinceEpoch
    }

    /// The system's clock.
    public static let system = WallClock {
        Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down))
    }

    /// Microseconds since 1970-01-01T00:00:00Z.
    public var microseconds: Int64 { read() }

    /// Milliseconds since the epoch, rounded down: what the catalog clock runs from.
    public var milliseconds: Int64 {
        let now = read()
        return now >= 0 ? now / 1000 : (now - 999) / 1000
    }

    /// Whole seconds since the epoch, rounded down.
    public var seconds: Int64 {
        let now = read()
        return now >= 0 ? now / 1_000_000 : (now - 999_999) / 1_000_000
    }
}
