import BackupdCatalog

/// The DCS backup-record lists: v1.0 as the `003` page documents it (1-based `start`,
/// `beginTime`/`endTime`, `docs/api.md` §5) and v2 as the current SDK calls it (0-based
/// `offset`, `begin_time`/`end_time`, `docs/api.md` §6). Same records, same semantics.
public struct DCSListBackupRecords: TenantOperation {
    public enum Version: Sendable {
        case v1, v2
    }

    public let version: Version
    public let declaration: OperationDeclaration
    public let serverFailure = DCSErrors.serverFailure

    /// Where the list starts: v1.0's 1-based `start`, v2's 0-based `offset`.
    private let first: QueryParameter
    private let begin: QueryParameter
    private let end: QueryParameter

    public init(version: Version) {
        self.version = version
        switch version {
        case .v1:
            first = .integer("start", in: 1...IntegerParameter.maximum, default: 1)
            begin = QueryParameter("beginTime", .compactTime)
            end = QueryParameter("endTime", .compactTime)
        case .v2:
            first = .integer("offset", in: 0...IntegerParameter.maximum, default: 0)
            begin = QueryParameter("begin_time", .compactTime)
            end = QueryParameter("end_time", .compactTime)
        }
        declaration = OperationDeclaration(
            name: version == .v1 ? "ListBackupRecordsV1" : "ListBackupRecords",
            route: Route("GET", (version == .v1 ? "/v1.0" : "/v2") + "/{project_id}/instances/{instance_id}/backups"),
            query: [first, DCSErrors.limit, begin, end],
            response: .json(version == .v1 ? DCSShapes.listBackupRecordsV1Answer : DCSShapes.listBackupRecordsAnswer),
            cacheable: true,
            authentication: .tenant
        )
    }

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        let parameters = DCSErrors.parameters(request.query)
        let start = try parameters.integer(first, message: DCSErrors.invalid(first.name))
        let offset = version == .v1 ? start - 1 : start
        let limit = try parameters.integer(DCSErrors.limit, message: DCSErrors.invalid("limit"))
        let begin = try parameters.choice(self.begin, message: DCSErrors.invalid(self.begin.name)) {
            TimeGrammar.parseCompactUTC($0)
        }
        let end = try parameters.choice(self.end, message: DCSErrors.invalid(self.end.name)) {
            TimeGrammar.parseCompactUTC($0)
        }
        if let begin, let end, end <= begin {
            throw DCSErrors.endNotAfterBegin
        }

        let instance = try await catalog.instance(request.path("instance_id"), of: .dcs, otherwise: DCSErrors.instanceNotFound)
        let (page, dependsOnInstant) = try await catalog.dcsBackups(
            of: instance,
            window: begin == nil && end == nil ? nil : TimeWindow(from: begin, through: end),
            page: PageRequest(offset: offset, limit: limit)
        )
        return OperationAnswer(body: render(page), dependsOnInstant: dependsOnInstant)
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
