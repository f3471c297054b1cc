import BackupdCatalog

/// `POST /v3/{project_id}/backups/create`: TaurusDB "Creating a Manual Backup" (W8,
/// `docs/lifecycle.md` §3.7, §4.6). The record starts `BUILDING` and completes after
/// `taurusdb_building`. Names need not be unique.
public struct TaurusDBCreateManualBackup: TenantOperation {
    public let declaration = OperationDeclaration(
        name: "CreateGaussMySqlBackup",
        route: Route("POST", "/v3/{project_id}/backups/create"),
        body: .json(TaurusDBShapes.createGaussMySqlBackupRequest),
        successStatus: 201,
        response: .json(TaurusDBShapes.createGaussMySqlBackupAnswer),
        cacheable: false,
        authentication: .tenant,
        links: OperationLink.createdBackup(delete: "DeleteGaussMySqlBackup", list: "ShowGaussMySqlBackupList")
    )
    public let serverFailure = TaurusDBErrors.serverFailure

    public init() {}

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        guard let body = RequestBody(request.body) else { throw TaurusDBErrors.malformedBody }
        let fields = BodyFields(body)
        let instanceID = try fields.requiredString(
            "instance_id",
            absent: TaurusDBErrors.mandatory("instance_id"),
            invalid: TaurusDBErrors.parameter("Parameter error. instance_id must be a string.")
        )
        let name = try fields.requiredString(
            "name",
            absent: TaurusDBErrors.mandatory("name"),
            invalid: TaurusDBErrors.parameter(
                "Parameter error. name must be 4 to 64 characters and at most 64 bytes, start with a letter or a Chinese character and contain only letters, digits, Chinese characters, hyphens and underscores."
            ),
            isValid: BodyGrammar.isTaurusDBBackupName
        )
        let description = try fields.optionalString("description", invalid: TaurusDBErrors.invalidDescription) {
            // Kept with the record, so it must be storable too (no NUL).
            BodyGrammar.isDescription($0, refusingLineBreaks: true) && CatalogText.isStorable($0)
        }

        let instance = try await catalog.instance(instanceID, of: .taurusdb, otherwise: TaurusDBErrors.instanceNotFound)
        let second = catalog.now >= 0 ? catalog.now / 1000 : (catalog.now - 999) / 1000
        let begin = RecordedTime(instant: second * 1000, text: TimeGrammar.formatOffsetTime(epochSeconds: second))
        let backup = TaurusDBBackup(
            id: BackupIdentifiers.random(for: instance.record),
            instanceID: instance.record.id,
            name: name,
            type: .manual,
            beginTime: begin,
            endTime: begin,
            size: 0,
            status: .building,
            description: description
        )
        do {
            _ = try await catalog.createTaurusDBBackup(backup, of: instance)
        } catch BackupRefusal.inProgress {
            throw TaurusDBErrors.backupInProgress
        }
        var json = JSONWriter(capacity: 320)
        json.object { json in
            json.key("backup")
            json.object { json in
                json.field("id", backup.id)
                json.field("name", name)
                if let description { json.field("description", description) }
                json.field("begin_time", begin.text)
                json.field("status", TaurusDBBackupStatus.building.rawValue)
                json.field("type", TaurusDBBackupType.manual.rawValue)
                json.field("instance_id", instanceID)
            }
            json.field("job_id", BackupIdentifiers.randomUUID())
        }
        return OperationAnswer(body: json.bytes)
    }
}

/// `DELETE /v3/{project_id}/backups/{backup_id}` for a TaurusDB backup (W9, `docs/lifecycle.md`
/// §3.8): a manual backup that is not building is gone at once.
public struct TaurusDBDeleteManualBackup: TenantOperation {
    public let declaration = OperationDeclaration(
        name: "DeleteGaussMySqlBackup",
        route: Route("DELETE", "/v3/{project_id}/backups/{backup_id}"),
        response: .json(TaurusDBShapes.deleteGaussMySqlBackupAnswer),
        cacheable: false,
        authentication: .tenant
    )
    public let serverFailure = TaurusDBErrors.serverFailure

