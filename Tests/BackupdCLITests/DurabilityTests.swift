import BackupdTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A seed is loaded whole or not at all (seed-format.md, "Loading rules"), and that holds
/// even when `backupd seed` is killed with SIGKILL in the middle of writing a large file.
@Suite(.serialized) struct DurabilityTests {
    /// Backups in the first attempt's big file; each retry doubles it.
    static let initialBackupCount = 100_000
    static let attempts = 3
    /// How much the store's files (WAL and database) must grow before the kill: proof that the
    /// killed load was writing (a 100 000-backup load writes about 30 MB to the WAL).
    static let walGrowth = 4 << 20

    @Test(.timeLimit(.minutes(10)))
    func sigkillDuringSeedLeavesTheStoreAsItWas() async throws {
        let root = try Files.temporaryDirectory()
        defer { Files.remove(root) }
        var count = Self.initialBackupCount
        for attempt in 1...Self.attempts {
            let directory = root.appendingPathComponent("attempt-\(attempt)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            switch try await killDuringLoad(backups: count, in: directory) {
            case .killedMidWrite:
                return
            case .finishedFirst:
                // Too fast to catch: try again with a fresh store and a bigger file.
                count *= 2
            case .failed:
                return
            }
        }
        Issue.record("backupd seed finished every time before it could be killed mid-write (last file: \(count / 2) backups)")
    }

    enum Outcome {
        case killedMidWrite
        case finishedFirst
        /// Something else went wrong, already recorded: retrying would not help.
        case failed
    }

    private func killDuringLoad(backups count: Int, in directory: URL) async throws -> Outcome {
        let database = directory.appendingPathComponent("catalog.sqlite")
        let wal = URL(fileURLWithPath: database.path + "-wal")
        let store = "--store=sqlite:\(database.path)"

        let seeded = try await CLI.run(["seed", CLI.exampleSeed.path, store], in: directory)
        try #require(seeded.succeeded, "seeding the example failed: \(seeded.stderrText)")
        let before = try await CLI.run(["export", store], in: directory)
        try #require(before.succeeded, "export failed: \(before.stderrText)")
        try #require(before.stdout.count > 1000)

        let big = directory.appendingPathComponent("big.json")
        try BigSeed.write(backups: count, to: big)

        // Written bytes show up in the WAL while one transaction runs, and in the database file
        // itself once something commits (and is checkpointed) before the end.
        let walBefore = Files.size(wal)
        let databaseBefore = Files.size(database)
        let started = ContinuousClock.now
        let loader = try await CLI.start(["seed", big.path, store], in: directory)
        let deadline = ContinuousClock.now + .seconds(300)
        var walAtKill = 0
        var grownAtKill = 0
        var polls = 0
        while loader.isRunning && ContinuousClock.now < deadline && polls < 150_000 {
            polls += 1
            let walSize = Files.size(wal)
            let grown = (walSize - walBefore) + (Files.size(database) - databaseBefore)
            if grown >= Self.walGrowth {
                loader.send(SIGKILL)
                walAtKill = walSize
                grownAtKill = grown
                break
            }
            try await Task.sleep(for: .milliseconds(2))
        }
        let killed = await loader.wait(timeout: .seconds(30))
        try #require(!killed.timedOut, "backupd seed of \(count) backups neither finished nor reached the WAL threshold in time")

        guard grownAtKill > 0 else {
            // It ended on its own before the store files grew past the threshold.
            guard killed.succeeded else {
                Issue.record("backupd seed of the big file failed by itself: \(killed.stderrText)")
                return .failed
            }
            return .finishedFirst
        }
        guard killed.signaled else {
            // It was already exiting when the signal came: not a kill mid-write.
            return .finishedFirst
        }
        print(
            "DurabilityTests: backupd seed of \(count) backups killed \(ContinuousClock.now - started) after its start, "
                + "WAL at \(walAtKill) bytes, store files grown by \(grownAtKill) bytes"
        )
        #expect(killed.status == SIGKILL)
        #expect(!killed.stderrText.contains("loaded"), "the killed load reported success: \(killed.stderrText)")

        // All or nothing. The load keeps its pages in memory and writes them to the WAL as it
        // commits, so the kill may land after the commit frame, before the process exits: then the
        // whole file must be there (and the kill was not mid-write; try a bigger file). Otherwise
        // the store must be exactly as it was before the killed load.
        let after = try await CLI.run(["export", store], in: directory)
        try #require(after.succeeded, "export after the kill failed: \(after.stderrText)")
        if after.stdoutText.contains(BigSeed.instanceID) {
            // The instance's id appears once in its own record and once in each of its backups.
            let stored = after.stdoutText.components(separatedBy: BigSeed.instanceID).count - 2
            #expect(stored == count, "a killed load left \(stored) of its \(count) backups")
            return .finishedFirst
        }
        expectSameBytes(after.stdout, before.stdout, "the export after a killed load")

        // And it still takes a load.
        let small = directory.appendingPathComponent("small.json")
        try BigSeed.write(backups: 3, to: small)
        let reseeded = try await CLI.run(["seed", small.path, store], in: directory)
        #expect(reseeded.succeeded, "seeding a small file after the kill failed: \(reseeded.stderrText)")
        #expect(reseeded.stderrText.contains("3 backups"))
        let final = try await CLI.run(["export", store], in: directory)
        try #require(final.succeeded)
        let text = final.stdoutText
        let hasSmall = text.contains(BigSeed.backupID(2))
        let hasBig = text.contains(BigSeed.backupID(3))
        let hasExample = text.contains("43e4feaab48f11e89039fa163ebaa7e4br01")
        #expect(hasSmall, "the small seed's backups are missing")
        #expect(!hasBig, "records of the killed load are in the store")
        #expect(hasExample, "the example's records are gone")
        return .killedMidWrite
    }
}

