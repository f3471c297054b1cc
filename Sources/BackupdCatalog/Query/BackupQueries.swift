// Ids are compared byte for byte, as the engines compare them: two ids that Unicode calls
// canonically equivalent are still different ids (`docs/api.md` §1.9 orders them by bytes).

/// Where an RDS backup list looks: an instance's own backups, or its cross-region
/// copies held in one project (`docs/api.md` §2 and §3 selection).
public enum RDSBackupLocation: Sendable, Hashable {
    case home
    case offsite(projectID: String)
}

/// The RDS lists: candidates, filters and page. Ordered newest `begin_time` first, ties by id.
public struct RDSBackupQuery: Sendable, Hashable {
    public var instanceID: String
    public var location: RDSBackupLocation
    public var backupID: String?
    /// Stored types to include; `nil` means every type.
    public var types: Set<RDSBackupType>?
    public var status: RDSBackupStatus?
    public var window: TimeWindow?
    public var page: PageRequest

    public init(
        instanceID: String,
        location: RDSBackupLocation,
        backupID: String? = nil,
        types: Set<RDSBackupType>? = nil,
        status: RDSBackupStatus? = nil,
        window: TimeWindow? = nil,
        page: PageRequest
    ) {
        self.instanceID = instanceID
        self.location = location
        self.backupID = backupID
        self.types = types
        self.status = status
        self.window = window
        self.page = page
    }

    /// Whether `backup` is selected, ignoring paging: the reference semantics every engine must match.
    public func matches(_ backup: RDSBackup) -> Bool {
        guard backup.instanceID.utf8.elementsEqual(instanceID.utf8) else { return false }
        switch location {
        case .home where backup.offsiteProjectID != nil: return false
        case .offsite(let projectID) where !(backup.offsiteProjectID?.utf8.elementsEqual(projectID.utf8) ?? false):
            return false
        default: break
        }
        return (backupID.map { $0.utf8.elementsEqual(backup.id.utf8) } ?? true) && (types.map { $0.contains(backup.type) } ?? true)
            && (status.map { $0 == backup.status } ?? true)
            && (window.map { $0.contains(backup.beginTime.epochSeconds) } ?? true)
    }
}

/// The TaurusDB incremental-backup list. Ordered newest `begin_time` first, ties by id.
public struct TaurusDBBackupQuery: Sendable, Hashable {
    public var instanceID: String
    public var type: TaurusDBBackupType
    public var window: TimeWindow?
    public var page: PageRequest

    public init(instanceID: String, type: TaurusDBBackupType = .incremental, window: TimeWindow?, page: PageRequest) {
        self.instanceID = instanceID
        self.type = type
        self.window = window
        self.page = page
    }

    public func matches(_ backup: TaurusDBBackup) -> Bool {
        backup.instanceID.utf8.elementsEqual(instanceID.utf8) && backup.type == type
            && (window.map { $0.contains(backup.beginTime.epochSeconds) } ?? true)
    }
}

/// The DCS backup-record lists (v1.0 and v2). Ordered newest `created_at` second first, ties by `backup_id`.
public struct DCSBackupQuery: Sendable, Hashable {
    public var instanceID: String
    public var window: TimeWindow?
    public var page: PageRequest

    public init(instanceID: String, window: TimeWindow?, page: PageRequest) {
        self.instanceID = instanceID
        self.window = window
        self.page = page
    }

    public func matches(_ backup: DCSBackup) -> Bool {
        backup.instanceID.utf8.elementsEqual(instanceID.utf8) && (window.map { $0.contains(backup.createdAt.epochSeconds) } ?? true)
    }
}

/// The TaurusDB full-backup list (`docs/lifecycle.md` §3.9). Ordered newest `begin_time` first, ties by id.
public struct TaurusDBFullBackupQuery: Sendable, Hashable {
    public var instanceID: String
    /// `auto`, `manual` or both.
    public var types: Set<TaurusDBBackupType>
    public var backupID: String?
    public var name: String?
    public var window: TimeWindow?
    public var page: PageRequest

    public init(
        instanceID: String,
        types: Set<TaurusDBBackupType>,
        backupID: String? = nil,
        name: String? = nil,
        window: TimeWindow? = nil,
        page: PageRequest
    ) {
        self.instanceID = instanceID
        self.types = types
        self.backupID = backupID
        self.name = name
        self.window = window
        self.page = page
    }

    public func matches(_ backup: TaurusDBBackup) -> Bool {
        backup.instanceID.utf8.elementsEqual(instanceID.utf8) && types.contains(backup.type)
            && (backupID.map { $0.utf8.elementsEqual(backup.id.utf8) } ?? true)
            && (name.map { $0.utf8.elementsEqual(backup.name.utf8) } ?? true)
            && (window.map { $0.contains(backup.beginTime.epochSeconds) } ?? true)
    }
}

/// The DDM backup list (`docs/lifecycle.md` §3.14): records not `deleted`, newest `created`
/// (`begin_time`) first, ties by id.
public struct DDMBackupQuery: Sendable, Hashable {
    public var instanceID: String
    public var backupID: String?
    public var name: String?
    public var page: PageRequest

    public init(instanceID: String, backupID: String? = nil, name: String? = nil, page: PageRequest) {
        self.instanceID = instanceID
        self.backupID = backupID
        self.name = name
        self.page = page
    }

    public func matches(_ backup: DDMBackup) -> Bool {
        backup.instanceID.utf8.elementsEqual(instanceID.utf8) && backup.status != .deleted
            && (backupID.map { $0.utf8.elementsEqual(backup.id.utf8) } ?? true)
            && (name.map { $0.utf8.elementsEqual(backup.name.utf8) } ?? true)
    }
}

extension RDSBackupQuery {
    /// The same query for another page.
    public func paged(_ page: PageRequest) -> RDSBackupQuery {
        var query = self
        query.page = page
        return query
    }
}
