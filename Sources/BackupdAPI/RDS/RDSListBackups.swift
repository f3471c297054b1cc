public import BackupdCatalog

/// `GET /v3/{project_id}/backups`: RDS "Obtaining Backups" (`000` page, `api.md` §2).
public struct RDSListBackups: TenantOperation {
    public let route = Route("GET", "/v3/{project_id}/backups")
    public let serverFailure = RDSErrors.serverFailure

    /// `status` filter values: the page's request range, without `DELETING`.
    private static let statusFilters: [String: RDSBackupStatus] = [
        "BUILDING": .building, "COMPLETED": .completed, "FAILED": .failed,
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
        let backupID = try parameters.string("backup_id")
        let type = try parameters.choice(
            "backup_type",
            message: "Parameter error. backup_type must be one of auto, manual, fragment, incremental."
        ) { RDSBackupType(rawValue: $0) }
        let status = try parameters.choice(
            "status",
            message: "Parameter error. status must be one of BUILDING, COMPLETED, FAILED."
        ) { Self.statusFilters[$0] }
        let (pageRequest, window) = try RDSErrors.pageAndWindow(parameters)

        let instance = try await store.requireInstance(
            instanceID,
            of: .rds,
            in: [scope.projectID],
            otherwise: RDSErrors.instanceNotFound
        )
        let page = try await store.rdsBackups(
            RDSBackupQuery(
                instanceID: instance.id,
                location: .home,
                backupID: backupID,
                types: type.map { [$0] },
                status: status,
                window: window,
                page: pageRequest
            )
        )
        return RDSBackupJSON.list(page, of: instance, reportsManualAsAuto: false)
    }
}
