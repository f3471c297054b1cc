public import BackupdCatalog

/// `GET /v3/{project_id}/instances/{instance_id}/incremental-backups`: TaurusDB
/// "Querying Incremental Backups" (`001` page, `api.md` §4).
public struct TaurusDBListIncrementalBackups: TenantOperation {
    public let route = Route("GET", "/v3/{project_id}/instances/{instance_id}/incremental-backups")
    public let serverFailure = TaurusDBErrors.serverFailure

    public init() {}

    public func respond(
        to request: OperationRequest,
        in scope: ProjectScope,
        store: any CatalogStore
    ) async throws
        -> [UInt8]
    {
        let parameters = ParameterReader.parameterError(request.query, code: TaurusDBErrors.parameterCode)
        let offset = try parameters.integer(
            "offset",
            in: 0...IntegerParameter.maximum,
            message: "Parameter error. offset must be an integer from 0 to 2147483647."
        )
        let limit = try parameters.integer(
            "limit",
            in: TaurusDBErrors.limitRange,
            message: "Parameter error. limit must be an integer from 1 to 100."
        )
        let window = try parameters.offsetTimeWindow(
            beginExample: TaurusDBErrors.beginExample,
            endExample: TaurusDBErrors.endExample
        )
        // SDK-only flag: validated, no effect (the catalog holds no cross-region TaurusDB incrementals).
        _ = try parameters.choice(
            "display_offsite_backup",
            message: "Parameter error. display_offsite_backup must be true or false."
        ) { ["true": true, "false": false][$0] }

        let instance = try await store.requireInstance(
            request.path("instance_id"),
            of: .taurusdb,
            in: [scope.projectID],
            otherwise: TaurusDBErrors.instanceNotFound
        )
        let page = try await store.taurusDBBackups(
            TaurusDBBackupQuery(
                instanceID: instance.id,
                window: window,
                page: PageRequest(offset: offset ?? 0, limit: limit ?? TaurusDBErrors.defaultLimit)
            )
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
        return json.bytes
    }
}
