import BackupdCatalog
import PostgresNIO

/// Brings a database's schema up to date, once, whatever the number of nodes starting together.
enum PostgresSchema {
    /// Applies the missing migrations in one transaction under an advisory lock (per schema), on
    /// a connection of its own: a refused connection or a wrong password fails here at once.
    /// - Throws: `CatalogError.schemaTooNew` when the database records a migration this backupd
    ///   does not know; `CatalogError.unavailable` naming what failed otherwise.
    /// - Parameter deadline: how long it may take in all, waiting for other nodes included.
    static func migrate(settings: PostgresPool.Settings, deadline: Duration = .seconds(60)) async throws {
        let logger = PostgresPool.silent
        let schema = settings.location.schema
        do {
            try await Deadline.run(after: deadline) {
                let connection = try await PostgresPool.connect(settings)
                do {
                    try await connection.execute("BEGIN", logger: logger)
                    // Nodes starting together wait here for the first one's migrations: longer than
                    // a query may take, and bounded by this function's deadline instead.
                    try await connection.execute(
                        PostgresQuery(unsafeSQL: "SET LOCAL statement_timeout = '\(deadline.components.seconds)s'"),
                        logger: logger
                    )
                    try await connection.execute(
                        "SELECT pg_advisory_xact_lock(hashtext(\("backupd-migrations:" + schema)))",
                        logger: logger
                    )
                    try await connection.execute(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""), logger: logger)
                    try await connection.execute(
                        """
                        CREATE TABLE IF NOT EXISTS backupd_migrations (
                            identifier text COLLATE "C" PRIMARY KEY,
                            applied_at timestamptz NOT NULL DEFAULT now()
                        )
                        """,
                        logger: logger
                    )
                    let applied = Set(
                        try await connection.rows("SELECT identifier FROM backupd_migrations", logger: logger)
                            .map { try $0[0].decode(String.self) }
                    )
                    let known = Set(PostgresMigrations.all.map(\.identifier))
                    guard applied.isSubset(of: known) else {
                        try await connection.execute("ROLLBACK", logger: logger)
                        throw CatalogError.schemaTooNew(known: known.count, found: applied.count)
                    }
                    for migration in PostgresMigrations.all where !applied.contains(migration.identifier) {
                        // One round trip per migration, as one PL/pgSQL block: many nodes, or many
                        // test stores, migrate at once, and a statement at a time is slow then.
                        try await connection.execute(
                            PostgresQuery(unsafeSQL: "DO $migration$ BEGIN\n" + migration.sql + "\nEND $migration$"),
                            logger: logger
                        )
                        try await connection.execute(
                            "INSERT INTO backupd_migrations (identifier) VALUES (\(migration.identifier))",
                            logger: logger
                        )
                    }
                    try await connection.execute("COMMIT", logger: logger)
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            }
        } catch let error as CatalogError {
            throw error
        } catch {
            throw CatalogError.unavailable(reason: PostgresFailure(error).reason)
        }
    }
}
