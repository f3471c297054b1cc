public import BackupdCatalog
import BackupdStorage
import PostgresNIO

/// The reads the write side added, as SQLite's (`SQLiteCatalogStore+WriteSideReads.swift`).
extension PostgresCatalogStore {
    public func taurusDBFullBackups(_ query: TaurusDBFullBackupQuery) async throws -> Page<TaurusDBBackup> {
        guard query.backupID.map(CatalogText.isStorable) ?? true, query.name.map(CatalogText.isStorable) ?? true else {
            return Page(items: [], total: 0)
        }
        var statement = SQLStatement()
        var conditions = [
            "instance_id = \(statement.bind(query.instanceID))",
            "type = ANY(\(statement.bind(query.types.map(\.rawValue).sorted())))",
        ]
        if let backupID = query.backupID { conditions.append("id = \(statement.bind(backupID))") }
        if let name = query.name { conditions.append("name = \(statement.bind(name))") }
        Self.appendWindow(query.window, column: "begin_key", to: &conditions, &statement)
        let sql = Self.pageQuery(
            statement: &statement,
            table: StoredTables.taurusDBBackups,
            conditions: conditions,
            order: "begin_key DESC, id",
            page: query.page,
            counter: nil
        )
        return try await runPage(sql, decode: StoredRecords.taurusDBBackup)
    }

    public func ddmBackups(_ query: DDMBackupQuery) async throws -> Page<DDMBackup> {
        guard query.backupID.map(CatalogText.isStorable) ?? true, query.name.map(CatalogText.isStorable) ?? true else {
            return Page(items: [], total: 0)
        }
        var statement = SQLStatement()
        var conditions = ["instance_id = \(statement.bind(query.instanceID))", "status <> 'deleted'"]
        if let backupID = query.backupID { conditions.append("id = \(statement.bind(backupID))") }
        if let name = query.name { conditions.append("name = \(statement.bind(name))") }
        let sql = Self.pageQuery(
            statement: &statement,
            table: StoredTables.ddmBackups,
            conditions: conditions,
            order: "begin_key DESC, id",
            page: query.page,
            counter: nil
        )
        return try await runPage(sql, decode: StoredRecords.ddmBackup)
    }

    public func homeBackup(id: String, inProject projectID: String) async throws -> (service: Service, instanceID: String)? {
        guard CatalogText.isStorable(id) else { return nil }
        return try await read { connection in
            guard
                let row = try await connection.rows(
                    """
                    SELECT b.service, b.instance_id FROM (
                        SELECT 'rds' AS service, instance_id FROM rds_backups WHERE id = \(id) AND offsite_project_id IS NULL
                        UNION ALL SELECT 'taurusdb', instance_id FROM taurusdb_backups WHERE id = \(id)
                        UNION ALL SELECT 'dcs', instance_id FROM dcs_backups WHERE backup_id = \(id)
                        UNION ALL SELECT 'ddm', instance_id FROM ddm_backups WHERE id = \(id) AND status <> 'deleted'
                    ) b JOIN instances i ON i.id = b.instance_id
                    WHERE i.project_id = \(projectID) AND i.service = b.service
                    """,
                    logger: self.logger
                ).first,
                let service = Service(rawValue: try row[0].decode(String.self))
            else { return nil }
            return (service, try row[1].decode(String.self))
        }
    }

    public func tracks(backupIDs: [String]) async throws -> [LifecycleTrack] {
        let ids = backupIDs.filter(CatalogText.isStorable)
        guard !ids.isEmpty else { return [] }
        return try await read { connection in
            try await connection.all(
                "\(unescaped: StoredTables.lifecycleTracks.select) WHERE backup_id = ANY(\(ids))",
                logger: self.logger,
                StoredRecords.track
            )
        }
    }
}

extension PostgresCatalogStore {
    public func automatedFullBackupStarts(instanceID: String) async throws -> [Int64] {
        guard CatalogText.isStorable(instanceID) else { return [] }
        return try await read { connection in try await self.automatedFullBackupStarts(connection, instanceID: instanceID) }
    }

    func automatedFullBackupStarts(_ connection: PostgresConnection, instanceID: String) async throws -> [Int64] {
        try await connection.rows(
            """
            SELECT t.started_at FROM lifecycle_tracks t
            LEFT JOIN rds_backups r ON r.id = t.backup_id LEFT JOIN taurusdb_backups g ON g.id = t.backup_id
            WHERE t.instance_id = \(instanceID) AND coalesce(r.type, g.type) = 'auto' AND NOT t.fails AND t.started_at IS NOT NULL
            ORDER BY t.started_at
            """,
            logger: logger
        ).map { try $0[0].decode(Int64.self) }
    }
}

extension PostgresCatalogStore {
    public func instanceID(ofIncrementalPrefix prefix: String) async throws -> String? {
        guard CatalogText.isStorable(prefix) else { return nil }
        return try await read { connection in
            try await connection.rows("SELECT instance_id FROM backup_policies WHERE series_prefix = \(prefix)", logger: self.logger)
                .first?[0].decode(String.self)
        }
    }
}
