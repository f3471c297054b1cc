public import BackupdCatalog

/// The `--credentials-out` file: every generated account with its secrets, and one sample
/// instance per API with the project to call and a user and key allowed to call it.
public enum GeneratedCredentials {
    public static func json(_ generator: CatalogGenerator) -> [UInt8] {
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
