import BackupdCatalog

/// `DELETE /v3/{project_id}/backups/{backup_id}`: RDS "Deleting a Manual Backup" (W2,
/// `docs/lifecycle.md` §3.3). The record is `DELETING` for `rds_deleting`, then gone.
public struct RDSDeleteManualBackup: TenantOperation {
    public let declaration = OperationDeclaration(
        name: "DeleteManualBackup",
        route: Route("DELETE", "/v3/{project_id}/backups/{backup_id}"),
        response: .json(RDSShapes.deleteManualBackupAnswer),
        cacheable: false,
        authentication: .tenant
    )
    public let serverFailure = RDSErrors.serverFailure

    public init() {}

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        let outcome = try await catalog.deleteRDSBackups(ids: [request.path("backup_id")])
        if let error = outcome.first.flatMap(RDSDeletionErrors.error) { throw error }
        return OperationAnswer(body: Array("{}".utf8))
    }
}

/// `POST /v3/{project_id}/backups/batch-delete`: RDS batch delete (W3, `docs/lifecycle.md` §3.4,
/// §4.3): each id handled as W2, in order, with one result per id; always 200.
public struct RDSBatchDeleteManualBackups: TenantOperation {
    public let declaration = OperationDeclaration(
        name: "BatchDeleteManualBackup",
        route: Route("POST", "/v3/{project_id}/backups/batch-delete"),
        body: .json(RDSShapes.batchDeleteManualBackupRequest),
        response: .json(RDSShapes.batchDeleteManualBackupAnswer),
        cacheable: false,
        authentication: .tenant
    )
    public let serverFailure = RDSErrors.serverFailure

    public init() {}

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        guard let body = RequestBody(request.body) else { throw RDSErrors.malformedBody }
        guard let value = body["backup_ids"] else { throw RDSErrors.mandatory("backup_ids") }
        guard case .array(let items) = value, (1...50).contains(items.count) else { throw Self.invalidIDs }
        var ids: [String] = []
        for item in items {
            guard let id = item.string else { throw Self.invalidIDs }
            ids.append(id)
        }
        let outcomes = try await catalog.deleteRDSBackups(ids: ids)
        var json = JSONWriter(capacity: 64 + ids.count * 160)
        json.object { json in
            json.key("delete_results")
            json.array { json in
                for (id, outcome) in zip(ids, outcomes) {
                    let error = RDSDeletionErrors.error(outcome)
                    json.object { json in
                        json.field("backup_id", id)
                        json.field("error_code", error?.code ?? "0")
                        json.field("error_msg", error?.message ?? "")
                    }
                }
            }
        }
        return OperationAnswer(body: json.bytes)
    }

    private static let invalidIDs = RDSErrors.parameter("Parameter error. backup_ids must be an array of 1 to 50 backup ids.")
}

/// What W2 answers for each outcome of an RDS delete (`docs/lifecycle.md` §3.3).
enum RDSDeletionErrors {
    static func error(_ outcome: RDSDeletion) -> APIError? {
        switch outcome {
        case .deleted: nil
        case .notFound: RDSErrors.backupNotFound
        case .notManual: RDSErrors.notManual
        case .building: RDSErrors.backupInProgress
        case .alreadyDeleting: RDSErrors.alreadyDeleting
        }
    }
}
