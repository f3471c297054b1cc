import BackupdCatalog
import BackupdStorage
import Foundation

/// The PostgreSQL schema as named, append-only migrations, numbered like SQLite's
/// (`SQLiteMigrations`): the same tables, constraints and list indexes, in PostgreSQL's terms.
/// Never edit one that has shipped; add the next.
///
/// Differences from SQLite, each for a reason:
/// - Every text column is `COLLATE "C"`: lists order ties by id in byte order (`docs/api.md` §1.9),
///   whatever locale the database was created with.
/// - Backup tables carry `seq`, a row handle for `ListOrderIndex`, and RDS backups a generated
///   `holder` ('' at home, else the offsite project) so that home and offsite lists are one index range.
/// - The totals counters are kept by statement-level triggers over transition tables: a batch of
///   a thousand rows updates each counter once, not a thousand times.
/// - `catalog_revision` is the store's revision: a write transaction that changed anything increments
///   it as its last statement, with the change log's rows (`log_changes()`, from v8 on).
enum PostgresMigrations {
    struct Migration {
        let identifier: String
        let sql: String

    }

    static let all = [
        Migration(identifier: "v1-catalog", sql: v1Catalog),
        Migration(identifier: "v2-credentials", sql: v2Credentials),
        Migration(identifier: "v3-clock", sql: v3Clock),
        Migration(identifier: "v4-lifecycle", sql: v4Lifecycle),
        Migration(identifier: "v5-written-fields", sql: v5WrittenFields),
        Migration(identifier: "v6-policies", sql: v6Policies),
        Migration(identifier: "v7-offsite-policies", sql: v7OffsitePolicies),
        Migration(identifier: "v8-change-log", sql: v8ChangeLog),
    ]

