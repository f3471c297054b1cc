import BackupdCatalog

/// `GET /v3/{project_id}/instances/{instance_id}/incremental-backups`: TaurusDB
/// "Querying Incremental Backups" (`001` page, `docs/api.md` §4).
public struct TaurusDBListIncrementalBackups: TenantOperation {
    public let declaration = OperationDeclaration(
        name: "ShowGaussMySqlIncrementalBackupList",
        route: Route("GET", "/v3/{project_id}/instances/{instance_id}/incremental-backups"),
        query: [TaurusDBErrors.offset, TaurusDBErrors.limit] + OffsetTimeWindow.parameters + [Self.displayOffsiteBackup],
        response: .json(TaurusDBShapes.showGaussMySqlIncrementalBackupListAnswer),
        cacheable: true,
        authentication: .tenant
    )
    public let serverFailure = TaurusDBErrors.serverFailure

    /// SDK-only flag: validated, no effect (the catalog holds no cross-region TaurusDB incrementals).
    private static let displayOffsiteBackup = QueryParameter("display_offsite_backup", .boolean)

    public init() {}

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        let parameters = ParameterReader.parameterError(request.query, code: TaurusDBErrors.parameterCode)
        let offset = try parameters.integer(
            TaurusDBErrors.offset,
            message: "Parameter error. offset must be an integer from 0 to 2147483647."
        )
        let limit = try parameters.integer(
            TaurusDBErrors.limit,
            message: "Parameter error. limit must be an integer from 1 to 100."
        )
        let window = try parameters.offsetTimeWindow(
            beginExample: TaurusDBErrors.beginExample,
            endExample: TaurusDBErrors.endExample
        )
        _ = try parameters.choice(
            Self.displayOffsiteBackup,
            message: "Parameter error. display_offsite_backup must be true or false."
        ) { ["true": true, "false": false][$0] }

        let instance = try await catalog.instance(
            request.path("instance_id"),
            of: .taurusdb,
            otherwise: TaurusDBErrors.instanceNotFound
        )
        let page = try await catalog.taurusDBIncrementalBackups(
            of: instance,
            window: window,
            page: PageRequest(offset: offset, limit: limit)
        )
        var json = JSONWriter(capacity: 128 + page.items.count * 220)
        json.object { json in
            json.key("backups")
            json.array { json in
                for backup in page.items {
                    json.object { json in
                        json.field("id", backup.id)
                        json.field("name", backup.name)
                        json.field("begin_time", backup.beginTime.text)
                        json.field("end_time", backup.endTime.text)
                        json.key("size")
                        json.number(backup.size)
                        json.field("instance_id", backup.instanceID)
                    }
                }
            }
            json.field("total_count", page.total)
        }
        return OperationAnswer(body: json.bytes)
    }
}
