public import BackupdCatalog

/// Writes a store's catalog as a seed file (`seed-format.md`), without passwords or secret
/// keys, so that seeding the output into an empty store reproduces the catalog (secrets
/// aside). Backups are streamed in batches: an export never holds the catalog in memory.
public struct SeedExporter: Sendable {
    private let store: any CatalogStore
    private let batchSize: Int

    public init(store: any CatalogStore, batchSize: Int = 10_000) {
        self.store = store
        self.batchSize = batchSize
    }

    /// Writes the document in pieces to `sink`.
    public func export(to sink: ([UInt8]) throws -> Void) async throws {
        let tenancy = try await store.exportTenancy()
        try sink(Array("{\n  \"domains\": [".utf8))
        for (index, domain) in tenancy.domains.enumerated() {
            try sink(Array((index == 0 ? "\n    " : ",\n    ").utf8) + Self.domain(domain, in: tenancy))
        }
        try sink(Array("\n  ],\n  \"instances\": [".utf8))
        for (index, instance) in tenancy.instances.enumerated() {
            try sink(Array((index == 0 ? "\n    " : ",\n    ").utf8) + Self.record(instance))
        }
        try sink(Array("\n  ],\n  \"backups\": [".utf8))
        var cursor: BackupCursor?
        var first = true
        while true {
            let batch = try await store.exportBackups(after: cursor, limit: batchSize)
            guard let last = batch.last else { break }
            var bytes: [UInt8] = []
            for backup in batch {
                bytes += Array((first ? "\n    " : ",\n    ").utf8) + Self.record(backup)
                first = false
            }
            try sink(bytes)
            let next = BackupCursor(service: last.service, id: last.id)
            // A store that hands back the cursor's own record would make this loop forever.
            guard next != cursor else { throw CatalogError.constraintViolated("export cursor did not advance") }
            cursor = next
        }
        try sink(Array("\n  ]\n}\n".utf8))
    }

    private static func domain(_ domain: Domain, in tenancy: CatalogContent) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            json.field("name", domain.name)
            json.field("id", domain.id)
            json.key("users")
            json.array { json in
                for user in tenancy.users where user.domainID == domain.id {
                    json.object { json in
                        json.field("name", user.name)
                        if let projects = user.projectIDs {
                            json.key("projects")
                            json.array { json in
                                for project in projects { json.string(project) }
                            }
                        }
                        json.key("access_keys")
                        json.array { json in
                            for key in tenancy.accessKeys where key.domainID == domain.id && ExactText(key.userName) == ExactText(user.name) {
                                json.object { $0.field("access", key.access) }
                            }
                        }
                    }
                }
            }
            json.key("projects")
            json.array { json in
                for project in tenancy.projects where project.domainID == domain.id {
                    json.object { json in
                        json.field("id", project.id)
                        json.field("name", project.name)
                    }
                }
            }
        }
        return json.bytes
    }

    /// One instance record as seed files hold it.
    public static func record(_ instance: Instance) -> [UInt8] {
        var json = JSONWriter()
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

    /// One backup record as seed files hold it (DCS records in their API form).
    public static func record(_ backup: Backup) -> [UInt8] {
        var json = JSONWriter(capacity: 512)
        if case .dcs(let record) = backup {
            DCSBackupRecordJSON.write(record, into: &json)
            return json.bytes
        }
        json.object { json in
            json.field("instance_id", backup.instanceID)
            switch backup {
            case .rds(let b):
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
                json.field("id", b.id)
                json.field("name", b.name)
                json.field("type", b.type.rawValue)
                json.field("begin_time", b.beginTime.text)
                json.field("end_time", b.endTime.text)
                json.key("size")
                json.number(b.size)
            case .dcs:
                break  // written above, in its API form
            case .ddm(let b):
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
