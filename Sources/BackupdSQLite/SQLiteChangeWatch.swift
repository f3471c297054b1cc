import BackupdCatalog
import GRDBSQLite
import Synchronization

/// A read-only connection of its own that only asks `PRAGMA data_version`, which changes when
/// any other connection, in this process or another, commits to the database. Every request
/// asks it once, so it bypasses GRDB's queues: one prepared statement, stepped under a mutex.
final class SQLiteChangeWatch: Sendable {
    /// The connection and its one statement, only ever touched under `lock`.
    private struct Handles: @unchecked Sendable {
        let connection: OpaquePointer
        let statement: OpaquePointer
    }

    private let lock: Mutex<Handles>

    /// - Throws: `CatalogError.unavailable` when the file cannot be opened.
    init(path: String) throws {
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &connection, flags, nil) == SQLITE_OK, let connection else {
            sqlite3_close(connection)
            throw CatalogError.unavailable(reason: "cannot open \(path) to watch it for changes")
        }
        sqlite3_busy_timeout(connection, 10_000)
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(connection, "PRAGMA data_version", -1, &statement, nil) == SQLITE_OK, let statement
        else {
            let message = String(cString: sqlite3_errmsg(connection))
            sqlite3_close(connection)
            throw CatalogError.unavailable(reason: "cannot watch \(path) for changes: \(message)")
        }
        lock = Mutex(Handles(connection: connection, statement: statement))
    }

    /// The connection's current data version.
    func version() throws -> UInt64 {
        try lock.withLock { handles in
            defer { sqlite3_reset(handles.statement) }
            guard sqlite3_step(handles.statement) == SQLITE_ROW else {
                throw CatalogError.unavailable(reason: String(cString: sqlite3_errmsg(handles.connection)))
            }
            return UInt64(bitPattern: sqlite3_column_int64(handles.statement, 0))
        }
    }

    deinit {
        lock.withLock { handles in
            sqlite3_finalize(handles.statement)
            sqlite3_close(handles.connection)
        }
    }
}
