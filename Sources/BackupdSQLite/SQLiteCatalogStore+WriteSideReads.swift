public import BackupdCatalog
import BackupdStorage
import GRDB

/// The reads the write side added: TaurusDB full backups, DDM lists, the routing of shared paths
/// and lifecycle tracks (`docs/lifecycle.md` §2, §3.9, §3.14). Their lists are short (full
/// backups, daily metadata backups), so they are paged by the database alone.
extension SQLiteCatalogStore {
    public func taurusDBFullBackups(_ query: TaurusDBFullBackupQuery) async throws -> Page<TaurusDBBackup> {
        guard query.backupID.map(CatalogText.isStorable) ?? true, query.name.map(CatalogText.isStorable) ?? true else {
            return Page(items: [], total: 0)
        }
        let types = query.types.map(\.rawValue).sorted()
        var conditions = ["instance_id = ?", "type IN (\(databaseQuestionMarks(count: types.count)))"]
        var arguments: StatementArguments = [query.instanceID] + StatementArguments(types)
        if let backupID = query.backupID {
            conditions.append("id = ?")
            arguments += [backupID]
        }
        if let name = query.name {
            conditions.append("name = ?")
            arguments += [name]
        }
        Self.appendWindow(query.window, column: "begin_key", to: &conditions, &arguments)
        return try await page(
            StoredTables.taurusDBBackups,
            conditions: conditions,
            arguments: arguments,
            order: "begin_key DESC, id ASC",
            page: query.page,
            counter: nil,
            decode: StoredRecords.taurusDBBackup
        )
    }

    public func ddmBackups(_ query: DDMBackupQuery) async throws -> Page<DDMBackup> {
        guard query.backupID.map(CatalogText.isStorable) ?? true, query.name.map(CatalogText.isStorable) ?? true else {
            return Page(items: [], total: 0)
        }
        var conditions = ["instance_id = ?", "status <> 'deleted'"]
        var arguments: StatementArguments = [query.instanceID]
        if let backupID = query.backupID {
            conditions.append("id = ?")
            arguments += [backupID]
        }
        if let name = query.name {
            conditions.append("name = ?")
            arguments += [name]
        }
        return try await page(
            StoredTables.ddmBackups,
            conditions: conditions,
            arguments: arguments,
            order: "begin_key DESC, id ASC",
            page: query.page,
            counter: nil,
            decode: StoredRecords.ddmBackup
        )
    }

    public func homeBackup(id: String, inProject projectID: String) async throws -> (service: Service, instanceID: String)? {
        guard CatalogText.isStorable(id) else { return nil }
        return try await read { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT b.service, b.instance_id FROM (
                                SELECT 'rds' AS service, instance_id FROM rds_backups WHERE id = ? AND offsite_project_id IS NULL
                                UNION ALL SELECT 'taurusdb', instance_id FROM taurusdb_backups WHERE id = ?
                                UNION ALL SELECT 'dcs', instance_id FROM dcs_backups WHERE backup_id = ?
                                UNION ALL SELECT 'ddm', instance_id FROM ddm_backups WHERE id = ? AND status <> 'deleted'
                            ) b JOIN instances i ON i.id = b.instance_id
                            WHERE i.project_id = ? AND i.service = b.service
                            """
                    ),
                    arguments: [id, id, id, id, projectID]
                ),
                let service = Service(rawValue: row[0])
            else { return nil }
            return (service, row[1])
        }
    }

    public func tracks(backupIDs: [String]) async throws -> [LifecycleTrack] {
        let ids = backupIDs.filter(CatalogText.isStorable)
        guard !ids.isEmpty else { return [] }
        return try await read { db in
            try fetchAll(
                db,
                "\(StoredTables.lifecycleTracks.select) WHERE backup_id IN (\(databaseQuestionMarks(count: ids.count)))",
                StatementArguments(ids),
                StoredRecords.track
            )
        }
    }
}

extension SQLiteCatalogStore {
    public func automatedFullBackupStarts(instanceID: String) async throws -> [Int64] {
        guard CatalogText.isStorable(instanceID) else { return [] }
        return try await read { db in try Self.automatedFullBackupStarts(db, instanceID: instanceID) }
    }

    static func automatedFullBackupStarts(_ db: Database, instanceID: String) throws -> [Int64] {
        try Int64.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT t.started_at FROM lifecycle_tracks t
                    LEFT JOIN rds_backups r ON r.id = t.backup_id LEFT JOIN taurusdb_backups g ON g.id = t.backup_id
                    WHERE t.instance_id = ? AND coalesce(r.type, g.type) = 'auto' AND t.fails = 0 AND t.started_at IS NOT NULL
                    ORDER BY t.started_at
                    """
            ),
            arguments: [instanceID]
        )
    }
}

extension SQLiteCatalogStore {
    public func instanceID(ofIncrementalPrefix prefix: String) async throws -> String? {
        guard CatalogText.isStorable(prefix) else { return nil }
        return try await read { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT instance_id FROM backup_policies WHERE series_prefix = ?"),
                arguments: [prefix]
            )
        }
    }
}
