import Foundation
import Synchronization

/// The content of one load, handed over one part at a time, so that a large load (`backupd
/// generate`) never sits in memory whole; a store writes all the parts of a load in one transaction.
/// `next()` is called from the store's writer, synchronously, until it answers `nil`.
public struct CatalogParts: Sendable {
    private let source: @Sendable () -> CatalogContent?

    public init(next: @escaping @Sendable () -> CatalogContent?) {
        self.source = next
    }

    /// The next part; `nil` once every part was handed over.
    public func next() -> CatalogContent? {
        source()
    }

    /// A load of one part.
    public static func one(_ content: CatalogContent) -> CatalogParts {
        let left = Mutex<CatalogContent?>(content)
        return CatalogParts { left.withLock { $0.take() } }
    }

    /// The parts `iterator` makes, each made when the store asks for it.
    public static func sequence<Parts: IteratorProtocol & Sendable>(_ iterator: Parts) -> CatalogParts
    where Parts.Element == CatalogContent {
        let parts = Mutex(iterator)
        return CatalogParts { parts.withLock { $0.next() } }
    }

    /// The parts `iterator` makes, each made on a thread of its own while the store writes the one
    /// before: making and writing overlap on two cores, and at most two parts are in memory at once.
    /// The thread ends with the last part, or when the load stops asking (the parts are released).
    public static func prefetching<Parts: IteratorProtocol & Sendable>(_ iterator: Parts) -> CatalogParts
    where Parts.Element == CatalogContent {
        let handle = PrefetchHandle(Prefetch(iterator))
        return CatalogParts { handle.prefetch.take() }
    }
}

/// Owned by the consumer only: when it goes, the producer is told to stop.
private final class PrefetchHandle: Sendable {
    let prefetch: any PrefetchTaking

    init(_ prefetch: any PrefetchTaking) {
        self.prefetch = prefetch
    }

    deinit {
        prefetch.abandon()
    }
}

private protocol PrefetchTaking: Sendable {
    func take() -> CatalogContent?
    func abandon()
}

/// One part made ahead: a producer thread fills the slot, the consumer empties it.
private final class Prefetch<Parts: IteratorProtocol & Sendable>: PrefetchTaking, @unchecked Sendable
where Parts.Element == CatalogContent {
    private let condition = NSCondition()
    // All guarded by `condition`; `iterator` is only used by the producer.
    private var slot: CatalogContent?
    private var finished = false
    private var started = false
    private var abandoned = false
    private var iterator: Parts

    init(_ iterator: Parts) {
        self.iterator = iterator
    }

    func take() -> CatalogContent? {
        condition.lock()
        defer { condition.unlock() }
        if !started {
            started = true
            Thread.detachNewThread { self.produce() }
        }
        while slot == nil && !finished { condition.wait() }
        let part = slot.take()
        condition.broadcast()
        return part
    }

    func abandon() {
        condition.lock()
        abandoned = true
        condition.broadcast()
        condition.unlock()
    }

    private func produce() {
        while true {
            let part = iterator.next()
            condition.lock()
            while slot != nil && !abandoned { condition.wait() }
            if abandoned {
                condition.unlock()
                return
            }
            if let part { slot = part } else { finished = true }
            condition.broadcast()
            condition.unlock()
            if part == nil { return }
        }
    }
}
