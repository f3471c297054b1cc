public import BackupdCatalog

/// `PUT /v3/{project_id}/instances/{instance_id}/backups/policy`: RDS "Setting an Automated Backup
/// Policy" (W4, `docs/lifecycle.md` §3.5, §8.1). `keep_days` 0 turns it off.
public struct RDSSetBackupPolicy: TenantOperation {
    public let declaration = OperationDeclaration(
        name: "SetBackupPolicy",
        route: Route("PUT", "/v3/{project_id}/instances/{instance_id}/backups/policy"),
        body: .json(PolicyShapes.setBackupPolicyRequest),
        response: .json(PolicyShapes.setBackupPolicyAnswer),
        cacheable: false,
        authentication: .tenant,
        links: [OperationLink.readBack("ShowBackupPolicy", "/v3/{project_id}/instances/{instance_id}/backups/policy")]
    )
    public let serverFailure = RDSErrors.serverFailure

    public init() {}

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        guard let body = RequestBody(request.body) else { throw RDSErrors.malformedBody }
        let fields = BodyFields(body)
        let policyFields = try fields.requiredObject(
            "backup_policy",
            absent: RDSErrors.mandatory("backup_policy"),
            invalid: RDSErrors.parameter("Parameter error. backup_policy must be an object.")
        )
        let policy: FullBackupPolicy
        do {
            policy = try PolicyRequests.rdsPolicy(policyFields)
        } catch {
            throw error.error
        }
        let reserve = try fields.boolean(
            "reserve_backups",
            invalid: RDSErrors.parameter("Parameter error. reserve_backups must be true or false.")
        )
        let instance = try await catalog.instance(request.path("instance_id"), of: .rds, otherwise: RDSErrors.instanceNotFound)
        _ = try await catalog.setPolicy(PolicyChange(policy: .full(policy), reserveBackups: reserve ?? true), of: instance)
        return OperationAnswer(body: Array("{}".utf8))
    }
}

/// `GET /v3/{project_id}/instances/{instance_id}/backups/policy` for an RDS instance (W5) and a
/// TaurusDB one (W11): the policy while it is on, `{"keep_days": 0}` otherwise (§4.4, §4.9).
public struct ShowBackupPolicy: TenantOperation {
    public let declaration: OperationDeclaration
    public let serverFailure = DBSErrors.serverFailure
    private let service: Service

    public init(service: Service) {
        self.service = service
        self.declaration = OperationDeclaration(
            name: service == .rds ? "ShowBackupPolicy" : "ShowGaussMySqlBackupPolicy",
            route: Route("GET", "/v3/{project_id}/instances/{instance_id}/backups/policy"),
            response: .json(service == .rds ? PolicyShapes.showBackupPolicyAnswer : PolicyShapes.showGaussMySqlBackupPolicyAnswer),
            cacheable: true,
            authentication: .tenant
        )
    }

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        let instance = try await catalog.instance(request.path("instance_id"), of: service, otherwise: DBSErrors.instanceNotFound)
        let state = try await catalog.policy(of: instance)
        var json = JSONWriter(capacity: 128)
        json.object { json in
            json.key("backup_policy")
            json.object { json in
                if case .full(let policy)? = state?.policy, policy.isOn {
                    json.field("keep_days", policy.keepDays)
                    json.field("start_time", policy.startTime)
                    json.field("period", policy.period)
                } else {
                    json.field("keep_days", 0)
                }
            }
        }
        return OperationAnswer(body: json.bytes)
    }
}

/// `PUT /v3/{project_id}/instances/{instance_id}/backups/policy/update`: TaurusDB "Modifying an
/// Automated Backup Policy" (W12, `docs/lifecycle.md` §3.10). It cannot be turned off.
public struct TaurusDBUpdateBackupPolicy: TenantOperation {
    public let declaration = OperationDeclaration(
        name: "UpdateGaussMySqlBackupPolicy",
        route: Route("PUT", "/v3/{project_id}/instances/{instance_id}/backups/policy/update"),
        body: .json(PolicyShapes.updateGaussMySqlBackupPolicyRequest),
        response: .json(PolicyShapes.updateGaussMySqlBackupPolicyAnswer),
        cacheable: false,
        authentication: .tenant,
        links: [OperationLink.readBack("ShowGaussMySqlBackupPolicy", "/v3/{project_id}/instances/{instance_id}/backups/policy")]
    )
    public let serverFailure = TaurusDBErrors.serverFailure

    public init() {}

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        guard let body = RequestBody(request.body) else { throw TaurusDBErrors.malformedBody }
        let policyFields = try BodyFields(body).requiredObject(
            "backup_policy",
            absent: TaurusDBErrors.mandatory("backup_policy"),
            invalid: TaurusDBErrors.parameter("Parameter error. backup_policy must be an object.")
        )
        let policy: FullBackupPolicy
        do {
            policy = try PolicyRequests.taurusDBPolicy(policyFields)
        } catch {
            throw error.error
        }
        let instance = try await catalog.instance(request.path("instance_id"), of: .taurusdb, otherwise: TaurusDBErrors.instanceNotFound)
        _ = try await catalog.setPolicy(PolicyChange(policy: .full(policy)), of: instance)
        var json = JSONWriter(capacity: 160)
        json.object { json in
            json.field("status", "COMPLETED")
            json.field("instance_id", instance.record.id)
            json.field("instance_name", instance.record.name)
        }
        return OperationAnswer(body: json.bytes)
    }
}

extension SharedRoute {
    /// `GET /v3/{project_id}/instances/{instance_id}/backups/policy`: RDS W5, TaurusDB W11; for any
    /// other id, route F with the backup id `policy`, exactly as before (`docs/lifecycle.md` §2).
    static let backupPolicy = SharedRoute(
        default: PathAsBackupID(DDMShowBackup(), segment: "policy"),
        declaration: ShowBackupPolicy(service: .rds).declaration,
        operations: [.rds: ShowBackupPolicy(service: .rds), .taurusdb: ShowBackupPolicy(service: .taurusdb)]
    ) { request, catalog in
        try await catalog.service(ofInstance: request.path("instance_id"))
    }
}

/// Route F reached through a literal segment (`…/backups/policy`): the segment is its backup id.
struct PathAsBackupID: TenantOperation {
    let operation: any TenantOperation
    let segment: String
    var declaration: OperationDeclaration { operation.declaration }
    var serverFailure: APIError { operation.serverFailure }

    init(_ operation: any TenantOperation, segment: String) {
        self.operation = operation
        self.segment = segment
    }

    func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        var variables = request.pathVariables
        variables["backup_id"] = segment
        return try await operation.respond(
            to: OperationRequest(pathVariables: variables, query: request.query, body: request.body),
            in: catalog
        )
    }
}
