import BackupdAPI
import BackupdCatalog
import BackupdServer
import BackupdTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

/// `serve --rate-limit`: the gateway's 429 `APIGW.0308` per credential (`docs/api.md` §1.11).
@Suite struct ThrottlingTests {
    static let target = Target.rdsList("instance_id=\(Acme.mysqlInstance)")

    static func withThrottledServer<T: Sendable>(
        rate: Int,
        burst: Int,
        _ body: @Sendable (any TestClientProtocol) async throws -> T
    ) async throws -> T {
        // Stopped at the real time (the signatures' skew is checked against it): nothing refills
        // while the test runs, however slowly a loaded machine sends its requests.
        let stopped = TestClock(seconds: WallClock.system.seconds)
        var configuration = ServerConfiguration.testing(clock: stopped.wallClock)
        configuration.requestLimit = RequestThrottle.Limit(rate: rate, burst: burst)
        let app = makeTestApplication(store: try await Fixtures.exampleStore(), configuration: configuration)
        return try await app.test(.router, body)
    }

    @Test func aCredentialPastItsBurstGetsTheGateways429() async throws {
        try await Self.withThrottledServer(rate: 1, burst: 2) { client in
            for _ in 0..<2 {
                #expect(try await client.send(Self.target, as: .alice).status == 200)
            }
            let refused = try await client.send(Self.target, as: .alice)
            expectResponse(
                refused,
                status: 429,
                body: Expected.gateway(
                    "APIGW.0308",
                    "The throttling threshold has been reached: policy user over ratelimit,limit:1,time:1 second",
                    requestID: refused.requestID ?? ""
                )
            )
            // Another credential of the same account has its own bucket.
            let bob = Target.rdsList("instance_id=\(Acme.mysqlInstance)")
            #expect(try await client.send(bob, as: .bob).status == 200)
        }
    }

    @Test func refusedCredentialsAreNotCountedAndStill401() async throws {
        try await Self.withThrottledServer(rate: 1, burst: 1) { client in
            for _ in 0..<3 {
                let anonymous = try await client.send(Self.target, as: .none)
                #expect(anonymous.status == 401)
            }
            let alice = try await client.send(Self.target, as: .alice)
            #expect(alice.status == 200)
        }
    }

    @Test func withoutALimitNothingIsThrottled() async throws {
        try await withExampleServer { client in
            for _ in 0..<20 {
                let response = try await client.send(Self.target, as: .alice)
                #expect(response.status == 200)
            }
        }
    }
}
