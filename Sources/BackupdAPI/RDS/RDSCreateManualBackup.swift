import BackupdCatalog

/// `POST /v3/{project_id}/backups`: RDS "Creating a Manual Backup" (W1, `docs/lifecycle.md` §3.2,
/// §4.1). The record starts `BUILDING` and completes as the catalog clock passes `rds_building`.
public struct RDSCreateManualBackup: TenantOperation {
    public let declaration = OperationDeclaration(
        name: "CreateManualBackup",
        route: Route("POST", "/v3/{project_id}/backups"),
        body: .json(RDSShapes.createManualBackupRequest),
        response: .json(RDSShapes.createManualBackupAnswer),
        cacheable: false,
        authentication: .tenant,
        links: OperationLink.createdBackup(delete: "DeleteManualBackup", list: "ListBackups")
    )
    public let serverFailure = RDSErrors.serverFailure

    public init() {}

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        guard let body = RequestBody(request.body) else { throw RDSErrors.malformedBody }
        let fields = BodyFields(body)
        let instanceID = try fields.requiredString(
            "instance_id",
            absent: RDSErrors.mandatory("instance_id"),
            invalid: RDSErrors.parameter("Parameter error. instance_id must be a string.")
        )
        let name = try fields.requiredString(
            "name",
            absent: RDSErrors.mandatory("name"),
            invalid: RDSErrors.parameter(
                "Parameter error. name must be 4 to 64 characters, start with a letter and contain only letters, digits, hyphens and underscores."
            ),
            isValid: BodyGrammar.isRDSBackupName
        )
        let description = try fields.optionalString("description", invalid: RDSErrors.invalidDescription) {
            BodyGrammar.isDescription($0)
        }
        let databases = try Self.databases(body["databases"])
        _ = try fields.boolean(
            "backup_database_individually",
            invalid: RDSErrors.parameter("Parameter error. backup_database_individually must be true or false.")
        )

        let instance = try await catalog.instance(instanceID, of: .rds, otherwise: RDSErrors.instanceNotFound)
        // `databases` is kept for SQL Server only, which alone lists them (`docs/lifecycle.md` §3.2).
        let isSQLServer = instance.record.datastore?.type.lowercased() == "sqlserver"
        let kept = isSQLServer && !(databases ?? []).isEmpty ? databases : nil
        let backup = RDSBackup.started(
            id: BackupIdentifiers.random(for: instance.record),
            instance: instance.record,
            name: name,
            type: .manual,
            at: Self.wholeSeconds(catalog.now),
            databases: kept
        )
        do {
            _ = try await catalog.createRDSBackup(backup, of: instance)
        } catch let refusal as BackupRefusal {
            switch refusal {
            case .inProgress: throw RDSErrors.backupInProgress
            case .nameTaken: throw RDSErrors.nameTaken
            }
        }
        var json = JSONWriter(capacity: 320)
        json.object { json in
            json.key("backup")
            json.object { json in
                json.field("id", backup.id)
                json.field("instance_id", instanceID)
                json.field("name", name)
                if let description { json.field("description", description) }
                if let kept { json.databases(kept) }
                json.field("begin_time", backup.beginTime.text)
                // Always `BUILDING`, whatever the timings (`docs/lifecycle.md` §4.1).
                json.field("status", RDSBackupStatus.building.rawValue)
                json.field("type", RDSBackupType.manual.rawValue)
            }
        }
        return OperationAnswer(body: json.bytes)
    }

    /// `databases`: an array of objects each with a non-empty string `name`; `nil` when absent.
    private static func databases(_ value: JSONValue?) throws(APIError) -> [String]? {
        guard let value else { return nil }
        let invalid = RDSErrors.parameter("Parameter error. databases must be an array of objects with a name.")
        guard case .array(let items) = value else { throw invalid }
        var names: [String] = []
        for item in items {
            guard let name = item.member("name")?.string, !name.isEmpty, CatalogText.isStorable(name) else { throw invalid }
            names.append(name)
        }
        return names
    }

    private static func wholeSeconds(_ milliseconds: Int64) -> Int64 {
        milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
    }
}
