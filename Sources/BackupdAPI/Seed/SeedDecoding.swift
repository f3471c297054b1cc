import BackupdCatalog

/// Turns a parsed seed document into catalog records, checking every rule of
/// `docs/seed-format.md`. References the file does not define are looked up in the store.
struct SeedDecoding {
    /// A user as decoded: the password is still in clear until the loader digests it.
    struct UserWithPassword {
        var user: User
        var password: String?
    }

    /// The decoded document, users not yet digested.
    struct Content {
        var domains: [Domain] = []
        var projects: [Project] = []
        var users: [UserWithPassword] = []
        var accessKeys: [AccessKey] = []
        var instances: [Instance] = []
        var backups: [Backup] = []
        /// The policies the file sets, by instance id, in file order.
        var policies: [(instanceID: String, change: PolicyChange)] = []
        var offsitePolicies: [(instanceID: String, change: OffsitePolicyChange)] = []
    }

    let store: any AccountStore & CredentialStore
    /// The catalog clock's reading at the start of the load: what relative times and policies
    /// are taken at (`docs/lifecycle.md` §8.8, §9).
    let now: Int64

    func decode(_ root: JSONValue) async throws -> Content {
        let document = try SeedObject(root, path: "")
        try document.rejectUnknownFields(allowed: ["domains", "instances", "backups"], context: "a seed file")
        var content = Content()
        try await decodeDomains(document.array("domains") ?? [], into: &content)
        var projects = try await projectIndex(content, document: document)
        try await decodeInstances(document.array("instances") ?? [], projects: projects, into: &content)
        let instances = try await instanceIndex(content, document: document)
        // Offsite rules compare the copy's project with the instance's home project, which
        // for an instance already in the store may be one the file never names.
        for instance in instances.values where projects[instance.projectID] == nil {
            if let project = try await store.project(id: instance.projectID) { projects[project.id] = project }
        }
        let backupElements = try document.array("backups") ?? []
        // Backup ids are unique across services (an export must load back), so look up those stored elsewhere.
        var backupIDs: [String] = []
        for element in backupElements {
            for key in ["id", "backup_id"] {
                if case .string(let id)? = element.value[key] { backupIDs.append(id) }
            }
        }
        try decodeBackups(
            backupElements,
            instances: instances,
            projects: projects,
            storedBackups: try await store.backupServices(ids: backupIDs),
            into: &content
        )
        return content
    }

    // MARK: - Domains, projects, users, access keys

