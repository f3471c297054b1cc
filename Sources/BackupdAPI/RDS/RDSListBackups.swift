import BackupdCatalog

/// `GET /v3/{project_id}/backups`: RDS "Obtaining Backups" (`000` page, `docs/api.md` §2).
public struct RDSListBackups: TenantOperation {
    public let declaration = OperationDeclaration(
        name: "ListBackups",
        route: Route("GET", "/v3/{project_id}/backups"),
        query: [Self.instanceID, Self.backupID, Self.backupType, Self.status] + RDSErrors.pageAndWindowParameters,
        response: .json(RDSShapes.listBackupsAnswer),
        cacheable: true,
        authentication: .tenant
    )
    public let serverFailure = RDSErrors.serverFailure

    /// `status` filter values: the page's request range, without `DELETING`.
    private static let statusFilters: [String: RDSBackupStatus] = [
        "BUILDING": .building, "COMPLETED": .completed, "FAILED": .failed,
    ]
    private static let instanceID = QueryParameter.string("instance_id", required: true)
    private static let backupID = QueryParameter.string("backup_id")
    private static let backupType = QueryParameter.choice("backup_type", RDSBackupType.allCases.map(\.rawValue))
    private static let status = QueryParameter.choice("status", statusFilters.keys)

    public init() {}

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        let parameters = ParameterReader.parameterError(request.query, code: RDSErrors.parameterCode)
        guard let instanceID = try parameters.string(Self.instanceID) else {
            throw RDSErrors.parameter("Parameter error. instance_id is mandatory.")
        }
        let backupID = try parameters.string(Self.backupID)
        let type = try parameters.choice(
            Self.backupType,
            message: "Parameter error. backup_type must be one of auto, manual, fragment, incremental."
        ) { RDSBackupType(rawValue: $0) }
        let status = try parameters.choice(
            Self.status,
            message: "Parameter error. status must be one of BUILDING, COMPLETED, FAILED."
        ) { Self.statusFilters[$0] }
        let (pageRequest, window) = try RDSErrors.pageAndWindow(parameters)

        let instance = try await catalog.instance(instanceID, of: .rds, otherwise: RDSErrors.instanceNotFound)
        let page = try await catalog.rdsBackups(
            of: instance,
            .home,
            backupID: backupID,
            types: type.map { [$0] },
            status: status,
            window: window,
            page: pageRequest
        )
        return OperationAnswer(body: RDSBackupJSON.list(page, of: instance.record, reportsManualAsAuto: false))
    }
}
