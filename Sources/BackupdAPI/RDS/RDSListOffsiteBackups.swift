public import BackupdCatalog

/// `GET /v3/{project_id}/offsite-backups`: RDS "Querying Cross-Region Backups" (`002` page,
/// `api.md` §3). `{project_id}` is the project holding the copies; the instance may live in
/// any project of the account that the caller may use.
public struct RDSListOffsiteBackups: TenantOperation {
    public let route = Route("GET", "/v3/{project_id}/offsite-backups")
    public let serverFailure = RDSErrors.serverFailure

    /// `backup_type` values and the stored types each selects: `auto` covers automated and
    /// manual full backups (`002` page); `fragment` copies are never listed.
    private static let typeFilters: [String: Set<RDSBackupType>] = [
        "auto": [.auto, .manual], "incremental": [.incremental],
    ]

    public init() {}

    public func respond(
        to request: OperationRequest,
        in scope: ProjectScope,
        store: any CatalogStore
    ) async throws
        -> [UInt8]
    {
        let parameters = ParameterReader.parameterError(request.query, code: RDSErrors.parameterCode)
        guard let instanceID = try parameters.string("instance_id") else {
            throw RDSErrors.parameter("Parameter error. instance_id is mandatory.")
        }
        guard
            let types = try parameters.choice(
                "backup_type",
                message: "Parameter error. backup_type must be one of auto, incremental.",
                { Self.typeFilters[$0] }
            )
        else {
            throw RDSErrors.parameter("Parameter error. backup_type is mandatory.")
        }
        let backupID = try parameters.string("backup_id")
        let (pageRequest, window) = try RDSErrors.pageAndWindow(parameters)

        // Any project of the account the caller may use (`api.md` §3), not only the path's.
        let instance = try await store.requireInstance(
            instanceID,
            of: .rds,
            in: scope.usableProjectIDs,
            otherwise: RDSErrors.instanceNotFound
        )
        let page = try await store.rdsBackups(
            RDSBackupQuery(
                instanceID: instance.id,
                location: .offsite(projectID: scope.projectID),
                backupID: backupID,
                types: types,
                window: window,
                page: pageRequest
            )
        )
        return RDSBackupJSON.list(page, of: instance, reportsManualAsAuto: true)
    }
}
