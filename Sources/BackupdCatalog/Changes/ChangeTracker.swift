public import Synchronization

/// What one node knows of the store's change log: the revision it has read it through, and for
/// every scope the last revision that touched it. A cached value read at revision `r` that
/// depends on scope `s` is fresh while no revision after `r` touched `s` (or everything).
///
/// It only ever learns more: `apply` takes any log read after a revision it had seen, in any
/// order, and keeps the latest revision per scope. Bounded: past `scopeLimit` scopes it forgets
/// them all and treats everything as changed at the revision it has seen.
public final class ChangeTracker: Sendable {
    @usableFromInline
    struct State {
        /// The revision the log has been read through.
        @usableFromInline var seen: UInt64
        /// The latest revision after which anything may have changed.
        @usableFromInline var everythingAt: UInt64
        @usableFromInline var changedAt: [ChangeScope: UInt64] = [:]
    }

    @usableFromInline let state: Mutex<State>
    /// The latest revision that touched any scope: a value read at or after it is fresh whatever
    /// it depends on, without a look at `changedAt` (the path of every request while nothing is written).
    @usableFromInline let lastChange: Atomic<UInt64>
    @usableFromInline let scopeLimit: Int

    /// - Parameter revision: the store's revision when the node starts; nothing was cached before.
    public init(revision: UInt64 = 0, scopeLimit: Int = 200_000) {
        state = Mutex(State(seen: revision, everythingAt: revision))
        lastChange = Atomic(revision)
        self.scopeLimit = scopeLimit
    }

    /// The revision the log has been read through.
    public var seen: UInt64 {
        state.withLock { $0.seen }
    }

    /// Learns what `log` says happened after the revision it was read after.
    public func apply(_ log: ChangeLog) {
        state.withLock { state in
            var latest = lastChange.load(ordering: .relaxed)
            if !log.isComplete {
                state.everythingAt = max(state.everythingAt, log.revision)
                state.changedAt.removeAll()
                latest = max(latest, log.revision)
            } else {
                for (revision, scope) in log.entries where revision > state.everythingAt {
                    if scope.kind == .everything {
                        state.everythingAt = revision
                    } else if state.changedAt[scope].map({ $0 < revision }) ?? true {
                        state.changedAt[scope] = revision
                    }
                    latest = max(latest, revision)
                }
                if state.changedAt.count > scopeLimit {
                    state.everythingAt = max(state.everythingAt, log.revision, state.seen)
                    state.changedAt.removeAll()
                }
            }
            state.seen = max(state.seen, log.revision)
            lastChange.store(latest, ordering: .releasing)
        }
    }

    /// Whether a value read at revision `readAt` that depends on `scopes` is still current.
    @inlinable
    public func isFresh(readAt: UInt64, _ scopes: some Sequence<ChangeScope>) -> Bool {
        if readAt >= lastChange.load(ordering: .acquiring) { return true }
        return state.withLock { state in
            guard readAt >= state.everythingAt else { return false }
            for scope in scopes where (state.changedAt[scope] ?? 0) > readAt {
                return false
            }
            return true
        }
    }
}
