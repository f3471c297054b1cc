public import BackupdCatalog

/// `GET /v3/{project_id}/instances/{instance_id}/backups/{backup_id}`: DDM "Querying Backup
/// Details" (`004` page, `api.md` §7). No query parameters, so nothing can be malformed.
public struct DDMShowBackup: TenantOperation {
    public let route = Route("GET", "/v3/{project_id}/instances/{instance_id}/backups/{backup_id}")
    public let serverFailure = DDMErrors.serverFailure

    public init() {}

    public func respond(
        to request: OperationRequest,
        in scope: ProjectScope,
        store: any CatalogStore
    ) async throws
        -> [UInt8]
    {
        let instance = try await store.requireInstance(
            request.path("instance_id"),
            of: .ddm,
            in: [scope.projectID],
            otherwise: DDMErrors.instanceNotFound
        )
        guard let backup = try await store.ddmBackup(id: request.path("backup_id"), instanceID: instance.id) else {
            throw DDMErrors.backupNotFound
        }
        var json = JSONWriter(capacity: 512)
        json.object { json in
            json.field("id", backup.id)
            json.field("name", backup.name)
            json.field("instance_id", backup.instanceID)
            json.field("instance_name", instance.name)
            json.key("related_data_nodes")
            json.array { json in
                for node in backup.relatedDataNodes ?? instance.relatedDataNodes ?? [] {
                    json.object { json in
                        json.field("instance_id", node.instanceID)
                        json.field("instance_name", node.instanceName)
                    }
                }
            }
        }
        return json.bytes
    }
}
