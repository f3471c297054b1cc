public import BackupdCatalog

/// The records of a seed file (`docs/seed-format.md`) as JSON: the one writer that `backupd export`
/// (`SeedExporter`) and `backupd generate` (`GeneratedSeedFile`) share, so that what one writes
/// the other writes alike and the seed loader reads both.
public enum SeedFileJSON {
    /// A user of a seed file's domain: its password and secret keys only where the writer has them
    /// (a generated catalog does; an export never writes them).
    public struct User {
        public var name: String
        public var password: String?
        public var projectIDs: [String]?
        public var accessKeys: [(access: String, secret: String?)]

        public init(name: String, password: String?, projectIDs: [String]?, accessKeys: [(access: String, secret: String?)]) {
            self.name = name
            self.password = password
            self.projectIDs = projectIDs
            self.accessKeys = accessKeys
        }
    }

    /// One domain with its users and projects.
    public static func domain(_ domain: Domain, users: [User], projects: [Project]) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            json.field("name", domain.name)
            json.field("id", domain.id)
            json.key("users")
            json.array { json in
                for user in users {
                    json.object { json in
                        json.field("name", user.name)
                        if let password = user.password { json.field("password", password) }
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
                                    if let secret = key.secret { json.field("secret", secret) }
                                }
                            }
                        }
                    }
                }
            }
            json.key("projects")
            json.array { json in
                for project in projects {
                    json.object { json in
                        json.field("id", project.id)
                        json.field("name", project.name)
                    }
                }
            }
        }
        return json.bytes
    }

    /// One instance record.
    public static func record(_ instance: Instance) -> [UInt8] {
        var json = JSONWriter()
        json.object { json in
            json.field("id", instance.id)
            json.field("project_id", instance.projectID)
            json.field("service", instance.service.rawValue)
            json.field("name", instance.name)
            if let datastore = instance.datastore { json.datastore(datastore) }
            if let engine = instance.engine { json.field("engine", engine) }
            if let version = instance.engineVersion { json.field("engine_version", version) }
            if let nodes = instance.relatedDataNodes { json.relatedDataNodes(nodes) }
        }
        return json.bytes
    }

    /// One backup record (DCS records in their API form, `DCSBackupRecordJSON`).
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
                if let databases = b.databases { json.databases(databases) }
                if let associated = b.associatedWithDDM {
                    json.key("associated_with_ddm")
                    json.bool(associated)
                }
                if let datastore = b.datastore { json.datastore(datastore) }
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
                if let nodes = b.relatedDataNodes { json.relatedDataNodes(nodes) }
                // Written only when not their defaults, so that older seeds export as they were.
                if !b.description.isEmpty { json.field("description", b.description) }
                if b.fileSize != 0 {
                    json.key("file_size")
                    json.number(b.fileSize)
                }
                if b.backupType != .autoMetadata { json.field("backup_type", b.backupType.rawValue) }
            }
        }
        return json.bytes
    }

    /// A seed document written one record per line, as `backupd export` and `generate` lay it out:
    /// the three arrays in order, each record on a line of its own.
    public struct Layout {
        private var section: String?
        private var recordsInSection = 0

        public init() {}

        /// The bytes that put `record` into the array `section` (`domains`, `instances`, `backups`),
        /// opening the document or the array first when needed.
        public mutating func place(_ record: [UInt8], in section: String) -> [UInt8] {
            var bytes = open(section)
            bytes += Array((recordsInSection == 0 ? "\n    " : ",\n    ").utf8)
            bytes += record
            recordsInSection += 1
            return bytes
        }

        /// The bytes that open `section` (and close the one before), when it is not open yet.
        public mutating func open(_ section: String) -> [UInt8] {
            guard section != self.section else { return [] }
            let opening = self.section == nil ? "{\n  \"" : "\n  ],\n  \""
            self.section = section
            recordsInSection = 0
            return Array((opening + section + "\": [").utf8)
        }

        /// The bytes that end the document, opening any of the three arrays not written yet.
        public mutating func finish() -> [UInt8] {
            let following = section.flatMap { Self.sections.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
            var bytes: [UInt8] = []
            for name in Self.sections[following...] { bytes += open(name) }
            return bytes + Array("\n  ]\n}\n".utf8)
        }

        private static let sections = ["domains", "instances", "backups"]
    }
}

extension JSONWriter {
    /// `"datastore": {"type", "version"}` (RDS and TaurusDB records, API and seed alike).
    mutating func datastore(_ datastore: Datastore) {
        key("datastore")
        object { json in
            json.field("type", datastore.type)
            json.field("version", datastore.version)
        }
    }

    /// `"related_data_nodes": [{"instance_id", "instance_name"}]` (DDM, API and seed alike).
    mutating func relatedDataNodes(_ nodes: [DataNode]) {
        key("related_data_nodes")
        array { json in
            for node in nodes {
                json.object { json in
                    json.field("instance_id", node.instanceID)
                    json.field("instance_name", node.instanceName)
                }
            }
        }
    }

    /// `"databases": [{"name"}]` (RDS for SQL Server, API and seed alike).
    mutating func databases(_ names: [String]) {
        key("databases")
        array { json in
            for name in names {
                json.object { $0.field("name", name) }
            }
        }
    }
}
