import ArgumentParser
import Foundation

/// `backupd`: a self-hosted implementation of Huawei Cloud's database-backup query APIs
/// (run from `main.swift`).
struct Backupd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve Huawei Cloud's database-backup APIs from a durable catalog.",
        subcommands: [
            ServeCommand.self, SeedCommand.self, ExportCommand.self, CredentialsCommand.self, GenerateCommand.self,
            ClockCommand.self, TimingsCommand.self, FaultCommand.self, DevCertCommand.self, OpenAPICommand.self,
        ]
    )
}

extension Backupd {
    /// Parses the command line, with `serve`'s options from the environment where the command
    /// line leaves them out (`ServeCommand.environment`), and runs the command
    /// (`AsyncParsableCommand.main`). Called from an asynchronous function, not from top-level
    /// code, where `ParsableCommand`'s synchronous `main` would be chosen, which cannot run an
    /// asynchronous command.
    static func start() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == ServeCommand.configuration.commandName {
            do {
                arguments = try EnvironmentOption.arguments(
                    arguments,
                    adding: ServeCommand.environment,
                    from: ProcessInfo.processInfo.environment
                )
            } catch {
                exit(withError: error)
            }
        }
        await main(arguments)
    }
}
