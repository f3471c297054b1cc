public import BackupdCatalog

/// A generated catalog as a seed file (`docs/seed-format.md`), passwords and secret keys included,
/// laid out as `backupd export` lays out its files (`SeedFileJSON`): one record per line.
public enum GeneratedSeedFile {
    /// Hands `sink` the document in pieces, with the number of records in each.
    public static func write(
        _ generator: CatalogGenerator,
        chunks: inout CatalogChunks,
        to sink: ([UInt8], Int) throws -> Void
    ) throws {
        var layout = SeedFileJSON.Layout()
        var head = layout.open("domains")
        var records = 0
        for generated in generator.domains {
            head += layout.place(domain(generated), in: "domains")
            records += 1 + generated.projects.count + generated.users.count * 2
        }
        head += layout.open("instances")
        try sink(head, records)
        while let chunk = chunks.next() {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(chunk.instances.count * 200 + chunk.backups.count * 400)
            for instance in chunk.instances {
                bytes += layout.place(SeedFileJSON.record(instance), in: "instances")
            }
            for backup in chunk.backups {
                bytes += layout.place(SeedFileJSON.record(backup), in: "backups")
            }
            try sink(bytes, chunk.instances.count + chunk.backups.count)
        }
        try sink(layout.finish(), 0)
    }

    /// A generated domain with its secrets.
    private static func domain(_ generated: GeneratedDomain) -> [UInt8] {
        SeedFileJSON.domain(
            generated.domain,
            users: generated.users.map { user in
                SeedFileJSON.User(
                    name: user.name,
                    password: user.password,
                    projectIDs: user.projectIDs,
                    accessKeys: user.accessKeys.map { (access: $0.access, secret: $0.secret) }
                )
            },
            projects: generated.projects
        )
    }
}
