import BackupdCatalog

/// Which rows log which `ChangeScope` in the store's change log: every table a read can see,
/// so that no write path can forget what it touched. Each engine turns this list into triggers
/// in its own dialect; the conformance suite checks that every table is in one of the two lists.
public enum ChangeLogging {
    /// A table and the scope each of its rows logs when inserted, updated or deleted.
    public struct LoggedTable: Sendable {
        public let name: String
        /// The column naming the row's scope; `nil` when every row logs `constant`.
        public let column: String?
        /// The scope's text before the column's value, or the whole text when `column` is `nil`.
        public let prefix: String

        /// The scope's SQL expression for a row, its columns qualified by `row` (`NEW.`, `OLD.`, or `""`).
        public func expression(row: String) -> String {
            guard let column else { return "'\(prefix)'" }
            return "'\(prefix)' || \(row)\(column)"
        }
    }

    private static func instanceRows(_ table: String) -> LoggedTable {
        LoggedTable(name: table, column: "instance_id", prefix: ChangeScope.Logged.instancePrefix)
    }

    private static func everything(_ table: String) -> LoggedTable {
        LoggedTable(name: table, column: nil, prefix: ChangeScope.Logged.everything)
    }

    public static let tables: [LoggedTable] = [
        LoggedTable(name: StoredTables.domains.name, column: nil, prefix: ChangeScope.Logged.accounts),
        LoggedTable(name: StoredTables.projects.name, column: nil, prefix: ChangeScope.Logged.accounts),
        LoggedTable(name: StoredTables.users.name, column: nil, prefix: ChangeScope.Logged.accounts),
        LoggedTable(name: StoredTables.accessKeys.name, column: "access", prefix: ChangeScope.Logged.accessKeyPrefix),
        LoggedTable(name: StoredTables.signatureFailures.name, column: "access", prefix: ChangeScope.Logged.accessKeyPrefix),
        LoggedTable(name: StoredTables.tokens.name, column: "digest", prefix: ChangeScope.Logged.tokenPrefix),
        everything(StoredTables.instances.name),
        everything(StoredTables.catalogClock.name),
        everything(StoredTables.lifecycleTimings.name),
        instanceRows(StoredTables.rdsBackups.name),
        instanceRows(StoredTables.taurusDBBackups.name),
        instanceRows(StoredTables.dcsBackups.name),
        instanceRows(StoredTables.ddmBackups.name),
        instanceRows(StoredTables.armedFaults.name),
        instanceRows(StoredTables.lifecycleTracks.name),
        instanceRows(StoredTables.backupPolicies.name),
        instanceRows(StoredTables.offsitePolicies.name),
        instanceRows("offsite_incremental_segments"),
    ]

    /// Tables whose rows log nothing: counters the logged tables' triggers keep, the log itself,
    /// and the settle's own bookkeeping, which no read sees.
    public static let unlogged: Set<String> = [
        "rds_backup_totals", "taurusdb_backup_totals", "dcs_backup_totals",
        "catalog_revision", "catalog_changes", "pending_changes", "settle_marks",
    ]
}
