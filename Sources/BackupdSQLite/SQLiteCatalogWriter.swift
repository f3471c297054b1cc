import BackupdCatalog
import GRDB

/// Writes a `CatalogContent` inside the caller's transaction, keyed upserts only:
/// records with known keys are replaced in place (never deleted and re-inserted, which
/// would cascade), the rest are added.
struct SQLiteCatalogWriter {
    let db: Database
    let progress: @Sendable (Int) -> Void
    private static let progressEvery = 10_000

    func write(_ content: CatalogContent) throws {
        var written = 0
        func advance() {
            written += 1
            if written % Self.progressEvery == 0 { progress(written) }
        }
        for domain in content.domains {
            try execute(
                "INSERT INTO domains (id, name) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name",
                [domain.id, domain.name]
            )
            advance()
        }
        for project in content.projects {
            try execute(
                """
                INSERT INTO projects (id, domain_id, name) VALUES (?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET domain_id = excluded.domain_id, name = excluded.name
                """,
                [project.id, project.domainID, project.name]
            )
            advance()
        }
        for user in content.users {
            try execute(
                """
                INSERT INTO users (domain_id, name, password_digest, project_ids) VALUES (?, ?, ?, ?)
                ON CONFLICT(domain_id, name) DO UPDATE SET
                    password_digest = excluded.password_digest, project_ids = excluded.project_ids
                """,
                [user.domainID, user.name, user.passwordDigest, JSONColumn.encode(user.projectIDs)]
            )
            advance()
        }
        for key in content.accessKeys {
            try execute(
                """
                INSERT INTO access_keys (access, domain_id, user_name, secret) VALUES (?, ?, ?, ?)
                ON CONFLICT(access) DO UPDATE SET
                    domain_id = excluded.domain_id, user_name = excluded.user_name, secret = excluded.secret
                """,
                [key.access, key.domainID, key.userName, key.secret]
            )
            advance()
        }
        for instance in content.instances {
            try execute(
                """
                INSERT INTO instances (id, project_id, service, name, datastore_type, datastore_version, engine,
                    engine_version, related_data_nodes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET project_id = excluded.project_id, service = excluded.service,
                    name = excluded.name, datastore_type = excluded.datastore_type,
                    datastore_version = excluded.datastore_version, engine = excluded.engine,
                    engine_version = excluded.engine_version, related_data_nodes = excluded.related_data_nodes
                """,
                [
                    instance.id, instance.projectID, instance.service.rawValue, instance.name,
                    instance.datastore?.type, instance.datastore?.version, instance.engine, instance.engineVersion,
                    JSONColumn.encode(instance.relatedDataNodes),
                ]
            )
            advance()
        }
        for backup in content.backups {
            try write(backup)
            advance()
        }
        progress(written)
    }

    private func write(_ backup: Backup) throws {
        switch backup {
        case .rds(let b):
            try execute(
                """
                INSERT OR REPLACE INTO rds_backups (id, instance_id, offsite_project_id, name, type, status, size,
                    begin_time, begin_key, end_time, databases, associated_with_ddm, datastore_type, datastore_version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    b.id, b.instanceID, b.offsiteProjectID, b.name, b.type.rawValue, b.status.rawValue, b.size,
                    b.beginTime.text, b.beginTime.epochSeconds, b.endTime.text, JSONColumn.encode(b.databases),
                    b.associatedWithDDM, b.datastore?.type, b.datastore?.version,
                ]
            )
        case .taurusdb(let b):
            try execute(
                """
                INSERT OR REPLACE INTO taurusdb_backups (id, instance_id, name, type, begin_time, begin_key, end_time, size)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    b.id, b.instanceID, b.name, b.type.rawValue, b.beginTime.text, b.beginTime.epochSeconds,
                    b.endTime.text, b.size,
                ]
            )
        case .dcs(let b):
            try execute(
                """
                INSERT OR REPLACE INTO dcs_backups (backup_id, instance_id, backup_name, backup_type, status, size,
                    progress, remark, period, error_code, is_support_restore, created_at, created_key, created_ms,
                    updated_at, execution_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    b.backupID, b.instanceID, b.backupName, b.backupType.rawValue, b.status.rawValue, b.size,
                    b.progress, b.remark, b.period, b.errorCode, b.isSupportRestore, b.createdAt.text,
                    b.createdAt.epochSeconds, b.createdAt.instant, b.updatedAt.text, b.executionAt.text,
                ]
            )
        case .ddm(let b):
            try execute(
                """
                INSERT OR REPLACE INTO ddm_backups (id, instance_id, name, begin_time, begin_key, end_time, related_data_nodes)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    b.id, b.instanceID, b.name, b.beginTime.text, b.beginTime.epochSeconds, b.endTime.text,
                    JSONColumn.encode(b.relatedDataNodes),
                ]
            )
        }
    }

    private func execute(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
