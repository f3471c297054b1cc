import BackupdCatalog
import BackupdStorage
import Logging
import PostgresNIO

/// Writes a `CatalogContent` inside the caller's transaction as keyed upserts, a few hundred rows
/// per statement (multi-row `VALUES … ON CONFLICT DO UPDATE`): records with known keys are updated
/// in place, and the totals triggers see each batch once.
struct PostgresCatalogWriter {
    let connection: PostgresConnection
    let logger: Logger
    let statementTimeout: Duration
    let progress: @Sendable (Int) -> Void
    /// Set when the backup tables were empty at the start of the load (`PostgresBulkLoad`): the
    /// keys written so far, by hash, so that a batch with none of them is copied straight in.
    var bulkKeys: BulkKeys? = nil

    /// The hashes of the backup keys a bulk load has written. A collision only sends a batch the
    /// slower way, through the merge.
    final class BulkKeys {
        var seen = Set<Int>()
    }

    /// - Returns: the records written so far, `written` before.
    func write(_ content: CatalogContent, after written: Int) async throws -> Int {
        var written = written
        func report(_ count: Int) {
            let before = written / 10_000
            written += count
            if written / 10_000 != before { progress(written) }
        }
        try await upsert(StoredTables.domains, content.domains.map(StoredValues.of), report)
        try await upsert(StoredTables.projects, content.projects.map(StoredValues.of), report)
        try await upsert(StoredTables.users, content.users.map(StoredValues.of), report)
        try await upsert(StoredTables.accessKeys, content.accessKeys.map(StoredValues.of), report)
        try await upsert(StoredTables.instances, content.instances.map(StoredValues.of), report)
        var backups: [Service: [[StoredValue]]] = [:]
        for backup in content.backups {
            backups[backup.service, default: []].append(StoredValues.of(backup))
        }
        for service in Service.allCases {
            try await copyUpsert(StoredTables.backups(of: service), backups[service] ?? [], report)
        }
        // A record loaded from a seed is a seeded record again, whatever the lifecycle did to it.
        let tracks = try await connection.rows("SELECT 1 FROM lifecycle_tracks LIMIT 1", logger: logger)
        let ids = tracks.isEmpty ? [] : content.backups.map(\.id)
        for start in stride(from: 0, to: ids.count, by: 5_000) {
            let slice = Array(ids[start..<min(start + 5_000, ids.count)])
            try await connection.execute("DELETE FROM lifecycle_tracks WHERE backup_id = ANY(\(slice))", logger: logger)
        }
        return written
    }

    /// Upserts `rows` in statements of `rowsPerStatement`. A key given twice keeps its last
    /// values, as one upsert after another would (one statement cannot update a row twice).
    private func upsert(_ table: StoredTable, _ rows: [[StoredValue]], _ report: (Int) -> Void) async throws {
        guard !rows.isEmpty else { return }
        let keyColumns = table.key.map { table.columns.firstIndex(of: $0)! }
        var lastPosition: [[String]: Int] = [:]
        for (position, row) in rows.enumerated() {
            lastPosition[keyColumns.map { column in if case .text(let value?) = row[column] { value } else { "" } }] = position
        }
        let unique =
            lastPosition.count == rows.count
            ? rows : lastPosition.values.sorted().map { rows[$0] }
        let updates = table.updatedColumns.map { "\($0) = excluded.\($0)" }
        let prefix = "INSERT INTO \(table.name) (\(table.columns.joined(separator: ", "))) VALUES "
        let suffix =
            " ON CONFLICT (\(table.key.joined(separator: ", "))) DO "
            + (updates.isEmpty ? "NOTHING" : "UPDATE SET \(updates.joined(separator: ", "))")
        let rowsPerStatement = max(1, 16_000 / table.columns.count)
        for start in stride(from: 0, to: unique.count, by: rowsPerStatement) {
            let batch = unique[start..<min(start + rowsPerStatement, unique.count)]
            var binds = PostgresBindings(capacity: batch.count * table.columns.count)
            var sql = prefix
            sql.reserveCapacity(prefix.count + batch.count * table.columns.count * 7 + suffix.count)
            var placeholder = 0
            for (index, row) in batch.enumerated() {
                sql += index == 0 ? "(" : ", ("
                for (column, value) in row.enumerated() {
                    placeholder += 1
                    sql += column == 0 ? "$\(placeholder)" : ", $\(placeholder)"
                    binds.append(value)
                }
                sql += ")"
            }
            sql += suffix
            let query = PostgresQuery(unsafeSQL: sql, binds: binds)
            let connection = self.connection
            let logger = self.logger
            try await Deadline.run(after: statementTimeout, orWhenClosed: connection.closeFuture) {
                try await connection.execute(query, logger: logger)
            }
            report(batch.count)
        }
    }
}