    private func decodeDomains(_ elements: [(value: JSONValue, path: String)], into content: inout Content) async throws {
        var domainNames: [ExactText: String] = [:]
        var domainIDs: Set<String> = []
        var projectIDs: Set<String> = []
        var accessKeys: Set<ExactText> = []
        for element in elements {
            let object = try SeedObject(element.value, path: element.path)
            try object.rejectUnknownFields(allowed: ["name", "id", "users", "projects"], context: "a domain")
            let name = try object.requiredString("name")
            guard domainNames[ExactText(name)] == nil else { throw SeedError(path: object.fieldPath("name"), rule: "names a domain twice") }
            let stored = try await store.domain(named: name)
            let id: String
            if let given = try object.string("id", required: false) {
                guard Self.isHexID(given) else {
                    throw SeedError(path: object.fieldPath("id"), rule: "must be 32 lower-case hex digits")
                }
                if let stored, stored.id != given {
                    throw SeedError(path: object.fieldPath("name"), rule: "the store has a domain \(name) with another id")
                }
                id = given
            } else {
                id = stored?.id ?? Self.randomHexID()
            }
            guard domainIDs.insert(id).inserted else { throw SeedError(path: object.fieldPath("id"), rule: "is given twice") }
            domainNames[ExactText(name)] = id
            content.domains.append(Domain(id: id, name: name))

            var ownProjects: Set<String> = []
            var projectNames: Set<ExactText> = []
            let storedProjectList = try await store.projects(domainID: id)
            let storedProjectsByName = Dictionary(
                storedProjectList.map { (ExactText($0.name), $0.id) },
                uniquingKeysWith: { first, _ in first }
            )
            for projectElement in try object.array("projects") ?? [] {
                let project = try SeedObject(projectElement.value, path: projectElement.path)
                try project.rejectUnknownFields(allowed: ["id", "name"], context: "a project")
                let projectID = try project.requiredString("id")
                guard Self.isHexID(projectID) else {
                    throw SeedError(path: project.fieldPath("id"), rule: "must be 32 lower-case hex digits")
                }
                guard projectIDs.insert(projectID).inserted else {
                    throw SeedError(path: project.fieldPath("id"), rule: "names a project twice")
                }
                let projectName = try project.requiredString("name")
                guard Self.isProjectName(projectName) else {
                    throw SeedError(
                        path: project.fieldPath("name"),
                        rule: "must be a region id, optionally followed by _ and a sub-project name (cn-north-4_billing)"
                    )
                }
                guard projectNames.insert(ExactText(projectName)).inserted else {
                    throw SeedError(path: project.fieldPath("name"), rule: "names a project of this domain twice")
                }
                if let storedID = storedProjectsByName[ExactText(projectName)], storedID != projectID {
                    throw SeedError(
                        path: project.fieldPath("name"),
                        rule: "the store has a project \(projectName) with another id"
                    )
                }
                if let existing = try await store.project(id: projectID) {
                    guard existing.domainID == id else {
                        throw SeedError(path: project.fieldPath("id"), rule: "belongs to another domain in the store")
                    }
                    // Stored cross-region copies were checked against this region.
                    guard existing.region == Project(id: projectID, domainID: id, name: projectName).region else {
                        throw SeedError(
                            path: project.fieldPath("name"),
                            rule: "the store holds this project in region \(existing.region); its region cannot change"
                        )
                    }
                }
                ownProjects.insert(projectID)
                content.projects.append(Project(id: projectID, domainID: id, name: projectName))
            }
            let storedProjects = Set(storedProjectList.map(\.id))

            var userNames: Set<ExactText> = []
            for userElement in try object.array("users") ?? [] {
                let user = try SeedObject(userElement.value, path: userElement.path)
                try user.rejectUnknownFields(allowed: ["name", "password", "projects", "access_keys"], context: "a user")
                let userName = try user.requiredString("name")
                guard userNames.insert(ExactText(userName)).inserted else {
                    throw SeedError(path: user.fieldPath("name"), rule: "names a user of this domain twice")
                }
                var allowed: [String]?
                if let list = try user.array("projects") {
                    allowed = []
                    for entry in list {
                        guard case .string(let projectID) = entry.value else {
                            throw SeedError(path: entry.path, rule: "must be a project id")
                        }
                        guard ownProjects.contains(projectID) || storedProjects.contains(projectID) else {
                            throw SeedError(path: entry.path, rule: "is not a project of this domain")
                        }
                        allowed?.append(projectID)
                    }
                }
                content.users.append(
                    UserWithPassword(
                        user: User(domainID: id, name: userName, passwordDigest: nil, projectIDs: allowed),
                        password: try user.string("password", required: false)
                    )
                )
                for keyElement in try user.array("access_keys") ?? [] {
                    let key = try SeedObject(keyElement.value, path: keyElement.path)
                    try key.rejectUnknownFields(allowed: ["access", "secret"], context: "an access key")
                    let access = try key.requiredString("access")
                    guard accessKeys.insert(ExactText(access)).inserted else {
                        throw SeedError(path: key.fieldPath("access"), rule: "names an access key twice")
                    }
                    content.accessKeys.append(
                        AccessKey(
                            access: access,
                            domainID: id,
                            userName: userName,
                            secret: try key.string("secret", required: false)
                        )
                    )
                }
            }
        }
    }

