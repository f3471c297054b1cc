import Synchronization

/// What a store that answers reads says of itself on `/health` (`docs/api.md` §1.1).
public enum StoreHealth: Sendable, Equatable {
    case ok
    /// Reads answer, but the last write failed for a reason that lasts until an operator acts (a
    /// full disk, a file system turned read-only), and no write has succeeded since. The reason is
    /// one line, free of secrets.
    case writesFailing(reason: String)
}

/// Remembers whether the store's writes are failing for a lasting reason, so that `/health` can
/// say so while reads still answer: set by the write that fails, cleared by the next that commits.
/// Both engines keep one; they decide which failures last.
public final class WriteHealth: Sendable {
    private let failing = Mutex<String?>(nil)
    /// Whether `failing` holds a reason, read without the lock on every committed write.
    private let anyFailing = Atomic(false)

    public init() {}

    public var health: StoreHealth {
        failing.withLock { reason in reason.map { .writesFailing(reason: $0) } ?? .ok }
    }

    public func writeCommitted() {
        guard anyFailing.load(ordering: .relaxed) else { return }
        failing.withLock { reason in
            reason = nil
            anyFailing.store(false, ordering: .relaxed)
        }
    }

    /// - Parameter reason: the store's one line on the failure; `/health` says `writes fail: <reason>`.
    public func writeFailed(reason: String) {
        failing.withLock { failing in
            failing = "writes fail: \(reason)"
            anyFailing.store(true, ordering: .relaxed)
        }
    }
}
