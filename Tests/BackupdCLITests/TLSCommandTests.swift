import BackupdTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `backupd dev-cert` and `serve --tls-cert/--tls-key` as a user runs them: the files, HTTPS that
/// a client verifies with the written CA (curl, as the README shows), options from the
/// environment, JSON log lines, and one clear line for files that cannot serve.
@Suite struct TLSCommandTests {
    @Test(.timeLimit(.minutes(3)))
    func devCertThenServeAnswersHTTPSThatItsAuthorityVerifies() async throws {
        let directory = try Files.temporaryDirectory()
        defer { Files.remove(directory) }
        let tls = directory.appendingPathComponent("tls")
        let made = try await CLI.run(["dev-cert", "--out", tls.path], in: directory)
        #expect(made.succeeded, "\(made.stderrText)")
        #expect(made.stdoutText.contains("REQUESTS_CA_BUNDLE=\(tls.appendingPathComponent("ca.pem").path)"))
        let key = tls.appendingPathComponent("key.pem").path
        let mode = try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // A second run keeps what is there unless told.
        let again = try await CLI.run(["dev-cert", "--out", tls.path], in: directory)
        #expect(!again.succeeded && again.stderrText.contains("--force"))

        // Every option from the environment, and JSON lines.
        let server = try await TestProcess.start(
            try CLI.requireBinary().path,
            ["serve", "--store", "sqlite::memory:", "--seed", CLI.exampleSeed.path],
            environment: [
                "BACKUPD_PORT": "0",
                "BACKUPD_TLS_CERT": tls.appendingPathComponent("cert.pem").path,
                "BACKUPD_TLS_KEY": key,
                "LOG_FORMAT": "json",
            ],
            in: directory
        )
        defer { server.send(SIGKILL) }
        var port: Int?
        let deadline = ContinuousClock.now + .seconds(60)
        while port == nil, server.isRunning, ContinuousClock.now < deadline {
            port = Self.port(inBanner: server.stdoutSoFar())
            if port == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let bound = try #require(port, "no https banner; stderr:\n\(server.stderrSoFar())")

        let ca = Shell.quoted(tls.appendingPathComponent("ca.pem").path)
        let verified = try await Shell.run(
            "curl -sS --max-time 10 --cacert \(ca) -w ' %{http_code}' https://127.0.0.1:\(bound)/health"
                + " && curl -sS --max-time 10 --cacert \(ca) -o /dev/null -w ' %{http_code}' https://localhost:\(bound)/health"
        )
        #expect(verified.stdoutText == #"{"status":"ok"} 200 200"#, "\(verified.stderrText)")
        // Without the authority, verification fails (curl's 60: the peer's certificate is not trusted).
        let unverified = try await Shell.run("curl -sS --max-time 10 https://127.0.0.1:\(bound)/health")
        #expect(unverified.status == 60)
        // Plain HTTP on the TLS port gets no answer.
        let plain = try await Shell.run("curl -s --max-time 10 -o /dev/null -w '%{http_code}' http://127.0.0.1:\(bound)/health")
        #expect(plain.stdoutText != "200")

        server.send(SIGTERM)
        let ended = await server.wait(timeout: TestBounds.processEnd)
        let request = try #require(
            ended.stderrLines.compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            }.first { $0["message"] as? String == "request" },
            "no JSON request line in:\n\(ended.stderrText)"
        )
        #expect(request["route"] as? String == "GET /health")
        #expect(request["status"] as? String == "200")
        #expect(request["level"] as? String == "info")
        #expect(request["request_id"] is String && request["duration_ms"] is String && request["time"] is String)
        // Every line is one JSON object.
        for line in ended.stderrLines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "\(line)")
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func filesThatCannotServeAreOneLineAndAFailedExit() async throws {
        let directory = try Files.temporaryDirectory()
        defer { Files.remove(directory) }
        for name in ["a", "b"] {
            let made = try await CLI.run(["dev-cert", "--out", directory.appendingPathComponent(name).path], in: directory)
            #expect(made.succeeded, "\(made.stderrText)")
        }
        let certificate = directory.appendingPathComponent("a/cert.pem").path
        let cases: [(arguments: [String], says: String)] = [
            (["--tls-cert", certificate, "--tls-key", directory.appendingPathComponent("b/key.pem").path], "does not belong"),
            (
                ["--tls-cert", directory.appendingPathComponent("none.pem").path, "--tls-key", directory.appendingPathComponent("a/key.pem").path],
                "cannot read"
            ),
            (
                ["--tls-cert", directory.appendingPathComponent("a/key.pem").path, "--tls-key", directory.appendingPathComponent("a/key.pem").path],
                "no PEM certificate"
            ),
            (["--tls-cert", certificate, "--tls-key", certificate], "no PEM private key"),
            (["--tls-cert", certificate], "go together"),
        ]
        for (arguments, says) in cases {
            let result = try await CLI.run(["serve", "--port", "0", "--store", "sqlite::memory:"] + arguments, in: directory)
            #expect(result.status != 0 && !result.signaled, "\(arguments)")
            #expect(result.stderrText.contains(says), "\(arguments): \(result.stderrText)")
            // One line; a usage error adds ArgumentParser's usage and help lines after it.
            #expect(result.stderrLines.first?.contains(says) == true, "\(result.stderrText)")
            #expect(says == "go together" || result.stderrLines.count == 1, "\(result.stderrText)")
            #expect(!result.stdoutText.contains("listening"))
            // The key's text never appears.
            #expect(!result.stderrText.contains("BEGIN"))
        }
        let badFormat = try await TestProcess.start(
            try CLI.requireBinary().path,
            ["serve", "--port", "0", "--store", "sqlite::memory:"],
            environment: ["LOG_FORMAT": "xml"],
            in: directory
        ).wait(timeout: .seconds(60))
        #expect(badFormat.status != 0 && badFormat.stderrText.contains("LOG_FORMAT must be one of text, json"))
    }

    /// The port of `backupd is listening on https://127.0.0.1:PORT`.
    static func port(inBanner banner: String) -> Int? {
        let marker = "listening on https://127.0.0.1:"
        guard let range = banner.range(of: marker) else { return nil }
        return Int(banner[range.upperBound...].prefix { $0.isNumber })
    }
}
