import ArgumentParser
import BackupdAPI
import BackupdCatalog
import Foundation

/// `backupd seed FILE`: load a seed file into a store, all or nothing, and exit.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load a seed file into the store (all or nothing) and exit."
    )

    @Argument(help: "The seed file (seed-format.md); - reads standard input.")
    var file: String

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let store = try await storeOptions.open()
        let summary = try await SeedFileLoading.load(path: file, into: store, showProgress: isatty(STDERR_FILENO) == 1)
        FileHandle.standardError.write(
            Data(
                ("loaded \(summary.records) records: \(summary.domains) domains, \(summary.projects) projects, "
                    + "\(summary.users) users, \(summary.accessKeys) access keys, \(summary.instances) instances, "
                    + "\(summary.backups) backups\n").utf8
            )
        )
    }
}

/// Reading a seed file from disk or standard input and loading it, shared by `seed` and `serve --seed`.
enum SeedFileLoading {
    static func load(path: String, into store: any CatalogStore, showProgress: Bool) async throws -> SeedLoader.Summary {
        let bytes: [UInt8]
        if path == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure("cannot read the seed file \(path)")
            }
            bytes = Array(data)
        }
        let bar = showProgress ? ProgressBar(label: "seeding") : nil
        do {
            let summary = try await SeedLoader(store: store).load(bytes) { done, total in
                bar?.update(done: done, total: total)
            }
            bar?.finish()
            return summary
        } catch let error as SeedError {
            bar?.finish()
            throw CommandFailure("\(path == "-" ? "standard input" : path) rejected, nothing was loaded: \(error)")
        }
    }
}
