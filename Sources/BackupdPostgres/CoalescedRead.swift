import Synchronization

/// One value read from the database on behalf of many concurrent callers, without ever giving a
/// caller a value read before it asked.
///
/// The change marker is read before every request's cached answer; at thousands of requests a
/// second that would be thousands of round trips. Instead, callers that arrive while a read is in
/// flight wait for the next one, which starts as soon as the current one ends and answers all of
/// them: one round trip per round-trip time whatever the concurrency, and each caller's value is
/// read after it asked (so it reflects every write committed before its request arrived).
///
/// No task is spawned: the caller that finds no read in flight reads itself (it *leads*), and hands
/// the lead of the next round to one of the callers that queued meanwhile.
final class CoalescedRead: Sendable {
    private enum Outcome: Sendable {
        case value(UInt64)
        /// Read yourself, for everyone queued at the moment you start.
        case lead
    }

    private struct State {
        var leading = false
        var waiting: [CheckedContinuation<Outcome, any Error>] = []
    }

    private let state = Mutex(State())
    private let read: @Sendable () async throws -> UInt64

    init(_ read: @escaping @Sendable () async throws -> UInt64) {
        self.read = read
    }

    func value() async throws -> UInt64 {
        let leads = state.withLock { state in
            guard !state.leading else { return false }
            state.leading = true
            return true
        }
        if leads { return try await leadRound() }
        let outcome = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Outcome, any Error>) in
            let leadsNow = state.withLock { state in
                // The round in flight may have ended in between.
                guard state.leading else {
                    state.leading = true
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if leadsNow { continuation.resume(returning: .lead) }
        }
        switch outcome {
        case .value(let value): return value
        case .lead: return try await leadRound()
        }
    }

    /// Reads for the leader and everyone queued now, answers them, and passes the lead on.
    private func leadRound() async throws -> UInt64 {
        let round = state.withLock { state in
            let round = state.waiting
            state.waiting = []
            return round
        }
        let result: Result<UInt64, any Error>
        do {
            result = .success(try await read())
        } catch {
            result = .failure(error)
        }
        let nextLeader = state.withLock { state -> CheckedContinuation<Outcome, any Error>? in
            guard !state.waiting.isEmpty else {
                state.leading = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        nextLeader?.resume(returning: .lead)
        for continuation in round { continuation.resume(with: result.map(Outcome.value)) }
        return try result.get()
    }
}
