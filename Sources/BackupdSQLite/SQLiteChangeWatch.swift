import BackupdCatalog
import GRDBSQLite
import Synchronization

/// A read-only connection of its own that answers the store's revision on every request without
/// a query while nothing is written: `PRAGMA data_version` changes when any other connection, in
/// this process or another, commits, so while it keeps the value it had when the revision was
/// last read, that revision is still current. It bypasses GRDB's queues: a few prepared
/// statements, stepped under a mutex.
final class SQLiteChangeWatch: Sendable {
    /// The connection and its statements, only ever touched under `lock`.
    private struct State: @unchecked Sendable {
        let connection: OpaquePointer
        let dataVersion: OpaquePointer
        let revision: OpaquePointer
        /// A data version and the revision read while the connection showed it.
        var known: (dataVersion: Int64, revision: UInt64)?
    }

    private let lock: Mutex<State>

    /// - Throws: `CatalogError.unavailable` when the file cannot be opened.
    init(path: String) throws {
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &connection, flags, nil) == SQLITE_OK, let connection else {
            sqlite3_close(connection)
            throw CatalogError.unavailable(reason: "cannot open \(path) to watch it for changes")
        }
        sqlite3_busy_timeout(connection, 10_000)
        func prepare(_ sql: String) throws -> OpaquePointer {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(connection, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
                let message = String(cString: sqlite3_errmsg(connection))
                sqlite3_close(connection)
                throw CatalogError.unavailable(reason: "cannot watch \(path) for changes: \(message)")
            }
            return statement
        }
        let dataVersion = try prepare("PRAGMA data_version")
        let revision: OpaquePointer
        do {
            revision = try prepare("SELECT revision FROM catalog_revision")
        } catch {
            sqlite3_finalize(dataVersion)
            throw error
        }
        lock = Mutex(State(connection: connection, dataVersion: dataVersion, revision: revision))
    }

    /// The store's revision, committed before this returns.
    func revision() throws -> UInt64 {
        try lock.withLock { state in
            let version = try Self.integer(state.dataVersion, state.connection)
            if let known = state.known, known.dataVersion == version { return known.revision }
            let revision = UInt64(bitPattern: try Self.integer(state.revision, state.connection))
            // The pair holds only if no commit came between the two data versions.
            state.known = try Self.integer(state.dataVersion, state.connection) == version ? (version, revision) : nil
            return revision
        }
    }

    private static func integer(_ statement: OpaquePointer, _ connection: OpaquePointer) throws -> Int64 {
        defer { sqlite3_reset(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else {
            throw CatalogError.unavailable(reason: String(cString: sqlite3_errmsg(connection)))
        }
        return sqlite3_column_int64(statement, 0)
    }

    deinit {
        lock.withLock { state in
            sqlite3_finalize(state.dataVersion)
            sqlite3_finalize(state.revision)
            sqlite3_close(state.connection)
        }
    }
}