/// A valid seed file of one domain, one project, one RDS instance and `backups` RDS backups,
/// written with plain string building (no encoder) so that a large one takes a moment.
enum BigSeed {
    static let domainID = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0"
    static let projectID = "b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1"
    static let instanceID = "bulkbulkbulkbulkbulkbulkbulkbulkin01"

    static func backupID(_ index: Int) -> String {
        let digits = String(index)
        return "bulk" + String(repeating: "0", count: max(0, 28 - digits.count)) + digits + "br01"
    }

    static func write(backups count: Int, to url: URL) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(300 + count * 260)
        bytes += Array(
            """
            {"domains":[{"name":"bulkco","id":"\(domainID)","projects":[{"id":"\(projectID)","name":"cn-north-4"}]}],
            "instances":[{"id":"\(instanceID)","project_id":"\(projectID)","service":"rds","name":"bulk-mysql","datastore":{"type":"MySQL","version":"8.0"}}],
            "backups":[
            """.utf8
        )
        for index in 0..<count {
            if index > 0 { bytes += Array(",\n".utf8) }
            let day = 1 + index % 28
            let hour = index % 24
            let pad = day < 10 ? "0" : ""
            let hourPad = hour < 10 ? "0" : ""
            bytes += Array(
                "{\"instance_id\":\"\(instanceID)\",\"id\":\"\(backupID(index))\",\"name\":\"bulk-mysql-\(index)\",\"type\":\"auto\",\"status\":\"COMPLETED\",\"size\":\(index),\"begin_time\":\"2020-01-\(pad)\(day)T\(hourPad)\(hour):00:00+0800\",\"end_time\":\"2020-01-\(pad)\(day)T\(hourPad)\(hour):05:00+0800\",\"associated_with_ddm\":false}"
                    .utf8
            )
        }
        bytes += Array("\n]}\n".utf8)
        try Data(bytes).write(to: url)
    }
}
