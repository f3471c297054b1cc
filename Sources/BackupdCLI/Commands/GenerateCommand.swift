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

    @Option(name: .customLong("chunk-size"), help: "Backups per store transaction (the content does not depend on it).")
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
            try await load(generator, into: try storeOptions.open(), bar: bar)
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

    /// Loads the chunks one transaction each, making the next chunk while the store writes one.
    private func load(_ generator: CatalogGenerator, into store: any CatalogStore, bar: ProgressBar?) async throws {
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
        var written = 0
        var pending = Self.nextChunk(of: chunks)
        while true {
            let (chunk, rest) = await pending.value
            guard let chunk else { break }
            pending = Self.nextChunk(of: rest)
            let before = written
            do {
                try await store.load(chunk) { done in bar?.update(done: before + done, total: total) }
            } catch {
                bar?.finish()
                throw CommandFailure("the store failed after \(before) records (rerun with the same seed to complete): \(error)")
            }
            written +=
                chunk.domains.count + chunk.projects.count + chunk.users.count + chunk.accessKeys.count
                + chunk.instances.count + chunk.backups.count
            bar?.update(done: written, total: total)
        }
    }

    private static func nextChunk(of chunks: CatalogChunks) -> Task<(CatalogContent?, CatalogChunks), Never> {
        Task.detached {
            var chunks = chunks
            let chunk = chunks.next()
            return (chunk, chunks)
        }
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

/// A generated catalog as a seed file (`seed-format.md`), passwords and secret keys included,
/// laid out as `backupd export` lays out its files: one record per line.
enum GeneratedSeedFile {
    /// Hands `sink` the document in pieces, with the number of records in each.
    static func write(
        _ generator: CatalogGenerator,
        chunks: inout CatalogChunks,
        to sink: ([UInt8], Int) throws -> Void
    ) throws {
        var head = Array("{\n  \"domains\": [".utf8)
        var records = 0
        for (index, generated) in generator.domains.enumerated() {
            head += Array((index == 0 ? "\n    " : ",\n    ").utf8) + domain(generated)
            records += 1 + generated.projects.count + generated.users.count * 2
        }
        head += Array("\n  ],\n  \"instances\": [".utf8)
        try sink(head, records)
        var firstInstance = true
        var firstBackup = true
        var inBackups = false
        while let chunk = chunks.next() {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(chunk.instances.count * 200 + chunk.backups.count * 400)
            for instance in chunk.instances {
                bytes += Array((firstInstance ? "\n    " : ",\n    ").utf8)
                bytes += Self.instance(instance)
                firstInstance = false
            }
            if !chunk.backups.isEmpty && !inBackups {
                bytes += Array("\n  ],\n  \"backups\": [".utf8)
                inBackups = true
            }
            for backup in chunk.backups {
                bytes += Array((firstBackup ? "\n    " : ",\n    ").utf8)
                bytes += Self.backup(backup)
                firstBackup = false
            }
            try sink(bytes, chunk.instances.count + chunk.backups.count)
        }
        try sink(Array(((inBackups ? "" : "\n  ],\n  \"backups\": [") + "\n  ]\n}\n").utf8), 0)
    }

    private static func domain(_ generated: GeneratedDomain) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            json.field("name", generated.domain.name)
            json.field("id", generated.domain.id)
            json.key("users")
            json.array { json in
                for user in generated.users {
                    json.object { json in
                        json.field("name", user.name)
                        json.field("password", user.password)
                        if let projects = user.projectIDs {
                            json.key("projects")
                            json.array { json in
                                for project in projects { json.string(project) }
                            }
                        }
                        json.key("access_keys")
                        json.array { json in
                            for key in user.accessKeys {
                                json.object { json in
                                    json.field("access", key.access)
                                    json.field("secret", key.secret)
                                }
                            }
                        }
                    }
                }
            }
            json.key("projects")
            json.array { json in
                for project in generated.projects {
                    json.object { json in
                        json.field("id", project.id)
                        json.field("name", project.name)
                    }
                }
            }
        }
        return json.bytes
    }

    private static func instance(_ instance: Instance) -> [UInt8] {
        var json = JSONWriter(capacity: 256)
        json.object { json in
            json.field("id", instance.id)
            json.field("project_id", instance.projectID)
            json.field("service", instance.service.rawValue)
            json.field("name", instance.name)
            if let datastore = instance.datastore { write(datastore, into: &json) }
            if let engine = instance.engine { json.field("engine", engine) }
            if let version = instance.engineVersion { json.field("engine_version", version) }
            if let nodes = instance.relatedDataNodes { write(nodes, into: &json) }
        }
        return json.bytes
    }

    /// The fields and order of `backupd export` (and, for DCS, of the API's records).
    private static func backup(_ backup: Backup) -> [UInt8] {
        var json = JSONWriter(capacity: 512)
        json.object { json in
            switch backup {
            case .rds(let b):
                json.field("instance_id", b.instanceID)
                json.field("id", b.id)
                json.field("name", b.name)
                json.field("type", b.type.rawValue)
                json.field("status", b.status.rawValue)
                json.field("size", b.size)
                json.field("begin_time", b.beginTime.text)
                json.field("end_time", b.endTime.text)
                if let databases = b.databases {
                    json.key("databases")
                    json.array { json in
                        for name in databases { json.object { $0.field("name", name) } }
                    }
                }
                if let associated = b.associatedWithDDM {
                    json.key("associated_with_ddm")
                    json.bool(associated)
                }
                if let datastore = b.datastore { write(datastore, into: &json) }
                if let offsite = b.offsiteProjectID { json.field("offsite_project_id", offsite) }
            case .taurusdb(let b):
                json.field("instance_id", b.instanceID)
                json.field("id", b.id)
                json.field("name", b.name)
                json.field("type", b.type.rawValue)
                json.field("begin_time", b.beginTime.text)
                json.field("end_time", b.endTime.text)
                json.key("size")
                json.number(b.size)
            case .dcs(let b):
                json.field("status", b.status.rawValue)
                json.field("remark", b.remark)
                json.field("period", b.period)
                json.field("progress", b.progress)
                json.field("size", b.size)
                json.field("instance_id", b.instanceID)
                json.field("backup_id", b.backupID)
                json.field("created_at", b.createdAt.text)
                json.field("updated_at", b.updatedAt.text)
                json.field("execution_at", b.executionAt.text)
                json.field("backup_type", b.backupType.rawValue)
                json.field("backup_name", b.backupName)
                json.field("error_code", b.errorCode)
                json.field("is_support_restore", b.isSupportRestore)
            case .ddm(let b):
                json.field("instance_id", b.instanceID)
                json.field("id", b.id)
                json.field("name", b.name)
                json.field("begin_time", b.beginTime.text)
                json.field("end_time", b.endTime.text)
                if let nodes = b.relatedDataNodes { write(nodes, into: &json) }
            }
        }
        return json.bytes
    }

    private static func write(_ datastore: Datastore, into json: inout JSONWriter) {
        json.key("datastore")
        json.object { json in
            json.field("type", datastore.type)
            json.field("version", datastore.version)
        }
    }

    private static func write(_ nodes: [DataNode], into json: inout JSONWriter) {
        json.key("related_data_nodes")
        json.array { json in
            for node in nodes {
                json.object { json in
                    json.field("instance_id", node.instanceID)
                    json.field("instance_name", node.instanceName)
                }
            }
        }
    }
}

