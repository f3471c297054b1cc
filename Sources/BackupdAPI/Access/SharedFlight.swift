import Synchronization

/// One piece of work on behalf of every caller that needs it at once: right after a write, every
/// request in flight finds the clock's cached reading gone, and with a transition due they would
/// each settle the store (a write transaction apiece, one after another). Instead, a caller joins
/// the work under way when it covers the caller's `point` (a revision, a clock instant), and
/// starts its own otherwise.
///
/// "Covers" is the only contract: work started at a point at or after the caller's is as good
/// for the caller as its own (a read made after a later revision, a settle through a later
/// instant). A joiner gets the same value or the same error.
final class SharedFlight<Point: Comparable & Sendable, Value: Sendable>: Sendable {
    private struct Flight {
        let point: Point
        let id: Int
        let task: Task<Value, any Error>
    }

    private struct State {
        var current: Flight?
        var started = 0
    }

    private let state = Mutex(State())

    init() {}

    /// `work`'s value for `point`: from the work under way if it covers `point`, else from new work.
    func run(covering point: Point, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let flight = state.withLock { state -> Flight in
            if let current = state.current, current.point >= point { return current }
            state.started += 1
            let flight = Flight(point: point, id: state.started, task: Task { try await work() })
            state.current = flight
            return flight
        }
        defer {
            state.withLock { state in
                if state.current?.id == flight.id { state.current = nil }
            }
        }
        return try await flight.task.value
    }
}