    private static let v1Catalog = """
        CREATE TABLE catalog_revision (
            only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
            revision bigint NOT NULL
        );
        INSERT INTO catalog_revision VALUES (true, 1);

        CREATE TABLE domains (
            id text COLLATE "C" PRIMARY KEY CHECK (length(id) = 32),
            name text COLLATE "C" NOT NULL UNIQUE CHECK (name <> '')
        );

        CREATE TABLE projects (
            id text COLLATE "C" PRIMARY KEY CHECK (length(id) = 32),
            domain_id text COLLATE "C" NOT NULL REFERENCES domains(id),
            name text COLLATE "C" NOT NULL CHECK (name <> ''),
            UNIQUE (domain_id, name)
        );

        CREATE TABLE users (
            domain_id text COLLATE "C" NOT NULL REFERENCES domains(id),
            name text COLLATE "C" NOT NULL CHECK (name <> ''),
            password_digest text COLLATE "C",
            -- JSON array of project ids; NULL means every project of the domain.
            project_ids text COLLATE "C" CHECK (project_ids IS NULL OR project_ids::jsonb IS NOT NULL),
            PRIMARY KEY (domain_id, name)
        );

        CREATE TABLE access_keys (
            access text COLLATE "C" PRIMARY KEY CHECK (access <> ''),
            domain_id text COLLATE "C" NOT NULL,
            user_name text COLLATE "C" NOT NULL,
            secret text COLLATE "C",
            FOREIGN KEY (domain_id, user_name) REFERENCES users(domain_id, name)
        );

        CREATE TABLE instances (
            id text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
            project_id text COLLATE "C" NOT NULL REFERENCES projects(id),
            service text COLLATE "C" NOT NULL CHECK (service IN ('rds', 'taurusdb', 'dcs', 'ddm')),
            name text COLLATE "C" NOT NULL,
            datastore_type text COLLATE "C",
            datastore_version text COLLATE "C",
            engine text COLLATE "C",
            engine_version text COLLATE "C",
            related_data_nodes text COLLATE "C" CHECK (related_data_nodes IS NULL OR related_data_nodes::jsonb IS NOT NULL),
            CHECK ((service IN ('rds', 'taurusdb')) = (datastore_type IS NOT NULL AND datastore_version IS NOT NULL))
        );
        CREATE INDEX instances_by_project ON instances(project_id, service);

        CREATE TABLE rds_backups (
            seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            id text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
            instance_id text COLLATE "C" NOT NULL REFERENCES instances(id),
            offsite_project_id text COLLATE "C" REFERENCES projects(id),
            holder text COLLATE "C" GENERATED ALWAYS AS (coalesce(offsite_project_id, '')) STORED,
            name text COLLATE "C" NOT NULL,
            type text COLLATE "C" NOT NULL CHECK (type IN ('auto', 'manual', 'fragment', 'incremental')),
            status text COLLATE "C" NOT NULL CHECK (status IN ('BUILDING', 'COMPLETED', 'FAILED', 'DELETING')),
            size bigint NOT NULL CHECK (size >= 0),
            begin_time text COLLATE "C" NOT NULL,
            begin_key bigint NOT NULL,
            end_time text COLLATE "C" NOT NULL,
            databases text COLLATE "C" CHECK (databases IS NULL OR databases::jsonb IS NOT NULL),
            associated_with_ddm boolean,
            datastore_type text COLLATE "C",
            datastore_version text COLLATE "C",
            CHECK ((datastore_type IS NULL) = (datastore_version IS NULL))
        );
        CREATE INDEX rds_backups_listing ON rds_backups(instance_id, holder, begin_key DESC, id) INCLUDE (type, status, seq);

        CREATE TABLE taurusdb_backups (
            seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            id text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
            instance_id text COLLATE "C" NOT NULL REFERENCES instances(id),
            name text COLLATE "C" NOT NULL,
            type text COLLATE "C" NOT NULL CHECK (type IN ('auto', 'manual', 'incremental')),
            begin_time text COLLATE "C" NOT NULL,
            begin_key bigint NOT NULL,
            end_time text COLLATE "C" NOT NULL,
            size double precision NOT NULL CHECK (size >= 0)
        );
        CREATE INDEX taurusdb_backups_listing ON taurusdb_backups(instance_id, type, begin_key DESC, id) INCLUDE (seq);

        CREATE TABLE dcs_backups (
            seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            backup_id text COLLATE "C" PRIMARY KEY CHECK (backup_id <> ''),
            instance_id text COLLATE "C" NOT NULL REFERENCES instances(id),
            backup_name text COLLATE "C" NOT NULL,
            backup_type text COLLATE "C" NOT NULL CHECK (backup_type IN ('manual', 'auto')),
            status text COLLATE "C" NOT NULL
                CHECK (status IN ('waiting', 'backuping', 'succeed', 'failed', 'expired', 'deleted')),
            size bigint NOT NULL CHECK (size >= 0),
            progress text COLLATE "C" NOT NULL,
            remark text COLLATE "C" NOT NULL,
            period text COLLATE "C",
            error_code text COLLATE "C",
            is_support_restore text COLLATE "C" NOT NULL CHECK (is_support_restore IN ('TRUE', 'FALSE')),
            created_at text COLLATE "C" NOT NULL,
            -- created_at in whole seconds: the DCS sort and window key.
            created_key bigint NOT NULL,
            created_ms bigint NOT NULL,
            updated_at text COLLATE "C" NOT NULL,
            execution_at text COLLATE "C" NOT NULL
        );
        CREATE INDEX dcs_backups_listing ON dcs_backups(instance_id, created_key DESC, backup_id) INCLUDE (seq);

        CREATE TABLE ddm_backups (
            id text COLLATE "C" PRIMARY KEY CHECK (id <> ''),
            instance_id text COLLATE "C" NOT NULL REFERENCES instances(id),
            name text COLLATE "C" NOT NULL,
            begin_time text COLLATE "C" NOT NULL,
            begin_key bigint NOT NULL,
            end_time text COLLATE "C" NOT NULL,
            related_data_nodes text COLLATE "C" CHECK (related_data_nodes IS NULL OR related_data_nodes::jsonb IS NOT NULL)
        );
        CREATE INDEX ddm_backups_by_instance ON ddm_backups(instance_id);

        -- Totals without a time window are read from these counters, kept in the writing
        -- transaction, so a list's total_count costs a few rows however many backups an instance has.
        CREATE TABLE rds_backup_totals (
            instance_id text COLLATE "C" NOT NULL,
            holder text COLLATE "C" NOT NULL,
            type text COLLATE "C" NOT NULL,
            status text COLLATE "C" NOT NULL,
            count bigint NOT NULL CHECK (count >= 0),
            PRIMARY KEY (instance_id, holder, type, status)
        );
        CREATE FUNCTION rds_backup_totals_add() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO rds_backup_totals AS t
                SELECT instance_id, holder, type, status, count(*) FROM added GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
                ON CONFLICT (instance_id, holder, type, status) DO UPDATE SET count = t.count + excluded.count;
            RETURN NULL;
        END $$;
        CREATE FUNCTION rds_backup_totals_remove() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE rds_backup_totals AS t SET count = t.count - r.count
                FROM (SELECT instance_id, holder, type, status, count(*) AS count FROM removed GROUP BY 1, 2, 3, 4) AS r
                WHERE t.instance_id = r.instance_id AND t.holder = r.holder AND t.type = r.type AND t.status = r.status;
            RETURN NULL;
        END $$;
        CREATE FUNCTION rds_backup_totals_move() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE rds_backup_totals AS t SET count = t.count - r.count
                FROM (SELECT instance_id, holder, type, status, count(*) AS count FROM removed GROUP BY 1, 2, 3, 4) AS r
                WHERE t.instance_id = r.instance_id AND t.holder = r.holder AND t.type = r.type AND t.status = r.status;
            INSERT INTO rds_backup_totals AS t
                SELECT instance_id, holder, type, status, count(*) FROM added GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
                ON CONFLICT (instance_id, holder, type, status) DO UPDATE SET count = t.count + excluded.count;
            RETURN NULL;
        END $$;
        CREATE TRIGGER rds_backups_total_insert AFTER INSERT ON rds_backups
            REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION rds_backup_totals_add();
        CREATE TRIGGER rds_backups_total_delete AFTER DELETE ON rds_backups
            REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION rds_backup_totals_remove();
        CREATE TRIGGER rds_backups_total_update AFTER UPDATE ON rds_backups
            REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION rds_backup_totals_move();

        CREATE TABLE taurusdb_backup_totals (
            instance_id text COLLATE "C" NOT NULL,
            type text COLLATE "C" NOT NULL,
            count bigint NOT NULL CHECK (count >= 0),
            PRIMARY KEY (instance_id, type)
        );
        CREATE FUNCTION taurusdb_backup_totals_add() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO taurusdb_backup_totals AS t
                SELECT instance_id, type, count(*) FROM added GROUP BY 1, 2 ORDER BY 1, 2
                ON CONFLICT (instance_id, type) DO UPDATE SET count = t.count + excluded.count;
            RETURN NULL;
        END $$;
        CREATE FUNCTION taurusdb_backup_totals_remove() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE taurusdb_backup_totals AS t SET count = t.count - r.count
                FROM (SELECT instance_id, type, count(*) AS count FROM removed GROUP BY 1, 2) AS r
                WHERE t.instance_id = r.instance_id AND t.type = r.type;
            RETURN NULL;
        END $$;
        CREATE FUNCTION taurusdb_backup_totals_move() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE taurusdb_backup_totals AS t SET count = t.count - r.count
                FROM (SELECT instance_id, type, count(*) AS count FROM removed GROUP BY 1, 2) AS r
                WHERE t.instance_id = r.instance_id AND t.type = r.type;
            INSERT INTO taurusdb_backup_totals AS t
                SELECT instance_id, type, count(*) FROM added GROUP BY 1, 2 ORDER BY 1, 2
                ON CONFLICT (instance_id, type) DO UPDATE SET count = t.count + excluded.count;
            RETURN NULL;
        END $$;
        CREATE TRIGGER taurusdb_backups_total_insert AFTER INSERT ON taurusdb_backups
            REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION taurusdb_backup_totals_add();
        CREATE TRIGGER taurusdb_backups_total_delete AFTER DELETE ON taurusdb_backups
            REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION taurusdb_backup_totals_remove();
        CREATE TRIGGER taurusdb_backups_total_update AFTER UPDATE ON taurusdb_backups
            REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION taurusdb_backup_totals_move();

        CREATE TABLE dcs_backup_totals (
            instance_id text COLLATE "C" PRIMARY KEY,
            count bigint NOT NULL CHECK (count >= 0)
        );
        CREATE FUNCTION dcs_backup_totals_add() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO dcs_backup_totals AS t
                SELECT instance_id, count(*) FROM added GROUP BY 1 ORDER BY 1
                ON CONFLICT (instance_id) DO UPDATE SET count = t.count + excluded.count;
            RETURN NULL;
        END $$;
        CREATE FUNCTION dcs_backup_totals_remove() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE dcs_backup_totals AS t SET count = t.count - r.count
                FROM (SELECT instance_id, count(*) AS count FROM removed GROUP BY 1) AS r
                WHERE t.instance_id = r.instance_id;
            RETURN NULL;
        END $$;
        CREATE FUNCTION dcs_backup_totals_move() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE dcs_backup_totals AS t SET count = t.count - r.count
                FROM (SELECT instance_id, count(*) AS count FROM removed GROUP BY 1) AS r
                WHERE t.instance_id = r.instance_id;
            INSERT INTO dcs_backup_totals AS t
                SELECT instance_id, count(*) FROM added GROUP BY 1 ORDER BY 1
                ON CONFLICT (instance_id) DO UPDATE SET count = t.count + excluded.count;
            RETURN NULL;
        END $$;
        CREATE TRIGGER dcs_backups_total_insert AFTER INSERT ON dcs_backups
            REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION dcs_backup_totals_add();
        CREATE TRIGGER dcs_backups_total_delete AFTER DELETE ON dcs_backups
            REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION dcs_backup_totals_remove();
        CREATE TRIGGER dcs_backups_total_update AFTER UPDATE ON dcs_backups
            REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION dcs_backup_totals_move();
        """

