public import BackupdCatalog

/// A method and path that several services share (`GET /v3/{project_id}/backups`, `DELETE
/// /v3/{project_id}/backups/{backup_id}`, …): the real cloud tells them apart by host, backupd by
/// the ids the request names (`docs/lifecycle.md` §2). After authentication and scope, the route
/// resolves the service and hands the request to that service's operation, or to the path's
/// default when the id is unknown, foreign or of a service without an operation here.
public struct SharedRoute: TenantOperation {
    /// How the route is matched, authenticated and cached: the default operation's declaration,
    /// unless the path has a literal segment the default's route does not (`…/backups/policy`).
    public let declaration: OperationDeclaration
    public var serverFailure: APIError { fallback.serverFailure }
    /// The operations by service; the default answers any other.
    public let operations: [Service: any TenantOperation]
    public let fallback: any TenantOperation
    private let resolve: @Sendable (OperationRequest, TenantCatalog) async throws -> Service?

    public init(
        default fallback: any TenantOperation,
        declaration: OperationDeclaration? = nil,
        operations: [Service: any TenantOperation],
        resolve: @escaping @Sendable (OperationRequest, TenantCatalog) async throws -> Service?
    ) {
        self.fallback = fallback
        self.declaration = declaration ?? fallback.declaration
        self.operations = operations
        self.resolve = resolve
    }

    /// The route's declaration, then the services' operations in the order of `Service`, then the default.
    public var answeringDeclarations: [OperationDeclaration] {
        var declarations = [declaration]
        let others = Service.allCases.compactMap { operations[$0] } + [fallback]
        for other in others.map(\.declaration) where !declarations.contains(where: { $0.name == other.name && $0.route == other.route }) {
            declarations.append(other)
        }
        return declarations
    }

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        let service = try await resolve(request, catalog)
        let operation = service.flatMap { operations[$0] } ?? fallback
        var answer = try await operation.respond(to: request, in: catalog)
        answer.status = operation.declaration.successStatus
        return answer
    }
}

extension SharedRoute {
    /// `GET /v3/{project_id}/backups`: RDS route A, TaurusDB W10, DDM W19, decided by `instance_id`,
    /// else by `backup_id`; a repeated one goes to route A, which reports it (§2 rule 4).
    static let backupList = SharedRoute(
        default: RDSListBackups(),
        operations: [.taurusdb: TaurusDBListFullBackups(), .ddm: DDMListBackups()]
    ) { request, catalog in
        switch request.query["instance_id"] {
        case .one(let instanceID): return try await catalog.service(ofInstance: instanceID)
        case .repeated: return nil
        case .absent:
            guard case .one(let backupID) = request.query["backup_id"] else { return nil }
            return try await catalog.service(ofBackup: backupID)
        }
    }

    /// `DELETE /v3/{project_id}/backups/{backup_id}`: RDS W2, TaurusDB W9, DDM W20, by the backup.
    static let backupDelete = SharedRoute(
        default: RDSDeleteManualBackup(),
        operations: [.taurusdb: TaurusDBDeleteManualBackup(), .ddm: DDMDeleteBackup()]
    ) { request, catalog in
        try await catalog.service(ofBackup: request.path("backup_id"))
    }
}
