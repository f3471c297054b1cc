public import BackupdCatalog
import BackupdStorage
import PostgresNIO

/// Loads, deletions, exports and counts.
extension PostgresCatalogStore {
    public func load(parts: CatalogParts, progress: @escaping @Sendable (Int) -> Void) async throws {
        let statementTimeout = pool.settings.bulkStatementTimeout
        // One transaction, however long: all or nothing. Each statement has its own deadline,
        // and the server's per-statement limit is lifted for this transaction only.
        try await write(timeout: .seconds(24 * 3600)) { connection in
            try await connection.execute("SET LOCAL statement_timeout = 0", logger: self.logger)
            // A load may touch anything: logged as everything, which spares the triggers.
            try await connection.execute(
                "INSERT INTO pending_changes VALUES (txid_current(), \(ChangeScope.Logged.everything)) ON CONFLICT DO NOTHING",
                logger: self.logger
            )
            var writer = PostgresCatalogWriter(
                connection: connection,
                logger: self.logger,
                statementTimeout: statementTimeout,
                progress: progress
            )
            let bulk = try await PostgresBulkLoad.begin(connection, logger: self.logger)
            if bulk != nil { writer.bulkKeys = PostgresCatalogWriter.BulkKeys() }
            var written = 0
            while let part = parts.next() {
                written = try await writer.write(part, after: written)
            }
            progress(written)
            try await bulk?.finish(connection, logger: self.logger)
        }
    }

    public func deleteBackups(ids: [String]) async throws -> Int {
        let ids = ids.filter(CatalogText.isStorable)
        guard !ids.isEmpty else { return 0 }
        return try await write { connection in
            try await connection.rows(
                """
                WITH rds AS (DELETE FROM rds_backups WHERE id = ANY(\(ids)) RETURNING 1),
                    taurusdb AS (DELETE FROM taurusdb_backups WHERE id = ANY(\(ids)) RETURNING 1),
                    dcs AS (DELETE FROM dcs_backups WHERE backup_id = ANY(\(ids)) RETURNING 1),
                    ddm AS (DELETE FROM ddm_backups WHERE id = ANY(\(ids)) RETURNING 1)
                SELECT (SELECT count(*) FROM rds) + (SELECT count(*) FROM taurusdb)
                    + (SELECT count(*) FROM dcs) + (SELECT count(*) FROM ddm)
                """,
                logger: self.logger
            ).first.map { Int(try $0[0].decode(Int64.self)) } ?? 0
        }
    }

    public func exportTenancy() async throws -> CatalogContent {
        // One snapshot for the five tables: a repeatable-read, read-only transaction.
        try await pool.withTransaction(.read) { connection in
            try await connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: self.logger)
            func all<T>(_ table: StoredTable, orderedBy order: String, _ decode: (PostgresRow) throws -> T) async throws -> [T] {
                try await connection.all("\(unescaped: table.select) ORDER BY \(unescaped: order)", logger: self.logger, decode)
            }
            return CatalogContent(
                domains: try await all(StoredTables.domains, orderedBy: "name, id", StoredRecords.domain),
                projects: try await all(StoredTables.projects, orderedBy: "domain_id, name, id", StoredRecords.project),
                users: try await all(StoredTables.users, orderedBy: "domain_id, name", StoredRecords.user),
                accessKeys: try await all(
                    StoredTables.accessKeys,
                    orderedBy: "domain_id, user_name, access",
                    StoredRecords.accessKey
                ),
                instances: try await all(StoredTables.instances, orderedBy: "id", StoredRecords.instance)
            )
        }
    }

    public func exportBackups(after cursor: BackupCursor?, limit: Int) async throws -> [Backup] {
        try await read { connection in
            var result: [Backup] = []
            let services = Service.allCases
            let startIndex = cursor.flatMap { services.firstIndex(of: $0.service) } ?? 0
            for service in services[startIndex...] where result.count < limit {
                let after = cursor?.service == service ? cursor?.id ?? "" : ""
                let remaining = Int64(limit - result.count)
                let table = StoredTables.backups(of: service)
                let key = table.key[0]
                result += try await connection.all(
                    """
                    \(unescaped: table.select) WHERE \(unescaped: key) > \(after)
                    ORDER BY \(unescaped: key) LIMIT \(remaining)
                    """,
                    logger: self.logger
                ) { try StoredRecords.backup(of: service, $0) }
            }
            return result
        }
    }

    public func statistics() async throws -> CatalogStatistics {
        try await read { connection in
            // Backups from the counters the triggers keep (a count(*) would read every row).
            guard
                let row = try await connection.rows(
                    """
                    SELECT (SELECT count(*) FROM domains), (SELECT count(*) FROM projects), (SELECT count(*) FROM users),
                        (SELECT count(*) FROM access_keys), (SELECT count(*) FROM instances),
                        (SELECT coalesce(sum(count), 0)::bigint FROM rds_backup_totals)
                        + (SELECT coalesce(sum(count), 0)::bigint FROM taurusdb_backup_totals)
                        + (SELECT coalesce(sum(count), 0)::bigint FROM dcs_backup_totals)
                        + (SELECT count(*) FROM ddm_backups)
                    """,
                    logger: self.logger
                ).first
            else { throw CatalogError.unavailable(reason: "PostgreSQL returned no statistics") }
            let value = { (index: Int) in Int(try row[index].decode(Int64.self)) }
            return CatalogStatistics(
                domains: try value(0),
                projects: try value(1),
                users: try value(2),
                accessKeys: try value(3),
                instances: try value(4),
                backups: try value(5)
            )
        }
    }

    public func accountStatistics() async throws -> AccountStatistics {
        try await read { connection in
            guard
                let row = try await connection.rows(
                    """
                    SELECT (SELECT count(*) FROM domains), (SELECT count(*) FROM projects), (SELECT count(*) FROM users),
                        (SELECT count(*) FROM access_keys)
                    """,
                    logger: self.logger
                ).first
            else { throw CatalogError.unavailable(reason: "PostgreSQL returned no statistics") }
            let value = { (index: Int) in Int(try row[index].decode(Int64.self)) }
            return AccountStatistics(domains: try value(0), projects: try value(1), users: try value(2), accessKeys: try value(3))
        }
    }

    public func isEmpty() async throws -> Bool {
        try await read { connection in
            try await !(connection.rows("SELECT EXISTS (SELECT 1 FROM domains)", logger: self.logger).first?[0].decode(Bool.self) ?? false)
        }
    }

    public func regions() async throws -> [String] {
        try await read { connection in
            let names = try await connection.rows("SELECT DISTINCT name FROM projects", logger: self.logger)
                .map { try $0[0].decode(String.self) }
            return Set(names.map { Project(id: "", domainID: "", name: $0).region }).sorted()
        }
    }
}
