public import BackupdCatalog

/// A row as an engine read it, by column position: what `StoredRecords` needs of each driver
/// (GRDB's `Row`, PostgresNIO's random-access row) to decode every record once for both.
public protocol StoredRow {
    func text(_ column: Int) throws -> String
    func optionalText(_ column: Int) throws -> String?
    func integer(_ column: Int) throws -> Int64
    func optionalInteger(_ column: Int) throws -> Int64?
    func optionalBool(_ column: Int) throws -> Bool?
    func real(_ column: Int) throws -> Double
}

/// Row → record, in the column order of each `StoredTable`. The schemas' CHECK constraints
/// guarantee the enumerations, so a value outside them can only come from a corrupted database;
/// it decodes to a default case rather than trap.
public enum StoredRecords {
    @inlinable
    public static func domain(_ row: some StoredRow) throws -> Domain {
        Domain(id: try row.text(0), name: try row.text(1))
    }

    @inlinable
    public static func project(_ row: some StoredRow) throws -> Project {
        Project(id: try row.text(0), domainID: try row.text(1), name: try row.text(2))
    }

    @inlinable
    public static func user(_ row: some StoredRow) throws -> User {
        User(
            domainID: try row.text(0),
            name: try row.text(1),
            passwordDigest: try row.optionalText(2),
            projectIDs: StoredJSON.decodeStrings(try row.optionalText(3))
        )
    }

    @inlinable
    public static func accessKey(_ row: some StoredRow) throws -> AccessKey {
        AccessKey(access: try row.text(0), domainID: try row.text(1), userName: try row.text(2), secret: try row.optionalText(3))
    }

    @inlinable
    public static func token(_ row: some StoredRow) throws -> IssuedToken {
        IssuedToken(
            digest: try row.text(0),
            domainID: try row.text(1),
            userName: try row.text(2),
            scope: try row.optionalText(3).map { .project(id: $0) } ?? .domain,
            issuedAt: try row.integer(4),
            expiresAt: try row.integer(5)
        )
    }

    public static func clockSetting(_ row: some StoredRow) throws -> ClockSetting {
        ClockSetting(offsetMilliseconds: try row.integer(0), frozenAt: try row.optionalInteger(1))
    }

    public static func timings(_ row: some StoredRow) throws -> LifecycleTimings {
        var timings = LifecycleTimings.defaults
        for (column, timing) in Timing.allCases.enumerated() {
            timings[timing] = Int(try row.integer(column))
        }
        return timings
    }

    public static func track(_ row: some StoredRow) throws -> LifecycleTrack {
        LifecycleTrack(
            backupID: try row.text(0),
            service: Service(rawValue: try row.text(1)) ?? .rds,
            instanceID: try row.text(2),
            startedAt: try row.optionalInteger(3),
            waitingMilliseconds: try row.integer(4),
            buildingMilliseconds: try row.integer(5),
            fails: try row.optionalBool(6) ?? false,
            deletedAt: try row.optionalInteger(7),
            deletingMilliseconds: try row.integer(8),
            retiredAt: try row.optionalInteger(9),
            retentionMilliseconds: try row.optionalInteger(10)
        )
    }

    public static func policyState(_ row: some StoredRow) throws -> PolicyState {
        let policy: BackupPolicy
        switch try row.text(1) {
        case "full":
            policy = .full(
                FullBackupPolicy(
                    keepDays: Int(try row.optionalInteger(2) ?? 0),
                    startTime: try row.optionalText(3) ?? "",
                    period: try row.optionalText(4) ?? ""
                )
            )
        case "dcs":
            policy = .dcs(
                DCSBackupPlan(
                    backupType: DCSBackupType(rawValue: try row.optionalText(5) ?? "") ?? .manual,
                    saveDays: try row.optionalInteger(6).map { Int($0) },
                    backupAt: try row.optionalText(7).map { $0.split(separator: ",").compactMap { Int($0) } },
                    periodType: try row.optionalText(8),
                    beginAt: try row.optionalText(9),
                    timezoneOffset: try row.optionalText(10)
                )
            )
        default:
            policy = .ddmDaily
        }
        return PolicyState(
            instanceID: try row.text(0),
            policy: policy,
            since: try row.integer(11),
            scheduledThrough: try row.integer(12),
            chainStart: try row.optionalInteger(13),
            incrementalFloor: try row.optionalInteger(14),
            policyID: try row.optionalText(15),
            createdAt: try row.optionalInteger(16)
        )
    }

    public static func offsitePolicy(_ row: some StoredRow) throws -> OffsitePolicy {
        OffsitePolicy(
            copiesAuto: try row.optionalBool(1) ?? false,
            copiesIncremental: try row.optionalBool(2) ?? false,
            copiesManual: try row.optionalBool(3) ?? false,
            keepDays: Int(try row.integer(4)),
            destinationRegion: try row.text(5),
            destinationProjectID: try row.text(6),
            incrementalFloor: try row.optionalInteger(7)
        )
    }

