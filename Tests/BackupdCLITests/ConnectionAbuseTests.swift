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

/// Connections held open by clients that send nothing, trickle a head (slowloris) or never read
/// their answers (README, "Connections"): a normal client is still answered within a second, the
/// timeouts close the others, and the server's memory stays bounded.
@Suite struct ConnectionAbuseTests {
    static let idleConnections = 400
    static let slowConnections = 20

    @Test func idleSlowAndDeafClientsDoNotHoldUpANormalOne() async throws {
        let node = try await ServeNode.start(
            "abused",
            store: "sqlite::memory:",
            arguments: ["--seed", CLI.exampleSeed.path, "--idle-timeout", "3", "--header-timeout", "1"]
        )
        let before = try #require(Self.residentKilobytes(of: node.process.pid))
        let idle = (0..<Self.idleConnections).compactMap { _ in RawConnection(port: node.port) }
        let slow = (0..<Self.slowConnections).compactMap { _ in RawConnection(port: node.port) }
        for connection in slow { connection.send("GET /health HTTP/1.1\r\nHost: localhost\r\n") }
        // A deaf client: a pipelined burst of requests whose answers it never reads.
        let deaf = try #require(RawConnection(port: node.port))
        deaf.send(String(repeating: "GET /openapi.json HTTP/1.1\r\nHost: localhost\r\n\r\n", count: 200))
        #expect(idle.count == Self.idleConnections && slow.count == Self.slowConnections)

        let normal = try await Self.timedHealth(port: node.port)
        #expect(normal.status == 200)
        #expect(normal.seconds < 1, "a normal client waited \(normal.seconds) s")

        // The slow heads trickle on, a byte each 200 ms: the header deadline (1 s) closes them.
        let trickleStart = ContinuousClock.now
        while ContinuousClock.now - trickleStart < .milliseconds(2500) {
            for connection in slow { connection.send("X") }
            try await Task.sleep(for: .milliseconds(200))
        }
        let slowClosed = slow.filter { $0.isClosedByPeer }.count
        #expect(slowClosed == slow.count, "\(slow.count - slowClosed) slow heads still open after 2.5 s")
        // The idle ones: the idle timeout (3 s), counted from their opening.
        try await Task.sleep(for: .seconds(2))
        let idleClosed = idle.filter { $0.isClosedByPeer }.count
        #expect(idleClosed == idle.count, "\(idle.count - idleClosed) idle connections still open after 5 s")

        let after = try await Self.timedHealth(port: node.port)
        #expect(after.status == 200 && after.seconds < 1)
        let resident = try #require(Self.residentKilobytes(of: node.process.pid))
        #expect(resident < before + 64 * 1024, "RSS grew from \(before) kB to \(resident) kB")
        for connection in idle + slow + [deaf] { connection.close() }
        let stopped = await node.stop()
        #expect(stopped.status == 0, "\(stopped.stderrText)")
    }

    /// `GET /health` on a new connection, and how long the answer took.
    static func timedHealth(port: Int) async throws -> (status: Int, seconds: Double) {
        let started = ContinuousClock.now
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/health")!)
        request.timeoutInterval = 5
        let (_, response) = try await URLSession(configuration: .ephemeral).data(for: request)
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, seconds)
    }

    /// VmRSS of a process, in kB (Linux).
    static func residentKilobytes(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }
}

/// A TCP connection to 127.0.0.1 that writes raw bytes and never reads an answer.
final class RawConnection: @unchecked Sendable {
    private let descriptor: Int32

    init?(port: Int) {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(descriptor)
            return nil
        }
    }

    /// Writes `text`, ignoring a peer that has closed (no SIGPIPE).
    func send(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { bytes in
            Glibc.send(descriptor, bytes.baseAddress, bytes.count - 1, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
        }
    }

    /// Whether the server has closed its side: a read sees the end of the stream (or a reset),
    /// after any answer bytes it sent.
    var isClosedByPeer: Bool {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let read = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if read > 0 { continue }
            if read == 0 { return true }
            return errno != EAGAIN && errno != EWOULDBLOCK
        }
    }

    /// Ends the sending side (a FIN): the server reads the end of the stream, and may still answer.
    func shutdownWrite() {
        _ = shutdown(descriptor, Int32(SHUT_WR))
    }

    /// Closes with a reset (SO_LINGER 0) instead of a FIN.
    func reset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        Glibc.close(descriptor)
    }

    /// What the server sends until it closes, or until `timeout` passes.
    func readUntilClosed(timeout: Duration) -> [UInt8] {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let read = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if read > 0 {
                received += buffer[0..<read]
            } else if read == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) {
                break
            } else {
                usleep(10_000)
            }
        }
        return received
    }

    func close() {
        Glibc.close(descriptor)
    }
}