    /// Every project the file's instances and backups may name: the file's and, for the rest, the store's.
    private func projectIndex(_ content: Content, document: SeedObject) async throws -> [String: Project] {
        var index = Dictionary(content.projects.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var wanted: Set<String> = []
        for element in try document.array("instances") ?? [] {
            if case .string(let id)? = element.value["project_id"] { wanted.insert(id) }
        }
        for element in try document.array("backups") ?? [] {
            if case .string(let id)? = element.value["offsite_project_id"] { wanted.insert(id) }
        }
        for id in wanted.subtracting(index.keys) {
            if let project = try await store.project(id: id) { index[id] = project }
        }
        return index
    }

    // MARK: - Instances

    private func decodeInstances(
        _ elements: [(value: JSONValue, path: String)],
        projects: [String: Project],
        into content: inout Content
    ) async throws {
        var fileIDs: [String] = []
        for element in elements {
            if case .string(let id)? = element.value["id"] { fileIDs.append(id) }
        }
        // A stored instance keeps its service, project and engine type: its stored backups were
        // checked against them (which API lists them, offsite regions, per-engine fields).
        let storedInstances = Dictionary(
            try await store.instances(ids: fileIDs).map { (ExactText($0.id), $0) },
            uniquingKeysWith: { first, _ in first }
        )
        var ids: Set<ExactText> = []
        for element in elements {
            let object = try SeedObject(element.value, path: element.path)
            let service = try object.choice("service", Service.self)
            let specific: Set<String> =
                switch service {
                case .rds, .taurusdb: ["datastore"]
                case .dcs: ["engine", "engine_version"]
                case .ddm: ["related_data_nodes"]
                }
            let policyFields: Set<String> =
                switch service {
                case .rds: ["backup_policy", "offsite_policy"]
                case .taurusdb, .dcs: ["backup_policy"]
                case .ddm: ["auto_backup"]
                }
            try object.rejectUnknownFields(
                allowed: specific.union(policyFields).union(["id", "project_id", "service", "name"]),
                context: "a \(service.rawValue) instance"
            )
            let id = try object.requiredString("id")
            guard ids.insert(ExactText(id)).inserted else {
                throw SeedError(path: object.fieldPath("id"), rule: "names an instance twice")
            }
            let stored = storedInstances[ExactText(id)]
            if let stored, stored.service != service {
                throw SeedError(
                    path: object.fieldPath("service"),
                    rule: "the store holds this instance as a \(stored.service.rawValue) instance"
                )
            }
            let projectID = try object.requiredString("project_id")
            guard projects[projectID] != nil else {
                throw SeedError(path: object.fieldPath("project_id"), rule: "is not a project of the file or the store")
            }
            if let stored, stored.projectID != projectID {
                throw SeedError(
                    path: object.fieldPath("project_id"),
                    rule: "the store holds this instance in project \(stored.projectID); an instance cannot move"
                )
            }
            for field in specific where !object.has(field) {
                throw SeedError(path: object.fieldPath(field), rule: "is missing")
            }
            let datastore = try object.datastore("datastore")
            if let stored, let type = stored.datastore?.type, type != datastore?.type {
                throw SeedError(
                    path: object.fieldPath("datastore"),
                    rule: "the store holds this instance as a \(type) instance; its engine cannot change"
                )
            }
            if let change = try SeedPolicies.change(of: object, service: service) {
                content.policies.append((id, change))
            }
            if service == .rds,
                let change = try SeedPolicies.offsiteChange(
                    of: object,
                    isSQLServer: datastore?.type.lowercased() == "sqlserver",
                    homeProject: projects[projectID],
                    projects: projects
                )
            {
                content.offsitePolicies.append((id, change))
            }
            content.instances.append(
                Instance(
                    id: id,
                    projectID: projectID,
                    service: service,
                    name: try object.requiredString("name"),
                    datastore: datastore,
                    engine: try object.string("engine", required: false),
                    engineVersion: try object.string("engine_version", required: false),
                    relatedDataNodes: try object.dataNodes("related_data_nodes")
                )
            )
        }
    }

    /// Every instance the file's backups may name: the file's and, for the rest, the store's.
    private func instanceIndex(_ content: Content, document: SeedObject) async throws -> [ExactText: Instance] {
        var index = Dictionary(content.instances.map { (ExactText($0.id), $0) }, uniquingKeysWith: { first, _ in first })
        var wanted: [String] = []
        var seen: Set<ExactText> = []
        for element in try document.array("backups") ?? [] {
            if case .string(let id)? = element.value["instance_id"], index[ExactText(id)] == nil,
                seen.insert(ExactText(id)).inserted
            {
                wanted.append(id)
            }
        }
        for instance in try await store.instances(ids: wanted) where index[ExactText(instance.id)] == nil {
            index[ExactText(instance.id)] = instance
        }
        return index
    }

    // MARK: - Backups

    private func decodeBackups(
        _ elements: [(value: JSONValue, path: String)],
        instances: [ExactText: Instance],
        projects: [String: Project],
        storedBackups: [(id: String, service: Service)],
        into content: inout Content
    ) throws {
        var ids: Set<ExactText> = []
        content.backups.reserveCapacity(elements.count)
        let storedServices = Dictionary(
            storedBackups.map { (ExactText($0.id), $0.service) },
            uniquingKeysWith: { first, _ in first }
        )
        for element in elements {
            let object = try SeedObject(element.value, path: element.path)
            let instanceID = try object.requiredString("instance_id")
            guard let instance = instances[ExactText(instanceID)] else {
                throw SeedError(path: object.fieldPath("instance_id"), rule: "is not an instance of the file or the store")
            }
            let backup: Backup =
                switch instance.service {
                case .rds: .rds(try rdsBackup(object, of: instance, projects: projects))
                case .taurusdb: .taurusdb(try taurusDBBackup(object, of: instance))
                case .dcs: .dcs(try dcsBackup(object, of: instance))
                case .ddm: .ddm(try ddmBackup(object, of: instance))
                }
            if let stored = storedServices[ExactText(backup.id)], stored != backup.service {
                throw SeedError(
                    path: object.fieldPath(instance.service == .dcs ? "backup_id" : "id"),
                    rule: "the store holds a \(stored.rawValue) backup with this id"
                )
            }
            guard ids.insert(ExactText(backup.id)).inserted else {
                throw SeedError(path: object.fieldPath(instance.service == .dcs ? "backup_id" : "id"), rule: "names a backup twice")
            }
            content.backups.append(backup)
        }
    }

    private func rdsBackup(
        _ object: SeedObject,
        of instance: Instance,
        projects: [String: Project]
    ) throws(SeedError)
        -> RDSBackup
    {
        try object.rejectUnknownFields(
            allowed: [
                "instance_id", "id", "name", "type", "status", "size", "begin_time", "end_time", "databases",
                "associated_with_ddm", "datastore", "offsite_project_id",
            ],
            context: "an rds backup"
        )
        var databases: [String]?
        if let list = try object.array("databases") {
            guard instance.datastore?.type.lowercased() == "sqlserver" else {
                throw SeedError(path: object.fieldPath("databases"), rule: "is only for SQL Server instances")
            }
            databases = []
            for entry in list {
                let database = try SeedObject(entry.value, path: entry.path)
                try database.rejectUnknownFields(allowed: ["name"], context: "a database")
                databases?.append(try database.requiredString("name"))
            }
        }
        let associated = try object.bool("associated_with_ddm")
        if associated != nil, instance.datastore?.type != "MySQL" {
            throw SeedError(path: object.fieldPath("associated_with_ddm"), rule: "is only for MySQL instances")
        }
        let offsite = try object.string("offsite_project_id", required: false)
        if let offsite {
            guard let holder = projects[offsite] else {
                throw SeedError(path: object.fieldPath("offsite_project_id"), rule: "is not a project of the file or the store")
            }
            let home = projects[instance.projectID]
            guard holder.domainID == home?.domainID else {
                throw SeedError(path: object.fieldPath("offsite_project_id"), rule: "belongs to another domain than the instance")
            }
            guard holder.region != home?.region else {
                throw SeedError(path: object.fieldPath("offsite_project_id"), rule: "is in the instance's own region")
            }
        }
        return RDSBackup(
            id: try object.requiredString("id"),
            instanceID: instance.id,
            name: try object.requiredString("name"),
            type: try object.choice("type", RDSBackupType.self),
            status: try object.choice("status", RDSBackupStatus.self),
            size: try object.nonNegativeInteger("size"),
            beginTime: try object.offsetTime("begin_time", now: now),
            endTime: try object.offsetTime("end_time", now: now),
            databases: databases,
            associatedWithDDM: associated,
            datastore: try object.datastore("datastore"),
            offsiteProjectID: offsite
        )
    }

    private func taurusDBBackup(_ object: SeedObject, of instance: Instance) throws(SeedError) -> TaurusDBBackup {
        try object.rejectUnknownFields(
            allowed: ["instance_id", "id", "name", "type", "begin_time", "end_time", "size"],
            context: "a taurusdb backup"
        )
        return TaurusDBBackup(
            id: try object.requiredString("id"),
            instanceID: instance.id,
            name: try object.requiredString("name"),
            type: try object.choice("type", TaurusDBBackupType.self),
            beginTime: try object.offsetTime("begin_time", now: now),
            endTime: try object.offsetTime("end_time", now: now),
            size: try object.nonNegativeNumber("size")
        )
    }

    private func dcsBackup(_ object: SeedObject, of instance: Instance) throws(SeedError) -> DCSBackup {
        try object.rejectUnknownFields(
            allowed: [
                "instance_id", "backup_id", "backup_name", "backup_type", "status", "size", "progress", "remark",
                "period", "error_code", "is_support_restore", "created_at", "updated_at", "execution_at",
            ],
            context: "a dcs backup"
        )
        let errorCode = try object.string("error_code", required: false, nullable: true)
        if let errorCode, !Self.dcsErrorCodes.contains(errorCode) {
            throw SeedError(path: object.fieldPath("error_code"), rule: "must be null or one of dcs.08.0001 … dcs.08.0008")
        }
        let restorable = try object.requiredString("is_support_restore")
        guard restorable == "TRUE" || restorable == "FALSE" else {
            throw SeedError(path: object.fieldPath("is_support_restore"), rule: "must be \"TRUE\" or \"FALSE\"")
        }
        return DCSBackup(
            backupID: try object.requiredString("backup_id"),
            instanceID: instance.id,
            backupName: try object.requiredString("backup_name"),
            backupType: try object.choice("backup_type", DCSBackupType.self),
            status: try object.choice("status", DCSBackupStatus.self),
            size: try object.nonNegativeInteger("size"),
            progress: try object.requiredString("progress"),
            remark: try object.string("remark", required: true, nullable: false) ?? "",
            period: try object.string("period", required: false, nullable: true),
            errorCode: errorCode,
            isSupportRestore: restorable,
            createdAt: try object.millisecondTime("created_at", now: now),
            updatedAt: try object.millisecondTime("updated_at", now: now),
            executionAt: try object.millisecondTime("execution_at", now: now)
        )
    }

    private func ddmBackup(_ object: SeedObject, of instance: Instance) throws(SeedError) -> DDMBackup {
        try object.rejectUnknownFields(
            allowed: [
                "instance_id", "id", "name", "begin_time", "end_time", "related_data_nodes", "description", "file_size",
                "backup_type",
            ],
            context: "a ddm backup"
        )
        return DDMBackup(
            id: try object.requiredString("id"),
            instanceID: instance.id,
            name: try object.requiredString("name"),
            beginTime: try object.offsetTime("begin_time", now: now),
            endTime: try object.offsetTime("end_time", now: now),
            relatedDataNodes: try object.dataNodes("related_data_nodes"),
            description: try object.string("description", required: false) ?? "",
            fileSize: object.has("file_size") ? try object.nonNegativeNumber("file_size") : 0,
            backupType: object.has("backup_type") ? try object.choice("backup_type", DDMBackupType.self) : .autoMetadata
        )
    }

    // MARK: - Rules

    private static let dcsErrorCodes: Set<String> = Set((1...8).map { "dcs.08.000\($0)" })

    static func isHexID(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// A region id (`cn-north-4`), optionally `_` and a sub-project name.
    static func isProjectName(_ text: String) -> Bool {
        let parts = text.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false)
        let region = parts[0].utf8
        guard !region.isEmpty, region.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2D })
        else { return false }
        return parts.count == 1 || !parts[1].isEmpty && !parts[1].contains(where: \.isWhitespace)
    }

    static func randomHexID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(Int.random(in: 0..<16, using: &generator), radix: 16) }.joined()
    }
}
