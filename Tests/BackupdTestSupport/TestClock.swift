public import BackupdCatalog
import Synchronization

/// A clock a test sets and moves, for token lifetimes, signature skew and lockouts.
public final class TestClock: Sendable {
    private let now: Mutex<Int64>

    /// - Parameter seconds: the starting time, seconds since the epoch.
    public init(seconds: Int64) {
        self.now = Mutex(seconds * 1_000_000)
    }

    public var seconds: Int64 { now.withLock { $0 / 1_000_000 } }

    public func advance(seconds: Int64) {
        now.withLock { $0 += seconds * 1_000_000 }
    }

    /// The server's view of this clock.
    public var wallClock: WallClock {
        WallClock { self.now.withLock { $0 } }
    }
}
