import BackupdStorage
import GRDB

/// A GRDB row as `StoredRecords` reads it. SQLite keeps booleans as integers.
struct SQLiteRow: StoredRow {
    let row: Row

    func text(_ column: Int) -> String { row[column] }
    func optionalText(_ column: Int) -> String? { row[column] }
    func integer(_ column: Int) -> Int64 { row[column] }
    func optionalInteger(_ column: Int) -> Int64? { row[column] }
    func optionalBool(_ column: Int) -> Bool? { (row[column] as Int64?).map { $0 != 0 } }
    func real(_ column: Int) -> Double { row[column] }
}

extension StatementArguments {
    /// The values of a stored row, bound in order.
    init(_ values: [StoredValue]) {
        self.init(
            values.map { value -> DatabaseValue in
                switch value {
                case .text(let text): text.databaseValue
                case .integer(let integer): integer.databaseValue
                case .real(let real): real.databaseValue
                case .boolean(let boolean): boolean.databaseValue
                }
            }
        )
    }
}

extension StoredTable {
    /// `SELECT <columns> FROM <table>`, for a `WHERE` to follow.
    var select: String { "SELECT \(columnList) FROM \(name)" }

    /// One row's upsert: known keys are updated in place, never deleted and re-inserted (a
    /// `REPLACE` would skip the delete triggers that keep the list totals right).
    var sqliteUpsert: String {
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let updates = updatedColumns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        return "INSERT INTO \(name) (\(columnList)) VALUES (\(marks)) ON CONFLICT(\(key.joined(separator: ", "))) DO "
            + (updates.isEmpty ? "NOTHING" : "UPDATE SET \(updates)")
    }
}

/// The first row `sql` selects, decoded; `nil` when it selects none. The statement is compiled
/// once per connection and kept: settling a catalog runs the same few statements thousands of
/// times, and compiling them dominated its cost.
func fetchOne<T>(
    _ db: Database,
    _ sql: String,
    _ arguments: StatementArguments = [],
    _ decode: (SQLiteRow) throws -> T
) throws -> T? {
    try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments).map { try decode(SQLiteRow(row: $0)) }
}

/// Every row `sql` selects, decoded (the statement kept as `fetchOne` keeps it).
func fetchAll<T>(
    _ db: Database,
    _ sql: String,
    _ arguments: StatementArguments = [],
    _ decode: (SQLiteRow) throws -> T
) throws -> [T] {
    try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { try decode(SQLiteRow(row: $0)) }
}

extension Database {
    /// Runs one statement, compiled once per connection and kept (see `fetchOne`).
    func run(_ sql: String, arguments: StatementArguments = []) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
