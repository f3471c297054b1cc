import BackupdAuth
import BackupdCatalog
import BackupdTestSupport
import Dispatch
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The database failing under running `backupd` processes (README, "Failures"), on a cluster of
/// each test's own: the run's shared cluster must stay up for everyone else. Stopped under load,
/// every request still gets a prompt, honest answer and the nodes serve again by themselves;
/// killed in the middle of a seed, the catalog stays exactly as it was.
@Suite(.enabled(if: TestPostgres.clusterScript != nil, "needs scripts/with-postgres"), .serialized)
struct DatabaseFaultTests {
    /// The spec's bounds: an answer within 2 s while the database is away, service within 5 s of its return.
    static let answerBound = 2.0
    static let recoveryBound = 5.0

    enum Kind: String, CaseIterable {
        case rds, dcs, health
    }

    /// One request of the load and what came of it; times in seconds of CLOCK_MONOTONIC.
    struct Sample {
        let client: Int
        let kind: Kind
        let node: Int
        let started: Double
        let ended: Double
        let status: Int?
        let body: String
        /// A transport failure (refused, reset, empty reply, timeout), when there was no answer.
        let error: String?

        var elapsed: Double { ended - started }
    }

    static func target(_ kind: Kind) -> String {
        switch kind {
        case .rds: ExampleCalls.rdsList
        case .dcs: ExampleCalls.dcsList
        case .health: "/health"
        }
    }