    @inlinable
    public static func instance(_ row: some StoredRow) throws -> Instance {
        Instance(
            id: try row.text(0),
            projectID: try row.text(1),
            service: Service(rawValue: try row.text(2)) ?? .rds,
            name: try row.text(3),
            datastore: try datastore(row, 4, 5),
            engine: try row.optionalText(6),
            engineVersion: try row.optionalText(7),
            relatedDataNodes: StoredJSON.decodeDataNodes(try row.optionalText(8))
        )
    }

    @inlinable
    public static func rdsBackup(_ row: some StoredRow) throws -> RDSBackup {
        RDSBackup(
            id: try row.text(0),
            instanceID: try row.text(1),
            name: try row.text(2),
            type: RDSBackupType(rawValue: try row.text(3)) ?? .auto,
            status: RDSBackupStatus(rawValue: try row.text(4)) ?? .completed,
            size: try row.integer(5),
            beginTime: RecordedTime(instant: try row.integer(7) * 1000, text: try row.text(6)),
            endTime: offsetTime(try row.text(8)),
            databases: StoredJSON.decodeStrings(try row.optionalText(9)),
            associatedWithDDM: try row.optionalBool(10),
            datastore: try datastore(row, 11, 12),
            offsiteProjectID: try row.optionalText(13)
        )
    }

    @inlinable
    public static func taurusDBBackup(_ row: some StoredRow) throws -> TaurusDBBackup {
        TaurusDBBackup(
            id: try row.text(0),
            instanceID: try row.text(1),
            name: try row.text(2),
            type: TaurusDBBackupType(rawValue: try row.text(3)) ?? .incremental,
            beginTime: RecordedTime(instant: try row.integer(5) * 1000, text: try row.text(4)),
            endTime: offsetTime(try row.text(6)),
            size: try row.real(7),
            status: TaurusDBBackupStatus(rawValue: try row.text(8)) ?? .completed,
            description: try row.optionalText(9)
        )
    }

    @inlinable
    public static func dcsBackup(_ row: some StoredRow) throws -> DCSBackup {
        DCSBackup(
            backupID: try row.text(0),
            instanceID: try row.text(1),
            backupName: try row.text(2),
            backupType: DCSBackupType(rawValue: try row.text(3)) ?? .manual,
            status: DCSBackupStatus(rawValue: try row.text(4)) ?? .succeed,
            size: try row.integer(5),
            progress: try row.text(6),
            remark: try row.text(7),
            period: try row.optionalText(8),
            errorCode: try row.optionalText(9),
            isSupportRestore: try row.text(10),
            createdAt: RecordedTime(instant: try row.integer(13), text: try row.text(11)),
            updatedAt: millisecondTime(try row.text(14)),
            executionAt: millisecondTime(try row.text(15))
        )
    }

    @inlinable
    public static func ddmBackup(_ row: some StoredRow) throws -> DDMBackup {
        DDMBackup(
            id: try row.text(0),
            instanceID: try row.text(1),
            name: try row.text(2),
            beginTime: RecordedTime(instant: try row.integer(4) * 1000, text: try row.text(3)),
            endTime: offsetTime(try row.text(5)),
            relatedDataNodes: StoredJSON.decodeDataNodes(try row.optionalText(6)),
            status: DDMBackupStatus(rawValue: try row.text(7)) ?? .normal,
            description: try row.text(8),
            fileSize: try row.real(9),
            backupType: DDMBackupType(rawValue: try row.text(10)) ?? .autoMetadata
        )
    }

    /// A backup of `service`, from a row of `StoredTables.backups(of: service)`.
    @inlinable
    public static func backup(of service: Service, _ row: some StoredRow) throws -> Backup {
        switch service {
        case .rds: .rds(try rdsBackup(row))
        case .taurusdb: .taurusdb(try taurusDBBackup(row))
        case .dcs: .dcs(try dcsBackup(row))
        case .ddm: .ddm(try ddmBackup(row))
        }
    }

    @inlinable
    static func datastore(_ row: some StoredRow, _ type: Int, _ version: Int) throws -> Datastore? {
        guard let type = try row.optionalText(type), let version = try row.optionalText(version) else { return nil }
        return Datastore(type: type, version: version)
    }

    @inlinable
    static func offsetTime(_ text: String) -> RecordedTime {
        RecordedTime(offsetTime: text) ?? RecordedTime(instant: 0, text: text)
    }

    @inlinable
    static func millisecondTime(_ text: String) -> RecordedTime {
        RecordedTime(utcMillisecondTime: text) ?? RecordedTime(instant: 0, text: text)
    }
}
