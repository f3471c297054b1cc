public import BackupdCatalog

/// A generated catalog as a seed file (`seed-format.md`), passwords and secret keys included,
/// laid out as `backupd export` lays out its files: one record per line.
public enum GeneratedSeedFile {
    /// Hands `sink` the document in pieces, with the number of records in each.
    public static func write(
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
                bytes += SeedExporter.record(instance)
                firstInstance = false
            }
            if !chunk.backups.isEmpty && !inBackups {
                bytes += Array("\n  ],\n  \"backups\": [".utf8)
                inBackups = true
            }
            for backup in chunk.backups {
                bytes += Array((firstBackup ? "\n    " : ",\n    ").utf8)
                bytes += SeedExporter.record(backup)
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
}