    @Test(.timeLimit(.minutes(4)))
    func aStoppedDatabaseGetsPromptHonestAnswersAndTheNodesRecoverByThemselves() async throws {
        let cluster = try await PostgresTestCluster()
        defer { cluster.destroy() }
        let directory = try Files.temporaryDirectory()
        defer { Files.remove(directory) }
        let password = Self.password(of: cluster.url)
        try #require(!password.isEmpty)
        let seeded = try await CLI.run(["seed", CLI.exampleSeed.path, "--store", cluster.url] + CLI.patientPostgres, in: directory)
        try #require(seeded.succeeded, "\(seeded.stderrText)")

        // Two nodes with the default query timeout (1000 ms).
        let nodes = [
            try await ServeNode.start("node 1", store: cluster.url),
            try await ServeNode.start("node 2", store: cluster.url),
        ]
        let pids = nodes.map(\.process.pid)
        let probe = LoopbackHTTP.session()
        defer { probe.invalidateAndCancel() }
        for node in nodes {
            for kind in Kind.allCases {
                let answer = try await LoopbackHTTP.send(Self.target(kind), port: node.port, session: probe, signedWith: .alice)
                try #require(answer.status == 200, "\(node.name) \(kind) before the outage: \(answer.text)")
            }
        }

        // The load runs in a process of its own, so that its clock is not this process's, whose
        // threads other suites keep busy: it measured answers a second late under the full run.
        let stopFile = directory.appendingPathComponent("stop-load")
        let results = directory.appendingPathComponent("load.json")
        let load = try await LoadGenerator.start(
            requests: nodes.enumerated().flatMap { index, node in Kind.allCases.map { (kind: $0, node: index, port: node.port) } },
            clients: 4,
            requestsPerClient: 3_000,
            seconds: 60,
            pause: 0.02,
            stopFile: stopFile,
            results: results,
            in: directory
        )
        // Whatever happens below, the clients stop.
        defer { _ = FileManager.default.createFile(atPath: stopFile.path, contents: nil) }

        try await Task.sleep(for: .milliseconds(1500))
        let stopBegan = Self.monotonicSeconds()
        try await cluster.stop()
        let stopped = Self.monotonicSeconds()
        try await Task.sleep(for: .seconds(3))
        let startBegan = Self.monotonicSeconds()
        try await cluster.start()
        let started = Self.monotonicSeconds()
        // The load goes on past the recovery bound, so that recovery is read from its answers.
        try await Task.sleep(for: .seconds(Self.recoveryBound + 1.5))
        _ = FileManager.default.createFile(atPath: stopFile.path, contents: nil)
        let samples = try await load.finish(results: results)
        try #require(samples.count > 100, "the load made only \(samples.count) requests")

        // Recovery: from the start's return to the first answer after the last failure. Every
        // answer to a request sent from then on was a 200.
        let lastFailure = samples.filter { $0.status != 200 }.map(\.started).max() ?? stopBegan
        let firstSteady = samples.filter { $0.started > lastFailure }.map(\.ended).min()
        let recovery = firstSteady.map { max(0, $0 - started) }

        let outage = samples.filter { $0.ended >= stopBegan && $0.started <= started }.map(\.elapsed).sorted()
        let outageMedian = outage.isEmpty ? 0 : outage[outage.count / 2]
        let serverWorst = nodes.map { Self.worstLoggedDuration($0.process.stderrSoFar()) }.max() ?? 0
        let statuses = Dictionary(grouping: samples) { "\($0.kind) \($0.status.map(String.init) ?? "no answer")" }
            .mapValues(\.count).sorted { $0.key < $1.key }
        print(
            "FAULT-TIMING stopped-under-load: \(samples.count) requests by 4 clients over 2 nodes; "
                + "answers during the outage: worst \(Self.ms(outage.last ?? 0)) ms, median \(Self.ms(outageMedian)) ms "
                + "(\(outage.count) requests overlapping it); worst overall \(Self.ms(samples.map(\.elapsed).max() ?? 0)) ms; "
                + "worst duration_ms in the nodes' logs \(Self.ms(serverWorst)) ms; "
                + "recovery \(recovery.map { "\(Self.ms($0)) ms" } ?? "never") after pg start returned; "
                + "pg stop took \(Self.ms(stopped - stopBegan)) ms, start \(Self.ms(started - startBegan)) ms; "
                + "answers \(statuses.map { "\($0.key): \($0.value)" }.joined(separator: ", "))"
        )

        // Every request was answered, within 2 s, and honestly.
        let failures = samples.filter { $0.error != nil }.map { "\($0.kind) on node \($0.node + 1): \($0.error ?? "")" }
        #expect(failures.isEmpty, "\(failures.count) requests got no HTTP answer, e.g. \(failures.prefix(5))")
        let slow = samples.filter { $0.elapsed >= Self.answerBound }
        #expect(slow.isEmpty, "\(slow.count) answers took 2 s or more, the slowest \(Self.ms(slow.map(\.elapsed).max() ?? 0)) ms")
        var outageAPI: [Int: Int] = [:]
        var outageHealth: [Int: Int] = [:]
        for sample in samples {
            guard let status = sample.status else { continue }
            Self.expectHonest(sample, password: password, url: cluster.url)
            // Strictly inside the outage: sent after the stop returned, answered before the start began.
            if sample.started >= stopped && sample.ended <= startBegan {
                if sample.kind == .health {
                    outageHealth[status, default: 0] += 1
                } else {
                    outageAPI[status, default: 0] += 1
                }
            }
        }
        #expect(outageHealth[503, default: 0] > 0, "no /health answer fell inside the outage")
        #expect(outageHealth.keys.allSatisfy { $0 == 503 }, "/health during the outage: \(outageHealth)")
        #expect(outageAPI[500, default: 0] > 0, "no API answer fell inside the outage")
        #expect(outageAPI.keys.allSatisfy { $0 == 500 }, "API answers during the outage: \(outageAPI) (a 200 is a stale cache)")

        let recovered = try #require(recovery, "the nodes never answered steadily after the database's return")
        #expect(recovered < Self.recoveryBound, "the nodes took \(Self.ms(recovered)) ms to serve again")
        for node in 0..<nodes.count {
            for kind in Kind.allCases {
                #expect(
                    samples.contains { $0.node == node && $0.kind == kind && $0.started > lastFailure },
                    "node \(node + 1) answered no \(kind) request after the recovery"
                )
            }
        }
        for (node, pid) in zip(nodes, pids) {
            #expect(node.process.isRunning && node.process.pid == pid, "\(node.name) is not the process it was")
        }
        for node in nodes {
            let ended = await node.stop()
            #expect(ended.status == 0 && !ended.signaled, "\(node.name) did not stop cleanly: \(ended.stderrText.suffix(2000))")
            #expect(!ended.stderrText.contains(password), "\(node.name)'s log holds the database password")
        }
    }

    @Test(.timeLimit(.minutes(8)))
    func aDatabaseKilledInTheMiddleOfASeedLeavesTheCatalogAsItWas() async throws {
        let cluster = try await PostgresTestCluster()
        defer { cluster.destroy() }
        let directory = try Files.temporaryDirectory()
        defer { Files.remove(directory) }
        let password = Self.password(of: cluster.url)
        let seeded = try await CLI.run(["seed", CLI.exampleSeed.path, "--store", cluster.url] + CLI.patientPostgres, in: directory)
        try #require(seeded.succeeded, "\(seeded.stderrText)")
        let before = try await CLI.run(["export", "--store", cluster.url] + CLI.patientPostgres, in: directory)
        try #require(before.succeeded && before.stdout.count > 1000, "\(before.stderrText)")

        let big = directory.appendingPathComponent("big.json")
        let generated = try await CLI.run(
            ["generate", "--instances", "20", "--backups", "80000", "--random-seed", "3", "--output", big.path],
            in: directory,
            timeout: .seconds(180)
        )
        try #require(generated.succeeded, "\(generated.stderrText)")

        // The load is killed once the database has grown by 8 MB: rows of the seed's one
        // transaction, written but not committed (backupd parses, checks and looks up the stored
        // ids first; the writes take several seconds more than 8 MB). The query timeout is raised:
        // with the default (1 s) a load this large can fail by itself before writing, as it looks
        // all its ids up in one query (`CLI.patientPostgres`).
        let binary = try CLI.requireBinary()
        let baseline = try await Self.databaseSize(cluster.url)
        let loadStarted = ContinuousClock.now
        let loader = try await TestProcess.start(binary.path, ["seed", big.path, "--store", cluster.url] + CLI.patientPostgres)
        var killedAt: ContinuousClock.Instant?
        var grownAtKill = 0
        var polls = 0
        while loader.isRunning && ContinuousClock.now - loadStarted < .seconds(300) && polls < 3_000 {
            polls += 1
            if let size = try? await Self.databaseSize(cluster.url), size - baseline >= Self.growthBeforeKill {
                try await cluster.kill()
                killedAt = ContinuousClock.now
                grownAtKill = size - baseline
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let ended = await loader.wait(timeout: .seconds(30))
        let exitedAfterKill = killedAt.map { ContinuousClock.now - $0 }
        print(
            "FAULT-TIMING killed-mid-seed: postmaster killed \(killedAt.map { Self.milliseconds($0 - loadStarted) } ?? -1) ms after "
                + "the seed started, database grown by \(grownAtKill) bytes; the seed had ended "
                + "\(exitedAfterKill.map(Self.milliseconds) ?? -1) ms after pg-cluster kill returned, exit status \(ended.status); "
                + "stderr: \(ended.stderrLines.joined(separator: " | "))"
        )
        try #require(killedAt != nil, "backupd seed ended (status \(ended.status)) before it wrote 8 MB: \(ended.stderrText)")
        #expect(!ended.timedOut, "backupd seed did not end within 30 s of the database's death")
        #expect(!ended.signaled && ended.status != 0, "backupd seed: status \(ended.status), signaled \(ended.signaled)")
        let errors = ended.stderrLines.filter { $0.hasPrefix("Error:") }
        #expect(errors.count == 1, "not one error line: \(ended.stderrText)")
        #expect(errors.first?.contains("PostgreSQL") == true, "the error does not name the database: \(ended.stderrText)")
        #expect(!ended.stderrText.contains(password), "the password is on stderr")
        #expect(!ended.stderrText.contains("loaded"), "the killed load reported success: \(ended.stderrText)")

        try await cluster.start()
        let after = try await CLI.run(["export", "--store", cluster.url] + CLI.patientPostgres, in: directory)
        try #require(after.succeeded, "export after the restart failed: \(after.stderrText)")
        expectSameBytes(after.stdout, before.stdout, "the export after a load killed with the database")
    }

    /// How much the database must grow before the kill: proof that the load was writing.
    static let growthBeforeKill = 8 << 20

    static func databaseSize(_ url: String) async throws -> Int {
        let rows = try await TestPostgres.sql("SELECT pg_database_size(current_database())::text", url: url)
        return try #require(rows.first?.first.flatMap { $0 }.flatMap { Int($0) })
    }

    /// The password of a `postgres://USER:PASSWORD@HOST…` URL.
    static func password(of url: String) -> String {
        let credentials = url.dropFirst("postgres://".count).prefix { $0 != "@" }
        return String(credentials.drop { $0 != ":" }.dropFirst())
    }

    /// An answer is a success, or exactly the service's failure: the API's server-failure body, or
    /// `/health`'s 503 with a one-line reason that holds neither the password nor the URL.
    static func expectHonest(_ sample: Sample, password: String, url: String) {
        let json = (try? JSONSerialization.jsonObject(with: Data(sample.body.utf8))) as? [String: Any] ?? [:]
        switch (sample.kind, sample.status) {
        case (.rds, 200):
            #expect(json["total_count"] as? Int == ExampleCalls.rdsHomeBackups, "rds 200 with \(sample.body)")
        case (.dcs, 200):
            #expect(json["total_num"] != nil, "dcs 200 with \(sample.body)")
        case (.rds, 500):
            #expect(sample.body == ExampleCalls.rdsServerFailure, "rds 500 with \(sample.body)")
        case (.dcs, 500):
            #expect(sample.body == ExampleCalls.dcsServerFailure, "dcs 500 with \(sample.body)")
        case (.health, 200):
            #expect(sample.body == #"{"status":"ok"}"#, "health 200 with \(sample.body)")
        case (.health, 503):
            let reason = json["reason"] as? String ?? ""
            #expect(Set(json.keys) == ["status", "reason"] && json["status"] as? String == "unavailable", "health 503 with \(sample.body)")
            #expect(!reason.isEmpty && !reason.contains("\n"), "health reason \(reason.debugDescription)")
            #expect(!reason.contains(password) && !reason.contains(url), "the health reason holds the password: \(reason)")
        default:
            Issue.record("\(sample.kind) answered \(sample.status.map(String.init) ?? "nothing"): \(sample.body)")
        }
    }

    /// The largest `duration_ms=` of a node's request log, in seconds: the answer time as the node measured it.
    static func worstLoggedDuration(_ log: String) -> Double {
        log.split(separator: "\n").compactMap { line -> Double? in
            guard let range = line.range(of: #"duration_ms=[0-9.]+"#, options: .regularExpression) else { return nil }
            return Double(line[range].dropFirst("duration_ms=".count)).map { $0 / 1000 }
        }.max() ?? 0
    }

    /// CLOCK_MONOTONIC in seconds, the clock the load generator reads (Foundation's uptime on
    /// Linux is that clock; `timespec` itself is not visible here in a clean build).
    static func monotonicSeconds() -> Double {
        ProcessInfo.processInfo.systemUptime
    }

    static func ms(_ seconds: Double) -> Int { Int((seconds * 1000).rounded()) }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// Sequential signed GETs from a few client threads of a Python process: each client cycles
/// through the given calls, a new connection per request and a short pause after each (the
/// machine is shared with the other suites), until the stop file appears, its time or its
/// count runs out. The requests are signed here once (a signature holds for 15
/// minutes and may be sent again); each answer is recorded with its CLOCK_MONOTONIC times.
struct LoadGenerator {
    let process: TestProcess

    static let script = #"""
        import http.client, json, os, sys, threading, time

        config = json.load(open(sys.argv[1]))
        calls, results, lock = config["calls"], [], threading.Lock()

        def now():
            return time.clock_gettime(time.CLOCK_MONOTONIC)

        def client(index):
            deadline, turn, done = now() + config["seconds"], index, 0
            while done < config["per_client"] and now() < deadline and not os.path.exists(config["stop_file"]):
                call = calls[turn % len(calls)]
                turn, done = turn + 1, done + 1
                record = {"client": index, "kind": call["kind"], "node": call["node"], "started": now()}
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", call["port"], timeout=10)
                    connection.request("GET", call["target"], headers=call["headers"])
                    response = connection.getresponse()
                    record["body"] = response.read().decode("utf-8", "replace")
                    record["status"] = response.status
                    connection.close()
                except Exception as error:
                    record["error"] = repr(error)
                record["ended"] = now()
                with lock:
                    results.append(record)
                time.sleep(config["pause"])

        threads = [threading.Thread(target=client, args=(index,)) for index in range(config["clients"])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with open(config["results"], "w") as output:
            json.dump(results, output)
        """#

    static func start(
        requests: [(kind: DatabaseFaultTests.Kind, node: Int, port: Int)],
        clients: Int,
        requestsPerClient: Int,
        seconds: Int,
        pause: Double,
        stopFile: URL,
        results: URL,
        in directory: URL
    ) async throws -> LoadGenerator {
        let calls: [[String: Any]] = requests.map { request in
            let target = DatabaseFaultTests.target(request.kind)
            let host = "127.0.0.1:\(request.port)"
            var signable = SignableRequest(method: "GET", target: target, headers: [("Host", host)])
            SDKHMACSHA256.sign(&signable, accessKey: Fixtures.Alice.access, secretKey: Fixtures.Alice.secret, date: WallClock.system.seconds)
            var headers: [String: String] = [:]
            for (name, value) in signable.headers { headers[name] = value }
            return ["kind": request.kind.rawValue, "node": request.node, "port": request.port, "target": target, "headers": headers]
        }
        let config: [String: Any] = [
            "calls": calls, "clients": clients, "per_client": requestsPerClient, "seconds": seconds,
            "stop_file": stopFile.path, "results": results.path, "pause": pause,
        ]
        let scriptURL = directory.appendingPathComponent("load.py")
        let configURL = directory.appendingPathComponent("load-config.json")
        try Data(script.utf8).write(to: scriptURL)
        try JSONSerialization.data(withJSONObject: config).write(to: configURL)
        return LoadGenerator(process: try await TestProcess.start("/usr/bin/env", ["python3", scriptURL.path, configURL.path]))
    }

    /// Waits for the clients to finish (bounded) and reads what they recorded.
    func finish(results: URL) async throws -> [DatabaseFaultTests.Sample] {
        let ended = await process.wait(timeout: .seconds(90))
        try #require(ended.succeeded, "the load generator failed (\(ended.status)): \(ended.stderrText)")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: results)) as? [[String: Any]])
        return try records.map { record in
            DatabaseFaultTests.Sample(
                client: record["client"] as? Int ?? -1,
                kind: try #require((record["kind"] as? String).flatMap(DatabaseFaultTests.Kind.init(rawValue:))),
                node: record["node"] as? Int ?? -1,
                started: try #require(record["started"] as? Double),
                ended: try #require(record["ended"] as? Double),
                status: record["status"] as? Int,
                body: record["body"] as? String ?? "",
                error: record["error"] as? String
            )
        }
    }
}
