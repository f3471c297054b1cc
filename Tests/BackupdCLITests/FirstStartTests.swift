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
#endif

/// A fresh server is usable and safe: on an empty store `backupd serve` creates an account,
/// prints its secrets once, and those credentials work with the token flow and signatures.
/// Every start prints a banner; `backupd credentials` lists, creates and revokes keys.
@Suite struct FirstStartTests {
    /// What the banner of a first start told the user.
    struct Banner {
        let port: Int
        let password: String
        let accessKey: String
        let secretKey: String
        let projects: [(name: String, id: String)]

        init(_ text: String) throws {
            func value(after label: String) throws -> String {
                let line = try #require(text.split(separator: "\n").first { $0.contains(label) }, "no \(label) in:\n\(text)")
                return String(line[line.range(of: label)!.upperBound...]).trimmingCharacters(in: .whitespaces)
            }
            let address = try value(after: "listening on http://127.0.0.1:")
            port = try #require(Int(address))
            password = try value(after: "password:")
            accessKey = try value(after: "access key:")
            secretKey = try value(after: "secret key:")
            projects = text.split(separator: "\n").filter { $0.contains("project:") }.map { line in
                let parts = line.split(separator: " ").map(String.init)
                return (parts[1], parts[2].trimmingCharacters(in: CharacterSet(charactersIn: "()")))
            }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aFreshServerCreatesAnAccountWhoseCredentialsWork() async throws {
        let directory = try Files.temporaryDirectory()
        defer { Files.remove(directory) }
        let store = "sqlite:\(directory.appendingPathComponent("fresh.sqlite").path)"
        let session = URLSession(configuration: .ephemeral)
        defer { session.invalidateAndCancel() }

        let first = try await CLI.start(
            ["serve", "--port", "0", "--store", store, "--region", "cn-north-4", "--region", "eu-west-0"],
            in: directory
        )
        let bannerText = try await Self.waitForBanner(of: first)
        let banner = try Banner(bannerText)
        #expect(banner.projects.map(\.name) == ["cn-north-4", "eu-west-0"])
        #expect(banner.accessKey.count == 20 && banner.secretKey.count == 40 && banner.password.count == 24)
        #expect(bannerText.contains("export HUAWEICLOUD_SDK_IAM_ENDPOINT=http://127.0.0.1:\(banner.port)"))
        #expect(bannerText.contains("export HUAWEICLOUD_SDK_REGION_RDS_CN_NORTH_4=http://127.0.0.1:\(banner.port)"))
        #expect(bannerText.contains("export HUAWEICLOUD_SDK_REGION_DCS_EU_WEST_0=http://127.0.0.1:\(banner.port)"))
        #expect(bannerText.contains("1 domains, 1 users, 1 access keys"))
        let cnNorth4 = try #require(banner.projects.first?.id)

        // The SDK's project lookup, signed with the printed key.
        let lookup = try await Self.send(
            "/v3/projects?name=cn-north-4",
            port: banner.port,
            session: session,
            signedWith: (banner.accessKey, banner.secretKey)
        )
        #expect(lookup.status == 200)
        let projects = try #require(try JSONSerialization.jsonObject(with: lookup.body) as? [String: Any])
        let ids = (projects["projects"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(ids == [cnNorth4])

        // A backup API, signed: authenticated and in scope, so the answer is the service's 404.
        let signed = try await Self.send(
            "/v3/\(cnNorth4)/backups?instance_id=none",
            port: banner.port,
            session: session,
            signedWith: (banner.accessKey, banner.secretKey)
        )
        #expect(signed.status == 404)
        #expect(String(decoding: signed.body, as: UTF8.self).contains("DBS.200002"))

        // The token flow with the printed password, then the token on the same API.
        let tokenBody = """
            {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","password":"\(banner.password)",\
            "domain":{"name":"backupd"}}}},"scope":{"project":{"name":"cn-north-4"}}}}
            """
        let issued = try await Self.send("/v3/auth/tokens", port: banner.port, session: session, method: "POST", body: tokenBody)
        #expect(issued.status == 201)
        let token = try #require(issued.headers["X-Subject-Token"])
        let withToken = try await Self.send(
            "/v3/\(cnNorth4)/backups?instance_id=none",
            port: banner.port,
            session: session,
            headers: ["X-Auth-Token": token]
        )
        #expect(withToken.status == 404)
        let anonymous = try await Self.send("/v3/\(cnNorth4)/backups?instance_id=none", port: banner.port, session: session)
        #expect(anonymous.status == 401)

        first.send(SIGTERM)
        let firstRun = await first.wait(timeout: TestBounds.processEnd)
        #expect(firstRun.status == 0, "\(firstRun.stderrText)")
        // Secrets are printed once, on standard output, and never logged.
        for secret in [banner.password, banner.secretKey, token] {
            #expect(!firstRun.stderrText.contains(secret), "the log holds a secret")
        }

        // A second start on the same store creates nothing and shows no secret; the key still works.
        let second = try await CLI.start(["serve", "--port", "0", "--store", store], in: directory)
        let secondBanner = try await Self.waitForBanner(of: second)
        #expect(!secondBanner.contains("secret key") && !secondBanner.contains(banner.secretKey))
        #expect(secondBanner.contains("1 domains, 1 users, 1 access keys"))
        let secondPort = try #require(
            secondBanner.split(separator: "\n").first { $0.contains("listening on") }.flatMap { $0.split(separator: ":").last }
                .flatMap { Int($0) }
        )
        let again = try await Self.send(
            "/v3/\(cnNorth4)/backups?instance_id=none",
            port: secondPort,
            session: session,
            signedWith: (banner.accessKey, banner.secretKey)
        )
        #expect(again.status == 404)
        second.send(SIGTERM)
        _ = await second.wait(timeout: TestBounds.processEnd)
    }

    @Test func aMalformedRegionStopsTheFirstStart() async throws {
        let directory = try Files.temporaryDirectory()
        defer { Files.remove(directory) }
        let result = try await CLI.run(
            ["serve", "--port", "0", "--store", "sqlite:\(directory.path)/r.sqlite", "--region", "CN North"],
            in: directory,
            timeout: .seconds(30)
        )
        #expect(result.status != 0)
        #expect(result.stderrText.contains("CN North is not a region id"), "\(result.stderrText)")
    }

    @Test func credentialsListCreateAndRevokeKeysWithoutShowingSecrets() async throws {
        let directory = try Files.temporaryDirectory()
        defer { Files.remove(directory) }
        let store = "--store=sqlite:\(directory.appendingPathComponent("c.sqlite").path)"
        let seeded = try await CLI.run(["seed", CLI.exampleSeed.path, store], in: directory)
        try #require(seeded.succeeded, "\(seeded.stderrText)")
        let secrets = try SeedCommandTests.secretsOfExample()

        let listed = try await CLI.run(["credentials", "list", store], in: directory)
        #expect(listed.succeeded, "\(listed.stderrText)")
        for expected in ["alice", "bob", "carol", "HPUAEXAMPLEAK0000001", "HPUAEXAMPLEAK0000003", "cn-north-4"] {
            #expect(listed.stdoutText.contains(expected), "\(expected) missing from:\n\(listed.stdoutText)")
        }
        for secret in secrets {
            #expect(!listed.stdoutText.contains(secret) && !listed.stderrText.contains(secret))
        }

        let created = try await CLI.run(["credentials", "create-key", "--domain", "acme", "--user", "bob", store], in: directory)
        #expect(created.succeeded, "\(created.stderrText)")
        let lines = created.stdoutText.split(separator: "\n")
        let access = try #require(lines.first { $0.hasPrefix("access key: ") }).dropFirst("access key: ".count)
        let secret = try #require(lines.first { $0.hasPrefix("secret key: ") }).dropFirst("secret key: ".count)
        #expect(access.count == 20 && secret.count == 40)

        let relisted = try await CLI.run(["credentials", "list", store], in: directory)
        #expect(relisted.stdoutText.contains(String(access)))
        #expect(!relisted.stdoutText.contains(String(secret)))

        let revoked = try await CLI.run(["credentials", "revoke-key", String(access), store], in: directory)
        #expect(revoked.succeeded, "\(revoked.stderrText)")
        let afterRevoke = try await CLI.run(["credentials", "list", store], in: directory)
        #expect(!afterRevoke.stdoutText.contains(String(access)))

        let twice = try await CLI.run(["credentials", "revoke-key", String(access), store], in: directory)
        #expect(twice.status == 1)
        #expect(twice.stderrText.contains("no access key \(access)"), "\(twice.stderrText)")
        let nobody = try await CLI.run(["credentials", "create-key", "--domain", "acme", "--user", "zed", store], in: directory)
        #expect(nobody.status == 1)
        #expect(nobody.stderrText.contains("domain acme has no user zed"), "\(nobody.stderrText)")
    }

    // MARK: - Helpers

    /// Waits (bounded) until the server has printed its banner, and returns it.
    static func waitForBanner(of process: TestProcess) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let text = process.stdoutSoFar()
            if text.contains("Point the Huawei Cloud SDKs"), text.hasSuffix("\n\n") { return text }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let ended = await process.wait(timeout: TestBounds.processEnd)
        Issue.record("no banner; stdout:\n\(ended.stdoutText)\nstderr:\n\(ended.stderrText)")
        throw CancellationError()
    }

    struct Answer {
        let status: Int
        let body: Data
        let headers: [String: String]
    }

    /// Sends a request to 127.0.0.1:`port`, signed as the SDK does when `signedWith` is given.
    static func send(
        _ target: String,
        port: Int,
        session: URLSession,
        method: String = "GET",
        body: String = "",
        headers: [String: String] = [:],
        signedWith key: (access: String, secret: String)? = nil
    ) async throws -> Answer {
        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)\(target)")))
        request.httpMethod = method
        request.timeoutInterval = TestBounds.request
        if !body.isEmpty {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json;charset=utf8", forHTTPHeaderField: "Content-Type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let key {
            var signable = SignableRequest(method: method, target: target, headers: [("Host", "127.0.0.1:\(port)")])
            SDKHMACSHA256.sign(&signable, accessKey: key.access, secretKey: key.secret, date: WallClock.system.seconds)
            for (name, value) in signable.headers.dropFirst() { request.setValue(value, forHTTPHeaderField: name) }
        }
        let (data, response) = try await session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name] = value }
        }
        return Answer(status: http.statusCode, body: data, headers: fields)
    }
}
