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

    func write(_ content: CatalogContent) async throws {
        var written = 0
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
            try await upsert(StoredTables.backups(of: service), backups[service] ?? [], report)
        }
        // A record loaded from a seed is a seeded record again, whatever the lifecycle did to it.
        let ids = content.backups.map(\.id)
        for start in stride(from: 0, to: ids.count, by: 5_000) {
            let slice = Array(ids[start..<min(start + 5_000, ids.count)])
            try await connection.execute("DELETE FROM lifecycle_tracks WHERE backup_id = ANY(\(slice))", logger: logger)
        }
        progress(written)
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
