import BackupdCatalog

/// `POST /v2/{project_id}/instances/{instance_id}/backups` (`DcsClient.copy_instance`) and its
/// v1.0 twin (W13, W17, `docs/lifecycle.md` §3.11, §4.10): a manual backup that waits
/// `dcs_waiting`, runs `dcs_backuping`, then succeeds.
public struct DCSCreateBackup: TenantOperation {
    public let declaration: OperationDeclaration
    public let serverFailure = DCSErrors.serverFailure
    public let version: DCSListBackupRecords.Version

    public init(version: DCSListBackupRecords.Version) {
        self.version = version
        let backups = (version == .v1 ? "/v1.0" : "/v2") + "/{project_id}/instances/{instance_id}/backups"
        self.declaration = OperationDeclaration(
            name: version == .v1 ? "CreateBackupV1" : "CopyInstance",
            route: Route("POST", backups),
            body: .json(version == .v1 ? DCSShapes.createBackupV1Request : DCSShapes.copyInstanceRequest),
            response: .json(version == .v1 ? DCSShapes.createBackupV1Answer : DCSShapes.copyInstanceAnswer),
            cacheable: false,
            authentication: .tenant,
            links: [
                OperationLink(
                    version == .v1 ? "DeleteBackupV1" : "DeleteBackupFile",
                    to: Route("DELETE", backups + "/{backup_id}"),
                    [
                        .samePath("project_id"), .samePath("instance_id"),
                        .path("backup_id", from: .responseBody(pointer: "/backup_id")),
                    ]
                ),
                OperationLink(
                    version == .v1 ? "ListBackupRecordsV1" : "ListBackupRecords",
                    to: Route("GET", backups),
                    [.samePath("project_id"), .samePath("instance_id")]
                ),
            ]
        )
    }

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        guard let body = RequestBody(request.body) else { throw DCSErrors.malformedBody }
        let fields = BodyFields(body)
        let remark =
            try fields.optionalString("remark", invalid: DCSErrors.invalidField("remark")) {
                $0.unicodeScalars.count <= 128 && CatalogText.isStorable($0)
            } ?? ""
        if version == .v2 {
            _ = try fields.optionalString("backup_format", invalid: DCSErrors.invalidField("backup_format")) {
                $0 == "aof" || $0 == "rdb"
            }
        }
        let instance = try await catalog.instance(request.path("instance_id"), of: .dcs, otherwise: DCSErrors.instanceNotFound)
        let backup = DCSBackup.started(
            id: BackupIdentifiers.randomUUID(),
            instanceID: instance.record.id,
            type: .manual,
            remark: remark,
            at: catalog.now
        )
        do {
            _ = try await catalog.createDCSBackup(backup, of: instance)
        } catch BackupRefusal.inProgress {
            throw DCSErrors.backupInProgress
        }
        var json = JSONWriter(capacity: 64)
        json.object { json in json.field("backup_id", backup.backupID) }
        return OperationAnswer(body: json.bytes)
    }
}

/// `DELETE /v2/{project_id}/instances/{instance_id}/backups/{backup_id}` (`delete_backup_file`)
/// and its v1.0 twin (W14, W18, `docs/lifecycle.md` §3.12): the record stays listed as `deleted`.
public struct DCSDeleteBackup: TenantOperation {
    public let declaration: OperationDeclaration
    public let serverFailure = DCSErrors.serverFailure
    public let version: DCSListBackupRecords.Version

    public init(version: DCSListBackupRecords.Version) {
        self.version = version
        self.declaration = OperationDeclaration(
            name: version == .v1 ? "DeleteBackupV1" : "DeleteBackupFile",
            route: Route("DELETE", (version == .v1 ? "/v1.0" : "/v2") + "/{project_id}/instances/{instance_id}/backups/{backup_id}"),
            successStatus: version == .v1 ? 200 : 204,
            response: version == .v1 ? .json(DCSShapes.deleteBackupV1Answer) : .empty,
            cacheable: false,
            authentication: .tenant
        )
    }

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        let instance = try await catalog.instance(request.path("instance_id"), of: .dcs, otherwise: DCSErrors.instanceNotFound)
        switch try await catalog.deleteDCSBackup(id: request.path("backup_id"), of: instance) {
        case .notFound: throw DCSErrors.invalidField("backup_id")
        case .inProgress: throw DCSErrors.backupInProgress
        case .deleted: return OperationAnswer(body: version == .v1 ? Array(#"{"message":""}"#.utf8) : [])
        }
    }
}
