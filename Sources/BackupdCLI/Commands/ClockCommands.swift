import ArgumentParser
import BackupdAPI
import BackupdCatalog
import Foundation

// `backupd clock`, `backupd timings` and `backupd fault`: the control API's operations on a store
// directly, running server or not (`docs/lifecycle.md` §5.3). Each builds the body the API would
// receive, so both refuse alike; a refusal prints the API's message on stderr and exits 1.

/// Runs one control operation on the store and prints its document, or its refusal.
private func runControl(
    _ storeOptions: StoreOptions,
    _ operation: (ClockControl) async throws -> [UInt8]
) async throws {
    let control = ClockControl(store: try await storeOptions.open())
    do {
        let document = try await operation(control)
        print(String(decoding: document, as: UTF8.self))
    } catch let error as APIError {
        FileHandle.standardError.write(Data((error.message + "\n").utf8))
        throw ExitCode.failure
    }
}

/// A body of string members, as the API would receive it.
private func body(_ members: [(String, JSONValue)]) -> RequestBody {
    RequestBody(members: members.map { (name: $0.0, value: $0.1) })
}

struct ClockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clock",
        abstract: "Show, set, advance, freeze or unfreeze the catalog clock.",
        subcommands: [Show.self, Set.self, Advance.self, Freeze.self, Unfreeze.self],
        defaultSubcommand: Show.self
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the clock document.")
        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            try await runControl(storeOptions) { try await $0.clock() }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set the clock to an RFC 3339 time (never earlier than it reads)."
        )
        @Argument(help: "For example 2030-01-07T08:00:00.000Z.") var time: String
        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            let time = time
            try await runControl(storeOptions) { control in
                try await control.changeClock(try ControlRequests.clockChange(body([("now", .string(time))])))
            }
        }
    }

    struct Advance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "advance", abstract: "Move the clock forward by an ISO 8601 duration.")
        @Argument(help: "For example PT36H, P7D or P2DT12H.") var duration: String
        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            let duration = duration
            try await runControl(storeOptions) { control in
                try await control.changeClock(try ControlRequests.clockChange(body([("advance", .string(duration))])))
            }
        }
    }

    struct Freeze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "freeze", abstract: "Stop the clock at its reading.")
        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            try await runControl(storeOptions) { try await $0.changeClock(ClockChange(frozen: true)) }
        }
    }

    struct Unfreeze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unfreeze", abstract: "Let the clock run on from its reading.")
        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            try await runControl(storeOptions) { try await $0.changeClock(ClockChange(frozen: false)) }
        }
    }
}

struct TimingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timings",
        abstract: "Show or set how long lifecycle phases last.",
        subcommands: [Show.self, Set.self],
        defaultSubcommand: Show.self
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the timings document.")
        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            try await runControl(storeOptions) { try await $0.timings() }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Set timings, in whole seconds from 0 to 86400.")
        @Argument(help: "NAME=SECONDS, for example rds_building=0 dcs_backuping=120.") var assignments: [String]
        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            // A value that is not digits goes in as a string, which the API's rule refuses by name.
            let members = assignments.map { assignment -> (String, JSONValue) in
                let parts = assignment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0])
                let value = parts.count == 2 ? String(parts[1]) : ""
                return (name, Int64(value).map(JSONValue.integer) ?? .string(value))
            }
            // A name given twice is refused, as the API refuses a body that repeats a member.
            let repeated = Swift.Set(members.map(\.0)).count != members.count
            try await runControl(storeOptions) { control in
                try await control.changeTimings(try ControlRequests.timingsChange(repeated ? nil : body(members)))
            }
        }
    }
}

struct FaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fault",
        abstract: "Arm faults for lifecycle tests.",
        subcommands: [FailNext.self]
    )

    struct FailNext: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "fail-next", abstract: "Make the next full backup of an instance fail.")
        @Argument(help: "The instance id (any service, any project).") var instanceID: String
        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            let instanceID = instanceID
            try await runControl(storeOptions) { control in
                try await control.armFault(
                    instanceID: try ControlRequests.faultInstance(body([("instance_id", .string(instanceID)), ("next_backup", .string("fail"))]))
                )
            }
        }
    }
}
