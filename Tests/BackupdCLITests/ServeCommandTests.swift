import BackupdAuth
import BackupdCatalog
import BackupdTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `backupd serve` as a process: it seeds, answers on 127.0.0.1, logs one structured line per
/// request, and stops cleanly on SIGTERM.
@Suite struct ServeCommandTests {
    static let rdsExample =
        "/v3/0483b6b16e954cb88930a360d2c4e663/backups?instance_id=a48e43ff268f4c0e879652d65e63d0fbin01&backup_type=auto"
        + "&offset=0&limit=10&begin_time=2018-08-06T10:41:14+0800&end_time=2018-08-16T10:41:14+0800"

    struct HTTPResult {
        let status: Int
        let body: Data
        let requestID: String?
    }

    @Test(arguments: ["--response-cache-mb", "--lookup-cache-mb"], ["-1", "1048577", "x"])
    func aCacheBudgetOutOfRangeIsRefusedBeforeAnythingStarts(_ option: String, _ value: String) async throws {
        let directory = try TemporaryDirectory.make()
        let result = try await CLI.run(["serve", "--port", "0", "--store", "sqlite::memory:", "\(option)=\(value)"], in: directory)
        #expect(result.status != 0 && !result.signaled)
        #expect(result.stderrText.contains(option), "\(result.stderrText)")
        #expect(!result.stdoutText.contains("listening"))
    }

