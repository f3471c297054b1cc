import ArgumentParser

/// `backupd`: a self-hosted implementation of Huawei Cloud's database-backup query APIs.
@main
struct Backupd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve Huawei Cloud's database-backup APIs from a durable catalog.",
        subcommands: [
            ServeCommand.self, SeedCommand.self, ExportCommand.self, CredentialsCommand.self, GenerateCommand.self,
            ClockCommand.self, TimingsCommand.self, FaultCommand.self,
        ]
    )
}
