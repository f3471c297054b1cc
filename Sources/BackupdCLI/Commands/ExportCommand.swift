import ArgumentParser
import BackupdAPI
import Foundation

/// `backupd export`: write the catalog as a seed file, without passwords or secret keys.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the catalog as a seed file (no passwords or secret keys)."
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func run() async throws {
        let store = try await storeOptions.open()
        let handle: FileHandle
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil) else {
                throw CommandFailure("cannot create \(output)")
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        } else {
            handle = FileHandle.standardOutput
        }
        try await SeedExporter(store: store).export { bytes in
            try handle.write(contentsOf: bytes)
        }
        try handle.synchronize()
    }
}