    /// Issued IAM tokens (only their SHA-256) and the signature-failure state of access keys,
    /// both in the store so that every node sharing it accepts the same tokens and sees the
    /// same locks (`docs/auth.md` §2.3, §4.5).
    private static let v2Credentials = """
        CREATE TABLE tokens (
            digest text COLLATE "C" PRIMARY KEY CHECK (length(digest) = 64),
            domain_id text COLLATE "C" NOT NULL,
            user_name text COLLATE "C" NOT NULL,
            -- NULL for a domain-scoped token.
            project_id text COLLATE "C",
            issued_at bigint NOT NULL,
            expires_at bigint NOT NULL CHECK (expires_at > issued_at),
            FOREIGN KEY (domain_id, user_name) REFERENCES users(domain_id, name) ON DELETE CASCADE
        );
        CREATE INDEX tokens_by_expiry ON tokens(expires_at);

        CREATE TABLE signature_failures (
            access text COLLATE "C" PRIMARY KEY REFERENCES access_keys(access) ON DELETE CASCADE,
            consecutive_failures integer NOT NULL CHECK (consecutive_failures >= 0),
            locked_until bigint
        );
        """

    /// The catalog clock, the phase timings and the armed faults, as SQLite's `v3-clock`.
    private static let v3Clock = """
        CREATE TABLE catalog_clock (
            only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
            offset_ms bigint NOT NULL,
            -- The reading while frozen; NULL while the clock runs.
            frozen_at bigint
        );
        INSERT INTO catalog_clock VALUES (true, 0, NULL);

        CREATE TABLE lifecycle_timings (
            only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
            rds_building bigint NOT NULL CHECK (rds_building BETWEEN 0 AND 86400),
            rds_deleting bigint NOT NULL CHECK (rds_deleting BETWEEN 0 AND 86400),
            taurusdb_building bigint NOT NULL CHECK (taurusdb_building BETWEEN 0 AND 86400),
            dcs_waiting bigint NOT NULL CHECK (dcs_waiting BETWEEN 0 AND 86400),
            dcs_backuping bigint NOT NULL CHECK (dcs_backuping BETWEEN 0 AND 86400)
        );
        INSERT INTO lifecycle_timings VALUES (true, 60, 10, 60, 5, 60);

        CREATE TABLE armed_faults (
            instance_id text COLLATE "C" PRIMARY KEY REFERENCES instances(id) ON DELETE CASCADE,
            armed_at bigint NOT NULL
        );
        """

