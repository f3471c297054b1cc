import BackupdCatalog
import PostgresNIO

/// Row → model, reading columns from `start` on (a list's rows follow its total). The schema's
/// CHECK constraints guarantee the enumerations; a value outside them decodes to the first case
/// rather than trap.
struct PostgresDecoder {
    let row: PostgresRandomAccessRow
    var start = 0

    func text(_ index: Int) throws -> String { try row[start + index].decode(String.self) }
    func optionalText(_ index: Int) throws -> String? { try row[start + index].decode(String?.self) }
    func integer(_ index: Int) throws -> Int64 { try row[start + index].decode(Int64.self) }
    func optionalInteger(_ index: Int) throws -> Int64? { try row[start + index].decode(Int64?.self) }
    func isNull(_ index: Int) -> Bool { row[start + index].bytes == nil }

    func instance() throws -> Instance {
        Instance(
            id: try text(0),
            projectID: try text(1),
            service: Service(rawValue: try text(2)) ?? .rds,
            name: try text(3),
            datastore: try datastore(4, 5),
            engine: try optionalText(6),
            engineVersion: try optionalText(7),
            relatedDataNodes: StoredJSON.decodeDataNodes(try optionalText(8))
        )
    }

    func rdsBackup() throws -> RDSBackup {
        RDSBackup(
            id: try text(0),
            instanceID: try text(1),
            name: try text(2),
            type: RDSBackupType(rawValue: try text(3)) ?? .auto,
            status: RDSBackupStatus(rawValue: try text(4)) ?? .completed,
            size: try integer(5),
            beginTime: RecordedTime(instant: try integer(7) * 1000, text: try text(6)),
            endTime: Self.offsetTime(try text(8)),
            databases: StoredJSON.decodeStrings(try optionalText(9)),
            associatedWithDDM: try row[start + 10].decode(Bool?.self),
            datastore: try datastore(11, 12),
            offsiteProjectID: try optionalText(13)
        )
    }

    func taurusDBBackup() throws -> TaurusDBBackup {
        TaurusDBBackup(
            id: try text(0),
            instanceID: try text(1),
            name: try text(2),
            type: TaurusDBBackupType(rawValue: try text(3)) ?? .incremental,
            beginTime: RecordedTime(instant: try integer(5) * 1000, text: try text(4)),
            endTime: Self.offsetTime(try text(6)),
            size: try row[start + 7].decode(Double.self)
        )
    }

    func dcsBackup() throws -> DCSBackup {
        DCSBackup(
            backupID: try text(0),
            instanceID: try text(1),
            backupName: try text(2),
            backupType: DCSBackupType(rawValue: try text(3)) ?? .manual,
            status: DCSBackupStatus(rawValue: try text(4)) ?? .succeed,
            size: try integer(5),
            progress: try text(6),
            remark: try text(7),
            period: try optionalText(8),
            errorCode: try optionalText(9),
            isSupportRestore: try text(10),
            createdAt: RecordedTime(instant: try integer(12), text: try text(11)),
            updatedAt: Self.millisecondTime(try text(13)),
            executionAt: Self.millisecondTime(try text(14))
        )
    }

    func ddmBackup() throws -> DDMBackup {
        DDMBackup(
            id: try text(0),
            instanceID: try text(1),
            name: try text(2),
            beginTime: RecordedTime(instant: try integer(4) * 1000, text: try text(3)),
            endTime: Self.offsetTime(try text(5)),
            relatedDataNodes: StoredJSON.decodeDataNodes(try optionalText(6))
        )
    }

    func project() throws -> Project {
        Project(id: try text(0), domainID: try text(1), name: try text(2))
    }

    func domain() throws -> Domain {
        Domain(id: try text(0), name: try text(1))
    }

    func user() throws -> User {
        User(
            domainID: try text(0),
            name: try text(1),
            passwordDigest: try optionalText(2),
            projectIDs: StoredJSON.decodeStrings(try optionalText(3))
        )
    }

    func accessKey() throws -> AccessKey {
        AccessKey(access: try text(0), domainID: try text(1), userName: try text(2), secret: try optionalText(3))
    }

    private func datastore(_ type: Int, _ version: Int) throws -> Datastore? {
        guard let type = try optionalText(type), let version = try optionalText(version) else { return nil }
        return Datastore(type: type, version: version)
    }

    private static func offsetTime(_ text: String) -> RecordedTime {
        RecordedTime(offsetTime: text) ?? RecordedTime(instant: 0, text: text)
    }

    private static func millisecondTime(_ text: String) -> RecordedTime {
        RecordedTime(utcMillisecondTime: text) ?? RecordedTime(instant: 0, text: text)
    }
}
