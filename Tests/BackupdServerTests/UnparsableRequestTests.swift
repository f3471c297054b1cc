import BackupdAPI
import BackupdTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Requests SwiftNIO's HTTP/1 parser cannot read never reach the router; they must still get
/// the gateway's JSON 404 with a request id (`docs/api.md` §1.1, §1.5), over a real socket.
@Suite struct UnparsableRequestTests {
    static let requests: [(name: String, bytes: [UInt8])] = [
        ("unknown method", Array("BREW /v3/x/backups HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
        ("raw invalid UTF-8 in the target", Array("GET /v3/".utf8) + [0xFF, 0xFE] + Array("/backups HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
        ("raw NUL in the target", Array("GET /v3/".utf8) + [0x00] + Array(" HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
        ("garbage", Array("GARBAGE\r\n\r\n".utf8)),
        ("head over 80 KB", Array("GET /health?\(String(repeating: "a", count: 100_000)) HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
        // Parsed, but SwiftNIO frames any answer to it without a body (found by scripts/fuzz).
        ("CONNECT", Array("CONNECT /v3/auth/domains HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
        ("CONNECT to an authority", Array("CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
    ]

    @Test(arguments: requests.map(\.name))
    func anUnparsableRequestGetsTheGatewayNotFound(_ name: String) async throws {
        let bytes = try #require(Self.requests.first { $0.name == name }).bytes
        let app = makeTestApplication(store: try await Fixtures.exampleStore())
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let answer = try await Self.exchange(bytes, port: port)
            let (head, body) = try #require(Self.split(answer))
            #expect(head.hasPrefix("HTTP/1.1 404"))
            #expect(head.lowercased().contains("content-type: application/json;charset=utf-8"))
            let requestID = try #require(Self.header("x-request-id", in: head))
            #expect(requestID.count == 32)
            #expect(
                try JSONValue(parsing: body)
                    == JSONValue(
                        parsing: """
                            {"error_code": "APIGW.0101",
                             "error_msg": "The API does not exist or has not been published in the environment.",
                             "request_id": "\(requestID)"}
                            """
                    )
            )
            // The server goes on answering.
            let health = try await client.send("/health")
            #expect(health.status == 200)
        }
    }

    /// Every route, the server's own too, refuses a body over 1 MiB (found by scripts/fuzz).
    @Test(arguments: ["/health", "/openapi.json", "/v3"])
    func aBodyOverOneMebibyteGets413OnEveryRoute(_ path: String) async throws {
        try await withExampleServer { client in
            let response = try await client.send(
                path,
                method: .get,
                body: [UInt8](repeating: UInt8(ascii: "x"), count: (1 << 20) + 1),
                as: .none
            )
            expectResponse(
                response,
                status: 413,
                body: Expected.gateway("APIGW.0201", "Request entity too large.", requestID: response.requestID ?? "?")
            )
        }
    }

    /// Sends `bytes` on a new connection to 127.0.0.1 and reads until the server closes it
    /// (bounded by a 5-second receive timeout).
    /// Sends `bytes` and reads the answer on a thread of its own: the blocking socket calls must
    /// not hold one of the few threads the server's own tasks run on.
    static func exchange(_ bytes: [UInt8], port: Int) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try blockingExchange(bytes, port: port) })
            }
        }
    }

    private static func blockingExchange(_ bytes: [UInt8], port: Int) throws -> [UInt8] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(connected == 0)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return received
    }

    static func split(_ answer: [UInt8]) -> (head: String, body: String)? {
        let text = String(decoding: answer, as: UTF8.self)
        guard let range = text.range(of: "\r\n\r\n") else { return nil }
        return (String(text[..<range.lowerBound]), String(text[range.upperBound...]))
    }

    static func header(_ name: String, in head: String) -> String? {
        for line in head.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == name {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}
