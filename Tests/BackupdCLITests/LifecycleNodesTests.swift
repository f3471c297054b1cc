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

/// The write side across processes (`lifecycle.md` §5, §7, §8.0, §11.2): several `backupd serve`
/// nodes on one store (a PostgreSQL schema, or one SQLite file) share one catalog clock, settle
/// the schedules into exactly one record per instance, kind and instant, with the same id and
/// fields on every node; two creates racing through two nodes give one success and one refusal;
/// and what a write answered 200 for survives a `kill -9` of the node that answered it.
///
/// Every test runs on the example seed with a control token, on 127.0.0.1 only, with the clock
/// frozen: the outcomes are functions of the catalog clock, never of how fast a node answers.
@Suite(.serialized)
struct LifecycleNodesTests {
    static let controlToken = "lifecycle-nodes-tests-control-token"
    static let project = ExampleCalls.project
    static let instance = ExampleCalls.rdsInstance
    /// `W` of `lifecycle.md` §11.2: a window that holds only the records made in 2030.
    static let window = "begin_time=2030-01-01T00:00:00%2B0000&end_time=2030-12-31T00:00:00%2B0000"
    static let autoList = "/v3/\(project)/backups?instance_id=\(instance)&backup_type=auto&\(window)"
    static let incrementalList = "/v3/\(project)/backups?instance_id=\(instance)&backup_type=incremental&limit=3&\(window)"
    static let manualList = "/v3/\(project)/backups?instance_id=\(instance)&backup_type=manual&\(window)"
    /// Every home record of the instance (25 seeded, plus the few these tests make), one page.
    static let wholeList = "/v3/\(project)/backups?instance_id=\(instance)&offset=0&limit=100"
    static let createPath = "/v3/\(project)/backups"
    static let policyPath = "/v3/\(project)/instances/\(instance)/backups/policy"
    static let dailyPolicy = #"{"backup_policy": {"keep_days": 1, "start_time": "08:15-09:15", "period": "1,2,3,4,5,6,7"}}"#

    enum Engine: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case postgres
        case sqlite

