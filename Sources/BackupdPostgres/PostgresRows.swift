import BackupdStorage
import PostgresNIO

/// A PostgresNIO row as `StoredRecords` reads it, from column `start` on (a list's rows carry
/// its total first).
struct PostgresRow: StoredRow {
    let row: PostgresRandomAccessRow
    var start = 0

    func text(_ column: Int) throws -> String { try row[start + column].decode(String.self) }
    func optionalText(_ column: Int) throws -> String? { try row[start + column].decode(String?.self) }
    func integer(_ column: Int) throws -> Int64 { try row[start + column].decode(Int64.self) }
    func optionalInteger(_ column: Int) throws -> Int64? { try row[start + column].decode(Int64?.self) }
    func optionalBool(_ column: Int) throws -> Bool? { try row[start + column].decode(Bool?.self) }
    func real(_ column: Int) throws -> Double { try row[start + column].decode(Double.self) }
    func isNull(_ column: Int) -> Bool { row[start + column].bytes == nil }
}

extension StoredTable {
    /// `SELECT <columns> FROM <table>`, for a `WHERE` to follow.
    var select: String { "SELECT \(columnList) FROM \(name)" }
}

extension PostgresConnection {
    /// Every row `query` selects, decoded.
    func all<T>(_ query: PostgresQuery, logger: Logger, _ decode: (PostgresRow) throws -> T) async throws -> [T] {
        try await rows(query, logger: logger).map { try decode(PostgresRow(row: $0)) }
    }

    /// The first row `query` selects, decoded; `nil` when it selects none.
    func first<T>(_ query: PostgresQuery, logger: Logger, _ decode: (PostgresRow) throws -> T) async throws -> T? {
        try await rows(query, logger: logger).first.map { try decode(PostgresRow(row: $0)) }
    }
}