extension PostgresCatalogWriter {
    /// Upserts `rows` through a staging table filled by `COPY` (the fastest way into PostgreSQL),
    /// then one `INSERT … SELECT … ON CONFLICT DO UPDATE` per batch: the last row of a key wins, as
    /// one upsert after another would. The staging table lives until the transaction ends. In a
    /// bulk load, a batch whose keys are all new is copied into the table itself.
    private func copyUpsert(_ table: StoredTable, _ rows: [[StoredValue]], _ report: (Int) -> Void) async throws {
        guard !rows.isEmpty else { return }
        let staging = "load_\(table.name)"
        let columns = table.columns.joined(separator: ", ")
        try await execute(
            "CREATE TEMP TABLE IF NOT EXISTS \(staging) ON COMMIT DROP AS SELECT \(columns) FROM \(table.name) WITH NO DATA"
        )
        try await execute("ALTER TABLE \(staging) ADD COLUMN IF NOT EXISTS load_order bigserial")
        let updates = table.updatedColumns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        let key = table.key.joined(separator: ", ")
        let merge = """
            INSERT INTO \(table.name) (\(columns))
            SELECT DISTINCT ON (\(key)) \(columns) FROM \(staging) ORDER BY \(key), load_order DESC
            ON CONFLICT (\(key)) DO UPDATE SET \(updates)
            """
        let keyColumns = table.key.map { table.columns.firstIndex(of: $0)! }
        var copied = PostgresCopyRows(capacity: 1 << 22)
        for start in stride(from: 0, to: rows.count, by: Self.rowsPerCopy) {
            let batch = rows[start..<min(start + Self.rowsPerCopy, rows.count)]
            copied.clear()
            for row in batch { copied.append(row) }
            // Into tables that were empty, a batch of keys never written before goes straight in.
            var direct = false
            if let bulkKeys {
                let hashes = batch.map { row in keyColumns.map { row[$0] }.hashValue }
                let fresh = Set(hashes)
                direct = fresh.count == batch.count && fresh.isDisjoint(with: bulkKeys.seen)
                bulkKeys.seen.formUnion(fresh)
            }
            let connection = self.connection
            let logger = self.logger
            let buffer = copied.buffer
            let target = direct ? table.name : staging
            try await Deadline.run(after: statementTimeout, orWhenClosed: connection.closeFuture) {
                try await connection.copyFrom(table: target, columns: table.columns, logger: logger) { writer in
                    try await writer.write(buffer)
                }
            }
            if !direct {
                try await execute(merge)
                try await execute("TRUNCATE \(staging)")
            }
            report(batch.count)
        }
    }

    /// Rows per `COPY` and merge: large enough that the statements' own cost disappears, small
    /// enough that a batch is a few megabytes.
    private static let rowsPerCopy = 20_000

    /// Runs `sql` (one statement, no parameters) within the statement deadline.
    private func execute(_ sql: String) async throws {
        let connection = self.connection
        let logger = self.logger
        try await Deadline.run(after: statementTimeout, orWhenClosed: connection.closeFuture) {
            try await connection.execute(PostgresQuery(unsafeSQL: sql), logger: logger)
        }
    }
}

extension PostgresBindings {
    /// Binds a stored value with the type its column has.
    mutating func append(_ value: StoredValue) {
        switch value {
        case .text(let text): append(text)
        case .integer(let integer): append(integer)
        case .real(let real): append(real)
        case .boolean(let boolean): append(boolean)
        }
    }
}
