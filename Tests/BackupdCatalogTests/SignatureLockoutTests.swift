import BackupdCatalog
import Testing

/// The lockout rule of `docs/auth.md` §4.5 as a state machine, without a store.
@Suite struct SignatureLockoutTests {
    let policy = LockoutPolicy.gateway

    @Test func theFifthConsecutiveFailureLocksForFiveMinutesFromItself() {
        var state = SignatureLockout.clear
        for second in 1...4 {
            state = state.recordingFailure(at: Int64(second), policy: policy)
            #expect(!state.isLocked(at: Int64(second)))
        }
        state = state.recordingFailure(at: 100, policy: policy)
        #expect(state.lockedUntil == 400)
        #expect(state.isLocked(at: 100) && state.isLocked(at: 399) && !state.isLocked(at: 400))
    }

    @Test func failuresDuringTheLockChangeNothing() {
        let locked = SignatureLockout(consecutiveFailures: 5, lockedUntil: 400)
        #expect(locked.recordingFailure(at: 399, policy: policy) == locked)
    }

    @Test func anExpiredLockStartsTheCountAgain() {
        let expired = SignatureLockout(consecutiveFailures: 5, lockedUntil: 400)
        #expect(expired.recordingFailure(at: 400, policy: policy) == SignatureLockout(consecutiveFailures: 1))
        #expect(expired.needsReset)
        #expect(!SignatureLockout.clear.needsReset)
    }
}
