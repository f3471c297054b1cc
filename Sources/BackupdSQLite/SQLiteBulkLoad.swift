import BackupdStorage
import GRDB

/// A load into empty backup tables, the way databases are loaded in bulk: inside the load's own
/// transaction, the tables' secondary indexes and triggers are dropped, the rows written, then the
/// indexes built once (a sort instead of a million index inserts) and the totals counted in one
/// pass per table. All of it is in the transaction, so a failed load leaves the schema and the
/// store as they were.
struct SQLiteBulkLoad {
    private static let tables = StoredTables.backupTableNames

    /// The statements that made the dropped indexes and triggers, to make them again.
    private let dropped: [String]

    static func backupTablesAreEmpty(_ db: Database) throws -> Bool {
        for table in tables where try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table))") == true {
            return false
        }
        return true
    }

    /// Every reference of every row, checked at once after a load written with `foreign_keys` off.
    /// - Throws: `SQLITE_CONSTRAINT_FOREIGNKEY`, as the row's own insert would have, so that the
    ///   load is refused and rolled back as a whole.
    static func checkReferences(_ db: Database) throws {
        if let broken = try Row.fetchOne(db, sql: "PRAGMA foreign_key_check") {
            let table: String = broken[0]
            throw DatabaseError(resultCode: .SQLITE_CONSTRAINT_FOREIGNKEY, message: "FOREIGN KEY constraint failed (\(table))")
        }
    }

    /// Drops the backup tables' indexes and triggers when every backup table is empty.
    /// - Returns: `nil` when some backup table holds a record: then rows are written one at a time.
    static func begin(_ db: Database) throws -> SQLiteBulkLoad? {
        guard try backupTablesAreEmpty(db) else { return nil }
        let marks = databaseQuestionMarks(count: tables.count)
        let definitions = try Row.fetchAll(
            db,
            sql: """
                SELECT type, name, sql FROM sqlite_master
                WHERE type IN ('index', 'trigger') AND tbl_name IN (\(marks)) AND sql IS NOT NULL
                ORDER BY type, name
                """,
            arguments: StatementArguments(tables)
        )
        for definition in definitions {
            let kind: String = definition["type"]
            let name: String = definition["name"]
            try db.execute(sql: "DROP \(kind == "index" ? "INDEX" : "TRIGGER") \(name)")
        }
        return SQLiteBulkLoad(dropped: definitions.map { $0["sql"] })
    }

    /// Builds the indexes, counts the totals and puts the triggers back.
    func finish(_ db: Database) throws {
        try db.execute(
            sql: """
                DELETE FROM rds_backup_totals;
                INSERT INTO rds_backup_totals
                    SELECT instance_id, coalesce(offsite_project_id, ''), type, status, count(*) FROM rds_backups GROUP BY 1, 2, 3, 4;
                DELETE FROM taurusdb_backup_totals;
                INSERT INTO taurusdb_backup_totals SELECT instance_id, type, count(*) FROM taurusdb_backups GROUP BY 1, 2;
                DELETE FROM dcs_backup_totals;
                INSERT INTO dcs_backup_totals SELECT instance_id, count(*) FROM dcs_backups GROUP BY 1;
                """
        )
        for statement in dropped {
            try db.execute(sql: statement)
        }
    }
}
