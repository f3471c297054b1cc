import BackupdStorage
import Logging
import PostgresNIO

/// A load into empty backup tables, the way PostgreSQL is loaded in bulk: inside the load's own
/// transaction, the tables' secondary indexes and foreign keys are dropped, the rows written, then
/// each index built once and each foreign key checked in one pass over the table (instead of a
/// row trigger per insert). All of it is in the transaction, so a failed load leaves the schema and
/// the store as they were. Other nodes' reads of these tables wait for the load to commit.
struct PostgresBulkLoad {
    private static let tables = StoredTables.backupTableNames

    /// The statements that make the dropped indexes and constraints again.
    private let restore: [String]

    /// Drops the backup tables' secondary indexes and foreign keys when every backup table is empty.
    /// - Returns: `nil` when some backup table holds a record: then rows are merged into what is there.
    static func begin(_ connection: PostgresConnection, logger: Logger) async throws -> PostgresBulkLoad? {
        for table in tables {
            let rows = try await connection.rows(PostgresQuery(unsafeSQL: "SELECT 1 FROM \(table) LIMIT 1"), logger: logger)
            if !rows.isEmpty { return nil }
        }
        var drop: [String] = []
        var restore: [String] = []
        let indexes = try await connection.rows(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(\(tables))
                AND NOT EXISTS (
                    SELECT 1 FROM pg_constraint c
                    WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass
                )
            ORDER BY i.indexname
            """,
            logger: logger
        )
        for row in indexes {
            let name = try row[0].decode(String.self)
            let definition = try row[1].decode(String.self)
            drop.append("DROP INDEX \(name)")
            restore.append(definition)
        }
        let keys = try await connection.rows(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
            WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
                AND c.conrelid::regclass::text = ANY(\(tables))
            ORDER BY c.conname
            """,
            logger: logger
        )
        for row in keys {
            let table = try row[0].decode(String.self)
            let name = try row[1].decode(String.self)
            let definition = try row[2].decode(String.self)
            drop.append("ALTER TABLE \(table) DROP CONSTRAINT \(name)")
            restore.append("ALTER TABLE \(table) ADD CONSTRAINT \(name) \(definition)")
        }
        for statement in drop {
            try await connection.execute(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        return PostgresBulkLoad(restore: restore)
    }

    /// Builds the indexes and checks the foreign keys again, as the schema had them.
    func finish(_ connection: PostgresConnection, logger: Logger) async throws {
        for statement in restore {
            try await connection.execute(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
    }
}
