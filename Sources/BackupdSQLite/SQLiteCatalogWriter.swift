import BackupdCatalog
import GRDB

/// Writes a `CatalogContent` inside the caller's transaction, keyed upserts only:
/// records with known keys are updated in place, never deleted and re-inserted: a
/// `REPLACE` would skip the delete triggers that keep the list totals right.
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
                [user.domainID, user.name, user.passwordDigest, StoredJSON.encode(user.projectIDs)]
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
                    StoredJSON.encode(instance.relatedDataNodes),
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
                INSERT INTO rds_backups (id, instance_id, offsite_project_id, name, type, status, size,
                    begin_time, begin_key, end_time, databases, associated_with_ddm, datastore_type, datastore_version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET
                    instance_id = excluded.instance_id,
                    offsite_project_id = excluded.offsite_project_id,
                    name = excluded.name,
                    type = excluded.type,
                    status = excluded.status,
                    size = excluded.size,
                    begin_time = excluded.begin_time,
                    begin_key = excluded.begin_key,
                    end_time = excluded.end_time,
                    databases = excluded.databases,
                    associated_with_ddm = excluded.associated_with_ddm,
                    datastore_type = excluded.datastore_type,
                    datastore_version = excluded.datastore_version
                """,
                [
                    b.id, b.instanceID, b.offsiteProjectID, b.name, b.type.rawValue, b.status.rawValue, b.size,
                    b.beginTime.text, b.beginTime.epochSeconds, b.endTime.text, StoredJSON.encode(b.databases),
                    b.associatedWithDDM, b.datastore?.type, b.datastore?.version,
                ]
            )
        case .taurusdb(let b):
            try execute(
                """
                INSERT INTO taurusdb_backups (id, instance_id, name, type, begin_time, begin_key, end_time, size)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET
                    instance_id = excluded.instance_id,
                    name = excluded.name,
                    type = excluded.type,
                    begin_time = excluded.begin_time,
                    begin_key = excluded.begin_key,
                    end_time = excluded.end_time,
                    size = excluded.size
                """,
                [
                    b.id, b.instanceID, b.name, b.type.rawValue, b.beginTime.text, b.beginTime.epochSeconds,
                    b.endTime.text, b.size,
                ]
            )
        case .dcs(let b):
            try execute(
                """
                INSERT INTO dcs_backups (backup_id, instance_id, backup_name, backup_type, status, size,
                    progress, remark, period, error_code, is_support_restore, created_at, created_key, created_ms,
                    updated_at, execution_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(backup_id) DO UPDATE SET
                    instance_id = excluded.instance_id,
                    backup_name = excluded.backup_name,
                    backup_type = excluded.backup_type,
                    status = excluded.status,
                    size = excluded.size,
                    progress = excluded.progress,
                    remark = excluded.remark,
                    period = excluded.period,
                    error_code = excluded.error_code,
                    is_support_restore = excluded.is_support_restore,
                    created_at = excluded.created_at,
                    created_key = excluded.created_key,
                    created_ms = excluded.created_ms,
                    updated_at = excluded.updated_at,
                    execution_at = excluded.execution_at
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
                INSERT INTO ddm_backups (id, instance_id, name, begin_time, begin_key, end_time, related_data_nodes)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET
                    instance_id = excluded.instance_id,
                    name = excluded.name,
                    begin_time = excluded.begin_time,
                    begin_key = excluded.begin_key,
                    end_time = excluded.end_time,
                    related_data_nodes = excluded.related_data_nodes
                """,
                [
                    b.id, b.instanceID, b.name, b.beginTime.text, b.beginTime.epochSeconds, b.endTime.text,
                    StoredJSON.encode(b.relatedDataNodes),
                ]
            )
        }
    }

    private func execute(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