    /// The tracks of lifecycle records and the name index of creates, as SQLite's `v4-lifecycle`.
    private static let v4Lifecycle = """
        CREATE TABLE lifecycle_tracks (
            backup_id text COLLATE "C" PRIMARY KEY CHECK (backup_id <> ''),
            service text COLLATE "C" NOT NULL CHECK (service IN ('rds', 'taurusdb', 'dcs', 'ddm')),
            instance_id text COLLATE "C" NOT NULL REFERENCES instances(id),
            -- NULL for a seeded record that a delete reached.
            started_at bigint,
            waiting_ms bigint NOT NULL CHECK (waiting_ms >= 0),
            building_ms bigint NOT NULL CHECK (building_ms >= 0),
            fails boolean NOT NULL,
            deleted_at bigint,
            deleting_ms bigint NOT NULL CHECK (deleting_ms >= 0),
            retired_at bigint,
            retention_ms bigint,
            -- The next instant the record changes; NULL when it never will.
            next_change bigint
        );
        CREATE INDEX lifecycle_tracks_due ON lifecycle_tracks(next_change) WHERE next_change IS NOT NULL;
        CREATE INDEX lifecycle_tracks_by_instance ON lifecycle_tracks(instance_id);
        CREATE INDEX rds_backups_by_name ON rds_backups(instance_id, name);
        """

