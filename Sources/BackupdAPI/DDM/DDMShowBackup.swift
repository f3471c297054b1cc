import BackupdCatalog

/// `GET /v3/{project_id}/instances/{instance_id}/backups/{backup_id}`: DDM "Querying Backup
/// Details" (`004` page, `docs/api.md` §7). No query parameters, so nothing can be malformed.
public struct DDMShowBackup: TenantOperation {
    public let declaration = OperationDeclaration(
        name: "ShowBackup",
        route: Route("GET", "/v3/{project_id}/instances/{instance_id}/backups/{backup_id}"),
        response: .json(DDMShapes.showBackupAnswer),
        cacheable: true,
        authentication: .tenant
    )
    public let serverFailure = DDMErrors.serverFailure

    public init() {}

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        let instance = try await catalog.instance(request.path("instance_id"), of: .ddm, otherwise: DDMErrors.instanceNotFound)
        guard let backup = try await catalog.ddmBackup(id: request.path("backup_id"), of: instance) else {
            throw DDMErrors.backupNotFound
        }
        var json = JSONWriter(capacity: 512)
        json.object { json in
            json.field("id", backup.id)
            json.field("name", backup.name)
            json.field("instance_id", backup.instanceID)
            json.field("instance_name", instance.record.name)
            json.relatedDataNodes(backup.relatedDataNodes ?? instance.record.relatedDataNodes ?? [])
        }
        return OperationAnswer(body: json.bytes)
    }
}
