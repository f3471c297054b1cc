import BackupdTestSupport
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Several `backupd serve` processes on one PostgreSQL store behave as one service (README,
/// "Nodes are stateless"): tokens, signature lockouts and seeds made through one are seen by
/// every other at once. Each test has a schema of its own in the run's shared cluster; the tests
/// run one after the other, so that no more than three nodes start at once on the shared machine.
@Suite(.enabled(if: TestPostgres.url != nil, "needs scripts/with-postgres"), .serialized)
struct MultiNodeTests {
    /// A schema holding the example seed and `count` nodes serving it.
    struct Deployment {
        let directory: URL
        let schema: String
        let store: String
        let nodes: [ServeNode]
        let session: URLSession
    }

    /// Seeds the example into a new schema, starts `count` nodes on it, runs `body`, then stops
    /// the nodes and drops the schema, whether `body` passed or not.
    static func withDeployment(nodes count: Int, _ body: (Deployment) async throws -> Void) async throws {
        let url = try #require(TestPostgres.url)
        let directory = try Files.temporaryDirectory()
        defer { Files.remove(directory) }
        let schema = TestPostgres.newSchema()
        let store = "\(url)?schema=\(schema)"
        let seeded = try await CLI.run(["seed", CLI.exampleSeed.path, "--store", store] + CLI.patientPostgres, in: directory)
        try #require(seeded.succeeded, "seeding the example failed: \(seeded.stderrText)")

        var nodes: [ServeNode] = []
        let session = LoopbackHTTP.session()
        do {
            for index in 1...count {
                nodes.append(try await ServeNode.start("node \(index)", store: store))
            }
            try await body(Deployment(directory: directory, schema: schema, store: store, nodes: nodes, session: session))
        } catch {
            await stop(nodes, session: session)
            throw error
        }
        await stop(nodes, session: session)
        _ = try? await TestPostgres.sql("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE")
    }

    private static func stop(_ nodes: [ServeNode], session: URLSession) async {
        session.invalidateAndCancel()
        for node in nodes {
            let ended = await node.stop()
            #expect(ended.status == 0 && !ended.signaled, "\(node.name) did not stop cleanly: \(ended.stderrText)")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aTokenIssuedByOneNodeIsAcceptedByTheOthers() async throws {
        try await Self.withDeployment(nodes: 3) { deployment in
            let token = try await LoopbackHTTP.aliceToken(port: deployment.nodes[0].port, session: deployment.session)
            for node in deployment.nodes {
                let listed = try await LoopbackHTTP.send(
                    ExampleCalls.rdsList,
                    port: node.port,
                    session: deployment.session,
                    headers: ["X-Auth-Token": token]
                )
                #expect(listed.status == 200, "\(node.name): \(listed.status) \(listed.text)")
                #expect(ExampleCalls.totalCount(listed) == ExampleCalls.rdsHomeBackups, "\(node.name): \(listed.text)")
                // The store decides, not a node's memory: a token no node issued is refused everywhere.
                let forged = try await LoopbackHTTP.send(
                    ExampleCalls.rdsList,
                    port: node.port,
                    session: deployment.session,
                    headers: ["X-Auth-Token": String(token.dropLast()) + (token.hasSuffix("A") ? "B" : "A")]
                )
                #expect(forged.status == 401, "\(node.name) accepted an altered token: \(forged.text)")
            }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func fiveBadSignaturesSpreadOverTheNodesLockTheKeyOnEveryNode() async throws {
        try await Self.withDeployment(nodes: 3) { deployment in
            let nodes = deployment.nodes
            // Alice's key works everywhere before the attack (and every node has it cached).
            for node in nodes {
                let answer = try await LoopbackHTTP.send(ExampleCalls.rdsList, port: node.port, session: deployment.session, signedWith: .alice)
                #expect(answer.status == 200, "\(node.name) before the attack: \(answer.text)")
            }
            // Five failures in a row, three through node 1 and two through node 2.
            for (round, node) in [nodes[0], nodes[0], nodes[0], nodes[1], nodes[1]].enumerated() {
                let answer = try await LoopbackHTTP.send(
                    ExampleCalls.rdsList,
                    port: node.port,
                    session: deployment.session,
                    signedWith: .aliceForged
                )
                Self.expectBadSignature(answer, "bad signature \(round + 1) on \(node.name)")
            }
            // Now the right signature is refused the same way, on every node, node 3 included.
            for node in nodes {
                let answer = try await LoopbackHTTP.send(ExampleCalls.rdsList, port: node.port, session: deployment.session, signedWith: .alice)
                Self.expectBadSignature(answer, "alice's right signature on \(node.name) after the lock")
            }
            // The lock is alice's key's alone.
            for node in nodes {
                let answer = try await LoopbackHTTP.send(ExampleCalls.rdsList, port: node.port, session: deployment.session, signedWith: .bob)
                #expect(answer.status == 200, "bob on \(node.name): \(answer.status) \(answer.text)")
                #expect(ExampleCalls.totalCount(answer) == ExampleCalls.rdsHomeBackups)
            }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aSeedLoadedWhileNodesServeShowsInTheirVeryNextPage() async throws {
        try await Self.withDeployment(nodes: 3) { deployment in
            // Warm every cache: the same page twice on each node.
            var firstPage: [String] = []
            for node in deployment.nodes {
                for _ in 1...2 {
                    let answer = try await LoopbackHTTP.send(ExampleCalls.rdsList, port: node.port, session: deployment.session, signedWith: .alice)
                    try #require(answer.status == 200, "\(node.name): \(answer.text)")
                    #expect(ExampleCalls.totalCount(answer) == ExampleCalls.rdsHomeBackups)
                    firstPage = ExampleCalls.backupIDs(answer)
                }
            }
            try #require(firstPage.count == 10)

            let extra = deployment.directory.appendingPathComponent("extra.json")
            try Data(Self.extraSeed.utf8).write(to: extra)
            let seeded = try await CLI.run(
                ["seed", extra.path, "--store", deployment.store] + CLI.patientPostgres,
                in: deployment.directory
            )
            try #require(seeded.succeeded, "backupd seed of the extra file failed: \(seeded.stderrText)")
            #expect(seeded.stderrText.contains("3 backups"), "\(seeded.stderrText)")

            // Newest first: the three new backups, then the old first page without its last three.
            let expected = Array(Self.extraBackupIDs.reversed()) + Array(firstPage.prefix(7))
            for node in deployment.nodes {
                let answer = try await LoopbackHTTP.send(ExampleCalls.rdsList, port: node.port, session: deployment.session, signedWith: .alice)
                #expect(answer.status == 200, "\(node.name): \(answer.text)")
                #expect(ExampleCalls.totalCount(answer) == ExampleCalls.rdsHomeBackups + 3, "\(node.name) still counts the old total")
                #expect(ExampleCalls.backupIDs(answer) == expected, "\(node.name) still serves the old page")
            }
        }
    }

    /// The gateway's answer to a bad signature (`docs/auth.md` §4.6), carrying the response's request id.
    static func expectBadSignature(_ answer: HTTPAnswer, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(answer.status == 401, "\(what): \(answer.status) \(answer.text)", sourceLocation: sourceLocation)
        let json = answer.json ?? [:]
        #expect(Set(json.keys) == ["error_code", "error_msg", "request_id"], "\(what): \(answer.text)", sourceLocation: sourceLocation)
        #expect(json["error_code"] as? String == "APIGW.0301", "\(what): \(answer.text)", sourceLocation: sourceLocation)
        #expect(
            json["error_msg"] as? String == "Incorrect IAM authentication information: verify aksk signature fail",
            "\(what): \(answer.text)",
            sourceLocation: sourceLocation
        )
        #expect(json["request_id"] as? String == answer.header("X-Request-Id"), "\(what)", sourceLocation: sourceLocation)
    }

    /// Three RDS backups of a48e…in01, newer than every backup of the example seed, so they lead
    /// its first page. The instance is the stored one: seed files may refer to stored records.
    static let extraBackupIDs = (1...3).map { "e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e\($0)br01" }
    static var extraSeed: String {
        let backups = extraBackupIDs.enumerated().map { index, id in
            """
            {"instance_id":"\(ExampleCalls.rdsInstance)","id":"\(id)","name":"rds-mysql-a48e-extra-\(index + 1)",\
            "type":"manual","status":"COMPLETED","size":\(1000 + index),"begin_time":"2031-01-0\(index + 1)T02:00:00+0800",\
            "end_time":"2031-01-0\(index + 1)T02:03:00+0800","associated_with_ddm":false}
            """
        }
        return "{\"backups\":[\n" + backups.joined(separator: ",\n") + "\n]}\n"
    }
}
