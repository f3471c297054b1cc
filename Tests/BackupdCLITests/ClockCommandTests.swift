import ArgumentParser
import BackupdAPI
import BackupdCatalog
import BackupdTestSupport
import Foundation
import Testing

@testable import BackupdCLI

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `backupd clock`, `backupd timings` and `backupd fault` on an SQLite file (`lifecycle.md` §5.3):
/// each prints the control API's document on stdout and exits 0, or the API's `error_msg` on
/// stderr and exits 1; what they set is what a server on the same store serves. And `serve`
/// takes its control token from `--control-token` or `BACKUPD_CONTROL_TOKEN`, the flag first.
@Suite struct ClockCommandTests {
    /// A temporary directory with a store file in it.
    struct Workspace {
        let directory: URL
        let database: URL
        var location: String { "sqlite:\(database.path)" }

        init() throws {
            directory = try Files.temporaryDirectory()
            database = directory.appendingPathComponent("catalog.sqlite")
        }

        /// `backupd ARGUMENTS… --store sqlite:…`.
        func run(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> ProcessResult {
            try await CLI.run(arguments + ["--store", location], in: directory, sourceLocation: sourceLocation)
        }

        /// Runs a command that must succeed and answers its stdout: one JSON document and a newline.
        func document(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
            let result = try await run(arguments, sourceLocation: sourceLocation)
            #expect(
                result.succeeded,
                "backupd \(arguments.joined(separator: " ")): \(result.status) \(result.stderrText)",
                sourceLocation: sourceLocation
            )
            #expect(result.stderrText.isEmpty, "stderr: \(result.stderrText)", sourceLocation: sourceLocation)
            let text = result.stdoutText
            #expect(text.hasSuffix("}\n") && text.filter { $0 == "\n" }.count == 1, "stdout: \(text)", sourceLocation: sourceLocation)
            return String(text.dropLast())
        }

        /// Runs a command that must be refused: exit 1, nothing on stdout, `message` alone on stderr.
        func expectRefusal(_ arguments: [String], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let result = try await run(arguments, sourceLocation: sourceLocation)
            #expect(
                !result.signaled && result.status == 1,
                "backupd \(arguments.joined(separator: " ")): \(result.status)",
                sourceLocation: sourceLocation
            )
            #expect(result.stdoutText.isEmpty, "stdout: \(result.stdoutText)", sourceLocation: sourceLocation)
            #expect(result.stderrText == message + "\n", sourceLocation: sourceLocation)
        }

