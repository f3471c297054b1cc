import BackupdCatalog

/// `GET /v3/{project_id}/backups` for a DDM instance or backup: DDM "Querying Backups" (W19,
/// `docs/lifecycle.md` §3.14, §4.12). Deleted backups are not listed.
public struct DDMListBackups: TenantOperation {
    public let declaration = OperationDeclaration(
        name: "ListBackups",
        route: Route("GET", "/v3/{project_id}/backups"),
        query: [Self.instanceID, Self.backupID, Self.offset, Self.limit, Self.instanceName, Self.backupName],
        response: .json(DDMShapes.listBackupsAnswer),
        cacheable: true,
        authentication: .tenant
    )
    public let serverFailure = DDMErrors.serverFailure

    private static let instanceID = QueryParameter.string("instance_id")
    private static let backupID = QueryParameter.string("backup_id")
    private static let offset = QueryParameter.integer("offset", in: 0...IntegerParameter.maximum, default: 0)
    private static let limit = QueryParameter.integer("limit", in: 1...128, default: 10)
    private static let instanceName = QueryParameter.string("instance_name")
    private static let backupName = QueryParameter.string("backup_name")

    public init() {}

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        let parameters = ParameterReader.parameterError(request.query, code: DDMErrors.parameterCode)
        let instanceID = try parameters.string(Self.instanceID)
        let backupID = try parameters.string(Self.backupID)
        let offset = try parameters.integer(Self.offset, message: "Parameter error. offset must be an integer from 0 to 2147483647.")
        let limit = try parameters.integer(Self.limit, message: "Parameter error. limit must be an integer from 1 to 128.")
        let instanceName = try parameters.string(Self.instanceName)
        let backupName = try parameters.string(Self.backupName)

        let instance =
            if let instanceID {
                try await catalog.instance(instanceID, of: .ddm, otherwise: DDMErrors.instanceNotFound)
            } else {
                try await catalog.instance(ofBackup: backupID ?? "", of: .ddm, otherwise: DDMErrors.instanceNotFound)
            }
        let page: Page<DDMBackup> =
            if let instanceName, !instanceName.utf8.elementsEqual(instance.record.name.utf8) {
                Page(items: [], total: 0)
            } else {
                try await catalog.ddmBackups(
                    of: instance,
                    backupID: backupID,
                    name: backupName,
                    page: PageRequest(offset: offset, limit: limit)
                )
            }
        var json = JSONWriter(capacity: 128 + page.items.count * 420)
        json.object { json in
            json.key("backups")
            json.array { json in
                for backup in page.items {
                    json.object { json in
                        json.field("id", backup.id)
                        json.field("name", backup.name)
                        json.field("description", backup.description)
                        json.field("status", backup.status.rawValue)
                        json.field("instance_id", backup.instanceID)
                        json.field("instance_name", instance.record.name)
                        json.field("instance_status", "normal")
                        json.key("file_size")
                        json.number(backup.fileSize)
                        json.field("created", backup.beginTime.text)
                        json.field("updated", backup.endTime.text)
                        json.field("backup_type", backup.backupType.rawValue)
                    }
                }
            }
            json.field("total", page.total)
            json.field("offset", offset)
            json.field("limit", limit)
        }
        return OperationAnswer(body: json.bytes)
    }
}

/// `DELETE /v3/{project_id}/backups/{backup_id}` for a DDM backup (W20, `docs/lifecycle.md` §4.12):
/// `deleted` at once, and then found nowhere.
public struct DDMDeleteBackup: TenantOperation {
    public let declaration = OperationDeclaration(
        name: "DeleteBackup",
        route: Route("DELETE", "/v3/{project_id}/backups/{backup_id}"),
        successStatus: 202,
        response: .json(DDMShapes.deleteBackupAnswer),
        cacheable: false,
        authentication: .tenant
    )
    public let serverFailure = DDMErrors.serverFailure

    public init() {}

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        guard try await catalog.deleteDDMBackup(id: request.path("backup_id")) else { throw DDMErrors.backupNotFound }
        var json = JSONWriter(capacity: 64)
        json.object { json in json.field("job_id", BackupIdentifiers.randomUUID()) }
        return OperationAnswer(body: json.bytes)
    }
}
