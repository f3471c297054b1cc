import BackupdCatalog

/// `PUT /v2/{project_id}/instances/{instance_id}`: DCS "Modifying Instance Information", of which
/// backupd reads only `instance_backup_policy` (W15, `docs/lifecycle.md` §3.13, §8.4). A body
/// without it changes nothing.
public struct DCSUpdateInstance: TenantOperation {
    public let declaration = OperationDeclaration(
        name: "UpdateInstance",
        route: Route("PUT", "/v2/{project_id}/instances/{instance_id}"),
        body: .json(PolicyShapes.updateInstanceRequest),
        successStatus: 204,
        response: .empty,
        cacheable: false,
        authentication: .tenant,
        links: [OperationLink.readBack("ShowInstance", "/v2/{project_id}/instances/{instance_id}")]
    )
    public let serverFailure = DCSErrors.serverFailure

    public init() {}

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        guard let body = RequestBody(request.body) else { throw DCSErrors.malformedBody }
        let policyFields = try BodyFields(body).object(
            "instance_backup_policy",
            absent: nil,
            invalid: DCSErrors.invalidField("instance_backup_policy")
        )
        var plan: DCSBackupPlan?
        if let policyFields {
            do {
                plan = try PolicyRequests.dcsPlan(policyFields)
            } catch {
                throw error.error
            }
        }
        let instance = try await catalog.instance(request.path("instance_id"), of: .dcs, otherwise: DCSErrors.instanceNotFound)
        if let plan { _ = try await catalog.setPolicy(PolicyChange(policy: .dcs(plan)), of: instance) }
        return OperationAnswer(body: [])
    }
}

/// `GET /v2/{project_id}/instances/{instance_id}`: a minimal DCS instance document, only what the
/// catalog holds (W16, `docs/lifecycle.md` §4.11).
public struct DCSShowInstance: TenantOperation {
    public let declaration = OperationDeclaration(
        name: "ShowInstance",
        route: Route("GET", "/v2/{project_id}/instances/{instance_id}"),
        response: .json(PolicyShapes.showInstanceAnswer),
        cacheable: true,
        authentication: .tenant
    )
    public let serverFailure = DCSErrors.serverFailure

    public init() {}

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        let instance = try await catalog.instance(request.path("instance_id"), of: .dcs, otherwise: DCSErrors.instanceNotFound)
        let state = try await catalog.policy(of: instance)
        var json = JSONWriter(capacity: 512)
        json.object { json in
            json.field("instance_id", instance.record.id)
            json.field("name", instance.record.name)
            json.field("engine", instance.record.engine)
            json.field("engine_version", instance.record.engineVersion)
            json.key("instance_backup_policy")
            guard let state, case .dcs(let plan) = state.policy else {
                json.null()
                return
            }
            json.object { json in
                json.field("backup_policy_id", state.policyID ?? "")
                json.field("created_at", TimeGrammar.formatUTCMilliseconds(state.createdAt ?? state.since))
                json.field("updated_at", TimeGrammar.formatUTCMilliseconds(state.since))
                json.key("policy")
                json.object { json in
                    json.field("backup_type", plan.backupType.rawValue)
                    if let saveDays = plan.saveDays { json.field("save_days", saveDays) }
                    if let backupAt = plan.backupAt {
                        json.key("periodical_backup_plan")
                        json.object { json in
                            if let offset = plan.timezoneOffset { json.field("timezone_offset", offset) }
                            json.key("backup_at")
                            json.array { json in
                                for day in backupAt { json.integer(day) }
                            }
                            json.field("period_type", plan.periodType)
                            json.field("begin_at", plan.beginAt)
                        }
                    }
                }
                json.field("tenant_id", instance.record.projectID)
            }
        }
        return OperationAnswer(body: json.bytes)
    }
}