    public init() {}

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        let id = request.path("backup_id")
        switch try await catalog.deleteTaurusDBBackup(id: id) {
        case .deleted(let name):
            var json = JSONWriter(capacity: 128)
            json.object { json in
                json.field("backup_id", id)
                json.field("backup_name", name)
            }
            return OperationAnswer(body: json.bytes)
        case .notFound: throw DBSErrors.backupNotFound
        case .notManual: throw TaurusDBErrors.typeNotAllowed
        case .building: throw TaurusDBErrors.statusNotAllowed
        }
    }
}

/// `GET /v3/{project_id}/backups` for a TaurusDB instance or backup: the full backups (W10,
/// `docs/lifecycle.md` §3.9, §4.8), incrementals excluded.
public struct TaurusDBListFullBackups: TenantOperation {
    public let declaration = OperationDeclaration(
        name: "ShowGaussMySqlBackupList",
        route: Route("GET", "/v3/{project_id}/backups"),
        query: [Self.instanceID, Self.backupID, Self.backupType, TaurusDBErrors.offset, Self.limit] + OffsetTimeWindow.parameters
            + [Self.name, Self.instanceName],
        response: .json(TaurusDBShapes.showGaussMySqlBackupListAnswer),
        cacheable: true,
        authentication: .tenant
    )
    public let serverFailure = TaurusDBErrors.serverFailure

    private static let instanceID = QueryParameter.string("instance_id")
    private static let backupID = QueryParameter.string("backup_id")
    private static let backupType = QueryParameter.choice("backup_type", ["auto", "manual"])
    private static let limit = QueryParameter.integer("limit", in: 1...100, default: 100)
    private static let name = QueryParameter.string("name")
    private static let instanceName = QueryParameter.string("instance_name")

    public init() {}

    public func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer {
        let parameters = ParameterReader.parameterError(request.query, code: TaurusDBErrors.parameterCode)
        let instanceID = try parameters.string(Self.instanceID)
        let backupID = try parameters.string(Self.backupID)
        let type = try parameters.choice(Self.backupType, message: "Parameter error. backup_type must be one of auto, manual.") {
            ["auto": TaurusDBBackupType.auto, "manual": .manual][$0]
        }
        let offset = try parameters.integer(TaurusDBErrors.offset, message: "Parameter error. offset must be an integer from 0 to 2147483647.")
        let limit = try parameters.integer(Self.limit, message: "Parameter error. limit must be an integer from 1 to 100.")
        let window = try parameters.offsetTimeWindow(beginExample: TaurusDBErrors.beginExample, endExample: TaurusDBErrors.endExample)
        let name = try parameters.string(Self.name)
        let instanceName = try parameters.string(Self.instanceName)

        let instance =
            if let instanceID {
                try await catalog.instance(instanceID, of: .taurusdb, otherwise: TaurusDBErrors.instanceNotFound)
            } else {
                try await catalog.instance(ofBackup: backupID ?? "", of: .taurusdb, otherwise: TaurusDBErrors.instanceNotFound)
            }
        let page: Page<TaurusDBBackup> =
            if let instanceName, !instanceName.utf8.elementsEqual(instance.record.name.utf8) {
                Page(items: [], total: 0)
            } else {
                try await catalog.taurusDBFullBackups(
                    of: instance,
                    types: type.map { [$0] } ?? [.auto, .manual],
                    backupID: backupID,
                    name: name,
                    window: window,
                    page: PageRequest(offset: offset, limit: limit)
                )
            }
        var json = JSONWriter(capacity: 128 + page.items.count * 400)
        json.object { json in
            json.key("backups")
            json.array { json in
                for backup in page.items { Self.write(backup, of: instance.record, into: &json) }
            }
            json.field("total_count", page.total)
        }
        return OperationAnswer(body: json.bytes)
    }

    private static func write(_ backup: TaurusDBBackup, of instance: Instance, into json: inout JSONWriter) {
        json.object { json in
            json.field("id", backup.id)
            json.field("name", backup.name)
            json.field("begin_time", backup.beginTime.text)
            json.field("end_time", backup.endTime.text)
            json.field("status", backup.status.rawValue)
            let minutes = (backup.endTime.epochSeconds - backup.beginTime.epochSeconds) / 60
            json.field("take_up_time", max(0, minutes))
            json.field("type", backup.type.rawValue)
            json.key("size")
            json.number(backup.size / 1024)
            if let datastore = instance.datastore { json.datastore(datastore) }
            json.field("instance_id", backup.instanceID)
            json.field("instance_name", instance.name)
            if let description = backup.description { json.field("description", description) }
        }
    }
}
