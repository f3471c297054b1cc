import NIOCore
import Synchronization

/// Runs an operation with a deadline that holds even when the operation ignores cancellation
/// (a query on a connection whose server went silent): the caller gets `Deadline.Exceeded` on time,
/// the operation is cancelled and left to finish on its own.
enum Deadline {
    struct Exceeded: Error, CustomStringConvertible {
        let after: Duration
        var description: String { "no answer within \(after)" }
    }

    /// The connection closed while the operation waited for its answer.
    struct ConnectionClosed: Error, CustomStringConvertible {
        var description: String { "the connection closed before the answer came" }
    }

    /// - Parameter closeFuture: a connection whose closing also ends the wait: PostgresNIO may
    ///   leave a statement waiting when its server dies in the middle of it.
    static func run<T: Sendable>(
        after timeout: Duration,
        orWhenClosed closeFuture: EventLoopFuture<Void>? = nil,
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let waiter = Waiter(continuation)
            closeFuture?.whenComplete { _ in
                if waiter.resume(with: .failure(ConnectionClosed())) { waiter.cancelWork() }
            }
            let timer = Task {
                try? await Task.sleep(for: timeout)
                guard !Task.isCancelled else { return }
                if waiter.resume(with: .failure(Exceeded(after: timeout))) { waiter.cancelWork() }
            }
            waiter.work = Task {
                do {
                    waiter.resume(with: .success(try await operation()))
                } catch {
                    waiter.resume(with: .failure(error))
                }
                timer.cancel()
            }
        }
    }

    /// The continuation, resumed by whichever comes first: the answer or the deadline.
    private final class Waiter<T: Sendable>: Sendable {
        private let continuation: Mutex<CheckedContinuation<T, any Error>?>
        private let workTask = Mutex<Task<Void, Never>?>(nil)

        var work: Task<Void, Never>? {
            get { workTask.withLock { $0 } }
            set { workTask.withLock { $0 = newValue } }
        }

        func cancelWork() {
            work?.cancel()
        }

        init(_ continuation: CheckedContinuation<T, any Error>) {
            self.continuation = Mutex(continuation)
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