        var testDescription: String { rawValue }
    }

    /// Whether the engine can run here; PostgreSQL only under `scripts/with-postgres` (its
    /// absence is a failure when the run requires it).
    static func available(_ engine: Engine) -> Bool {
        guard engine == .postgres, TestPostgres.url == nil else { return true }
        if TestPostgres.isRequired {
            Issue.record("BACKUPD_REQUIRE_POSTGRES=1 but BACKUPD_TEST_POSTGRES_URL is not set (run through scripts/with-postgres)")
        }
        return false
    }

    // MARK: - A store and its nodes

    /// One store holding the example seed, and the nodes serving it.
    final class Deployment: @unchecked Sendable {
        let engine: Engine
        let directory: URL
        let store: String
        let session: URLSession
        /// Every node started on the store, running or not, for the final stop.
        private(set) var started: [ServeNode] = []
        private let schema: String?

        init(engine: Engine) async throws {
            self.engine = engine
            directory = try Files.temporaryDirectory()
            session = LoopbackHTTP.session()
            switch engine {
            case .postgres:
                let url = try #require(TestPostgres.url)
                let schema = TestPostgres.newSchema()
                self.schema = schema
                store = "\(url)?schema=\(schema)"
            case .sqlite:
                schema = nil
                store = "sqlite:\(directory.appendingPathComponent("catalog.sqlite").path)"
            }
            let patience = engine == .postgres ? CLI.patientPostgres : []
            let seeded = try await CLI.run(["seed", CLI.exampleSeed.path, "--store", store] + patience, in: directory)
            try #require(seeded.succeeded, "seeding the example into \(engine) failed: \(seeded.stderrText)")
        }

        /// Starts a node with the control token (and no token from the environment).
        func startNode(_ name: String) async throws -> ServeNode {
            let node = try await ServeNode.start(
                "\(engine) \(name)",
                store: store,
                arguments: ["--control-token", LifecycleNodesTests.controlToken],
                environment: ["BACKUPD_CONTROL_TOKEN": nil]
            )
            started.append(node)
            return node
        }

        func startNodes(_ count: Int) async throws -> [ServeNode] {
            var nodes: [ServeNode] = []
            for index in 1...count { nodes.append(try await startNode("node \(index)")) }
            return nodes
        }

        /// Stops the nodes still running (each must stop cleanly), then removes the store.
        func tearDown() async {
            session.invalidateAndCancel()
            for node in started where node.process.isRunning {
                let ended = await node.stop()
                #expect(ended.status == 0 && !ended.signaled, "\(node.name) did not stop cleanly: \(ended.stderrText)")
            }
            if let schema {
                _ = try? await TestPostgres.sql("DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE")
            }
            Files.remove(directory)
        }

        /// `backupd export` of the store, as it is stored.
        func export() async throws -> Data {
            let patience = engine == .postgres ? CLI.patientPostgres : []
            let exported = try await CLI.run(["export", "--store", store] + patience, in: directory)
            try #require(exported.succeeded && exported.stdout.count > 1000, "backupd export: \(exported.stderrText)")
            return exported.stdout
        }
    }

    /// Runs `body` on a fresh deployment of `engine`, and tears it down whether `body` passed or not.
    static func withDeployment(_ engine: Engine, _ body: (Deployment) async throws -> Void) async throws {
        let deployment = try await Deployment(engine: engine)
        do {
            try await body(deployment)
        } catch {
            await deployment.tearDown()
            throw error
        }
        await deployment.tearDown()
    }

    // MARK: - Requests

    /// C2 through `node`: must answer 200 with a clock document whose `now` is `expected`.
    static func moveClock(
        _ body: String,
        through node: ServeNode,
        _ deployment: Deployment,
        expect expected: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let answer = try await LoopbackHTTP.send(
            "/_backupd/v1/clock",
            port: node.port,
            session: deployment.session,
            method: "PUT",
            body: body,
            headers: ["Authorization": "Bearer \(controlToken)"]
        )
        try #require(answer.status == 200, "\(node.name) C2 \(body): \(answer.status) \(answer.text)", sourceLocation: sourceLocation)
        #expect(
            answer.text.hasPrefix(#"{"now":"\#(expected)","frozen":true,"offset_seconds":"#),
            "\(node.name) C2 \(body): \(answer.text)",
            sourceLocation: sourceLocation
        )
    }

    static func get(_ target: String, from node: ServeNode, token: String, _ deployment: Deployment) async throws -> HTTPAnswer {
        try await LoopbackHTTP.send(target, port: node.port, session: deployment.session, headers: ["X-Auth-Token": token])
    }

    static func send(
        _ method: String,
        _ target: String,
        _ body: String = "",
        to node: ServeNode,
        token: String,
        _ deployment: Deployment
    ) async throws -> HTTPAnswer {
        try await LoopbackHTTP.send(
            target,
            port: node.port,
            session: deployment.session,
            method: method,
            body: body,
            headers: ["X-Auth-Token": token]
        )
    }

    /// W1 for a manual backup of a48e…in01 named `name`.
    static func create(_ name: String, through node: ServeNode, token: String, _ deployment: Deployment) async throws -> HTTPAnswer {
        try await send("POST", createPath, #"{"instance_id": "\#(instance)", "name": "\#(name)"}"#, to: node, token: token, deployment)
    }

    /// One request per node, all sent at once; the answers in the order of `nodes`.
    static func concurrently(
        _ nodes: [ServeNode],
        _ request: @escaping @Sendable (Int, ServeNode) async throws -> HTTPAnswer
    ) async throws -> [HTTPAnswer] {
        try await withThrowingTaskGroup(of: (Int, HTTPAnswer).self) { group in
            for (index, node) in nodes.enumerated() {
                group.addTask { (index, try await request(index, node)) }
            }
            var answers: [Int: HTTPAnswer] = [:]
            for try await (index, answer) in group { answers[index] = answer }
            return try nodes.indices.map { try #require(answers[$0]) }
        }
    }

    /// `target` read from every node at once: each must answer 200, all with the same bytes.
    /// Returns the body as JSON.
    static func readEverywhere(
        _ target: String,
        _ nodes: [ServeNode],
        token: String,
        _ deployment: Deployment,
        _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String: Any] {
        let answers = try await concurrently(nodes) { _, node in try await get(target, from: node, token: token, deployment) }
        for (node, answer) in zip(nodes, answers) {
            try #require(answer.status == 200, "\(what) on \(node.name): \(answer.status) \(answer.text)", sourceLocation: sourceLocation)
        }
        for (node, answer) in zip(nodes, answers).dropFirst() {
            expectSameBytes(answer.body, answers[0].body, "\(what) on \(node.name) against \(nodes[0].name)", sourceLocation: sourceLocation)
        }
        return try #require(answers[0].json, "\(what): \(answers[0].text)", sourceLocation: sourceLocation)
    }

    /// The `backups` of a list answer.
    static func backups(_ json: [String: Any]) -> [[String: Any]] {
        json["backups"] as? [[String: Any]] ?? []
    }

    /// 32 lower-case hex digits and the suffix of a48e…in01 (`lifecycle.md` §4.13).
    static func isLifecycleID(_ id: String?) -> Bool {
        guard let id, id.hasSuffix("br01"), id.count == 36 else { return false }
        return id.dropLast(4).allSatisfy { "0123456789abcdef".contains($0) }
    }

    /// Expects an answer to be `status` with the RDS error `code` and `message`.
    static func expectRefusal(
        _ answer: HTTPAnswer,
        _ status: Int,
        _ code: String,
        _ message: String,
        _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(answer.status == status, "\(what): \(answer.status) \(answer.text)", sourceLocation: sourceLocation)
        #expect(answer.json?["error_code"] as? String == code, "\(what): \(answer.text)", sourceLocation: sourceLocation)
        #expect(answer.json?["error_msg"] as? String == message, "\(what): \(answer.text)", sourceLocation: sourceLocation)
    }

    static let inProgress = (409, "DBS.201205", "Backup is in progress, please wait.")
    static let nameTaken = (409, "DBS.201201", "The object already exists.")

    // MARK: - 1. One schedule, settled by three nodes

    /// `lifecycle.md` §11.2 steps 5–11 with every step through another node, and every list read
    /// from the three nodes at once, twice: the first reads of a step are the ones that settle it,
    /// so they race to write the same automated records.
    @Test(.timeLimit(.minutes(4)), arguments: Engine.allCases)
    func threeNodesSettleOneScheduleIntoTheSameRecords(_ engine: Engine) async throws {
        guard Self.available(engine) else { return }
        try await Self.withDeployment(engine) { deployment in
            let nodes = try await deployment.startNodes(3)
            let token = try await LoopbackHTTP.aliceToken(port: nodes[0].port, session: deployment.session)

            try await Self.moveClock(
                #"{"now": "2030-01-07T08:00:00.000Z", "frozen": true}"#,
                through: nodes[0],
                deployment,
                expect: "2030-01-07T08:00:00.000Z"
            )
            let set = try await Self.send("PUT", Self.policyPath, Self.dailyPolicy, to: nodes[1], token: token, deployment)
            #expect(set.status == 200 && set.text == "{}", "W4 through \(nodes[1].name): \(set.status) \(set.text)")
            let policy = try await Self.readEverywhere(Self.policyPath, nodes, token: token, deployment, "W5")
            #expect((policy["backup_policy"] as? [String: Any])?["keep_days"] as? Int == 1, "W5: \(policy)")
            try await Self.moveClock(#"{"advance": "P2D"}"#, through: nodes[2], deployment, expect: "2030-01-09T08:00:00.000Z")

            // 01-09 08:00: the full backups of 01-07 08:15 (past retention, the base) and 01-08 08:15;
            // an incremental every five minutes from 01-07 08:20 to 01-09 08:00.
            var autoIDs: [String: String] = [:]
            for round in 1...2 {
                let auto = try await Self.readEverywhere(Self.autoList, nodes, token: token, deployment, "auto at 01-09 08:00, read \(round)")
                #expect(auto["total_count"] as? Int == 2, "\(auto)")
                Self.expectAuto(
                    auto,
                    [("20300108081500000", "COMPLETED"), ("20300107081500000", "COMPLETED")],
                    ids: &autoIDs,
                    "auto at 01-09 08:00, read \(round)"
                )
                let incremental = try await Self.readEverywhere(
                    Self.incrementalList,
                    nodes,
                    token: token,
                    deployment,
                    "incremental at 01-09 08:00, read \(round)"
                )
                #expect(incremental["total_count"] as? Int == 573, "incremental total at 01-09 08:00: \(incremental["total_count"] ?? "none")")
                Self.expectIncrementals(incremental, newestEnd: "2030-01-09T08:00:00+0000", "incremental at 01-09 08:00, read \(round)")
            }

            // PT14M → 01-09 08:14: nothing new is due but three more incrementals; the 01-08 backup is
            // not past retention yet, so the 01-07 base and every incremental stay.
            try await Self.moveClock(#"{"advance": "PT14M"}"#, through: nodes[0], deployment, expect: "2030-01-09T08:14:00.000Z")
            for round in 1...2 {
                let auto = try await Self.readEverywhere(Self.autoList, nodes, token: token, deployment, "auto at 01-09 08:14, read \(round)")
                #expect(auto["total_count"] as? Int == 2, "\(auto)")
                Self.expectAuto(
                    auto,
                    [("20300108081500000", "COMPLETED"), ("20300107081500000", "COMPLETED")],
                    ids: &autoIDs,
                    "auto at 01-09 08:14, read \(round)"
                )
                let incremental = try await Self.readEverywhere(
                    Self.incrementalList,
                    nodes,
                    token: token,
                    deployment,
                    "incremental at 01-09 08:14, read \(round)"
                )
                #expect(incremental["total_count"] as? Int == 575, "incremental total at 01-09 08:14: \(incremental["total_count"] ?? "none")")
                Self.expectIncrementals(incremental, newestEnd: "2030-01-09T08:10:00+0000", "incremental at 01-09 08:14, read \(round)")
            }

            // PT61S → 01-09 08:15:01 (§11.2 steps 10 and 11): the 01-09 backup is BUILDING, the 01-08
            // one is now the base, the 01-07 one is gone, and with it the 288 incrementals before it.
            try await Self.moveClock(#"{"advance": "PT61S"}"#, through: nodes[1], deployment, expect: "2030-01-09T08:15:01.000Z")
            for round in 1...2 {
                let auto = try await Self.readEverywhere(Self.autoList, nodes, token: token, deployment, "auto at 01-09 08:15:01, read \(round)")
                #expect(auto["total_count"] as? Int == 2, "\(auto)")
                Self.expectAuto(
                    auto,
                    [("20300109081500000", "BUILDING"), ("20300108081500000", "COMPLETED")],
                    ids: &autoIDs,
                    "auto at 01-09 08:15:01, read \(round)"
                )
                let incremental = try await Self.readEverywhere(
                    Self.incrementalList,
                    nodes,
                    token: token,
                    deployment,
                    "incremental at 01-09 08:15:01, read \(round)"
                )
                #expect(incremental["total_count"] as? Int == 288, "incremental total at 01-09 08:15:01: \(incremental["total_count"] ?? "none")")
                Self.expectIncrementals(incremental, newestEnd: "2030-01-09T08:15:00+0000", "incremental at 01-09 08:15:01, read \(round)")
            }
            #expect(Set(autoIDs.values).count == autoIDs.count, "two automated backups share an id: \(autoIDs)")
        }
    }

    /// Expects the automated full backups of an answer, newest first, by the instant in their
    /// names and their status, and each one's id to be the id it had in every earlier read.
    static func expectAuto(
        _ json: [String: Any],
        _ expected: [(instant: String, status: String)],
        ids: inout [String: String],
        _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let listed = backups(json)
        #expect(
            listed.map { $0["name"] as? String ?? "?" } == expected.map { "rds-mysql-a48e-\($0.instant)" },
            "\(what): \(listed.map { $0["name"] ?? "?" })",
            sourceLocation: sourceLocation
        )
        #expect(
            listed.map { $0["status"] as? String ?? "?" } == expected.map(\.status),
            "\(what): \(listed.map { $0["status"] ?? "?" })",
            sourceLocation: sourceLocation
        )
        for backup in listed {
            let name = backup["name"] as? String ?? "?"
            let id = backup["id"] as? String
            #expect(backup["type"] as? String == "auto", "\(what): \(name)", sourceLocation: sourceLocation)
            #expect(isLifecycleID(id), "\(what): \(name) has the id \(id ?? "none")", sourceLocation: sourceLocation)
            let size = backup["size"] as? Int
            #expect(
                size == (backup["status"] as? String == "COMPLETED" ? 1024 : 0),
                "\(what): \(name) size \(size ?? -1)",
                sourceLocation: sourceLocation
            )
            if let id {
                if let earlier = ids[name] {
                    #expect(id == earlier, "\(what): \(name) was \(earlier), now \(id)", sourceLocation: sourceLocation)
                } else {
                    ids[name] = id
                }
            }
        }
    }

    /// Expects the first page (`limit=3`) of incrementals: contiguous five-minute steps, the newest
    /// ending at `newestEnd`, each named by its end (`lifecycle.md` §8.2, §8.6).
    static func expectIncrementals(
        _ json: [String: Any],
        newestEnd: String,
        _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let listed = backups(json)
        #expect(listed.count == 3, "\(what): \(listed.count) on the page", sourceLocation: sourceLocation)
        // "2030-01-09T08:10:00+0000" and the two before it.
        let day = String(newestEnd.prefix(11))
        let hour = Int(newestEnd.dropFirst(11).prefix(2)) ?? 0
        let minute = Int(newestEnd.dropFirst(14).prefix(2)) ?? 0
        func time(_ stepsBack: Int) -> (text: String, name: String) {
            let total = hour * 60 + minute - 5 * stepsBack
            let text = String(format: "%@%02d:%02d:00+0000", day, total / 60, total % 60)
            let compact = day.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "T", with: "")
            return (text, String(format: "rds-mysql-a48e-%@%02d%02d00000", compact, total / 60, total % 60))
        }
        for (index, backup) in listed.enumerated() {
            let end = time(index)
            let begin = time(index + 1)
            #expect(backup["name"] as? String == end.name, "\(what) [\(index)]: \(backup["name"] ?? "none")", sourceLocation: sourceLocation)
            #expect(backup["type"] as? String == "incremental", "\(what) [\(index)]", sourceLocation: sourceLocation)
            #expect(backup["status"] as? String == "COMPLETED", "\(what) [\(index)]", sourceLocation: sourceLocation)
            #expect(backup["size"] as? Int == 16, "\(what) [\(index)]: size \(backup["size"] ?? "none")", sourceLocation: sourceLocation)
            #expect(
                backup["begin_time"] as? String == begin.text,
                "\(what) [\(index)]: \(backup["begin_time"] ?? "none")",
                sourceLocation: sourceLocation
            )
            #expect(backup["end_time"] as? String == end.text, "\(what) [\(index)]: \(backup["end_time"] ?? "none")", sourceLocation: sourceLocation)
            #expect(isLifecycleID(backup["id"] as? String), "\(what) [\(index)]: id \(backup["id"] ?? "none")", sourceLocation: sourceLocation)
        }
    }

    // MARK: - 2. Racing creates

    static let raceRounds = 4

    /// `lifecycle.md` §7: two creates for one instance through two nodes at once give one 200 and
    /// one 409 `DBS.201205`, whichever comes first; once the winner has completed, its name is
    /// taken for both nodes (409 `DBS.201201`), and a loser's name was never taken.
    @Test(.timeLimit(.minutes(4)), arguments: Engine.allCases)
    func twoNodesRacingToCreateGetOneBackupAndOneRefusal(_ engine: Engine) async throws {
        guard Self.available(engine) else { return }
        try await Self.withDeployment(engine) { deployment in
            let nodes = try await deployment.startNodes(2)
            let token = try await LoopbackHTTP.aliceToken(port: nodes[0].port, session: deployment.session)
            try await Self.moveClock(
                #"{"now": "2030-01-07T08:00:00.000Z", "frozen": true}"#,
                through: nodes[0],
                deployment,
                expect: "2030-01-07T08:00:00.000Z"
            )

            var winners: [(name: String, id: String)] = []
            var losers: [String] = []
            var seconds = 0
            for round in 1...Self.raceRounds {
                let names = ["race-\(round)-a", "race-\(round)-b"]
                let begin = String(format: "2030-01-07T08:%02d:%02d+0000", seconds / 60, seconds % 60)
                let answers = try await Self.concurrently(nodes) { index, node in
                    try await Self.create(names[index], through: node, token: token, deployment)
                }
                let won = answers.indices.filter { answers[$0].status == 200 }
                let lost = answers.indices.filter { answers[$0].status != 200 }
                #expect(won.count == 1 && lost.count == 1, "round \(round): \(answers.map { "\($0.status) \($0.text)" })")
                guard won.count == 1, lost.count == 1 else { break }
                let loss = answers[lost[0]]
                Self.expectRefusal(loss, Self.inProgress.0, Self.inProgress.1, Self.inProgress.2, "round \(round), \(nodes[lost[0]].name)")
                let backup = try #require(answers[won[0]].json?["backup"] as? [String: Any], "round \(round): \(answers[won[0]].text)")
                #expect(backup["name"] as? String == names[won[0]], "round \(round): \(backup)")
                #expect(backup["status"] as? String == "BUILDING", "round \(round): \(backup)")
                #expect(backup["type"] as? String == "manual", "round \(round): \(backup)")
                #expect(backup["begin_time"] as? String == begin, "round \(round): \(backup)")
                let id = try #require(backup["id"] as? String)
                #expect(Self.isLifecycleID(id), "round \(round): id \(id)")
                winners.append((names[won[0]], id))
                losers.append(names[lost[0]])

                // Both nodes see the one new backup, BUILDING, and nothing of the loser.
                let listed = try await Self.readEverywhere(Self.manualList, nodes, token: token, deployment, "manual list in round \(round)")
                #expect(listed["total_count"] as? Int == round, "round \(round): \(listed)")
                #expect(Self.backups(listed).first?["id"] as? String == id, "round \(round): \(listed)")
                #expect(Self.backups(listed).first?["status"] as? String == "BUILDING", "round \(round): \(listed)")

                // The winner completes before the next round.
                seconds += 61
                try await Self.moveClock(
                    #"{"advance": "PT61S"}"#,
                    through: nodes[round % 2],
                    deployment,
                    expect: String(format: "2030-01-07T08:%02d:%02d.000Z", seconds / 60, seconds % 60)
                )
            }
            try #require(winners.count == Self.raceRounds)

            // Every winner is COMPLETED, newest first, and no loser was stored.
            let listed = try await Self.readEverywhere(Self.manualList, nodes, token: token, deployment, "manual list after the races")
            #expect(listed["total_count"] as? Int == Self.raceRounds, "\(listed)")
            #expect(Self.backups(listed).map { $0["id"] as? String ?? "?" } == winners.reversed().map(\.id), "\(listed)")
            #expect(Self.backups(listed).allSatisfy { $0["status"] as? String == "COMPLETED" }, "\(listed)")

            // The same name through both nodes at once, after its backup completed: taken for both.
            for winner in [winners[winners.count - 1], winners[0]] {
                let answers = try await Self.concurrently(nodes) { _, node in
                    try await Self.create(winner.name, through: node, token: token, deployment)
                }
                for (node, answer) in zip(nodes, answers) {
                    Self.expectRefusal(answer, Self.nameTaken.0, Self.nameTaken.1, Self.nameTaken.2, "\(winner.name) again through \(node.name)")
                }
            }
            let unchanged = try await Self.readEverywhere(Self.manualList, nodes, token: token, deployment, "manual list after the taken names")
            #expect(unchanged["total_count"] as? Int == Self.raceRounds, "\(unchanged)")

            // A refused create kept nothing: the first loser's name is free, and the two nodes racing
            // for it get one backup and one refusal (the loser finds the winner in progress).
            let freed = losers[0]
            let late = try await Self.concurrently(nodes) { _, node in
                try await Self.create(freed, through: node, token: token, deployment)
            }
            let lateWon = late.filter { $0.status == 200 }
            let lateLost = late.filter { $0.status != 200 }
            #expect(lateWon.count == 1 && lateLost.count == 1, "\(losers[0]) after the races: \(late.map { "\($0.status) \($0.text)" })")
            for answer in lateLost {
                Self.expectRefusal(answer, Self.inProgress.0, Self.inProgress.1, Self.inProgress.2, "\(losers[0]) after the races")
            }
            let final = try await Self.readEverywhere(Self.manualList, nodes, token: token, deployment, "manual list at the end")
            #expect(final["total_count"] as? Int == Self.raceRounds + 1, "\(final)")
            #expect(Self.backups(final).first?["name"] as? String == losers[0], "\(final)")
        }
    }

    // MARK: - 3. Durability of answered writes

    /// On an SQLite file: a create and a policy that a node answered 200 for are in the store
    /// when the node is killed with SIGKILL right after the answer, and a node started anew on
    /// the file serves them; writes answered 409 left the store exactly as it was.
    @Test(.timeLimit(.minutes(4)))
    func writesAnsweredBeforeAKillNineAreThereAfterARestart() async throws {
        try await Self.withDeployment(.sqlite) { deployment in
            // Node 1: a manual backup, then SIGKILL at once.
            let first = try await deployment.startNode("node 1")
            try await Self.moveClock(
                #"{"now": "2030-01-07T08:00:00.000Z", "frozen": true}"#,
                through: first,
                deployment,
                expect: "2030-01-07T08:00:00.000Z"
            )
            let firstToken = try await LoopbackHTTP.aliceToken(port: first.port, session: deployment.session)
            let created = try await Self.create("durable-001", through: first, token: firstToken, deployment)
            try #require(created.status == 200, "W1: \(created.status) \(created.text)")
            try await Self.kill(first)
            let id = try #require((created.json?["backup"] as? [String: Any])?["id"] as? String, "\(created.text)")

            // Node 2: the backup is there, BUILDING at the frozen clock; 61 s later COMPLETED.
            let second = try await deployment.startNode("node 2")
            let secondToken = try await LoopbackHTTP.aliceToken(port: second.port, session: deployment.session)
            let byID = "/v3/\(Self.project)/backups?instance_id=\(Self.instance)&backup_id=\(id)"
            let building = try await Self.get(byID, from: second, token: secondToken, deployment)
            try #require(building.status == 200, "\(building.text)")
            #expect(ExampleCalls.totalCount(building) == 1, "the killed node's backup is not listed: \(building.text)")
            if let backup = Self.backups(building.json ?? [:]).first {
                #expect(backup["name"] as? String == "durable-001", "\(backup)")
                #expect(backup["status"] as? String == "BUILDING", "\(backup)")
                #expect(backup["size"] as? Int == 0, "\(backup)")
                #expect(backup["begin_time"] as? String == "2030-01-07T08:00:00+0000", "\(backup)")
                #expect(backup["end_time"] as? String == "2030-01-07T08:00:00+0000", "\(backup)")
            }
            try await Self.moveClock(#"{"advance": "PT61S"}"#, through: second, deployment, expect: "2030-01-07T08:01:01.000Z")
            let completed = try await Self.get(byID, from: second, token: secondToken, deployment)
            #expect(ExampleCalls.totalCount(completed) == 1, "\(completed.text)")
            if let backup = Self.backups(completed.json ?? [:]).first {
                #expect(backup["status"] as? String == "COMPLETED", "\(backup)")
                #expect(backup["size"] as? Int == 1024, "\(backup)")
                #expect(backup["end_time"] as? String == "2030-01-07T08:01:00+0000", "\(backup)")
            }

            // Node 2 sets the policy, then SIGKILL at once.
            let off = try await Self.get(Self.policyPath, from: second, token: secondToken, deployment)
            #expect(off.status == 200 && off.text == #"{"backup_policy":{"keep_days":0}}"#, "W5 before W4: \(off.status) \(off.text)")
            let set = try await Self.send("PUT", Self.policyPath, Self.dailyPolicy, to: second, token: secondToken, deployment)
            try #require(set.status == 200 && set.text == "{}", "W4: \(set.status) \(set.text)")
            try await Self.kill(second)

            // Node 3: the policy is there, and in force.
            let third = try await deployment.startNode("node 3")
            let thirdToken = try await LoopbackHTTP.aliceToken(port: third.port, session: deployment.session)
            let policy = try await Self.get(Self.policyPath, from: third, token: thirdToken, deployment)
            #expect(policy.status == 200, "W5 after the kill: \(policy.status) \(policy.text)")
            let shown = policy.json?["backup_policy"] as? [String: Any]
            #expect(shown?["keep_days"] as? Int == 1, "W5 after the kill: \(policy.text)")
            #expect(shown?["start_time"] as? String == "08:15-09:15", "W5 after the kill: \(policy.text)")
            #expect(shown?["period"] as? String == "1,2,3,4,5,6,7", "W5 after the kill: \(policy.text)")

            // Refused at 08:01:01, nothing in progress: the name is taken.
            try await Self.expectNothingChanged(deployment, third, token: thirdToken, "a create under a taken name") {
                let taken = try await Self.create("durable-001", through: third, token: thirdToken, deployment)
                Self.expectRefusal(taken, Self.nameTaken.0, Self.nameTaken.1, Self.nameTaken.2, "durable-001 again")
            }

            // 08:15:01: the policy's first full backup is BUILDING, and every create is refused.
            try await Self.moveClock(#"{"advance": "PT14M"}"#, through: third, deployment, expect: "2030-01-07T08:15:01.000Z")
            let auto = try await Self.get(Self.autoList, from: third, token: thirdToken, deployment)
            #expect(ExampleCalls.totalCount(auto) == 1, "the policy made no backup after the restart: \(auto.text)")
            #expect(Self.backups(auto.json ?? [:]).first?["name"] as? String == "rds-mysql-a48e-20300107081500000", "\(auto.text)")
            #expect(Self.backups(auto.json ?? [:]).first?["status"] as? String == "BUILDING", "\(auto.text)")
            try await Self.expectNothingChanged(deployment, third, token: thirdToken, "creates while a full backup is in progress") {
                let fresh = try await Self.create("durable-002", through: third, token: thirdToken, deployment)
                Self.expectRefusal(fresh, Self.inProgress.0, Self.inProgress.1, Self.inProgress.2, "durable-002 at 08:15:01")
                let taken = try await Self.create("durable-001", through: third, token: thirdToken, deployment)
                Self.expectRefusal(taken, Self.inProgress.0, Self.inProgress.1, Self.inProgress.2, "durable-001 at 08:15:01")
            }

            // The refusals, then SIGKILL: the store is as the export before them showed it.
            let before = try await deployment.export()
            let refused = try await Self.create("durable-003", through: third, token: thirdToken, deployment)
            Self.expectRefusal(refused, Self.inProgress.0, Self.inProgress.1, Self.inProgress.2, "durable-003 at 08:15:01")
            let listedBefore = try await Self.get(Self.wholeList, from: third, token: thirdToken, deployment)
            try await Self.kill(third)
            expectSameBytes(try await deployment.export(), before, "the export after a refused create and a kill -9")

            // Node 4: the same list; the refused names are free once the full backup completes.
            let fourth = try await deployment.startNode("node 4")
            let fourthToken = try await LoopbackHTTP.aliceToken(port: fourth.port, session: deployment.session)
            let listedAfter = try await Self.get(Self.wholeList, from: fourth, token: fourthToken, deployment)
            #expect(listedAfter.status == 200 && listedBefore.status == 200, "\(listedAfter.text)")
            expectSameBytes(listedAfter.body, listedBefore.body, "the whole list after the restart")
            #expect(ExampleCalls.totalCount(listedAfter) == ExampleCalls.rdsHomeBackups + 2, "\(listedAfter.text)")
            try await Self.moveClock(#"{"advance": "PT61S"}"#, through: fourth, deployment, expect: "2030-01-07T08:16:02.000Z")
            for (name, completion) in [("durable-002", "08:17:03"), ("durable-003", "08:18:04")] {
                let later = try await Self.create(name, through: fourth, token: fourthToken, deployment)
                #expect(later.status == 200, "\(name) after the full backup completed: \(later.status) \(later.text)")
                try await Self.moveClock(#"{"advance": "PT61S"}"#, through: fourth, deployment, expect: "2030-01-07T\(completion).000Z")
            }
            let manual = try await Self.get(Self.manualList, from: fourth, token: fourthToken, deployment)
            #expect(ExampleCalls.totalCount(manual) == 3, "\(manual.text)")
        }
    }

    /// SIGKILL, and the end of the process.
    static func kill(_ node: ServeNode, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        node.process.send(SIGKILL)
        let ended = await node.process.wait(timeout: TestBounds.processEnd)
        try #require(ended.signaled && ended.status == SIGKILL, "\(node.name) was not killed: status \(ended.status)", sourceLocation: sourceLocation)
    }

    /// Runs `refusals` (writes that must be refused) and expects the store, the instance's whole
    /// list and the clock to read as before them.
    static func expectNothingChanged(
        _ deployment: Deployment,
        _ node: ServeNode,
        token: String,
        _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ refusals: () async throws -> Void
    ) async throws {
        let clock = "/_backupd/v1/clock"
        let bearer = ["Authorization": "Bearer \(controlToken)"]
        let listBefore = try await get(wholeList, from: node, token: token, deployment)
        let clockBefore = try await LoopbackHTTP.send(clock, port: node.port, session: deployment.session, headers: bearer)
        let exportBefore = try await deployment.export()
        try await refusals()
        let listAfter = try await get(wholeList, from: node, token: token, deployment)
        let clockAfter = try await LoopbackHTTP.send(clock, port: node.port, session: deployment.session, headers: bearer)
        let exportAfter = try await deployment.export()
        #expect(listBefore.status == 200 && listAfter.status == 200, "\(what): \(listAfter.text)", sourceLocation: sourceLocation)
        expectSameBytes(listAfter.body, listBefore.body, "the whole list after \(what)", sourceLocation: sourceLocation)
        // `offset_seconds` follows real time while the clock is frozen: compare the reading.
        #expect(
            clockAfter.json?["now"] as? String == clockBefore.json?["now"] as? String,
            "\(what): \(clockAfter.text), was \(clockBefore.text)",
            sourceLocation: sourceLocation
        )
        expectSameBytes(exportAfter, exportBefore, "the export after \(what)", sourceLocation: sourceLocation)
    }
}
