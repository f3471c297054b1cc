import Synchronization

/// One value read from the database on behalf of many concurrent callers, without ever giving a
/// caller a value read before it asked.
///
/// The change marker is read before every request's cached answer; at thousands of requests a
/// second that would be thousands of round trips. Instead, callers that arrive while a read is in
/// flight wait for the next one, which starts as soon as the current one ends and answers all of
/// them: one round trip per round-trip time whatever the concurrency, and each caller's value is
/// read after it asked (so it reflects every write committed before the request arrived).
final class CoalescedRead: Sendable {
    private struct State {
        var running = false
        var waiting: [CheckedContinuation<UInt64, any Error>] = []
    }

    private let state = Mutex(State())
    private let read: @Sendable () async throws -> UInt64

    init(_ read: @escaping @Sendable () async throws -> UInt64) {
        self.read = read
    }

    func value() async throws -> UInt64 {
        try await withCheckedThrowingContinuation { continuation in
            let startRound = state.withLock { state in
                state.waiting.append(continuation)
                guard !state.running else { return false }
                state.running = true
                return true
            }
            if startRound { Task { await self.rounds() } }
        }
    }

    /// Reads for everyone waiting, again and again, until no one is.
    private func rounds() async {
        while true {
            let round = state.withLock { state in
                let round = state.waiting
                state.waiting = []
                if round.isEmpty { state.running = false }
                return round
            }
            guard !round.isEmpty else { return }
            let result: Result<UInt64, any Error>
            do {
                result = .success(try await read())
            } catch {
                result = .failure(error)
            }
            for continuation in round { continuation.resume(with: result) }
        }
    }
}
