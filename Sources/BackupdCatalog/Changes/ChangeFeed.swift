import Synchronization

/// A node's view of the store's change log: the revision a request reads at, with the node's
/// `ChangeTracker` brought up to it first. Every cache above the store checks its entries against
/// this tracker, so a write invalidates only what it touched, on every node.
///
/// A request calls `revision()` before anything it reads or caches. The store's revision (one
/// cheap read) is committed before that call returns; the tracker then knows every change up to
/// it, so a value read after the call and kept at that revision goes stale exactly when a later
/// revision touches what it depends on. Reading the log is shared: requests that find the
/// tracker behind while a read is under way wait for it rather than read it again.
public final class ChangeFeed: Sendable {
    public let tracker = ChangeTracker()
    private let store: any ChangeMarking
    private let reading = Mutex<Task<Void, any Error>?>(nil)

    public init(store: any ChangeMarking) {
        self.store = store
    }

    /// The store's current revision, with the tracker knowing every change through it.
    public func revision() async throws -> UInt64 {
        let revision = try await store.changeMarker()
        // A log read that started before `revision` was committed may end short of it: then again.
        for _ in 0..<3 where tracker.seen < revision {
            try await catchUp()
        }
        if tracker.seen < revision {
            // A store whose log lags its revision: nothing cached can be trusted then.
            tracker.apply(ChangeLog(revision: revision, entries: [], isComplete: false))
        }
        return revision
    }

    /// Reads the log after what the tracker has seen, or waits for the read under way.
    private func catchUp() async throws {
        let task = reading.withLock { current in
            if let current { return current }
            let started = Task { [store, tracker] in
                defer { self.reading.withLock { $0 = nil } }
                tracker.apply(try await store.changes(after: tracker.seen))
            }
            current = started
            return started
        }
        try await task.value
    }
}