    @Test(.timeLimit(.minutes(3)))
    func serveSeedsAnswersLogsAndStopsOnSIGTERM() async throws {
        let directory = try Files.temporaryDirectory()
        defer { Files.remove(directory) }
        let database = directory.appendingPathComponent("catalog.sqlite")
        let session = URLSession(configuration: .ephemeral)
        defer { session.invalidateAndCancel() }

        // A free port can be taken by someone else between its probe and the server's bind: try a few.
        var server: TestProcess?
        var port = 0
        var responses: [HTTPResult] = []
        for _ in 1...3 {
            port = try Self.freePort()
            let candidate = try await CLI.start(
                ["serve", "--host", "127.0.0.1", "--port", "\(port)", "--store", "sqlite:\(database.path)", "--seed", CLI.exampleSeed.path],
                in: directory
            )
            // Poll /health until 200, bounded in time and count.
            let deadline = ContinuousClock.now + .seconds(60)
            var healthy = false
            var polls = 0
            while candidate.isRunning && ContinuousClock.now < deadline && polls < 600 {
                polls += 1
                if let health = try? await Self.get("/health", port: port, session: session) {
                    responses.append(health)
                    if health.status == 200 {
                        healthy = true
                        break
                    }
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            if healthy {
                server = candidate
                break
            }
            let ended = await candidate.wait(timeout: TestBounds.processEnd)
            responses.removeAll()
            if ended.stderrText.contains("in use") { continue }
            Issue.record("backupd serve never answered /health with 200; status \(ended.status), stderr:\n\(ended.stderrText)")
            return
        }
        let running = try #require(server, "no free port could be bound")

        // One API, the example of api.md §2.
        let rds = try await Self.get(Self.rdsExample, port: port, session: session)
        responses.append(rds)
        #expect(rds.status == 200)
        let json = try JSONSerialization.jsonObject(with: rds.body) as? [String: Any]
        #expect(json?["total_count"] as? Int == 1)
        let backups = json?["backups"] as? [[String: Any]]
        #expect(backups?.count == 1)
        #expect(backups?.first?["id"] as? String == "43e4feaab48f11e89039fa163ebaa7e4br01")

        // An unknown route and an unknown project: errors are logged the same way.
        let missing = try await Self.get("/v3/0483b6b16e954cb88930a360d2c4e663/nothing-here", port: port, session: session)
        responses.append(missing)
        #expect(missing.status == 404)
        let foreign = try await Self.get(
            "/v3/ffffffffffffffffffffffffffffffff/backups?instance_id=a48e43ff268f4c0e879652d65e63d0fbin01",
            port: port,
            session: session
        )
        responses.append(foreign)
        #expect((400..<500).contains(foreign.status))

        // SIGTERM: a clean exit, status 0 (the bound only stops a hung test).
        running.send(SIGTERM)
        let ended = await running.wait(timeout: TestBounds.processEnd)
        #expect(!ended.timedOut, "backupd serve did not stop within \(TestBounds.processEnd) of SIGTERM")
        #expect(!ended.signaled, "backupd serve died of signal \(ended.status) instead of exiting")
        #expect(ended.status == 0, "backupd serve exited with \(ended.status) on SIGTERM:\n\(ended.stderrText)")

        // One structured line per request: method, route template, status, duration and request id.
        let requestLines = ended.stderrLines.filter { $0.contains("request_id=") }
        #expect(
            requestLines.count == responses.count,
            "\(responses.count) responses but \(requestLines.count) request log lines:\n\(ended.stderrText)"
        )
        for response in responses {
            guard let id = response.requestID else {
                Issue.record("a response without X-Request-Id (status \(response.status))")
                continue
            }
            let lines = requestLines.filter { $0.contains("request_id=\(id)") }
            #expect(lines.count == 1, "request \(id): \(lines.count) log lines")
            guard let line = lines.first else { continue }
            #expect(line.contains("method=GET"), "\(line)")
            #expect(line.contains("status=\(response.status)"), "\(line)")
            #expect(line.range(of: #"duration_ms=[0-9]+(\.[0-9]+)?"#, options: .regularExpression) != nil, "\(line)")
            #expect(line.contains("route="), "\(line)")
        }
        func line(for response: HTTPResult) -> Substring? {
            response.requestID.flatMap { id in requestLines.first { $0.contains("request_id=\(id)") } }
        }
        let rdsLine = try #require(line(for: rds))
        #expect(rdsLine.contains("/v3/{project_id}/backups"), "the route template is not logged: \(rdsLine)")
        let firstHealth = try #require(responses.first)
        let healthLine = try #require(line(for: firstHealth))
        #expect(healthLine.contains("/health"), "\(healthLine)")
        // The template, never the raw path or query: no ids, no query parameters.
        for logged in requestLines {
            #expect(!logged.contains("0483b6b16e954cb88930a360d2c4e663"), "a raw path reached the log: \(logged)")
            #expect(!logged.contains("ffffffffffffffffffffffffffffffff"), "a raw path reached the log: \(logged)")
            #expect(!logged.contains("instance_id="), "the query reached the log: \(logged)")
            #expect(!logged.contains("nothing-here"), "a raw path reached the log: \(logged)")
        }
        // Nothing of the seed's secrets in the server's log.
        for secret in try SeedCommandTests.secretsOfExample() {
            #expect(!ended.stderrText.contains(secret), "the server log holds \(secret)")
        }
    }

    /// GET `target` (path and query, used as given) from the server on 127.0.0.1:`port`, signed
    /// with alice's access key as the SDK would.
    static func get(_ target: String, port: Int, session: URLSession) async throws -> HTTPResult {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)\(target)"))
        var request = URLRequest(url: url)
        request.timeoutInterval = TestBounds.request
        var signable = SignableRequest(method: "GET", target: target, headers: [("Host", "127.0.0.1:\(port)")])
        SDKHMACSHA256.sign(
            &signable,
            accessKey: Fixtures.Alice.access,
            secretKey: Fixtures.Alice.secret,
            date: WallClock.system.seconds
        )
        for (name, value) in signable.headers.dropFirst() {
            request.setValue(value, forHTTPHeaderField: name)
        }
        let (body, response) = try await session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return HTTPResult(status: http.statusCode, body: body, requestID: http.value(forHTTPHeaderField: "X-Request-Id"))
    }

    /// A port that was free on 127.0.0.1 a moment ago.
    static func freePort() throws -> Int {
        try LoopbackPort.free()
    }
}
