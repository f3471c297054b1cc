public import Synchronization

/// Values read from the store, each kept with the revision it was read at and the scopes it
/// depends on, and served while the node's `ChangeTracker` says no later revision touched them.
/// A write to one instance leaves every other instance's entries in place, on every node.
///
/// Bounded: past `budget` units (entries or bytes) everything is dropped and filling starts again.
/// Inlinable: it is on the path of every request, from other modules, and unspecialized generic
/// code there would cost hashing and locking through witness tables.
public final class ScopedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    @usableFromInline
    struct Entry {
        @usableFromInline let value: Value
        @usableFromInline var readAt: UInt64
        @usableFromInline let scopes: ScopeList
        @usableFromInline let units: Int

        @usableFromInline
        init(value: Value, readAt: UInt64, scopes: ScopeList, units: Int) {
            self.value = value
            self.readAt = readAt
            self.scopes = scopes
            self.units = units
        }
    }

    @usableFromInline
    struct State {
        @usableFromInline var values: [Key: Entry] = [:]
        @usableFromInline var used = 0

        @usableFromInline
        init() {}
    }

    @usableFromInline let state: Mutex<State>
    @usableFromInline let tracker: ChangeTracker
    @usableFromInline let budget: Int
    @usableFromInline let cost: @Sendable (Key, Value) -> Int
    @usableFromInline let counters: CacheCounters?

    /// - Parameters:
    ///   - tracker: the node's knowledge of the change log, which decides what is fresh.
    ///   - budget: the most units kept at once.
    ///   - counters: where hits and misses are counted, if anywhere.
    ///   - cost: the units one entry uses (1 by default). A key made of what a request sent (an id
    ///     in its path, a query) must count too: a client can make it as long as it likes.
    @inlinable
    public init(
        tracker: ChangeTracker,
        budget: Int,
        counters: CacheCounters? = nil,
        cost: @escaping @Sendable (Key, Value) -> Int = { _, _ in 1 }
    ) {
        self.state = Mutex(State())
        self.tracker = tracker
        self.budget = budget
        self.counters = counters
        self.cost = cost
    }

    /// The value cached for `key`, if nothing it depends on changed since it was read.
    @inlinable
    public func value(for key: Key) -> Value? {
        value(for: key) { _ in true }
    }

    /// The value cached for `key`, if nothing it depends on changed since it was read and it is
    /// still `current` by a measure of its own (an answer's expiry on the clock); else a miss.
    @inlinable
    public func value(for key: Key, current: (Value) -> Bool) -> Value? {
        let found = state.withLock { state -> Value? in
            guard let entry = state.values[key] else { return nil }
            guard tracker.isFresh(readAt: entry.readAt, entry.scopes), current(entry.value) else {
                state.values[key] = nil
                state.used -= entry.units
                return nil
            }
            return entry.value
        }
        counters?.count(hit: found != nil)
        return found
    }

    /// Keeps `value`, read after the store showed `revision`, depending on `scopes` (and on
    /// `everything`, which every entry depends on).
    @inlinable
    public func keep(_ value: Value, for key: Key, readAt revision: UInt64, scopes: ScopeList) {
        guard tracker.isFresh(readAt: revision, scopes) else { return }
        let units = cost(key, value)
        guard units <= budget else { return }
        state.withLock { state in
            if state.used + units > budget {
                state.values.removeAll(keepingCapacity: true)
                state.used = 0
            }
            if let old = state.values.updateValue(Entry(value: value, readAt: revision, scopes: scopes, units: units), forKey: key) {
                state.used -= old.units
            }
            state.used += units
        }
    }
}

/// How often a cache answered from memory and how often it had to read: what tests of
/// freshness and of what a write leaves cached look at.
public final class CacheCounters: Sendable {
    private let hitCount = Atomic(0)
    private let missCount = Atomic(0)

    public init() {}

    public var hits: Int { hitCount.load(ordering: .relaxed) }
    public var misses: Int { missCount.load(ordering: .relaxed) }

    @inlinable
    public func count(hit: Bool) {
        if hit { countHit() } else { countMiss() }
    }

    @usableFromInline func countHit() { hitCount.add(1, ordering: .relaxed) }
    @usableFromInline func countMiss() { missCount.add(1, ordering: .relaxed) }
}

/// The scopes one cached value depends on: one or two inline (a lookup), more in an array (an
/// answer that read several lookups), so that a lookup's key makes no allocation.
public struct ScopeList: Sendable, Sequence {
    @usableFromInline let first: ChangeScope?
    @usableFromInline let second: ChangeScope?
    @usableFromInline let rest: [ChangeScope]

    @inlinable
    public init(_ first: ChangeScope, _ second: ChangeScope? = nil) {
        self.first = first
        self.second = second
        self.rest = []
    }

    @inlinable
    public init(_ scopes: [ChangeScope]) {
        self.first = nil
        self.second = nil
        self.rest = scopes
    }

    @inlinable
    public func makeIterator() -> Iterator {
        Iterator(list: self)
    }

    public struct Iterator: IteratorProtocol {
        @usableFromInline let list: ScopeList
        @usableFromInline var position = 0

        @inlinable
        init(list: ScopeList) {
            self.list = list
        }

        @inlinable
        public mutating func next() -> ChangeScope? {
            while position < 2 {
                position += 1
                if let scope = position == 1 ? list.first : list.second { return scope }
            }
            let index = position - 2
            guard index < list.rest.count else { return nil }
            position += 1
            return list.rest[index]
        }
    }
}
