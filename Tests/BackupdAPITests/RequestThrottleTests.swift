import BackupdAPI
import Testing

@testable import BackupdAPI

/// The per-credential token bucket of `docs/api.md` §1.11, on injected instants.
@Suite struct RequestThrottleTests {
    /// Microseconds since the epoch.
    static let start: Int64 = 1_900_000_000_000_000

    @Test func aBurstThenOneRequestPerInterval() {
        let throttle = RequestThrottle(limit: .init(rate: 2, burst: 3))
        let admitted = (0..<5).map { _ in throttle.admit("ak:A", atMicroseconds: Self.start) }
        #expect(admitted == [true, true, true, false, false])
        // Half a second at 2/s refills one request, not more.
        #expect(throttle.admit("ak:A", atMicroseconds: Self.start + 500_000))
        #expect(!throttle.admit("ak:A", atMicroseconds: Self.start + 500_000))
        // A long quiet spell refills the bucket to its burst, never beyond.
        let later = Self.start + 60_000_000
        #expect((0..<4).map { _ in throttle.admit("ak:A", atMicroseconds: later) } == [true, true, true, false])
    }

    @Test func eachCredentialHasItsOwnBucket() {
        let throttle = RequestThrottle(limit: .init(rate: 1))
        #expect(throttle.admit("ak:A", atMicroseconds: Self.start))
        #expect(!throttle.admit("ak:A", atMicroseconds: Self.start))
        #expect(throttle.admit("ak:B", atMicroseconds: Self.start))
        #expect(throttle.admit("token:digest", atMicroseconds: Self.start))
    }

    @Test func anInstantBeforeTheLastOneRefillsNothing() {
        let throttle = RequestThrottle(limit: .init(rate: 1))
        #expect(throttle.admit("ak:A", atMicroseconds: Self.start + 1_000_000))
        #expect(!throttle.admit("ak:A", atMicroseconds: Self.start))
    }

    @Test func fullBucketsAreDroppedPastTheThreshold() {
        let throttle = RequestThrottle(limit: .init(rate: 10))
        let busy = RequestThrottle.pruningThreshold + 1
        for index in 0..<busy {
            _ = throttle.admit("ak:\(index)", atMicroseconds: Self.start)
        }
        // Nothing has refilled yet: all kept, and the next pruning waits for twice as many.
        #expect(throttle.bucketCount == busy)
        // A second later every one of those has refilled; the new credentials that take the
        // count past twice the kept set are what remains.
        let later = Self.start + 1_000_000
        for index in 0...busy {
            _ = throttle.admit("ak:new-\(index)", atMicroseconds: later)
        }
        #expect(throttle.bucketCount == busy + 1)
    }
}
