import ArgumentParser
import BackupdAPI
import BackupdAuth
import BackupdCatalog
import BackupdServer
import Foundation

/// `backupd generate`: a realistic catalog of any size, the same for the same seed and counts,
/// written into the store (added to what it holds) or as a seed file.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a realistic, reproducible catalog into the store or a seed file.",
        discussion: """
            The same --random-seed, --instances and --backups give the same catalog, byte for byte. \
            Accounts are named gen-<seed>-<n>, so a generated catalog adds to what the store holds. \
            Every account has a user admin (every project) and a user reader (one project), each with a \
            password and an access key; --credentials-out writes them with one sample instance per API. \
            A seed file (--output) holds the passwords and secret keys in clear, as seed files may.
            """
    )

    @Option(help: "Database instances to generate, exactly.")
    var instances: Int

    @Option(help: "Backups to generate in total, exactly (cross-region copies count).")
    var backups: Int

    @Option(name: .customLong("random-seed"), help: "The seed: the same seed and counts give the same catalog.")
    var randomSeed: UInt64

    @Option(name: .customLong("chunk-size"), help: "Backups per part of the load, all in one transaction (the content does not depend on it).")
    var chunkSize: Int = 50_000

    @Option(name: .shortAndLong, help: "Write a seed file to this path (- for standard output) instead of the store.")
    var output: String?

    @Option(name: .customLong("credentials-out"), help: "Write the credentials and sample instances as JSON to this path.")
    var credentialsOut: String?

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let generator: CatalogGenerator
        do {
            generator = try CatalogGenerator(
                plan: GeneratorPlan(instances: instances, backups: backups, randomSeed: randomSeed, chunkSize: chunkSize)
            )
        } catch {
            throw CommandFailure("cannot generate: \(error)")
        }
        let started = ContinuousClock.now
        let bar = isatty(STDERR_FILENO) == 1 ? ProgressBar(label: "generating") : nil
        let destination: String
        if let output {
            destination = output == "-" ? "standard output" : output
            try writeSeed(generator, to: output, bar: bar)
        } else {
            let location = try storeOptions.location()
            destination = location.description
            try await load(generator, into: try await storeOptions.open(), bar: bar)
        }
        bar?.finish()
        if let credentialsOut {
            try Self.writeSecretFile(credentialsOut, GeneratedCredentials.json(generator)) {
                "cannot write the credentials to \(credentialsOut)"
            }
        }
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let rate = seconds > 0 ? Int((Double(backups) / seconds).rounded()) : backups
        FileHandle.standardError.write(
            Data(
                ("generated \(instances) instances and \(backups) backups (seed \(randomSeed)) into \(destination) "
                    + "in \(String(format: "%.2f", seconds)) s: \(rate) backups/s\n").utf8
            )
        )
    }

    /// Loads every chunk in one transaction: the whole catalog or, when anything fails, nothing.
    private func load(_ generator: CatalogGenerator, into store: any AccountStore, bar: ProgressBar?) async throws {
        let hasher = PasswordHasher()
        var digests: [String: String] = [:]
        // Every generated domain shares two passwords: two digests, not one per user.
        let chunks = generator.chunks { password in
            if let digest = digests[password] { return digest }
            let digest = hasher.digest(password)
            digests[password] = digest
            return digest
        }
        let total = chunks.totalRecords
        do {
            try await store.load(parts: .prefetching(chunks)) { done in bar?.update(done: done, total: total) }
        } catch {
            bar?.finish()
            throw CommandFailure("the store failed; nothing was written: \(error)")
        }
        bar?.update(done: total, total: total)
    }

    /// Streams the seed file, one chunk at a time.
    private func writeSeed(_ generator: CatalogGenerator, to path: String, bar: ProgressBar?) throws {
        let handle: FileHandle
        if path == "-" {
            handle = FileHandle.standardOutput
        } else {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
                let file = FileHandle(forWritingAtPath: path)
            else { throw CommandFailure("cannot create \(path)") }
            handle = file
        }
        var chunks = generator.chunks()
        let total = chunks.totalRecords
        var written = 0
        do {
            try GeneratedSeedFile.write(generator, chunks: &chunks) { bytes, records in
                try handle.write(contentsOf: bytes)
                written += records
                bar?.update(done: written, total: total)
            }
            try handle.synchronize()
        } catch let error as CommandFailure {
            throw error
        } catch {
            throw CommandFailure("cannot write \(path == "-" ? "standard output" : path): \(error)")
        }
    }

    /// Writes `bytes` to a file only its owner may read (it holds secrets).
    static func writeSecretFile(_ path: String, _ bytes: [UInt8], failure: () -> String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw CommandFailure(failure())
        }
    }
}
