import BackupdAPI
import Testing

@testable import BackupdAPI

/// The per-credential token bucket of `docs/api.md` §1.11, on injected instants.
@Suite struct RequestThrottleTests {
    static let start = ContinuousClock.now

    @Test func aBurstThenOneRequestPerInterval() {
        let throttle = RequestThrottle(limit: .init(rate: 2, burst: 3))
        let admitted = (0..<5).map { _ in throttle.admit("ak:A", at: Self.start) }
        #expect(admitted == [true, true, true, false, false])
        // Half a second at 2/s refills one request, not more.
        #expect(throttle.admit("ak:A", at: Self.start + .milliseconds(500)))
        #expect(!throttle.admit("ak:A", at: Self.start + .milliseconds(500)))
        // A long quiet spell refills the bucket to its burst, never beyond.
        let later = Self.start + .seconds(60)
        #expect((0..<4).map { _ in throttle.admit("ak:A", at: later) } == [true, true, true, false])
    }

    @Test func eachCredentialHasItsOwnBucket() {
        let throttle = RequestThrottle(limit: .init(rate: 1))
        #expect(throttle.admit("ak:A", at: Self.start))
        #expect(!throttle.admit("ak:A", at: Self.start))
        #expect(throttle.admit("ak:B", at: Self.start))
        #expect(throttle.admit("token:digest", at: Self.start))
    }

    @Test func anInstantBeforeTheLastOneRefillsNothing() {
        let throttle = RequestThrottle(limit: .init(rate: 1))
        #expect(throttle.admit("ak:A", at: Self.start + .seconds(1)))
        #expect(!throttle.admit("ak:A", at: Self.start))
    }

    @Test func fullBucketsAreDroppedPastTheThreshold() {
        let throttle = RequestThrottle(limit: .init(rate: 10))
        let busy = RequestThrottle.pruningThreshold + 1
        for index in 0..<busy {
            _ = throttle.admit("ak:\(index)", at: Self.start)
        }
        // Nothing has refilled yet: all kept, and the next pruning waits for twice as many.
        #expect(throttle.bucketCount == busy)
        // A second later every one of those has refilled; the new credentials that take the
        // count past twice the kept set are what remains.
        let later = Self.start + .seconds(1)
        for index in 0...busy {
            _ = throttle.admit("ak:new-\(index)", at: later)
        }
        #expect(throttle.bucketCount == busy + 1)
    }
}
