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

/// One `backupd serve` process on 127.0.0.1. It binds a port of its own choosing (`--port 0`)
/// and the test reads it from the banner, so no port can be taken between a probe and the bind.
final class ServeNode: Sendable {
    let process: TestProcess
    let port: Int
    let name: String

    private init(process: TestProcess, port: Int, name: String) {
        self.process = process
        self.port = port
        self.name = name
    }

    /// Starts a node on `store` and returns once it has printed its banner (it then answers).
    static func start(
        _ name: String,
        store: String,
        arguments: [String] = [],
        environment: [String: String?] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ServeNode {
        let binary = try CLI.requireBinary(sourceLocation: sourceLocation)
        let process = try await TestProcess.start(
            binary.path,
            ["serve", "--host", "127.0.0.1", "--port", "0", "--store", store] + arguments,
            environment: environment
        )
        let port = try await waitForPort(of: process, name: name, sourceLocation: sourceLocation)
        return ServeNode(process: process, port: port, name: name)
    }

    /// The port of the banner's `backupd is listening on http://127.0.0.1:PORT`, waited for at most 60 s.
    private static func waitForPort(of process: TestProcess, name: String, sourceLocation: SourceLocation) async throws -> Int {
        let marker = "listening on http://127.0.0.1:"
        let deadline = ContinuousClock.now + .seconds(60)
        var polls = 0
        while ContinuousClock.now < deadline && polls < 1_200 && process.isRunning {
            polls += 1
            let text = process.stdoutSoFar()
            // The banner is written whole and ends with an empty line.
            if text.contains("Point the Huawei Cloud SDKs"), text.hasSuffix("\n\n"),
                let line = text.split(separator: "\n").first(where: { $0.contains(marker) }),
                let port = Int(line[line.range(of: marker)!.upperBound...])
            {
                return port
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let ended = await process.wait(timeout: TestBounds.processEnd)
        Issue.record(
            "\(name): no banner within 60 s; status \(ended.status)\nstdout:\n\(ended.stdoutText)\nstderr:\n\(ended.stderrText)",
            sourceLocation: sourceLocation
        )
        throw CancellationError()
    }

    /// SIGTERM, then the end (bounded); the node's output for the test to read.
    func stop() async -> ProcessResult {
        process.send(SIGTERM)
        return await process.wait(timeout: TestBounds.processEnd)
    }
}

extension CLI {
    /// `--pg-query-timeout` for the batch commands (`seed`, `export`) on PostgreSQL. Their
    /// default is the serving one, 1 s for a whole read or statement, and on this two-core machine
    /// under the full test run an export batch of a few thousand backups, or the id lookup of a
    /// large seed, exceeds it: the command then fails with "PostgreSQL gave no answer within 1.0
    /// seconds". These suites test what the commands do, not that deadline.
    static let patientPostgres = ["--pg-query-timeout", "120000"]
}

/// An HTTP answer and how long it took to arrive.
struct HTTPAnswer: Sendable {
    let status: Int
    let body: Data
    /// Header names in lower case.
    let headers: [String: String]
    let elapsed: Duration

    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headers[name.lowercased()] }
    /// The body as a JSON object, or nil.
    var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
}

/// An access key pair of the example seed (or a forged one).
struct SigningKey: Sendable {
    let access: String
    let secret: String

    static let alice = SigningKey(access: Fixtures.Alice.access, secret: Fixtures.Alice.secret)
    static let bob = SigningKey(access: Fixtures.Bob.access, secret: Fixtures.Bob.secret)
    /// Alice's access key with a secret that is not hers: every signature is bad.
    static let aliceForged = SigningKey(access: Fixtures.Alice.access, secret: "wrongSecretKey000000000000000000000000001")
}

/// Requests to nodes on 127.0.0.1, signed as the official SDKs sign them when a key is given.
enum LoopbackHTTP {
    /// Sends one request; a transport failure (refused, reset, empty reply, timeout) throws.
    static func send(
        _ target: String,
        port: Int,
        session: URLSession,
        method: String = "GET",
        body: String = "",
        headers: [String: String] = [:],
        signedWith key: SigningKey? = nil,
        timeout: TimeInterval = TestBounds.request
    ) async throws -> HTTPAnswer {
        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)\(target)")))
        request.httpMethod = method
        request.timeoutInterval = timeout
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
        let started = ContinuousClock.now
        let (data, response) = try await session.data(for: request)
        let elapsed = ContinuousClock.now - started
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return HTTPAnswer(status: http.statusCode, body: data, headers: fields, elapsed: elapsed)
    }

    /// A project-scoped token for alice (`POST /v3/auth/tokens`), from the node on `port`.
    static func aliceToken(port: Int, session: URLSession, project: String = "cn-north-4") async throws -> String {
        let body = """
            {"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"\(Fixtures.Alice.name)",\
            "password":"\(Fixtures.Alice.password)","domain":{"name":"acme"}}}},"scope":{"project":{"name":"\(project)"}}}}
            """
        let issued = try await send("/v3/auth/tokens", port: port, session: session, method: "POST", body: body)
        try #require(issued.status == 201, "POST /v3/auth/tokens answered \(issued.status): \(issued.text)")
        return try #require(issued.header("X-Subject-Token"), "no X-Subject-Token")
    }

    /// A session that keeps nothing between tests.
    static func session() -> URLSession {
        URLSession(configuration: .ephemeral)
    }
}

/// Targets and answers of the example seed that the multi-node and fault suites share.
enum ExampleCalls {
    static let project = Fixtures.Acme.cnNorth4
    static let rdsInstance = Fixtures.Acme.mysqlInstance
    /// RDS backups of a48e…in01 (25 home backups in the example seed), first page of 10.
    static let rdsList = "/v3/\(project)/backups?instance_id=\(rdsInstance)&offset=0&limit=10"
    /// DCS v2 backup records of the example's Redis instance.
    static let dcsList = "/v2/\(project)/instances/\(Fixtures.Acme.redisInstance)/backups?offset=0&limit=10"
    static let rdsHomeBackups = 25

    /// `docs/api.md` §1.7: the server-failure bodies, byte for byte as the envelopes write them.
    static let rdsServerFailure = #"{"error_code":"DBS.108000","error_msg":"Server failure."}"#
    static let dcsServerFailure = #"{"error_code":"DCS.5000","error_msg":"Internal service error.","error_ext_msg":null}"#

    /// The ids of an RDS list answer's `backups`, in order.
    static func backupIDs(_ answer: HTTPAnswer) -> [String] {
        (answer.json?["backups"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    static func totalCount(_ answer: HTTPAnswer) -> Int? {
        answer.json?["total_count"] as? Int
    }
}
