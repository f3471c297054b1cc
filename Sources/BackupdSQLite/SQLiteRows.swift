import BackupdCatalog
import GRDB

/// Row → model. The schema's CHECK constraints guarantee the enumerations, so a value
/// outside them can only come from a corrupted file; it decodes to the first case rather than trap.
enum Decode {
    static func instance(_ row: Row) -> Instance {
        let datastoreType: String? = row[4]
        let datastoreVersion: String? = row[5]
        return Instance(
            id: row[0],
            projectID: row[1],
            service: Service(rawValue: row[2]) ?? .rds,
            name: row[3],
            datastore: datastoreType.flatMap { type in datastoreVersion.map { Datastore(type: type, version: $0) } },
            engine: row[6],
            engineVersion: row[7],
            relatedDataNodes: StoredJSON.decodeDataNodes(row[8])
        )
    }

    static func rdsBackup(_ row: Row) -> RDSBackup {
        let datastoreType: String? = row[11]
        let datastoreVersion: String? = row[12]
        let associated: Int64? = row[10]
        return RDSBackup(
            id: row[0],
            instanceID: row[1],
            name: row[2],
            type: RDSBackupType(rawValue: row[3]) ?? .auto,
            status: RDSBackupStatus(rawValue: row[4]) ?? .completed,
            size: row[5],
            beginTime: RecordedTime(instant: (row[7] as Int64) * 1000, text: row[6]),
            endTime: offsetTime(row[8]),
            databases: StoredJSON.decodeStrings(row[9]),
            associatedWithDDM: associated.map { $0 != 0 },
            datastore: datastoreType.flatMap { type in datastoreVersion.map { Datastore(type: type, version: $0) } },
            offsiteProjectID: row[13]
        )
    }

    static func taurusDBBackup(_ row: Row) -> TaurusDBBackup {
        TaurusDBBackup(
            id: row[0],
            instanceID: row[1],
            name: row[2],
            type: TaurusDBBackupType(rawValue: row[3]) ?? .incremental,
            beginTime: RecordedTime(instant: (row[5] as Int64) * 1000, text: row[4]),
            endTime: offsetTime(row[6]),
            size: row[7]
        )
    }

    static func dcsBackup(_ row: Row) -> DCSBackup {
        DCSBackup(
            backupID: row[0],
            instanceID: row[1],
            backupName: row[2],
            backupType: DCSBackupType(rawValue: row[3]) ?? .manual,
            status: DCSBackupStatus(rawValue: row[4]) ?? .succeed,
            size: row[5],
            progress: row[6],
            remark: row[7],
            period: row[8],
            errorCode: row[9],
            isSupportRestore: row[10],
            createdAt: RecordedTime(instant: row[12], text: row[11]),
            updatedAt: millisecondTime(row[13]),
            executionAt: millisecondTime(row[14])
        )
    }

    static func ddmBackup(_ row: Row) -> DDMBackup {
        DDMBackup(
            id: row[0],
            instanceID: row[1],
            name: row[2],
            beginTime: RecordedTime(instant: (row[4] as Int64) * 1000, text: row[3]),
            endTime: offsetTime(row[5]),
            relatedDataNodes: StoredJSON.decodeDataNodes(row[6])
        )
    }

    static func project(_ row: Row) -> Project {
        Project(id: row[0], domainID: row[1], name: row[2])
    }

    static func user(_ row: Row) -> User {
        User(domainID: row[0], name: row[1], passwordDigest: row[2], projectIDs: StoredJSON.decodeStrings(row[3]))
    }

    static func accessKey(_ row: Row) -> AccessKey {
        AccessKey(access: row[0], domainID: row[1], userName: row[2], secret: row[3])
    }

    private static func offsetTime(_ text: String) -> RecordedTime {
        RecordedTime(offsetTime: text) ?? RecordedTime(instant: 0, text: text)
    }

    private static func millisecondTime(_ text: String) -> RecordedTime {
        RecordedTime(utcMillisecondTime: text) ?? RecordedTime(instant: 0, text: text)
    }
}
