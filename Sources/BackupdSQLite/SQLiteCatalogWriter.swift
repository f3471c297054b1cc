import BackupdCatalog
import BackupdStorage
import GRDB

/// Writes a `CatalogContent` inside the caller's transaction, keyed upserts only
/// (`StoredTable.sqliteUpsert`), one cached statement per table.
struct SQLiteCatalogWriter {
    let db: Database
    let progress: @Sendable (Int) -> Void
    private static let progressEvery = 10_000

    func write(_ content: CatalogContent) throws {
        var written = 0
        func upsert(_ table: StoredTable, _ values: [StoredValue]) throws {
            try db.cachedStatement(sql: table.sqliteUpsert).execute(arguments: StatementArguments(values))
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
        progress(written)
    }
}
