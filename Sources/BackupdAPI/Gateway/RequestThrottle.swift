public import BackupdCatalog
import Synchronization

/// The gateway's per-credential request-rate limit (`docs/api.md` §1.11): a token bucket per
/// access key and per token, `rate` requests a second with up to `burst` at once. Off unless a
/// server is given a limit. The buckets live in this process: each node counts its own requests.
public final class RequestThrottle: Sendable {
    /// How many requests a credential may send.
    public struct Limit: Sendable, Hashable {
        /// Requests a second, on average.
        public let rate: Int
        /// Requests at once, after a quiet spell.
        public let burst: Int

        public init(rate: Int, burst: Int? = nil) {
            self.rate = max(1, rate)
            self.burst = max(1, burst ?? rate)
        }
    }

    private struct Bucket {
        var tokens: Double
        /// Microseconds since the epoch.
        var updated: Int64
    }

    /// Past this many buckets, the full ones (credentials quiet long enough to have refilled) are
    /// dropped, so that memory stays bounded however many credentials call.
    static let pruningThreshold = 10_000

    private struct State {
        var buckets: [String: Bucket] = [:]
        /// The count at which the next pruning runs: twice what the last one kept, at least the
        /// threshold, so that many busy credentials do not make every request scan them all.
        var pruneAt = RequestThrottle.pruningThreshold
    }

    public let limit: Limit
    private let state = Mutex(State())
    private let clock: WallClock

    /// - Parameter clock: the server's clock (that of token lifetimes and signature skew), which
    ///   tests set. A step back refills nothing; a step forward refills at most to the burst.
    public init(limit: Limit, clock: WallClock = .system) {
        self.limit = limit
        self.clock = clock
    }

    /// Takes one request from `credential`'s bucket now. - Returns: `false` when it is empty.
    /// - Parameter credential: `ak:<access key>` or `token:<digest>`, never a secret.
    public func admit(_ credential: String) -> Bool {
        admit(credential, atMicroseconds: clock.microseconds)
    }

    /// Takes one request from `credential`'s bucket at `now`, microseconds since the epoch.
    func admit(_ credential: String, atMicroseconds now: Int64) -> Bool {
        let rate = Double(limit.rate)
        let burst = Double(limit.burst)
        return state.withLock { state in
            var bucket = state.buckets[credential] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + Self.seconds(now - bucket.updated) * rate)
            bucket.updated = max(bucket.updated, now)
            let admitted = bucket.tokens >= 1
            if admitted { bucket.tokens -= 1 }
            state.buckets[credential] = bucket
            if state.buckets.count > state.pruneAt {
                state.buckets = state.buckets.filter { $0.value.tokens + Self.seconds(now - $0.value.updated) * rate < burst }
                state.pruneAt = max(Self.pruningThreshold, 2 * state.buckets.count)
            }
            return admitted
        }
    }

    /// How many buckets are kept (for tests of the pruning).
    var bucketCount: Int { state.withLock { $0.buckets.count } }

    private static func seconds(_ microseconds: Int64) -> Double {
        max(0, Double(microseconds) / 1e6)
    }
}
