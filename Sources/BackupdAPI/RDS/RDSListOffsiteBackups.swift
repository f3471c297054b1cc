import BackupdCatalog

/// `GET /v3/{project_id}/offsite-backups`: RDS "Querying Cross-Region Backups" (`002` page,
/// `docs/api.md` §3). `{project_id}` is the project holding the copies; the instance may live in
/// any project of the account that the caller may use.
public struct RDSListOffsiteBackups: TenantOperation {
    public let declaration = OperationDeclaration(
        name: "ListOffSiteBackups",
        route: Route("GET", "/v3/{project_id}/offsite-backups"),
        query: [Self.instanceID, Self.backupType, Self.backupID] + RDSErrors.pageAndWindowParameters,
        response: .json(RDSShapes.listOffSiteBackupsAnswer),
        cacheable: true,
        authentication: .tenant
    )
    public let serverFailure = RDSErrors.serverFailure

    /// `backup_type` values and the stored types each selects: `auto` covers automated and
    /// manual full backups (`002` page); `fragment` copies are never listed.
    private static let typeFilters: [String: Set<RDSBackupType>] = [
        "auto": [.auto, .manual], "incremental": [.incremental],
    ]
    private static let instanceID = QueryParameter.string("instance_id", required: true)
    private static let backupType = QueryParameter.choice("backup_type", typeFilters.keys, required: true)
    private static let backupID = QueryParameter.string("backup_id")

    public init() {}

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        let parameters = ParameterReader.parameterError(request.query, code: RDSErrors.parameterCode)
        guard let instanceID = try parameters.string(Self.instanceID) else {
            throw RDSErrors.parameter("Parameter error. instance_id is mandatory.")
        }
        guard
            let types = try parameters.choice(
                Self.backupType,
                message: "Parameter error. backup_type must be one of auto, incremental.",
                { Self.typeFilters[$0] }
            )
        else {
            throw RDSErrors.parameter("Parameter error. backup_type is mandatory.")
        }
        let backupID = try parameters.string(Self.backupID)
        let (pageRequest, window) = try RDSErrors.pageAndWindow(parameters)

        // Any project of the account the caller may use (`docs/api.md` §3), not only the path's.
        let instance = try await catalog.instance(
            instanceID,
            of: .rds,
            in: .usableProjects,
            otherwise: RDSErrors.instanceNotFound
        )
        let page = try await catalog.rdsBackups(
            of: instance,
            .heldInPathProject,
            backupID: backupID,
            types: types,
            window: window,
            page: pageRequest
        )
        return OperationAnswer(body: RDSBackupJSON.list(page, of: instance.record, reportsManualAsAuto: true))
    }
}
