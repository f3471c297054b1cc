/// The consecutive signature failures of one access key and the lock they lead to
/// (`docs/auth.md` §4.5): after `LockoutPolicy.threshold` failures in a row the key is refused for
/// `LockoutPolicy.duration` seconds from the last of them, even with a right signature.
/// Refusals during the lock neither count nor extend it; when it runs out the count starts
/// again at 0; a success resets it. Kept in the store, so every node sees the same lock.
public struct SignatureLockout: Sendable, Hashable {
    public var consecutiveFailures: Int
    /// Seconds since the epoch; the key is locked while the clock reads less than this.
    public var lockedUntil: Int64?

    public init(consecutiveFailures: Int = 0, lockedUntil: Int64? = nil) {
        self.consecutiveFailures = consecutiveFailures
        self.lockedUntil = lockedUntil
    }

    /// No failure recorded.
    public static let clear = SignatureLockout()

    public func isLocked(at now: Int64) -> Bool {
        lockedUntil.map { now < $0 } ?? false
    }

    /// Whether a success has anything to reset (so a correct request writes nothing otherwise).
    public var needsReset: Bool {
        consecutiveFailures > 0 || lockedUntil != nil
    }

    /// The state after one more signature failure at `now`.
    public func recordingFailure(at now: Int64, policy: LockoutPolicy) -> SignatureLockout {
        if isLocked(at: now) { return self }
        // A lock that ran out starts the count again.
        let failures = (lockedUntil == nil ? consecutiveFailures : 0) + 1
        if failures >= policy.threshold {
            return SignatureLockout(consecutiveFailures: failures, lockedUntil: now + policy.duration)
        }
        return SignatureLockout(consecutiveFailures: failures, lockedUntil: nil)
    }
}

/// How many signature failures lock an access key, and for how long.
public struct LockoutPolicy: Sendable, Hashable {
    public var threshold: Int
    /// Seconds.
    public var duration: Int64

    public init(threshold: Int, duration: Int64) {
        self.threshold = threshold
        self.duration = duration
    }

    /// The gateway's: five failures, five minutes (`docs/auth.md` §4.5).
    public static let gateway = LockoutPolicy(threshold: 5, duration: 300)
}