    /// The TaurusDB and DDM fields of the write side, as SQLite's `v5-written-fields`.
    private static let v5WrittenFields = """
        ALTER TABLE taurusdb_backups ADD COLUMN status text COLLATE "C" NOT NULL DEFAULT 'COMPLETED'
            CHECK (status IN ('BUILDING', 'COMPLETED', 'FAILED'));
        ALTER TABLE taurusdb_backups ADD COLUMN description text COLLATE "C";
        ALTER TABLE ddm_backups ADD COLUMN status text COLLATE "C" NOT NULL DEFAULT 'normal'
            CHECK (status IN ('normal', 'createfail', 'deleted'));
        ALTER TABLE ddm_backups ADD COLUMN description text COLLATE "C" NOT NULL DEFAULT '';
        ALTER TABLE ddm_backups ADD COLUMN file_size double precision NOT NULL DEFAULT 0 CHECK (file_size >= 0);
        ALTER TABLE ddm_backups ADD COLUMN backup_type text COLLATE "C" NOT NULL DEFAULT 'auto_metadata'
            CHECK (backup_type IN ('auto_metadata', 'metadata'));
        CREATE INDEX ddm_backups_listing ON ddm_backups(instance_id, begin_key DESC, id);
        """

    /// Backup policies, as SQLite's `v6-policies`.
    private static let v6Policies = """
        CREATE TABLE backup_policies (
            instance_id text COLLATE "C" PRIMARY KEY REFERENCES instances(id) ON DELETE CASCADE,
            kind text COLLATE "C" NOT NULL CHECK (kind IN ('full', 'dcs', 'ddm')),
            keep_days bigint,
            start_time text COLLATE "C",
            period text COLLATE "C",
            dcs_backup_type text COLLATE "C" CHECK (dcs_backup_type IS NULL OR dcs_backup_type IN ('auto', 'manual')),
            save_days bigint,
            backup_at text COLLATE "C",
            period_type text COLLATE "C",
            begin_at text COLLATE "C",
            timezone_offset text COLLATE "C",
            since bigint NOT NULL,
            scheduled_through bigint NOT NULL,
            chain_start bigint,
            incremental_floor bigint,
            policy_id text COLLATE "C",
            created_at bigint,
            -- The next instant the scheduler makes a backup at; NULL while it makes none.
            next_run bigint,
            -- The id prefix of the instance's incremental chain (`IncrementalSeries`).
            series_prefix text COLLATE "C"
        );
        CREATE INDEX backup_policies_due ON backup_policies(next_run) WHERE next_run IS NOT NULL;
        CREATE INDEX backup_policies_by_series ON backup_policies(series_prefix) WHERE series_prefix IS NOT NULL;
        """

