import NIOCore
import Synchronization

/// Runs an operation with a deadline that holds even when the operation ignores cancellation
/// (a query on a connection whose server went silent): the caller gets `Deadline.Exceeded` on time,
/// the operation is cancelled and left to finish on its own.
///
/// Deadlines are watched by one shared task (`DeadlineWatch`) rather than a timer per call: the
/// store runs one per query, thousands a second.
enum Deadline {
    struct Exceeded: Error, CustomStringConvertible {
        let after: Duration
        var description: String { "no answer within \(after)" }
    }

    /// The connection closed while the operation waited for its answer.
    struct ConnectionClosed: Error, CustomStringConvertible {
        var description: String { "the connection closed before the answer came" }
    }

    /// - Parameters:
    ///   - timeout: `nil` for no deadline, only the close.
    ///   - closeFuture: a connection whose closing also ends the wait: PostgresNIO may leave a
    ///     statement waiting when its server dies in the middle of it.
    static func run<T: Sendable>(
        after timeout: Duration?,
        orWhenClosed closeFuture: EventLoopFuture<Void>? = nil,
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let waiter = Waiter(continuation)
            let watch = timeout.map { timeout in
                DeadlineWatch.shared.add(deadline: .now + timeout) {
                    if waiter.resume(with: .failure(Exceeded(after: timeout))) { waiter.cancelWork() }
                }
            }
            closeFuture?.whenComplete { _ in
                if waiter.resume(with: .failure(ConnectionClosed())) { waiter.cancelWork() }
            }
            waiter.work = Task {
                do {
                    waiter.resume(with: .success(try await operation()))
                } catch {
                    waiter.resume(with: .failure(error))
                }
                if let watch { DeadlineWatch.shared.remove(watch) }
            }
        }
    }

    /// The continuation, resumed by whichever comes first: the answer, the deadline or the close.
    private final class Waiter<T: Sendable>: Sendable {
        private let continuation: Mutex<CheckedContinuation<T, any Error>?>
        private let workTask = Mutex<Task<Void, Never>?>(nil)

        init(_ continuation: CheckedContinuation<T, any Error>) {
            self.continuation = Mutex(continuation)
        }

        var work: Task<Void, Never>? {
            get { workTask.withLock { $0 } }
            set { workTask.withLock { $0 = newValue } }
        }

        func cancelWork() {
            work?.cancel()
        }

        /// - Returns: whether this call resumed it.
        @discardableResult
        func resume(with result: Result<T, any Error>) -> Bool {
            guard let continuation = continuation.withLock({ $0.take() }) else { return false }
            continuation.resume(with: result)
            return true
        }
    }
}

/// Every pending deadline of the process, checked every 20 ms by one task that runs only while
/// some are pending.
final class DeadlineWatch: Sendable {
    static let shared = DeadlineWatch()

    private struct Entry {
        let deadline: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
        var watching = false
    }

    private let state = Mutex(State())
    private static let interval = Duration.milliseconds(20)

    /// Calls `expire` soon after `deadline` unless `remove` comes first.
    func add(deadline: ContinuousClock.Instant, expire: @escaping @Sendable () -> Void) -> UInt64 {
        let (id, startWatching) = state.withLock { state in
            state.nextID &+= 1
            state.entries[state.nextID] = Entry(deadline: deadline, expire: expire)
            defer { state.watching = true }
            return (state.nextID, !state.watching)
        }
        if startWatching { Task { await self.watch() } }
        return id
    }

    func remove(_ id: UInt64) {
        _ = state.withLock { $0.entries.removeValue(forKey: id) }
    }

    private func watch() async {
        while true {
            try? await Task.sleep(for: Self.interval)
            let now = ContinuousClock.now
            let (expired, done) = state.withLock { state -> ([Entry], Bool) in
                let expired = state.entries.filter { $0.value.deadline <= now }
                for id in expired.keys { state.entries.removeValue(forKey: id) }
                if state.entries.isEmpty { state.watching = false }
                return (Array(expired.values), state.entries.isEmpty)
            }
            for entry in expired { entry.expire() }
            if done { return }
        }
    }
}
