/// Kinds of RDS backup (`000` page, `type`).
public enum RDSBackupType: String, Sendable, CaseIterable {
    case auto, manual, fragment, incremental
}

/// States of an RDS backup. `DELETING` is stored and returned but is not a filter value.
public enum RDSBackupStatus: String, Sendable, CaseIterable {
    case building = "BUILDING"
    case completed = "COMPLETED"
    case failed = "FAILED"
    case deleting = "DELETING"
}

/// An RDS backup, or a cross-region copy of one when `offsiteProjectID` is set.
public struct RDSBackup: Sendable, Hashable {
    public var id: String
    public var instanceID: String
    public var name: String
    public var type: RDSBackupType
    public var status: RDSBackupStatus
    /// Kilobytes.
    public var size: Int64
    public var beginTime: RecordedTime
    public var endTime: RecordedTime
    /// SQL Server only: the databases in the backup.
    public var databases: [String]?
    public var associatedWithDDM: Bool?
    /// The record's own datastore; `nil` means the instance's.
    public var datastore: Datastore?
    /// The project holding this cross-region copy; `nil` for a backup in the instance's own region.
    public var offsiteProjectID: String?

    public init(
        id: String,
        instanceID: String,
        name: String,
        type: RDSBackupType,
        status: RDSBackupStatus,
        size: Int64,
        beginTime: RecordedTime,
        endTime: RecordedTime,
        databases: [String]? = nil,
        associatedWithDDM: Bool? = nil,
        datastore: Datastore? = nil,
        offsiteProjectID: String? = nil
    ) {
        self.id = id
        self.instanceID = instanceID
        self.name = name
        self.type = type
        self.status = status
        self.size = size
        self.beginTime = beginTime
        self.endTime = endTime
        self.databases = databases
        self.associatedWithDDM = associatedWithDDM
        self.datastore = datastore
        self.offsiteProjectID = offsiteProjectID
    }
}

/// Kinds of TaurusDB backup; the incremental-backups API lists `incremental` only.
public enum TaurusDBBackupType: String, Sendable, CaseIterable {
    case auto, manual, incremental
}

/// States of a TaurusDB full backup (`ShowGaussMySqlBackupList`); seeded records are `COMPLETED`.
public enum TaurusDBBackupStatus: String, Sendable, CaseIterable {
    case building = "BUILDING"
    case completed = "COMPLETED"
    case failed = "FAILED"
}

/// A TaurusDB (GaussDB for MySQL) backup.
public struct TaurusDBBackup: Sendable, Hashable {
    public var id: String
    public var instanceID: String
    public var name: String
    public var type: TaurusDBBackupType
    public var beginTime: RecordedTime
    public var endTime: RecordedTime
    /// Kilobytes; may be fractional.
    public var size: Double
    public var status: TaurusDBBackupStatus
    /// What a manual backup was created with (`POST …/backups/create`); `nil` otherwise.
    public var description: String?

    public init(
        id: String,
        instanceID: String,
        name: String,
        type: TaurusDBBackupType,
        beginTime: RecordedTime,
        endTime: RecordedTime,
        size: Double,
        status: TaurusDBBackupStatus = .completed,
        description: String? = nil
    ) {
        self.id = id
        self.instanceID = instanceID
        self.name = name
        self.type = type
        self.beginTime = beginTime
        self.endTime = endTime
        self.size = size
        self.status = status
        self.description = description
    }
}

/// States of a DCS backup record (`003` page).
public enum DCSBackupStatus: String, Sendable, CaseIterable {
    case waiting, backuping, succeed, failed, expired, deleted
}

/// How a DCS backup was started.
public enum DCSBackupType: String, Sendable, CaseIterable {
    case manual, auto
}

/// A DCS (Redis, Memcached) backup record.
public struct DCSBackup: Sendable, Hashable {
    public var backupID: String
    public var instanceID: String
    public var backupName: String
    public var backupType: DCSBackupType
    public var status: DCSBackupStatus
    /// Bytes.
    public var size: Int64
    public var progress: String
    public var remark: String
    public var period: String?
    /// One of `dcs.08.0001` … `dcs.08.0008` when the backup failed.
    public var errorCode: String?
    /// `"TRUE"` or `"FALSE"`, as the API spells it.
    public var isSupportRestore: String
    public var createdAt: RecordedTime
    public var updatedAt: RecordedTime
    public var executionAt: RecordedTime

    public init(
        backupID: String,
        instanceID: String,
        backupName: String,
        backupType: DCSBackupType,
        status: DCSBackupStatus,
        size: Int64,
        progress: String,
        remark: String,
        period: String?,
        errorCode: String?,
        isSupportRestore: String,
        createdAt: RecordedTime,
        updatedAt: RecordedTime,
        executionAt: RecordedTime
    ) {
        self.backupID = backupID
        self.instanceID = instanceID
        self.backupName = backupName
        self.backupType = backupType
        self.status = status
        self.size = size
        self.progress = progress
        self.remark = remark
        self.period = period
        self.errorCode = errorCode
        self.isSupportRestore = isSupportRestore
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.executionAt = executionAt
    }
}

/// States of a DDM backup (`ListBackups`); a `deleted` one is listed nowhere.
public enum DDMBackupStatus: String, Sendable, CaseIterable {
    case normal, createfail, deleted
}

/// Kinds of DDM backup (`ListBackups`).
public enum DDMBackupType: String, Sendable, CaseIterable {
    case autoMetadata = "auto_metadata"
    case metadata
}

/// A DDM backup.
public struct DDMBackup: Sendable, Hashable {
    public var id: String
    public var instanceID: String
    public var name: String
    public var beginTime: RecordedTime
    public var endTime: RecordedTime
    /// The record's own list; `nil` means the instance's.
    public var relatedDataNodes: [DataNode]?
    public var status: DDMBackupStatus
    public var description: String
    /// Kilobytes.
    public var fileSize: Double
    public var backupType: DDMBackupType

    public init(
        id: String,
        instanceID: String,
        name: String,
        beginTime: RecordedTime,
        endTime: RecordedTime,
        relatedDataNodes: [DataNode]? = nil,
        status: DDMBackupStatus = .normal,
        description: String = "",
        fileSize: Double = 0,
        backupType: DDMBackupType = .autoMetadata
    ) {
        self.id = id
        self.instanceID = instanceID
        self.name = name
        self.beginTime = beginTime
        self.endTime = endTime
        self.relatedDataNodes = relatedDataNodes
        self.status = status
        self.description = description
        self.fileSize = fileSize
        self.backupType = backupType
    }
}

/// A backup of any service, as seed files and exports carry them.
public enum Backup: Sendable, Hashable {
    case rds(RDSBackup)
    case taurusdb(TaurusDBBackup)
    case dcs(DCSBackup)
    case ddm(DDMBackup)

    /// The id the record is keyed by (`backup_id` for DCS).
    public var id: String {
        switch self {
        case .rds(let backup): backup.id
        case .taurusdb(let backup): backup.id
        case .dcs(let backup): backup.backupID
        case .ddm(let backup): backup.id
        }
    }

    public var instanceID: String {
        switch self {
        case .rds(let backup): backup.instanceID
        case .taurusdb(let backup): backup.instanceID
        case .dcs(let backup): backup.instanceID
        case .ddm(let backup): backup.instanceID
        }
    }

    public var service: Service {
        switch self {
        case .rds: .rds
        case .taurusdb: .taurusdb
        case .dcs: .dcs
        case .ddm: .ddm
        }
    }
}
