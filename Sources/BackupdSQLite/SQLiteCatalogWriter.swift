import BackupdCatalog
import BackupdStorage
import GRDB
import GRDBSQLite

/// Writes a `CatalogContent` inside the caller's transaction, keyed upserts only
/// (`StoredTable.sqliteUpsert`), one statement per table compiled once per load and each row's
/// values bound to it directly: at a million rows, building the SQL text and GRDB's argument
/// values per row cost more than SQLite's own work.
struct SQLiteCatalogWriter {
    let db: Database
    let progress: @Sendable (Int) -> Void
    private static let progressEvery = 10_000
    private let upserts: [String: Statement]

    init(db: Database, progress: @escaping @Sendable (Int) -> Void) throws {
        self.db = db
        self.progress = progress
        let tables =
            [
                StoredTables.domains, StoredTables.projects, StoredTables.users, StoredTables.accessKeys, StoredTables.instances,
            ] + Service.allCases.map(StoredTables.backups(of:))
        var upserts: [String: Statement] = [:]
        for table in tables {
            upserts[table.name] = try db.cachedStatement(sql: table.sqliteUpsert)
        }
        self.upserts = upserts
    }

    /// - Returns: the records written so far, `written` before.
    func write(_ content: CatalogContent, after written: Int) throws -> Int {
        var written = written
        func upsert(_ table: StoredTable, _ values: [StoredValue]) throws {
            try Self.run(upserts[table.name]!, values)
            written += 1
            if written % Self.progressEvery == 0 { progress(written) }
        }
        for domain in content.domains { try upsert(StoredTables.domains, StoredValues.of(domain)) }
        for project in content.projects { try upsert(StoredTables.projects, StoredValues.of(project)) }
        for user in content.users { try upsert(StoredTables.users, StoredValues.of(user)) }
        for key in content.accessKeys { try upsert(StoredTables.accessKeys, StoredValues.of(key)) }
        for instance in content.instances { try upsert(StoredTables.instances, StoredValues.of(instance)) }
        for backup in content.backups { try upsert(StoredTables.backups(of: backup.service), StoredValues.of(backup)) }
        // A record loaded from a seed is a seeded record again, whatever the lifecycle did to it.
        if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM lifecycle_tracks)") == true {
            let forget = try db.cachedStatement(sql: "DELETE FROM lifecycle_tracks WHERE backup_id = ?")
            for backup in content.backups { try forget.execute(arguments: [backup.id]) }
        }
        return written
    }

    /// SQLite copies the bound text (`SQLITE_TRANSIENT`, a macro Swift does not import).
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    /// Binds `values` to `statement` in order and runs it.
    /// - Throws: the `DatabaseError` SQLite reports (a constraint's included).
    private static func run(_ statement: Statement, _ values: [StoredValue]) throws {
        let handle = statement.sqliteStatement
        // GRDB resets a statement before it next runs one, not after: a cached statement that GRDB
        // ran last may still be stepped, and binding it then is a misuse.
        sqlite3_reset(handle)
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .text(let text?):
                var text = text
                code = text.withUTF8 { bytes in
                    // An empty buffer may have no address, which SQLite would bind as NULL.
                    guard !bytes.isEmpty else { return sqlite3_bind_text(handle, index, "", 0, transient) }
                    return bytes.withMemoryRebound(to: CChar.self) {
                        sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), transient)
                    }
                }
            case .integer(let integer?): code = sqlite3_bind_int64(handle, index, integer)
            case .real(let real): code = sqlite3_bind_double(handle, index, real)
            case .boolean(let boolean?): code = sqlite3_bind_int64(handle, index, boolean ? 1 : 0)
            case .text(nil), .integer(nil), .boolean(nil): code = sqlite3_bind_null(handle, index)
            }
            guard code == SQLITE_OK else { throw error(of: handle, code) }
        }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else { throw error(of: handle, code) }
    }

    private static func error(of handle: OpaquePointer, _ code: Int32) -> DatabaseError {
        let connection = sqlite3_db_handle(handle)
        return DatabaseError(
            resultCode: ResultCode(rawValue: connection.map(sqlite3_extended_errcode) ?? code),
            message: connection.map { String(cString: sqlite3_errmsg($0)) },
            sql: String(cString: sqlite3_sql(handle))
        )
    }
}
