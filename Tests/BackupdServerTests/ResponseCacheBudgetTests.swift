import BackupdCatalog
import BackupdServer
import BackupdTestSupport
import HummingbirdTesting
import Testing

/// The response cache's budget (`serve --response-cache-mb`): answers are the same bytes with or
/// without it; with 0 nothing is kept, and with a budget smaller than a page that page is not kept.
@Suite struct ResponseCacheBudgetTests {
    static let page = Target.rdsList("instance_id=\(Acme.mysqlInstance)&limit=25")

    /// Two reads of one page: both answers, and the cache's hits and misses meanwhile.
    static func readTwice(budget: Int, page: String = page) async throws -> (first: String, second: String, hits: Int, misses: Int) {
        var configuration = ServerConfiguration.testing()
        configuration.responseCacheBytes = budget
        let counters = CacheCounters()
        configuration.responseCacheCounters = counters
        let app = makeTestApplication(store: try await Fixtures.exampleStore(), configuration: configuration)
        return try await app.test(.router) { client in
            let first = try await client.send(page)
            let second = try await client.send(page)
            #expect(first.status == 200 && second.status == 200)
            return (first.body, second.body, counters.hits, counters.misses)
        }
    }

    @Test func theDefaultBudgetServesTheSecondReadFromMemory() async throws {
        let read = try await Self.readTwice(budget: 64 << 20)
        #expect(read.first == read.second)
        #expect(read.hits == 1 && read.misses == 1)
    }

    @Test(arguments: [0, 300])
    func aBudgetTooSmallKeepsNothingAndAnswersTheSame(_ budget: Int) async throws {
        let cached = try await Self.readTwice(budget: 64 << 20)
        let read = try await Self.readTwice(budget: budget)
        #expect(read.first == cached.first && read.second == cached.first)
        #expect(read.hits == 0 && read.misses == 2)
    }

    /// The query a client sent is kept with the answer, so it is paid for: an unknown parameter
    /// of 8,000 bytes (ignored, docs/api.md §1.3) takes a page over a budget it fits without it.
    @Test func theQueryCountsInTheBudget() async throws {
        let query = "instance_id=\(Acme.mysqlInstance)&limit=25"
        let body = try await Self.readTwice(budget: 64 << 20).first
        let budget = body.utf8.count + 256 + query.utf8.count + 1000
        let short = try await Self.readTwice(budget: budget)
        #expect(short.hits == 1 && short.misses == 1)
        let long = try await Self.readTwice(budget: budget, page: Target.rdsList(query + "&padding=" + String(repeating: "p", count: 8000)))
        #expect(long.first == body && long.second == body)
        #expect(long.hits == 0 && long.misses == 2)
    }
}
