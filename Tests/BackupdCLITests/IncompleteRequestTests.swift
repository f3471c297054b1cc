import BackupdTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A write whose connection ends before its body does (`docs/api.md` §1.2): nothing is written,
/// and a client still listening gets 400 `APIGW.0201`, never a 2xx or a 5xx. Hummingbird hands
/// such a request on with the bytes that came; the 1,000,000-request fuzz run found a DCS backup
/// made that way from an empty body.
@Suite struct IncompleteRequestTests {
    enum Ending: String, CaseIterable {
        /// The client half-closes and waits for the answer.
        case halfClose
        case close
        case reset
    }

    static let dcsBackups = "/v2/\(ExampleCalls.project)/instances/\(Fixtures.Acme.redisInstance)/backups"

    /// Heads (and the start of a body) that announce more than is sent.
    static func requests(token: String) -> [(name: String, bytes: String)] {
        let head = "POST \(dcsBackups) HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: \(token)\r\nContent-Type: application/json\r\n"
        return [
            ("no body of 13 bytes", head + "Content-Length: 13\r\n\r\n"),
            ("4 bytes of 13", head + "Content-Length: 13\r\n\r\n{\"re"),
            ("a chunked body without its last chunk", head + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n"),
        ]
    }

    @Test(.timeLimit(.minutes(2)))
    func aBodyCutByTheCloseIsNeverApplied() async throws {
        let node = try await ServeNode.start("incomplete", store: "sqlite::memory:", arguments: ["--seed", CLI.exampleSeed.path])
        let session = LoopbackHTTP.session()
        let token = try await LoopbackHTTP.aliceToken(port: node.port, session: session)
        func total() async throws -> Int? {
            let list = try await LoopbackHTTP.send(
                Self.dcsBackups + "?offset=0&limit=10",
                port: node.port,
                session: session,
                headers: ["X-Auth-Token": token]
            )
            return list.json?["total_num"] as? Int
        }
        let before = try #require(try await total())
        for (name, bytes) in Self.requests(token: token) {
            for ending in Ending.allCases {
                let connection = try #require(RawConnection(port: node.port))
                connection.send(bytes)
                switch ending {
                case .halfClose:
                    connection.shutdownWrite()
                    let answer = String(decoding: connection.readUntilClosed(timeout: .seconds(5)), as: UTF8.self)
                    #expect(answer.hasPrefix("HTTP/1.1 400 "), "\(name), \(ending): \(answer.prefix(200))")
                    #expect(answer.contains(#""error_code":"APIGW.0201""#), "\(name), \(ending): \(answer)")
                    connection.close()
                case .close:
                    connection.close()
                case .reset:
                    connection.reset()
                }
            }
        }
        // The requests the server read are answered by now; one more read makes sure.
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await total() == before)
        let ended = await node.stop()
        let log = ended.stderrText
        #expect(!log.contains(" status=5"), "a 5xx was logged")
        #expect(!log.contains("route=POST /v2/{project_id}/instances/{instance_id}/backups status=2"), "a write was answered 2xx")
        // (A reset may come before the server has read the head: then there is no request at all.)
        #expect(log.contains("route=POST /v2/{project_id}/instances/{instance_id}/backups status=400"))
    }
}
