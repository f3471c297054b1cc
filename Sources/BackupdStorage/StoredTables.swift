public import BackupdCatalog

/// One table of the catalog schema as both engines name it (`SQLiteMigrations`,
/// `PostgresMigrations`): its columns in the one order every engine reads and writes them
/// (`StoredRecords` decodes, `StoredValues` encodes in this order), and its upsert key.
public struct StoredTable: Sendable, Hashable {
    public let name: String
    public let columns: [String]
    public let key: [String]

    public init(name: String, columns: [String], key: [String]) {
        self.name = name
        self.columns = columns
        self.key = key
    }

    /// `a, b, c`: the columns for a `SELECT` or an `INSERT`.
    public var columnList: String { columns.joined(separator: ", ") }

    /// `t.a, t.b, t.c`: the columns of this table named by `alias` in a join.
    public func columnList(as alias: String) -> String {
        columns.map { "\(alias).\($0)" }.joined(separator: ", ")
    }

    /// The columns an upsert updates when the key exists: every column but the key.
    public var updatedColumns: [String] { columns.filter { !key.contains($0) } }
}

/// The tables a catalog is stored in.
public enum StoredTables {
    public static let domains = StoredTable(name: "domains", columns: ["id", "name"], key: ["id"])
    public static let projects = StoredTable(name: "projects", columns: ["id", "domain_id", "name"], key: ["id"])
    public static let users = StoredTable(
        name: "users",
        columns: ["domain_id", "name", "password_digest", "project_ids"],
        key: ["domain_id", "name"]
    )
    public static let accessKeys = StoredTable(
        name: "access_keys",
        columns: ["access", "domain_id", "user_name", "secret"],
        key: ["access"]
    )
    public static let tokens = StoredTable(
        name: "tokens",
        columns: ["digest", "domain_id", "user_name", "project_id", "issued_at", "expires_at"],
        key: ["digest"]
    )
    /// The consecutive signature failures of an access key and its lock (`SignatureLockout`).
    public static let signatureFailures = StoredTable(
        name: "signature_failures",
        columns: ["access", "consecutive_failures", "locked_until"],
        key: ["access"]
    )
    public static let instances = StoredTable(
        name: "instances",
        columns: [
            "id", "project_id", "service", "name", "datastore_type", "datastore_version", "engine", "engine_version",
            "related_data_nodes",
        ],
        key: ["id"]
    )
    public static let rdsBackups = StoredTable(
        name: "rds_backups",
        columns: [
            "id", "instance_id", "name", "type", "status", "size", "begin_time", "begin_key", "end_time", "databases",
            "associated_with_ddm", "datastore_type", "datastore_version", "offsite_project_id",
        ],
        key: ["id"]
    )
    public static let taurusDBBackups = StoredTable(
        name: "taurusdb_backups",
        columns: ["id", "instance_id", "name", "type", "begin_time", "begin_key", "end_time", "size", "status", "description"],
        key: ["id"]
    )
    public static let dcsBackups = StoredTable(
        name: "dcs_backups",
        columns: [
            "backup_id", "instance_id", "backup_name", "backup_type", "status", "size", "progress", "remark", "period",
            "error_code", "is_support_restore", "created_at", "created_key", "created_ms", "updated_at", "execution_at",
        ],
        key: ["backup_id"]
    )
    public static let ddmBackups = StoredTable(
        name: "ddm_backups",
        columns: [
            "id", "instance_id", "name", "begin_time", "begin_key", "end_time", "related_data_nodes", "status", "description",
            "file_size", "backup_type",
        ],
        key: ["id"]
    )

    /// The catalog clock's one row (`ClockSetting`).
    public static let catalogClock = StoredTable(name: "catalog_clock", columns: ["offset_ms", "frozen_at"], key: ["only_row"])
    /// The phase timings' one row, in the order of `Timing.allCases`.
    public static let lifecycleTimings = StoredTable(
        name: "lifecycle_timings",
        columns: Timing.allCases.map(\.rawValue),
        key: ["only_row"]
    )
    public static let armedFaults = StoredTable(name: "armed_faults", columns: ["instance_id", "armed_at"], key: ["instance_id"])

    /// The lifecycle records' tracks (`LifecycleTrack`), with the next instant each changes.
    public static let lifecycleTracks = StoredTable(
        name: "lifecycle_tracks",
        columns: [
            "backup_id", "service", "instance_id", "started_at", "waiting_ms", "building_ms", "fails", "deleted_at",
            "deleting_ms", "retired_at", "retention_ms", "next_change",
        ],
        key: ["backup_id"]
    )

    /// The backup policies (`PolicyState`): one per instance, with the next instant it runs at.
    public static let backupPolicies = StoredTable(
        name: "backup_policies",
        columns: [
            "instance_id", "kind", "keep_days", "start_time", "period", "dcs_backup_type", "save_days", "backup_at",
            "period_type", "begin_at", "timezone_offset", "since", "scheduled_through", "chain_start", "incremental_floor",
            "policy_id", "created_at", "next_run", "series_prefix",
        ],
        key: ["instance_id"]
    )

    /// The cross-region policies of RDS instances (`OffsitePolicy`).
    public static let offsitePolicies = StoredTable(
        name: "offsite_policies",
        columns: [
            "instance_id", "copies_auto", "copies_incremental", "copies_manual", "keep_days", "destination_region",
            "destination_project_id", "incremental_floor",
        ],
        key: ["instance_id"]
    )

    /// The names of the four backup tables, one per service.
    public static let backupTableNames = Service.allCases.map { backups(of: $0).name }

    /// The table holding `service`'s backups; its key is the backup id.
    public static func backups(of service: Service) -> StoredTable {
        switch service {
        case .rds: rdsBackups
        case .taurusdb: taurusDBBackups
        case .dcs: dcsBackups
        case .ddm: ddmBackups
        }
    }
}