/// The `--credentials-out` file: every generated account with its secrets, and one sample
/// instance per API with the project to call and a user and key allowed to call it.
enum GeneratedCredentials {
    static func json(_ generator: CatalogGenerator) -> [UInt8] {
        var bytes = Array("{\n  \"domains\": [".utf8)
        for (index, generated) in generator.domains.enumerated() {
            bytes += Array((index == 0 ? "\n    " : ",\n    ").utf8) + domain(generated)
        }
        bytes += Array("\n  ],\n  \"samples\": {".utf8)
        let samples = generator.samples()
        let entries: [(String, GeneratedSample?)] = [
            ("rds", samples.rds), ("rds_offsite", samples.rdsOffsite), ("taurusdb", samples.taurusdb),
            ("dcs", samples.dcs), ("ddm", samples.ddm),
        ]
        for (index, (name, sample)) in entries.enumerated() {
            var json = JSONWriter()
            json.key(name)
            if let sample {
                self.sample(sample, api: name, domains: generator.domains, into: &json)
            } else {
                json.null()
            }
            bytes += Array((index == 0 ? "\n    " : ",\n    ").utf8) + json.bytes
        }
        bytes += Array("\n  }\n}\n".utf8)
        return bytes
    }

    private static func domain(_ generated: GeneratedDomain) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            json.field("id", generated.domain.id)
            json.field("name", generated.domain.name)
            json.key("projects")
            json.array { json in
                for project in generated.projects {
                    json.object { json in
                        json.field("id", project.id)
                        json.field("name", project.name)
                    }
                }
            }
            json.key("users")
            json.array { json in
                for user in generated.users {
                    json.object { json in
                        json.field("name", user.name)
                        json.field("password", user.password)
                        json.key("projects")
                        if let projects = user.projectIDs {
                            json.array { json in
                                for project in projects { json.string(project) }
                            }
                        } else {
                            json.null()
                        }
                        json.key("access_keys")
                        json.array { json in
                            for key in user.accessKeys {
                                json.object { json in
                                    json.field("access", key.access)
                                    json.field("secret", key.secret)
                                }
                            }
                        }
                    }
                }
            }
        }
        return json.bytes
    }

    /// The instance, the project to put in the path, the expected count, and the admin of its
    /// account (every project) with its password and access key.
    private static func sample(_ sample: GeneratedSample, api: String, domains: [GeneratedDomain], into json: inout JSONWriter) {
        let domain = domains.first { $0.domain.id == sample.domainID }
        let admin = domain?.users.first { $0.projectIDs == nil }
        json.object { json in
            json.field("instance_id", sample.instance.id)
            json.field("instance_name", sample.instance.name)
            switch api {
            case "rds_offsite":
                json.field("project_id", sample.counts.offsiteProjectID)
                json.field("home_project_id", sample.instance.projectID)
                json.field("backups", sample.counts.offsiteCopies)
                json.field("auto_backups", sample.counts.offsiteCopies - sample.counts.offsiteIncrementals)
                json.field("incremental_backups", sample.counts.offsiteIncrementals)
            case "rds":
                json.field("project_id", sample.instance.projectID)
                json.field("backups", sample.counts.atHome)
            case "taurusdb":
                json.field("project_id", sample.instance.projectID)
                json.field("backups", sample.counts.total)
                json.field("incremental_backups", sample.counts.incrementals)
            default:
                json.field("project_id", sample.instance.projectID)
                json.field("backups", sample.counts.total)
                if let backupID = sample.backupID { json.field("backup_id", backupID) }
            }
            json.field("domain", domain?.domain.name)
            json.field("user", admin?.name)
            json.field("password", admin?.password)
            json.field("access", admin?.accessKeys.first?.access)
            json.field("secret", admin?.accessKeys.first?.secret)
        }
    }
}
