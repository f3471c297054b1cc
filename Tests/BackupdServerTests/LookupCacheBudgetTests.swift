import BackupdServer
import BackupdTestSupport
import HummingbirdTesting
import Testing

/// The lookup cache's budget (`serve --lookup-cache-mb`): with none, every credential, project and
/// instance is read from the store on every request, and the answers are the same bytes.
@Suite struct LookupCacheBudgetTests {
    /// The same requests, in order, to a server with the given budgets: each status and body.
    static func answers(lookupCacheBytes: Int, responseCacheBytes: Int) async throws -> [String] {
        var configuration = ServerConfiguration.testing()
        configuration.lookupCacheBytes = lookupCacheBytes
        configuration.responseCacheBytes = responseCacheBytes
        let app = makeTestApplication(store: try await Fixtures.exampleStore(), configuration: configuration)
        let targets = [
            Target.rdsList("instance_id=\(Acme.mysqlInstance)&limit=25"),
            Target.rdsList("instance_id=\(Acme.mysqlInstance)&limit=25"),
            Target.rdsList("instance_id=no-such-instance"),
            Target.offsite(""),
        ]
        return try await app.test(.router) { client in
            var answers: [String] = []
            for target in targets + targets {
                let response = try await client.send(target)
                answers.append("\(response.status) \(response.body)")
            }
            return answers
        }
    }

    @Test func withoutCachesTheAnswersAreTheSame() async throws {
        let cached = try await Self.answers(lookupCacheBytes: 25 << 20, responseCacheBytes: 64 << 20)
        let uncached = try await Self.answers(lookupCacheBytes: 0, responseCacheBytes: 0)
        #expect(cached.first?.hasPrefix("200 ") == true)
        #expect(uncached == cached)
    }
}