    /// Cross-region policies, as SQLite's `v7-offsite-policies`.
    private static let v7OffsitePolicies = """
        CREATE TABLE offsite_policies (
            instance_id text COLLATE "C" PRIMARY KEY REFERENCES instances(id) ON DELETE CASCADE,
            copies_auto boolean NOT NULL,
            copies_incremental boolean NOT NULL,
            copies_manual boolean NOT NULL,
            keep_days bigint NOT NULL CHECK (keep_days BETWEEN 0 AND 1825),
            destination_region text COLLATE "C" NOT NULL,
            destination_project_id text COLLATE "C" NOT NULL,
            incremental_floor bigint
        );
        CREATE TABLE offsite_incremental_segments (
            instance_id text COLLATE "C" NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
            first_begin bigint,
            last_begin bigint
        );
        CREATE INDEX offsite_incremental_segments_by_instance ON offsite_incremental_segments(instance_id);
        """

    /// The change log (`ChangeLogging`, `docs/architecture.md` "Caches"), as SQLite's v8: statement
    /// triggers over transition tables note each statement's scopes in `pending_changes` under the
    /// transaction's id (concurrent writers never meet there), and `log_changes()`, the last
    /// statement of every write transaction, turns them into the next revision's rows.
    private static let v8ChangeLog = """
        CREATE TABLE catalog_changes (
            revision bigint NOT NULL,
            scope text COLLATE "C" NOT NULL,
            PRIMARY KEY (revision, scope)
        );
        CREATE TABLE pending_changes (
            txid bigint NOT NULL,
            scope text COLLATE "C" NOT NULL,
            PRIMARY KEY (txid, scope)
        );
        CREATE TABLE settle_marks (
            only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
            chains_step bigint
        );
        INSERT INTO settle_marks VALUES (true, NULL);

        CREATE FUNCTION log_changes() RETURNS bigint LANGUAGE plpgsql AS $$
        DECLARE
            next_revision bigint;
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pending_changes WHERE txid = txid_current()) THEN
                RETURN NULL;
            END IF;
            UPDATE catalog_revision SET revision = revision + 1 RETURNING revision INTO next_revision;
            IF EXISTS (SELECT 1 FROM pending_changes WHERE txid = txid_current() AND scope = '\(ChangeScope.Logged.everything)') THEN
                INSERT INTO catalog_changes VALUES (next_revision, '\(ChangeScope.Logged.everything)');
            ELSE
                INSERT INTO catalog_changes
                SELECT next_revision, scope FROM pending_changes WHERE txid = txid_current()
                UNION SELECT next_revision, '\(ChangeScope.Logged.projectPrefix)' || project_id FROM instances
                    WHERE id IN (
                        SELECT substr(scope, \(ChangeScope.Logged.instancePrefix.utf8.count + 1)) FROM pending_changes
                        WHERE txid = txid_current() AND scope LIKE '\(ChangeScope.Logged.instancePrefix)%'
                    )
                UNION SELECT next_revision, '\(ChangeScope.Logged.clock)';
            END IF;
            DELETE FROM pending_changes WHERE txid = txid_current();
            DELETE FROM catalog_changes WHERE revision <= next_revision - \(ChangeLog.keptRevisions);
            RETURN next_revision;
        END $$;
        """ + ChangeLogging.tables.map(changeTriggers).joined(separator: "\n")

    private static func changeTriggers(_ table: ChangeLogging.LoggedTable) -> String {
        let function = "note_\(table.name)_changes"
        let everything = ChangeScope.Logged.everything
        func note(_ rows: String) -> String {
            """
            INSERT INTO pending_changes SELECT DISTINCT txid_current(), \(table.expression(row: "")) FROM \(rows)
                    ON CONFLICT DO NOTHING;
            """
        }
        return """
            CREATE FUNCTION \(function)() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM pending_changes WHERE txid = txid_current() AND scope = '\(everything)') THEN
                    RETURN NULL;
                END IF;
                \(note("changed_rows"))
                IF TG_OP = 'UPDATE' THEN
                    \(note("old_rows"))
                END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER \(table.name)_note_insert AFTER INSERT ON \(table.name)
                REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION \(function)();
            CREATE TRIGGER \(table.name)_note_update AFTER UPDATE ON \(table.name)
                REFERENCING OLD TABLE AS old_rows NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION \(function)();
            CREATE TRIGGER \(table.name)_note_delete AFTER DELETE ON \(table.name)
                REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION \(function)();
            """
    }
}
