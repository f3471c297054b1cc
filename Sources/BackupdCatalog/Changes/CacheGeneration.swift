public import Synchronization

/// Values read from the store while it showed one change marker, dropped as a whole when the
/// marker changes. A value is only served to, and only kept from, a reader who saw the same
/// marker, and readers read the marker before the value: so nothing cached can be older than
/// the last write any reader has seen (`ChangeMarking.changeMarker`). Bounded: past
/// `budget` units (entries or bytes) everything is dropped and filling starts again.
///
/// Inlinable: it is on the path of every request, from other modules (the response cache, the
/// lookup cache, the order index), and unspecialized generic code there would cost hashing and
/// locking through witness tables.
public final class CacheGeneration<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    @usableFromInline
    struct State {
        @usableFromInline var marker: UInt64?
        @usableFromInline var values: [Key: Value] = [:]
        @usableFromInline var used = 0

        @usableFromInline
        init(marker: UInt64? = nil) {
            self.marker = marker
        }
    }

    @usableFromInline let state: Mutex<State>
    @usableFromInline let budget: Int
    @usableFromInline let cost: @Sendable (Value) -> Int

    /// - Parameters:
    ///   - budget: the most units kept at once.
    ///   - cost: the units one value uses (1 per entry by default).
    @inlinable
    public init(budget: Int, cost: @escaping @Sendable (Value) -> Int = { _ in 1 }) {
        self.state = Mutex(State())
        self.budget = budget
        self.cost = cost
    }

    /// The value cached for `key` under `marker`, if any.
    @inlinable
    public func value(for key: Key, marker: UInt64) -> Value? {
        state.withLock { state in
            guard state.marker == marker else { return nil }
            return state.values[key]
        }
    }

    /// Keeps `value`, read after the store showed `marker`. A newer marker seen by someone
    /// else since makes this value unfit, so it is then not kept.
    @inlinable
    public func keep(_ value: Value, for key: Key, marker: UInt64) {
        let units = cost(value)
        state.withLock { state in
            if state.marker != marker {
                // The first reader of a new marker starts a new generation. A reader of an older
                // marker arriving late replaces it too; that costs refills, never freshness.
                state = State(marker: marker)
            }
            if state.used + units > budget {
                state.values.removeAll(keepingCapacity: true)
                state.used = 0
            }
            guard units <= budget else { return }
            if let old = state.values.updateValue(value, forKey: key) {
                state.used -= cost(old)
            }
            state.used += units
        }
    }
}