        func seed(sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let seeded = try await run(["seed", CLI.exampleSeed.path], sourceLocation: sourceLocation)
            try #require(seeded.succeeded, "backupd seed: \(seeded.stderrText)", sourceLocation: sourceLocation)
        }
    }

    static let defaultTimings = #"{"rds_building":60,"rds_deleting":10,"taurusdb_building":60,"dcs_waiting":5,"dcs_backuping":60}"#

    /// A clock document read into its three members, in order.
    struct ClockDocument: Equatable {
        let now: Int64
        let frozen: Bool
        let offsetSeconds: Int64

        init(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let json = try JSONValue(parsing: text)
            guard case .object(let members) = json else {
                throw CancellationError()
            }
            #expect(members.map(\.key) == ["now", "frozen", "offset_seconds"], sourceLocation: sourceLocation)
            now = try #require(json["now"]?.string.flatMap(TimeGrammar.parseUTCMilliseconds), "now: \(text)", sourceLocation: sourceLocation)
            frozen = try #require(json["frozen"]?.bool as Bool?, "frozen: \(text)", sourceLocation: sourceLocation)
            offsetSeconds = try #require(json["offset_seconds"]?.integer, "offset_seconds: \(text)", sourceLocation: sourceLocation)
        }
    }

    static func realMilliseconds() -> Int64 { WallClock.system.microseconds / 1000 }

    /// `offset_seconds` lies between what real times before and after the command make of `now`.
    static func expectOffset(
        _ document: ClockDocument,
        realBetween before: Int64,
        and after: Int64,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let low = (document.now - after) / 1000 - 1
        let high = (document.now - before) / 1000 + 1
        #expect(
            (low...high).contains(document.offsetSeconds),
            "offset \(document.offsetSeconds) not in \(low)…\(high)",
            sourceLocation: sourceLocation
        )
    }

    // MARK: - clock

    @Test(.timeLimit(.minutes(3)))
    func clockCommandsPrintTheClockDocument() async throws {
        let work = try Workspace()
        defer { Files.remove(work.directory) }

        // A new store: real time, running.
        var before = Self.realMilliseconds()
        let shown = try ClockDocument(try await work.document(["clock", "show"]))
        var after = Self.realMilliseconds()
        #expect(!shown.frozen)
        #expect(shown.now >= before && shown.now <= after)
        #expect(shown.offsetSeconds == 0)
        // `clock` alone is `clock show`.
        #expect(try ClockDocument(try await work.document(["clock"])).frozen == false)

        // Freeze, then set: frozen at exactly the instant.
        before = Self.realMilliseconds()
        let frozen = try ClockDocument(try await work.document(["clock", "freeze"]))
        #expect(frozen.frozen && frozen.now >= before)
        before = Self.realMilliseconds()
        let setText = try await work.document(["clock", "set", "2030-01-07T08:00:00.000Z"])
        after = Self.realMilliseconds()
        #expect(setText.hasPrefix(#"{"now":"2030-01-07T08:00:00.000Z","frozen":true,"offset_seconds":"#))
        let set = try ClockDocument(setText)
        Self.expectOffset(set, realBetween: before, and: after)

        // advance PT36H on the frozen clock.
        let advancedText = try await work.document(["clock", "advance", "PT36H"])
        #expect(advancedText.hasPrefix(#"{"now":"2030-01-08T20:00:00.000Z","frozen":true,"offset_seconds":"#))
        // Freezing again changes nothing; show reads what was set.
        #expect(try await work.document(["clock", "freeze"]).hasPrefix(#"{"now":"2030-01-08T20:00:00.000Z","frozen":true,"#))
        #expect(try await work.document(["clock", "show"]).hasPrefix(#"{"now":"2030-01-08T20:00:00.000Z","frozen":true,"#))
        // Setting the reading itself is allowed, in another zone too.
        #expect(try await work.document(["clock", "set", "2030-01-09T04:00:00+08:00"]).hasPrefix(#"{"now":"2030-01-08T20:00:00.000Z","#))

        // Refusals: exactly the API's message on stderr, exit 1, nothing changed.
        try await work.expectRefusal(
            ["clock", "set", "2030-01-08T19:59:59.999Z"],
            "The clock cannot move backwards: it reads 2030-01-08T20:00:00.000Z."
        )
        try await work.expectRefusal(["clock", "set", "tomorrow"], "now must be an RFC 3339 time, for example 2030-01-07T08:00:00.000Z.")
        try await work.expectRefusal(["clock", "set", "2030-02-30T00:00:00Z"], "now must be an RFC 3339 time, for example 2030-01-07T08:00:00.000Z.")
        try await work.expectRefusal(["clock", "advance", "P1W"], "advance must be an ISO 8601 duration such as PT36H or P7D.")
        try await work.expectRefusal(["clock", "advance", "P36501D"], "advance must be an ISO 8601 duration such as PT36H or P7D.")
        try await work.expectRefusal(["clock", "advance", "PT"], "advance must be an ISO 8601 duration such as PT36H or P7D.")
        #expect(try await work.document(["clock", "show"]).hasPrefix(#"{"now":"2030-01-08T20:00:00.000Z","frozen":true,"#))

        // Unfreeze: the clock runs on from the frozen instant.
        before = Self.realMilliseconds()
        let running = try ClockDocument(try await work.document(["clock", "unfreeze"]))
        after = Self.realMilliseconds()
        #expect(!running.frozen)
        #expect(running.now == 1_894_132_800_000)
        Self.expectOffset(running, realBetween: before, and: after)
        let later = try ClockDocument(try await work.document(["clock", "show"]))
        #expect(!later.frozen && later.now >= running.now)
        // The offset is kept while the clock runs (within the truncation of whole seconds).
        #expect(abs(later.offsetSeconds - running.offsetSeconds) <= 1)
        // A running clock refuses a time before its reading too; the reading is in the message.
        let refused = try await work.run(["clock", "set", "2030-01-08T00:00:00Z"])
        #expect(refused.status == 1 && refused.stdoutText.isEmpty)
        #expect(refused.stderrText.hasPrefix("The clock cannot move backwards: it reads 2030-01-08T20:"), "\(refused.stderrText)")
        #expect(refused.stderrText.hasSuffix(".\n") && refused.stderrLines.count == 1)
    }

    // MARK: - timings

    @Test(.timeLimit(.minutes(3)))
    func timingsCommandsPrintTheTimingsDocument() async throws {
        let work = try Workspace()
        defer { Files.remove(work.directory) }
        #expect(try await work.document(["timings", "show"]) == Self.defaultTimings)
        #expect(try await work.document(["timings"]) == Self.defaultTimings)

        #expect(
            try await work.document(["timings", "set", "rds_building=0", "dcs_backuping=120"])
                == #"{"rds_building":0,"rds_deleting":10,"taurusdb_building":60,"dcs_waiting":5,"dcs_backuping":120}"#
        )
        #expect(
            try await work.document(["timings", "set", "taurusdb_building=86400"])
                == #"{"rds_building":0,"rds_deleting":10,"taurusdb_building":86400,"dcs_waiting":5,"dcs_backuping":120}"#
        )

        // Refusals, each changing nothing (not even the valid assignments beside it).
        let unknown = "The request body must be a JSON object of known timings."
        try await work.expectRefusal(["timings", "set", "rds_build=1"], unknown)
        try await work.expectRefusal(["timings", "set", "rds_deleting=1", "RDS_BUILDING=1"], unknown)
        try await work.expectRefusal(["timings", "set", "=5"], unknown)
        try await work.expectRefusal(["timings", "set", "rds_building=-1"], "rds_building must be an integer from 0 to 86400.")
        try await work.expectRefusal(["timings", "set", "rds_deleting=86401"], "rds_deleting must be an integer from 0 to 86400.")
        try await work.expectRefusal(["timings", "set", "dcs_waiting=1.5"], "dcs_waiting must be an integer from 0 to 86400.")
        try await work.expectRefusal(["timings", "set", "dcs_waiting=ten"], "dcs_waiting must be an integer from 0 to 86400.")
        try await work.expectRefusal(["timings", "set", "dcs_waiting="], "dcs_waiting must be an integer from 0 to 86400.")
        try await work.expectRefusal(["timings", "set", "dcs_waiting"], "dcs_waiting must be an integer from 0 to 86400.")
        try await work.expectRefusal(
            ["timings", "set", "dcs_waiting=99999999999999999999"],
            "dcs_waiting must be an integer from 0 to 86400."
        )
        try await work.expectRefusal(
            ["timings", "set", "dcs_backuping=1", "rds_deleting=-5"],
            "rds_deleting must be an integer from 0 to 86400."
        )
        #expect(
            try await work.document(["timings", "show"])
                == #"{"rds_building":0,"rds_deleting":10,"taurusdb_building":86400,"dcs_waiting":5,"dcs_backuping":120}"#
        )
    }

    /// `timings set` is C4 with those members: a name given twice is a body that repeats a name,
    /// which the API refuses as malformed.
    @Test(.timeLimit(.minutes(3)))
    func aTimingNamedTwiceIsRefusedAsTheAPIRefusesIt() async throws {
        let work = try Workspace()
        defer { Files.remove(work.directory) }
        let result = try await work.run(["timings", "set", "rds_building=1", "rds_building=2"])
        #expect(result.status == 1, "stdout: \(result.stdoutText)")
        #expect(result.stderrText == "The request body must be a JSON object of known timings.\n")
    }

    // MARK: - fault

    @Test(.timeLimit(.minutes(3)))
    func faultFailNextArmsAFaultForAKnownInstance() async throws {
        let work = try Workspace()
        defer { Files.remove(work.directory) }
        try await work.seed()
        _ = try await work.document(["clock", "freeze"])
        _ = try await work.document(["clock", "set", "2030-01-07T08:00:00.000Z"])
        let instance = Fixtures.Acme.mysqlInstance
        #expect(try await work.document(["fault", "fail-next", instance]) == #"{"instance_id":"\#(instance)","next_backup":"fail"}"#)
        // Again: the same answer (one fault).
        #expect(try await work.document(["fault", "fail-next", instance]) == #"{"instance_id":"\#(instance)","next_backup":"fail"}"#)
        let redis = Fixtures.Acme.redisInstance
        #expect(try await work.document(["fault", "fail-next", redis]) == #"{"instance_id":"\#(redis)","next_backup":"fail"}"#)

        try await work.expectRefusal(["fault", "fail-next", "ffffffffffffffffffffffffffffffffin01"], "The instance does not exist.")
        try await work.expectRefusal(["fault", "fail-next", ""], "The instance does not exist.")
        try await work.expectRefusal(["fault", "fail-next", instance.uppercased()], "The instance does not exist.")

        // The faults are in the store: its instant is the catalog clock's when the fault was armed.
        let store = try await StoreOptions.parse(["--store", work.location]).open()
        #expect(try await store.armedFault(instanceID: instance) == 1_894_003_200_000)
        #expect(try await store.armedFault(instanceID: redis) == 1_894_003_200_000)
        #expect(try await store.armedFault(instanceID: Fixtures.Acme.taurusInstance) == nil)
    }

    // MARK: - With a server on the store

    @Test(.timeLimit(.minutes(3)))
    func whatTheCommandsSetIsWhatAServerOnTheStoreServes() async throws {
        let work = try Workspace()
        defer { Files.remove(work.directory) }
        let session = LoopbackHTTP.session()
        defer { session.invalidateAndCancel() }
        let token = "env-token-7c1d2e3f"
        _ = try await work.document(["clock", "freeze"])
        let set = try await work.document(["clock", "set", "2030-01-07T08:00:00.000Z"])
        _ = try await work.document(["timings", "set", "dcs_waiting=0"])

        let node = try await ServeNode.start("env", store: work.location, environment: ["BACKUPD_CONTROL_TOKEN": token])
        let bearer = ["Authorization": "Bearer \(token)"]
        let clock = try await LoopbackHTTP.send("/_backupd/v1/clock", port: node.port, session: session, headers: bearer)
        #expect(clock.status == 200, "\(clock.text)")
        #expect(clock.text.hasPrefix(#"{"now":"2030-01-07T08:00:00.000Z","frozen":true,"#), "\(clock.text)")
        #expect(try ClockDocument(clock.text).now == ClockDocument(set).now)
        let timings = try await LoopbackHTTP.send("/_backupd/v1/timings", port: node.port, session: session, headers: bearer)
        #expect(timings.text == #"{"rds_building":60,"rds_deleting":10,"taurusdb_building":60,"dcs_waiting":0,"dcs_backuping":60}"#)

        // While it runs, the command line moves the clock, and the server's next answer shows it.
        #expect(try await work.document(["clock", "advance", "PT36H"]).hasPrefix(#"{"now":"2030-01-08T20:00:00.000Z","#))
        let moved = try await LoopbackHTTP.send("/_backupd/v1/clock", port: node.port, session: session, headers: bearer)
        #expect(moved.text.hasPrefix(#"{"now":"2030-01-08T20:00:00.000Z","frozen":true,"#), "\(moved.text)")
        // And the other way round: what the server sets, the command line shows.
        let changed = try await LoopbackHTTP.send(
            "/_backupd/v1/clock",
            port: node.port,
            session: session,
            method: "PUT",
            body: #"{"advance": "P1D"}"#,
            headers: bearer
        )
        #expect(changed.status == 200, "\(changed.text)")
        #expect(try await work.document(["clock", "show"]).hasPrefix(#"{"now":"2030-01-09T20:00:00.000Z","frozen":true,"#))

        // Another bearer gets the 404 of an unknown route.
        let wrong = try await LoopbackHTTP.send("/_backupd/v1/clock", port: node.port, session: session, headers: ["Authorization": "Bearer other"])
        #expect(wrong.status == 404 && wrong.json?["error_code"] as? String == "APIGW.0101", "\(wrong.text)")
        let output = await node.stop()
        #expect(!output.stdoutText.contains(token) && !output.stderrText.contains(token), "the token was logged")
    }

    @Test(.timeLimit(.minutes(3)))
    func theControlTokenFlagWinsOverTheEnvironment() async throws {
        let work = try Workspace()
        defer { Files.remove(work.directory) }
        let session = LoopbackHTTP.session()
        defer { session.invalidateAndCancel() }
        let fromEnvironment = "env-token-0a9b8c7d"
        let fromFlag = "flag-token-1e2f3a4b"
        let node = try await ServeNode.start(
            "flag",
            store: work.location,
            arguments: ["--control-token", fromFlag],
            environment: ["BACKUPD_CONTROL_TOKEN": fromEnvironment]
        )
        let served = try await LoopbackHTTP.send(
            "/_backupd/v1/timings",
            port: node.port,
            session: session,
            headers: ["Authorization": "Bearer \(fromFlag)"]
        )
        #expect(served.status == 200 && served.text == Self.defaultTimings, "\(served.status) \(served.text)")
        let refused = try await LoopbackHTTP.send(
            "/_backupd/v1/timings",
            port: node.port,
            session: session,
            headers: ["Authorization": "Bearer \(fromEnvironment)"]
        )
        #expect(refused.status == 404 && refused.json?["error_code"] as? String == "APIGW.0101", "\(refused.text)")
        let output = await node.stop()
        for secret in [fromFlag, fromEnvironment] {
            #expect(!output.stdoutText.contains(secret) && !output.stderrText.contains(secret), "a token was logged")
        }

        // Without either, there is no control API at all.
        let bare = try await ServeNode.start("bare", store: work.location, environment: ["BACKUPD_CONTROL_TOKEN": nil])
        let absent = try await LoopbackHTTP.send(
            "/_backupd/v1/timings",
            port: bare.port,
            session: session,
            headers: ["Authorization": "Bearer \(fromFlag)"]
        )
        #expect(absent.status == 404 && absent.json?["error_code"] as? String == "APIGW.0101", "\(absent.text)")
        _ = await bare.stop()
    }
}
