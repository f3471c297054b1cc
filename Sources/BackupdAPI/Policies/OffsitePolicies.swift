import BackupdCatalog

/// `PUT /v3/{project_id}/instances/{instance_id}/backups/offsite-policy`: RDS "Setting a
/// Cross-Region Backup Policy" (W6, `docs/lifecycle.md` §3.6, §8.3).
public struct RDSSetOffsitePolicy: TenantOperation {
    public let declaration = OperationDeclaration(
        name: "SetOffSiteBackupPolicy",
        route: Route("PUT", "/v3/{project_id}/instances/{instance_id}/backups/offsite-policy"),
        body: .json(PolicyShapes.setOffSiteBackupPolicyRequest),
        response: .json(PolicyShapes.setOffSiteBackupPolicyAnswer),
        cacheable: false,
        authentication: .tenant,
        links: [OperationLink.readBack("ShowOffSiteBackupPolicy", "/v3/{project_id}/instances/{instance_id}/backups/offsite-policy")]
    )
    public let serverFailure = RDSErrors.serverFailure

    public init() {}

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        guard let body = RequestBody(request.body) else { throw RDSErrors.malformedBody }
        let fields = try BodyFields(body).requiredObject(
            "policy_para",
            absent: RDSErrors.mandatory("policy_para"),
            invalid: RDSErrors.parameter("Parameter error. policy_para must be an object.")
        )
        let change: OffsitePolicyChange
        do {
            change = try PolicyRequests.offsitePolicy(fields)
        } catch {
            throw error.error
        }
        let instance = try await catalog.instance(request.path("instance_id"), of: .rds, otherwise: RDSErrors.instanceNotFound)
        do {
            _ = try await catalog.setOffsitePolicy(change, of: instance)
        } catch let refusal as OffsiteRefusal {
            throw PolicyRequests.error(refusal)
        }
        return OperationAnswer(body: Array(#"{"resp":"success"}"#.utf8))
    }
}

/// `GET /v3/{project_id}/instances/{instance_id}/backups/offsite-policy` for an RDS instance (W7,
/// `docs/lifecycle.md` §4.5): always an array, `[{"keep_days": 0}]` while nothing is copied.
public struct RDSShowOffsitePolicy: TenantOperation {
    public let declaration = OperationDeclaration(
        name: "ShowOffSiteBackupPolicy",
        route: Route("GET", "/v3/{project_id}/instances/{instance_id}/backups/offsite-policy"),
        response: .json(PolicyShapes.showOffSiteBackupPolicyAnswer),
        cacheable: true,
        authentication: .tenant
    )
    public let serverFailure = RDSErrors.serverFailure

    public init() {}

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        let instance = try await catalog.instance(request.path("instance_id"), of: .rds, otherwise: RDSErrors.instanceNotFound)
        let policy = try await catalog.offsitePolicy(of: instance)
        var json = JSONWriter(capacity: 256)
        json.object { json in
            json.key("policy_para")
            json.array { json in
                guard let policy, policy.isOn else {
                    json.object { json in json.field("keep_days", 0) }
                    return
                }
                for (type, on) in [("auto", policy.copiesAuto), ("incremental", policy.copiesIncremental), ("manual", policy.copiesManual)]
                where on {
                    json.object { json in
                        json.field("keep_days", policy.keepDays)
                        json.field("backup_type", type)
                        json.field("destination_region", policy.destinationRegion)
                        json.field("destination_project_id", policy.destinationProjectID)
                    }
                }
            }
        }
        return OperationAnswer(body: json.bytes)
    }
}

extension SharedRoute {
    /// `GET /v3/{project_id}/instances/{instance_id}/backups/offsite-policy`: RDS W7; for any other
    /// id, route F with the backup id `offsite-policy`, exactly as before (`docs/lifecycle.md` §2).
    static let offsitePolicy = SharedRoute(
        default: PathAsBackupID(DDMShowBackup(), segment: "offsite-policy"),
        declaration: RDSShowOffsitePolicy().declaration,
        operations: [.rds: RDSShowOffsitePolicy()]
    ) { request, catalog in
        try await catalog.service(ofInstance: request.path("instance_id"))
    }
}
