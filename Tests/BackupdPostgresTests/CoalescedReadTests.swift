import Dispatch
import Synchronization
import Testing

@testable import BackupdPostgres

/// The change marker's read shared by concurrent requests: never a value read before the caller
/// asked, far fewer reads than callers.
@Suite struct CoalescedReadTests {
    /// Counts reads; each read returns the number of writes committed when it *started*.
    final class FakeDatabase: Sendable {
        let writes = Atomic<UInt64>(0)
        let reads = Atomic<Int>(0)

        func read() async throws -> UInt64 {
            reads.add(1, ordering: .relaxed)
            let seen = writes.load(ordering: .acquiring)
            try await Task.sleep(for: .milliseconds(2))
            return seen
        }
    }

    @Test func everyCallerGetsAValueReadAfterItAsked() async throws {
        let database = FakeDatabase()
        let coalesced = CoalescedRead { try await database.read() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<400 {
                group.addTask {
                    // A write commits, then this caller asks: its answer must include the write.
                    if caller % 3 == 0 { database.writes.add(1, ordering: .releasing) }
                    let committed = database.writes.load(ordering: .acquiring)
                    let value = try await coalesced.value()
                    #expect(value >= committed, "caller \(caller) got \(value), committed before asking: \(committed)")
                }
            }
            try await group.waitForAll()
        }
        #expect(database.reads.load(ordering: .relaxed) < 400, "no read was shared")
    }

    @Test func aFailedReadFailsItsRoundAndTheNextRoundReadsAgain() async throws {
        let failures = Atomic<Int>(1)
        let coalesced = CoalescedRead {
            if failures.subtract(1, ordering: .relaxed).newValue >= 0 { throw CancellationError() }
            return 7
        }
        await #expect(throws: CancellationError.self) { try await coalesced.value() }
        #expect(try await coalesced.value() == 7)
    }
}

@Suite struct DeadlineTests {
    @Test func anOperationThatNeverAnswersEndsAtItsDeadline() async throws {
        let started = ContinuousClock.now
        await #expect(throws: Deadline.Exceeded.self) {
            try await Deadline.run(after: .milliseconds(100)) {
                // Ignores cancellation, as a query on a silent connection may: it answers after two
                // minutes. Only the deadline can throw `Exceeded`, however slow the machine is.
                await withCheckedContinuation { continuation in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 120) { continuation.resume() }
                }
            }
        }
        #expect(ContinuousClock.now - started >= .milliseconds(100), "the deadline came early")
    }

    @Test func anAnswerBeforeTheDeadlineIsReturned() async throws {
        for value in 0..<200 {
            #expect(try await Deadline.run(after: .seconds(120)) { value } == value)
        }
    }
}
