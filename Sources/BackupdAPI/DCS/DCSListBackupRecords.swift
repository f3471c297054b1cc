public import BackupdCatalog

/// The DCS backup-record lists: v1.0 as the `003` page documents it (1-based `start`,
/// `beginTime`/`endTime`, `api.md` §5) and v2 as the current SDK calls it (0-based
/// `offset`, `begin_time`/`end_time`, `api.md` §6). Same records, same semantics.
public struct DCSListBackupRecords: TenantOperation {
    public enum Version: Sendable {
        case v1, v2
    }

    public let version: Version
    public let route: Route
    public let serverFailure = DCSErrors.serverFailure

    public init(version: Version) {
        self.version = version
        self.route =
            switch version {
            case .v1: Route("GET", "/v1.0/{project_id}/instances/{instance_id}/backups")
            case .v2: Route("GET", "/v2/{project_id}/instances/{instance_id}/backups")
            }
    }

    public func respond(
        to request: OperationRequest,
        in scope: ProjectScope,
        store: any CatalogStore
    ) async throws
        -> [UInt8]
    {
        let parameters = DCSErrors.parameters(request.query)
        let offset: Int
        let names: (begin: String, end: String)
        switch version {
        case .v1:
            let start = try parameters.integer(
                "start",
                in: 1...IntegerParameter.maximum,
                message: DCSErrors.invalid("start")
            )
            offset = (start ?? 1) - 1
            names = ("beginTime", "endTime")
        case .v2:
            offset =
                try parameters.integer("offset", in: 0...IntegerParameter.maximum, message: DCSErrors.invalid("offset"))
                ?? 0
            names = ("begin_time", "end_time")
        }
        let limit =
            try parameters.integer("limit", in: DCSErrors.limitRange, message: DCSErrors.invalid("limit"))
            ?? DCSErrors.defaultLimit
        let begin = try parameters.choice(names.begin, message: DCSErrors.invalid(names.begin)) {
            TimeGrammar.parseCompactUTC($0)
        }
        let end = try parameters.choice(names.end, message: DCSErrors.invalid(names.end)) {
            TimeGrammar.parseCompactUTC($0)
        }
        if let begin, let end, end <= begin {
            throw DCSErrors.endNotAfterBegin
        }

        let instance = try await store.requireInstance(
            request.path("instance_id"),
            of: .dcs,
            in: [scope.projectID],
            otherwise: DCSErrors.instanceNotFound
        )
        let page = try await store.dcsBackups(
            DCSBackupQuery(
                instanceID: instance.id,
                window: begin == nil && end == nil ? nil : TimeWindow(from: begin, through: end),
                page: PageRequest(offset: offset, limit: limit)
            )
        )
        return render(page)
    }

    /// v1.0 puts the list first; v2 puts `total_num` first, as the DCS v2 doc does.
    private func render(_ page: Page<DCSBackup>) -> [UInt8] {
        var json = JSONWriter(capacity: 128 + page.items.count * 420)
        json.object { json in
            if version == .v2 { json.field("total_num", page.total) }
            json.key("backup_record_response")
            json.array { json in
                for record in page.items {
                    DCSBackupRecordJSON.write(record, into: &json)
                }
            }
            if version == .v1 { json.field("total_num", page.total) }
        }
        return json.bytes
    }
}
